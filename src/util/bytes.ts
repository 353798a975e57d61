/**
 * A copy of `bytes` in an ArrayBuffer of exactly its size, of its own. Small Buffers from
 * `Buffer.from` or a socket are views into a larger ArrayBuffer (Node's shared 8 KiB pool, a read
 * buffer), and whatever holds such a view holds all of that buffer, or clones all of it when it
 * is posted to another thread. Used where bytes are kept for long (the store's values, which the
 * API server's watch cache keeps for an object's life) or transferred between threads.
 */
export function ownBytes(bytes: Uint8Array): Buffer {
  const copy = Buffer.allocUnsafeSlow(bytes.byteLength);
  copy.set(bytes);
  return copy;
}
