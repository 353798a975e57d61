/**
 * SPDY/3 header-block compression: zlib primed with the SPDY/3 dictionary, one context per
 * direction for the life of the connection, each header block ended with a sync flush so the peer
 * can inflate it at once. The contexts are shared, so blocks must be compressed and inflated in
 * exactly the order their frames go out and come in; both classes keep call order (Node's zlib
 * streams process writes and flushes in order) and the connection awaits them in frame order.
 *
 * Node's zlib is asynchronous (the work runs on the thread pool); header blocks are rare (one or
 * two per stream), so the connection pays that only when a stream opens, never per data frame.
 */
import { constants, createDeflate, createInflate, type Deflate, type Inflate } from 'node:zlib';
import { SPDY3_DICTIONARY } from './dictionary.ts';

type Codec = Deflate | Inflate;

/** Runs one block through a zlib stream with a sync flush and collects what came out. */
class SyncFlushedCodec {
  private readonly codec: Codec;
  private output: Buffer[] = [];
  private failure: Error | undefined;
  private closed = false;
  /** Rejections of the runs not finished yet: a zlib error never calls their flush callbacks. */
  private readonly pending = new Set<(err: Error) => void>();

  constructor(codec: Codec) {
    this.codec = codec;
    codec.on('data', (chunk: Buffer) => {
      this.output.push(chunk);
    });
    codec.on('error', (err: Error) => {
      this.failure ??= err;
      for (const reject of this.pending) reject(err);
      this.pending.clear();
    });
  }

  run(input: Buffer): Promise<Buffer> {
    if (this.closed) return Promise.reject(new Error('SPDY header codec closed'));
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => {
      this.pending.add(reject);
      this.codec.write(input);
      this.codec.flush(constants.Z_SYNC_FLUSH, () => {
        this.pending.delete(reject);
        // Anything pushed but not yet emitted belongs to this block too; read() emits it.
        while (this.codec.read() !== null) {
          // drained through the 'data' listener
        }
        if (this.failure) {
          reject(this.failure);
          return;
        }
        const out = this.output.length === 1 ? this.output[0] : Buffer.concat(this.output);
        this.output = [];
        resolve(out ?? Buffer.alloc(0));
      });
    });
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const reject of this.pending) reject(new Error('SPDY header codec closed'));
    this.pending.clear();
    this.codec.close();
  }
}

/** Compresses outgoing header blocks (SYN_STREAM, SYN_REPLY, HEADERS). */
export class HeaderCompressor {
  private readonly codec = new SyncFlushedCodec(
    createDeflate({ dictionary: SPDY3_DICTIONARY, level: constants.Z_BEST_COMPRESSION }),
  );

  /** The compressed form of `block`; call in the order the frames will be written. */
  compress(block: Buffer): Promise<Buffer> {
    return this.codec.run(block);
  }

  close(): void {
    this.codec.close();
  }
}

/** Inflates incoming header blocks. A failure is fatal for the connection (the context is lost). */
export class HeaderDecompressor {
  private readonly codec = new SyncFlushedCodec(createInflate({ dictionary: SPDY3_DICTIONARY }));

  /** The header block in `compressed`; call in the order the frames arrived. */
  decompress(compressed: Buffer): Promise<Buffer> {
    return this.codec.run(compressed);
  }

  close(): void {
    this.codec.close();
  }
}
