/**
 * Request bodies and write options, decoded as upstream's handlers do:
 *   - at most 3 MiB (413), JSON or YAML (415 otherwise);
 *   - the body's apiVersion and kind default to the endpoint's and must name it;
 *   - decoded against the kind's schema with the request's fieldValidation: Strict rejects unknown
 *     and duplicate fields (400), Warn reports them as `Warning` headers, Ignore drops them;
 *   - a patched object is decoded the same way, its problems answered as a 422 on `patch`.
 * Query options: dryRun (only `All`), fieldManager (defaulted from the User-Agent), fieldValidation,
 * force (apply only).
 */
import {
  BodySyntaxError,
  decodeAgainstSchema,
  interpretTypeMeta,
  parseJsonBody,
  parseProtobufBody,
  parseYamlBody,
  ProtobufDecodeError,
  strictDecodingMessage,
  unrecognizedObjectMessage,
  type DeleteOptions,
  type FieldValidationDirective,
  type KubeObject,
  type ObjectSchema,
  type ParsedBody,
  deleteOptionsSchema,
} from '../../api/index.ts';
import { fieldManagerFor, validateWriteOptions, ApplyError } from '../apply/index.ts';
import { ApiError, badRequest, unsupportedMediaType } from '../errors.ts';
import { bodyType } from '../negotiation.ts';
import { decodePatch, isPatchError } from '../patch/index.ts';
import type { HandlerContext } from './context.ts';
import type { ParsedPatch } from './patching.ts';

/** Largest request body (upstream MaxRequestBodyBytes). */
export const maxBodyBytes = 3 * 1024 * 1024;

const acceptedTypes = [
  'application/json',
  'application/yaml',
  'application/vnd.kubernetes.protobuf',
];

export interface WriteOptions {
  readonly dryRun: boolean;
  /** The manager recorded in managedFields (the parameter, or derived from the User-Agent). */
  readonly fieldManager: string;
  /** The `fieldManager` parameter as sent (apply requires it). */
  readonly rawFieldManager: string | undefined;
  readonly fieldValidation: FieldValidationDirective;
  readonly force: boolean;
}

function parseDryRun(values: readonly string[]): boolean {
  for (const v of values) {
    if (v !== 'All') {
      throw new ApiError(
        422,
        'Invalid',
        `dryRun: Unsupported value: "${v}": supported values: "All"`,
      );
    }
  }
  return values.length > 0;
}

/** Query options of a write; for DELETE, `dryRun` may also come from the body's options. */
export function writeOptions(ctx: HandlerContext, deleteOptions?: DeleteOptions): WriteOptions {
  const q = ctx.info.query;
  const dryRun = parseDryRun([...q.getAll('dryRun'), ...(deleteOptions?.dryRun ?? [])]);
  const fv = q.get('fieldValidation') ?? '';
  let fieldValidation: FieldValidationDirective;
  if (fv === '' || fv === 'Warn') fieldValidation = 'Warn';
  else if (fv === 'Strict' || fv === 'Ignore') fieldValidation = fv;
  else {
    throw badRequest(
      `fieldValidation: Unsupported value: "${fv}": supported values: "Ignore", "Strict", "Warn"`,
    );
  }
  const rawFieldManager = q.get('fieldManager') ?? undefined;
  const forceRaw = q.get('force');
  const isApply =
    bodyType(ctx.req.header('content-type')) === 'apply-patch' && ctx.info.verb === 'patch';
  const kind =
    ctx.info.verb === 'create'
      ? 'CreateOptions'
      : ctx.info.verb === 'patch'
        ? 'PatchOptions'
        : 'UpdateOptions';
  if (ctx.info.verb !== 'delete' && ctx.info.verb !== 'deletecollection') {
    const err = validateWriteOptions({
      kind,
      apply: isApply,
      fieldManager: rawFieldManager,
      ...(forceRaw !== null ? { force: forceRaw === 'true' } : {}),
    });
    if (err instanceof ApplyError) throw ApiError.fromStatus(err.status);
  }
  return {
    dryRun,
    fieldManager: fieldManagerFor(rawFieldManager, ctx.req.header('user-agent')),
    rawFieldManager,
    fieldValidation,
    force: forceRaw === 'true',
  };
}

async function readBytes(ctx: HandlerContext): Promise<Buffer> {
  return ctx.req.readBody(maxBodyBytes);
}

