/**
 * Content negotiation: which representation a client asked for (`Accept`) and what it sent
 * (`Content-Type`), with kubectl's parameters: `as=Table;g=meta.k8s.io;v=v1` for server-side
 * printing and `as=PartialObjectMetadata(List)` for metadata-only clients.
 */

export type Representation = 'object' | 'table' | 'partial-metadata';

export interface OutputFormat {
  readonly representation: Representation;
  /** 'json' or 'yaml'. */
  readonly encoding: 'json' | 'yaml';
}

interface MediaRange {
  type: string;
  params: Map<string, string>;
  q: number;
}

function parseMediaRanges(header: string): MediaRange[] {
  return header
    .split(',')
    .map((part) => {
      const [type = '', ...rest] = part.split(';').map((s) => s.trim());
      const params = new Map<string, string>();
      for (const p of rest) {
        const eq = p.indexOf('=');
        if (eq > 0) params.set(p.slice(0, eq).trim().toLowerCase(), p.slice(eq + 1).trim());
      }
      const q = Number(params.get('q') ?? '1');
      return { type: type.toLowerCase(), params, q: Number.isFinite(q) ? q : 1 };
    })
    .filter((r) => r.type !== '')
    .sort((a, b) => b.q - a.q);
}

/**
 * Picks the output for a GET/LIST/WATCH. Returns undefined when nothing acceptable can be served
 * (only protobuf or other unknown types): the caller answers 406.
 */
export function negotiateOutput(
  accept: string | undefined,
  opts: { tables: boolean },
): OutputFormat | undefined {
  if (!accept) return { representation: 'object', encoding: 'json' };
  for (const r of parseMediaRanges(accept)) {
    const encoding =
      r.type === 'application/json' || r.type === 'application/*' || r.type === '*/*'
        ? 'json'
        : r.type === 'application/yaml'
          ? 'yaml'
          : undefined;
    if (!encoding) continue;
    const as = r.params.get('as');
    const g = r.params.get('g');
    if (!as) return { representation: 'object', encoding };
    if (g !== 'meta.k8s.io') continue;
    if (as === 'Table' && opts.tables) return { representation: 'table', encoding };
    if (as === 'PartialObjectMetadata' || as === 'PartialObjectMetadataList') {
      return { representation: 'partial-metadata', encoding };
    }
  }
  return undefined;
}

export type BodyType =
  | 'json'
  | 'yaml'
  | 'json-patch'
  | 'merge-patch'
  | 'strategic-merge-patch'
  | 'apply-patch'
  | 'protobuf'
  | 'unknown';

/** Classifies a request body's Content-Type. */
export function bodyType(contentType: string | undefined): BodyType {
  const t = (contentType ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  switch (t) {
    case '':
    case 'application/json':
      return 'json';
    case 'application/yaml':
    case 'application/x-yaml':
    case 'text/yaml':
      return 'yaml';
    case 'application/json-patch+json':
      return 'json-patch';
    case 'application/merge-patch+json':
      return 'merge-patch';
    case 'application/strategic-merge-patch+json':
      return 'strategic-merge-patch';
    case 'application/apply-patch+yaml':
    case 'application/apply-patch+json':
      return 'apply-patch';
    case 'application/vnd.kubernetes.protobuf':
      return 'protobuf';
    default:
      return 'unknown';
  }
}
