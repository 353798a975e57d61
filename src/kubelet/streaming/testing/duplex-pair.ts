/**
 * Two connected in-memory Duplex streams (what Node 22's `stream.duplexPair` does), for protocol
 * tests without sockets: what one side writes, the other reads. `end()` on one side ends the
 * other's readable; `destroy()` on one closes both.
 */
import { Duplex } from 'node:stream';

class Side extends Duplex {
  peer: Side | undefined;
  private waiting: (() => void) | undefined;

  constructor() {
    super({ allowHalfOpen: true });
  }

  override _read(): void {
    const w = this.peer?.waiting;
    if (w && this.peer) {
      this.peer.waiting = undefined;
      w();
    }
  }

  override _write(chunk: Buffer, _enc: BufferEncoding, cb: (err?: Error | null) => void): void {
    const peer = this.peer;
    if (!peer || peer.destroyed) {
      cb(new Error('peer closed'));
      return;
    }
    // Copy: the writer may reuse its buffer once the callback ran.
    if (peer.push(Buffer.from(chunk))) cb();
    else
      this.waiting = () => {
        cb();
      };
  }

  override _final(cb: (err?: Error | null) => void): void {
    this.peer?.push(null);
    cb();
  }

  override _destroy(err: Error | null, cb: (err?: Error | null) => void): void {
    const w = this.waiting;
    this.waiting = undefined;
    w?.();
    const peer = this.peer;
    this.peer = undefined;
    if (peer && !peer.destroyed) peer.destroy();
    cb(err);
  }
}

export function duplexPair(): [Duplex, Duplex] {
  const a = new Side();
  const b = new Side();
  a.peer = b;
  b.peer = a;
  return [a, b];
}
