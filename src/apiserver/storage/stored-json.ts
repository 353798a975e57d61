/**
 * An object as the store keeps it: JSON without `metadata.resourceVersion` (the store's revision
 * is that), as upstream's etcd3 storage writes it. The text remembers where its metadata closes,
 * so the object's JSON with a resourceVersion (what clients get back, and what watchers are sent)
 * is the same text with one key added, not a second serialization of the object.
 */
import type { KubeObject } from '../../api/index.ts';

export class StoredJson {
  /** The JSON stored. */
  readonly text: string;
  /** Index of the `}` that closes `metadata` in `text`, or -1 when there is no metadata object. */
  private readonly metadataEnd: number;

  private constructor(text: string, metadataEnd: number) {
    this.text = text;
    this.metadataEnd = metadataEnd;
  }

  /** Encodes `obj` as JSON.stringify would, leaving out `metadata.resourceVersion`. */
  static of(obj: KubeObject): StoredJson {
    let text = '{';
    let metadataEnd = -1;
    for (const [key, value] of Object.entries(obj)) {
      // Left out as JSON.stringify leaves them out.
      if (value === undefined || typeof value === 'function') continue;
      let encoded: string;
      if (key === 'metadata' && value !== null && typeof value === 'object') {
        const { resourceVersion: _rv, ...meta } = value as Record<string, unknown>;
        encoded = JSON.stringify(meta);
      } else {
        encoded = JSON.stringify(value);
      }
      if (text.length > 1) text += ',';
      text += `${JSON.stringify(key)}:${encoded}`;
      if (key === 'metadata' && encoded.startsWith('{')) metadataEnd = text.length - 1;
    }
    return new StoredJson(`${text}}`, metadataEnd);
  }

  /** The object's JSON with `metadata.resourceVersion` set to `revision`, as its last key. */
  withRevision(revision: number): string {
    const rv = `"resourceVersion":"${revision}"`;
    const end = this.metadataEnd;
    if (end < 0) {
      const sep = this.text.length > 2 ? ',' : '';
      return `${this.text.slice(0, -1)}${sep}"metadata":{${rv}}}`;
    }
    const sep = this.text[end - 1] === '{' ? '' : ',';
    return `${this.text.slice(0, end)}${sep}${rv}${this.text.slice(end)}`;
  }
}
