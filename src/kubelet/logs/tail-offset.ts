/**
 * Where the last `n` records of a log file start, found by reading blocks backwards from the end
 * and counting newlines (the kubelet's tail rule): a last record without its newline (still being
 * written) is not counted, so `n = 0` starts after the last newline.
 */
import type { FileHandle } from 'node:fs/promises';

const BLOCK_SIZE = 64 * 1024;
const NEWLINE = 0x0a;

/** Byte offset of the start of the `n`-th record from the end; 0 for a negative `n` or a short file. */
export async function findTailOffset(file: FileHandle, size: number, n: number): Promise<number> {
  if (n < 0) return 0;
  const buf = Buffer.alloc(Math.min(BLOCK_SIZE, size));
  let count = 0;
  for (let right = size; right > 0;) {
    const left = Math.max(0, right - BLOCK_SIZE);
    const len = right - left;
    const { bytesRead } = await file.read(buf, 0, len, left);
    // Walk this block backwards; the (n+1)-th newline from the end ends the record before ours.
    for (let i = bytesRead - 1; i >= 0; i--) {
      if (buf[i] !== NEWLINE) continue;
      count++;
      if (count > n) return left + i + 1;
    }
    right = left;
  }
  return 0;
}
