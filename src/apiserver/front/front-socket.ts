/**
 * The API thread's end of an upgraded connection (exec, attach, port-forward) whose socket lives on
 * the front thread: a Duplex that the node connector pipes to the kubelet as it would the socket
 * itself. Writes go to the front as `write` messages and count as backlog until the front says the
 * socket took them; reads pause the socket on the front when this side is not consumed.
 */
import { Duplex } from 'node:stream';
import { type PostToFront, ownBytes } from './messages.ts';

/** Bytes written but not yet taken by the client's socket, past which writes wait. */
const highWaterMark = 256 * 1024;

export class FrontSocket extends Duplex {
  /** The client's address, as a net.Socket has it (the node connector forwards it). */
  readonly remoteAddress: string | undefined;
  private readonly post: PostToFront;
  private readonly id: number;
  private backlog = 0;
  private waitingWrite: (() => void) | undefined;
  private pausedOnFront = false;
  private endedByClient = false;
  private closedOnFront = false;

  constructor(post: PostToFront, id: number, remoteAddress: string | undefined) {
    super();
    this.post = post;
    this.id = id;
    this.remoteAddress = remoteAddress;
  }

  /** Bytes the client sent. */
  received(data: Uint8Array): void {
    if (this.destroyed) return;
    const more = this.push(Buffer.from(data.buffer, data.byteOffset, data.byteLength));
    if (!more && !this.pausedOnFront) {
      this.pausedOnFront = true;
      this.post({ t: 'pause', id: this.id });
    }
  }

  /** The client ended its side. */
  clientEnded(): void {
    this.endedByClient = true;
    this.push(null);
  }

  /** The socket on the front closed: once what the client sent has been read, this one closes. */
  gone(): void {
    this.closedOnFront = true;
    if (this.endedByClient && !this.readableEnded) {
      this.once('end', () => this.destroy());
      this.resume();
    } else {
      this.destroy();
    }
  }

  /** The front's socket took `bytes` more of what was written. */
  drained(bytes: number): void {
    this.backlog -= bytes;
    if (this.backlog < highWaterMark && this.waitingWrite !== undefined) {
      const next = this.waitingWrite;
      this.waitingWrite = undefined;
      next();
    }
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: () => void): void {
    const data = ownBytes(chunk);
    this.backlog += data.byteLength;
    this.post({ t: 'write', id: this.id, data }, [data.buffer as ArrayBuffer]);
    if (this.backlog < highWaterMark) callback();
    else this.waitingWrite = callback;
  }

  override _final(callback: () => void): void {
    this.post({ t: 'end', id: this.id });
    callback();
  }

  override _read(): void {
    if (!this.pausedOnFront) return;
    this.pausedOnFront = false;
    this.post({ t: 'resume', id: this.id });
  }

  override _destroy(err: Error | null, callback: (err: Error | null) => void): void {
    // Both sides ended cleanly: the front's socket closes by itself once it has flushed. Any
    // other destroy tears it down.
    const clean = err === null && this.readableEnded && this.writableFinished;
    if (!this.closedOnFront && !clean) this.post({ t: 'destroy', id: this.id });
    const waiting = this.waitingWrite;
    this.waitingWrite = undefined;
    waiting?.();
    callback(err);
  }
}