/**
 * Parses a JSON, YAML or protobuf body. Protobuf needs the schema of the kind it carries (client-go's
 * typed clients, and so kubectl's `create` commands, send it); its envelope's empty apiVersion and
 * kind default to `endpoint`, as upstream's protobuf serializer does.
 */
function parseBody(
  ctx: HandlerContext,
  bytes: Buffer,
  targetKind: string,
  schema: ObjectSchema,
  endpoint?: { group: string; version: string },
): ParsedBody {
  const type = bodyType(ctx.req.header('content-type'));
  if (type === 'protobuf') {
    try {
      return parseProtobufBody(bytes, schema, {
        targetKind,
        ...(endpoint ? { defaultKind: { ...endpoint, kind: targetKind } } : {}),
      });
    } catch (err) {
      if (err instanceof ProtobufDecodeError) throw badRequest(err.message);
      throw err;
    }
  }
  if (type !== 'json' && type !== 'yaml') throw unsupportedMediaType(acceptedTypes);
  try {
    return type === 'json' ? parseJsonBody(bytes) : parseYamlBody(bytes);
  } catch (err) {
    if (err instanceof BodySyntaxError) {
      const detail =
        type === 'json'
          ? `couldn't get version/kind; json parse error: ${err.message}`
          : err.message;
      throw badRequest(unrecognizedObjectMessage(targetKind, detail, bytes));
    }
    throw err;
  }
}

/**
 * Checks the body names the endpoint's kind (missing apiVersion/kind default to it) and decodes it
 * against the schema. `value` is consumed.
 */
export function decodeObject(
  ctx: HandlerContext,
  value: unknown,
  mode: FieldValidationDirective,
  source?: ParsedBody,
  body?: Buffer,
): { object: KubeObject; warnings: string[] } {
  const { def } = ctx;
  const gv = def.group ? `${def.group}/${def.version}` : def.version;
  const tm = interpretTypeMeta(value);
  if ('error' in tm) {
    const message = unrecognizedObjectMessage(def.kind, tm.error, body ?? JSON.stringify(value));
    throw source ? badRequest(message) : patchInvalid(value, tm.error);
  }
  const kind = tm.kind || def.kind;
  const bodyGv = tm.version ? (tm.group ? `${tm.group}/${tm.version}` : tm.version) : gv;
  if (kind !== def.kind || bodyGv !== gv) {
    const known = ctx.services.kindKnown(bodyGv, kind);
    const detail = known
      ? `converting (${bodyGv}.${kind}) to (${def.kind}): unknown conversion`
      : `no kind "${kind}" is registered for version "${bodyGv}"`;
    throw badRequest(
      `${kind} in version "${tm.version || def.version}" cannot be handled as a ${def.kind}: ${detail}`,
    );
  }
  const result = decodeAgainstSchema<KubeObject>(value, def.schema, {
    mode,
    kindForMessages: { kind: def.kind, version: def.version },
    ...(source ? { source } : {}),
  });
  const [first] = result.errors;
  if (first) {
    if (!source) throw patchInvalid(value, first.detail);
    throw badRequest(first.message);
  }
  const object = result.value;
  object.apiVersion = gv;
  object.kind = def.kind;
  return { object, warnings: result.warnings };
}

/** A patched object that does not decode: upstream's 422 on the `patch` field. */
function patchInvalid(patched: unknown, detail: string): ApiError {
  return new ApiError(
    422,
    'Invalid',
    ` "" is invalid: patch: Invalid value: ${JSON.stringify(JSON.stringify(patched))}: ${detail}`,
    {
      causes: [
        {
          reason: 'FieldValueInvalid',
          message: `Invalid value: ${JSON.stringify(JSON.stringify(patched))}: ${detail}`,
          field: 'patch',
        },
      ],
    },
  );
}

/**
 * Reads a subresource's body (Binding, Scale, …) of any accepted media type and decodes it against
 * `schema`, ignoring unknown fields as upstream does for these kinds.
 */
export async function readSubresourceBody<T>(
  ctx: HandlerContext,
  kind: string,
  schema: ObjectSchema,
): Promise<T> {
  const bytes = await readBytes(ctx);
  const parsed = parseBody(ctx, bytes, kind, schema);
  const result = decodeAgainstSchema<T>(parsed.value, schema, {
    mode: 'Ignore',
    kindForMessages: { kind, version: 'v1' },
    source: parsed,
  });
  const [first] = result.errors;
  if (first) throw badRequest(first.message);
  return result.value;
}

