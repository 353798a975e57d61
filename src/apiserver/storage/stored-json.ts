/**
 * An object as the store keeps it: JSON without `metadata.resourceVersion` (the store's revision
 * is that), as upstream's etcd3 storage writes it. The text remembers where its metadata opens,
 * so the object's JSON with a resourceVersion (what a writer gets back) is the same text with one
 * key added, not a second serialization of the object.
 */
import type { KubeObject } from '../../api/index.ts';

/** Length of `"metadata":{`. */
const metadataKeyAndBrace = 12;

export class StoredJson {
  /** The JSON stored. */
  readonly text: string;
  /** Index just past the `{` that opens `metadata` in `text`, or -1 when there is none. */
  private readonly metadataStart: number;

  private constructor(text: string, metadataStart: number) {
    this.text = text;
    this.metadataStart = metadataStart;
  }

  /** Encodes `obj` with JSON.stringify, leaving out `metadata.resourceVersion`. */
  static of(obj: KubeObject): StoredJson {
    let stored = obj;
    if (obj.metadata?.resourceVersion !== undefined) {
      const { resourceVersion: _rv, ...metadata } = obj.metadata;
      stored = { ...obj, metadata };
    }
    return new StoredJson(JSON.stringify(stored), metadataStart(stored));
  }

  /**
   * The object's JSON with `metadata.resourceVersion` set to `revision`, as the first key of
   * metadata (key order means nothing in JSON, and clients decode into maps or structs).
   */
  withRevision(revision: number): string {
    const rv = `"resourceVersion":"${revision}"`;
    const at = this.metadataStart;
    if (at < 0) {
      const sep = this.text.length > 2 ? ',' : '';
      return `${this.text.slice(0, -1)}${sep}"metadata":{${rv}}}`;
    }
    const sep = this.text[at] === '}' ? '' : ',';
    return `${this.text.slice(0, at)}${rv}${sep}${this.text.slice(at)}`;
  }
}

/**
 * Where `metadata`'s contents start in JSON.stringify(obj): its keys come in the same order as
 * for...in visits them, so the length of what precedes metadata (usually apiVersion and kind,
 * short strings) places it without searching the text.
 */
function metadataStart(obj: KubeObject): number {
  let at = 1;
  for (const key in obj) {
    const value: unknown = (obj as Record<string, unknown>)[key];
    if (
      key === 'metadata' &&
      value !== null &&
      typeof value === 'object' &&
      !Array.isArray(value)
    ) {
      return at + metadataKeyAndBrace;
    }
    // undefined for what JSON.stringify leaves out (undefined, functions, symbols).
    const encoded = JSON.stringify(value) as string | undefined;
    if (encoded === undefined) continue;
    if (key === 'metadata') return -1;
    at += JSON.stringify(key).length + 1 + encoded.length + 1;
  }
  return -1;
}
