/**
 * One manifest file to one static pod (upstream pkg/kubelet/config/common.go tryDecodeSinglePod and
 * applyDefaults, file.go extractFromFile):
 *
 *   1. parse: YAML or JSON (JSON is YAML), only the first document, as the API server parses YAML
 *   2. it must be a v1 Pod; decode against the Pod schema (unknown fields dropped, wrong types
 *      refused), and it needs a name
 *   3. the API's v1 defaults (as the API server would apply them)
 *   4. static pod defaults: UID = md5 of the pod, the node and the file's path (a file rewritten
 *      with other whitespace, comments or key order keeps its UID; any change of content, another
 *      node or another path gives a new one), name `<name>-<node>`, namespace `default` when
 *      empty, spec.nodeName, `kubernetes.io/config.hash: <UID>`, a toleration of every NoExecute
 *      taint (node problems never evict a static pod), phase Pending
 *   5. pod validation, as for a pod created through the API
 *
 * Errors are one sentence each, upstream's where there is one:
 * `<path>: couldn't parse as pod(<why>), please check config file` when it is not a pod at all,
 * `invalid pod: [<field errors>]` when it is one but not a valid one.
 */
import { createHash } from 'node:crypto';
import {
  BodySyntaxError,
  decodeAgainstSchema,
  formatFieldError,
  interpretTypeMeta,
  parseJsonBody,
  parseYamlBody,
  podsDef,
  type ParsedBody,
  type Pod,
  type Toleration,
} from '../../api/index.ts';
import { configHashAnnotationKey, generatePodName } from './static-pod.ts';

/** Upstream's limit for a manifest file (maxConfigLength). */
export const maxManifestBytes = 10 * 1024 * 1024;

export type DecodeStaticPodResult =
  { readonly ok: true; readonly pod: Pod } | { readonly ok: false; readonly error: string };

export interface DecodeStaticPodOptions {
  /** The manifest's contents. */
  readonly data: Uint8Array | string;
  /** The manifest's path: part of the UID, and named in errors. */
  readonly path: string;
  readonly nodeName: string;
}

/** JSON with object keys sorted, so the hash does not depend on the order a file lists them in. */
function stableJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(stableJson).join(',')}]`;
  if (v !== null && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    return `{${Object.keys(o)
      .filter((k) => o[k] !== undefined)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${stableJson(o[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(v);
}

/** The static pod's UID: md5 of the defaulted pod, the node and the file (upstream's inputs). */
export function staticPodUid(pod: Pod, nodeName: string, path: string): string {
  return createHash('md5')
    .update(stableJson(pod))
    .update(`host:${nodeName}`)
    .update(`file:${path}`)
    .digest('hex');
}

/** Upstream helper.AddOrUpdateTolerationInPod: replaces an equal toleration, else appends. */
function addOrUpdateToleration(pod: Pod, toleration: Toleration): void {
  const spec = pod.spec ?? { containers: [] };
  const list = spec.tolerations ?? [];
  const same = (t: Toleration): boolean =>
    (t.key ?? '') === (toleration.key ?? '') &&
    (t.operator ?? 'Equal') === (toleration.operator ?? 'Equal') &&
    (t.value ?? '') === (toleration.value ?? '') &&
    (t.effect ?? '') === (toleration.effect ?? '');
  const at = list.findIndex(same);
  if (at >= 0) list[at] = toleration;
  else list.push(toleration);
  spec.tolerations = list;
  pod.spec = spec;
}

/** Step 4: the static pod defaults (upstream applyDefaults for a file source). */
export function applyStaticPodDefaults(pod: Pod, path: string, nodeName: string): void {
  const meta = (pod.metadata ??= {});
  // A manifest may name its own UID; upstream keeps it (edits then update the pod in place).
  meta.uid ||= staticPodUid(pod, nodeName, path);
  meta.name = generatePodName(meta.name ?? '', nodeName);
  meta.namespace ||= 'default';
  const spec = (pod.spec ??= { containers: [] });
  spec.nodeName = nodeName;
  meta.annotations = { ...meta.annotations, [configHashAnnotationKey]: meta.uid };
  addOrUpdateToleration(pod, { operator: 'Exists', effect: 'NoExecute' });
  pod.status = { phase: 'Pending' };
}

function notAPod(path: string, why: string): DecodeStaticPodResult {
  return {
    ok: false,
    error: `${path}: couldn't parse as pod(${why}), please check config file`,
  };
}

function parse(data: Uint8Array | string): ParsedBody {
  const head = (typeof data === 'string' ? data : Buffer.from(data.subarray(0, 64)).toString())
    .trimStart()
    .slice(0, 1);
  // JSON is YAML too, but the YAML reader resolves numbers the YAML 1.1 way: read JSON as JSON,
  // and what only looks like it (a YAML flow mapping) as YAML.
  if (head === '{') {
    try {
      return parseJsonBody(data);
    } catch (err) {
      if (!(err instanceof BodySyntaxError)) throw err;
    }
  }
  return parseYamlBody(data);
}

/** The object as JSON, cut short for messages. */
function shortJson(v: unknown): string {
  const json = JSON.stringify(v ?? null);
  return json.length > 200 ? `${json.slice(0, 200)} ...` : json;
}

/** Steps 1–5 for one file; never throws. */
export function decodeStaticPod(opts: DecodeStaticPodOptions): DecodeStaticPodResult {
  const { data, path, nodeName } = opts;
  let parsed: ParsedBody;
  try {
    parsed = parse(data);
  } catch (err) {
    if (err instanceof BodySyntaxError) return notAPod(path, err.message);
    throw err;
  }
  const value = parsed.value;
  const tm = interpretTypeMeta(value);
  if ('error' in tm) return notAPod(path, tm.error);
  if (value === null || typeof value !== 'object' || !tm.kind) {
    return notAPod(path, `Object 'Kind' is missing in '${shortJson(value)}'`);
  }
  if (!tm.version) {
    return notAPod(path, `Object 'apiVersion' is missing in '${shortJson(value)}'`);
  }
  const gv = tm.group ? `${tm.group}/${tm.version}` : tm.version;
  if (tm.kind !== 'Pod' || gv !== 'v1') {
    return notAPod(path, `a ${gv} ${tm.kind} is not a pod: a manifest holds one v1 Pod`);
  }
  const decoded = decodeAgainstSchema<Pod>(value, podsDef.schema, {
    mode: 'Ignore',
    kindForMessages: { kind: 'Pod', version: 'v1' },
    source: parsed,
  });
  const [first] = decoded.errors;
  if (first) return notAPod(path, first.detail);
  const pod = decoded.value;
  if (!pod.metadata?.name) {
    return { ok: false, error: 'invalid pod: name is needed for the pod' };
  }
  podsDef.defaults(pod);
  applyStaticPodDefaults(pod, path, nodeName);
  const errs = podsDef.validate(pod, { namespace: pod.metadata.namespace ?? 'default' });
  if (errs.length) {
    // Go prints a field.ErrorList with %v: the errors in brackets, space-separated.
    return { ok: false, error: `invalid pod: [${errs.map(formatFieldError).join(' ')}]` };
  }
  return { ok: true, pod };
}