/** Reads and decodes the object of a POST or PUT. */
export async function readObjectBody(
  ctx: HandlerContext,
  mode: FieldValidationDirective,
): Promise<{ object: KubeObject; warnings: string[] }> {
  const bytes = await readBytes(ctx);
  const { def } = ctx;
  const parsed = parseBody(ctx, bytes, def.kind, def.schema, def);
  return decodeObject(ctx, parsed.value, mode, parsed, bytes);
}

/** Reads a PATCH body of any supported type. */
export async function parsePatchBody(
  ctx: HandlerContext,
  mode: FieldValidationDirective,
): Promise<ParsedPatch> {
  const type = bodyType(ctx.req.header('content-type'));
  const bytes = await readBytes(ctx);
  switch (type) {
    case 'apply-patch':
      return { type: 'apply', value: bytes, strictErrors: [] };
    case 'json-patch':
    case 'merge-patch':
    case 'strategic-merge-patch': {
      const patchType =
        type === 'json-patch' ? 'json' : type === 'merge-patch' ? 'merge' : 'strategic';
      try {
        const decoded = decodePatch({ type: patchType, body: bytes, fieldValidation: mode });
        return { type: patchType, value: decoded.patch, strictErrors: decoded.strictErrors };
      } catch (err) {
        if (isPatchError(err))
          throw new ApiError(
            err.code === 500 ? 422 : err.code,
            err.reason || 'Invalid',
            err.message,
          );
        throw err;
      }
    }
    case 'json':
    case 'yaml':
    case 'protobuf':
    case 'unknown':
      throw new ApiError(
        415,
        'UnsupportedMediaType',
        `the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml, application/strategic-merge-patch+json`,
      );
  }
}

/**
 * Decodes a patched object. Strict problems of the patch body itself and of the result are
 * reported together, as upstream: warnings in Warn mode, a 422 in Strict mode.
 */
export function decodePatched(
  ctx: HandlerContext,
  patched: unknown,
  patch: ParsedPatch,
  mode: FieldValidationDirective,
): { object: KubeObject; warnings: string[] } {
  const text = JSON.stringify(patched);
  const decoded = decodeObject(ctx, patched, mode === 'Ignore' ? 'Ignore' : 'Warn');
  const strict = [...patch.strictErrors, ...decoded.warnings];
  if (mode === 'Strict' && strict.length) {
    throw patchInvalid(JSON.parse(text), strictDecodingMessage(strict));
  }
  return { object: decoded.object, warnings: mode === 'Warn' ? strict : [] };
}

/** DeleteOptions from the body (JSON or YAML) or, without one, from query parameters. */
export async function readDeleteOptions(ctx: HandlerContext): Promise<DeleteOptions> {
  const bytes = await readBytes(ctx);
  const q = ctx.info.query;
  if (bytes.length === 0) {
    const opts: DeleteOptions = {};
    const grace = q.get('gracePeriodSeconds');
    if (grace !== null) {
      const n = Number(grace);
      if (!Number.isInteger(n)) throw badRequest(`invalid gracePeriodSeconds: ${grace}`);
      opts.gracePeriodSeconds = n;
    }
    const policy = q.get('propagationPolicy');
    if (policy !== null) {
      if (policy !== 'Orphan' && policy !== 'Background' && policy !== 'Foreground') {
        throw new ApiError(
          422,
          'Invalid',
          `DeleteOptions.meta.k8s.io "" is invalid: propagationPolicy: Unsupported value: "${policy}": supported values: "Foreground", "Background", "Orphan", "nil"`,
        );
      }
      opts.propagationPolicy = policy;
    }
    const orphan = q.get('orphanDependents');
    if (orphan !== null) opts.orphanDependents = orphan === 'true';
    return opts;
  }
  const parsed = parseBody(ctx, bytes, 'DeleteOptions', deleteOptionsSchema);
  const result = decodeAgainstSchema<DeleteOptions>(parsed.value, deleteOptionsSchema, {
    mode: 'Ignore',
    kindForMessages: { kind: 'DeleteOptions', version: 'v1' },
    source: parsed,
  });
  const [first] = result.errors;
  if (first) throw badRequest(first.message);
  const opts = result.value;
  if (opts.propagationPolicy !== undefined && opts.orphanDependents !== undefined) {
    throw new ApiError(
      422,
      'Invalid',
      'DeleteOptions.meta.k8s.io "" is invalid: propagationPolicy: Invalid value: "' +
        opts.propagationPolicy +
        '": orphanDependents and deletionPropagation cannot be both set',
    );
  }
  return opts;
}
