/**
 * Kubernetes' channel protocol over WebSocket (k8s.io/apimachinery wsstream), server side.
 *
 * Every message carries one channel's data: in the binary protocols (`channel.k8s.io`,
 * `v4.channel.k8s.io`, `v5.channel.k8s.io`, and no subprotocol at all) a binary message whose first
 * byte is the channel number; in the base64 ones (`base64.channel.k8s.io`,
 * `v4.base64.channel.k8s.io`) a text message whose first character is the channel number as a
 * digit and the rest the data in base64. Channels are read (client → server), write
 * (server → client), both, or ignored, as the endpoint declares them:
 *
 *   exec/attach    0 stdin (read), 1 stdout, 2 stderr, 3 error (write), 4 resize (read)
 *   port-forward   2n data (read-write), 2n+1 error (write) for the n-th port
 *
 * v5 adds one control message, client → server: [255, channel] closes that channel's incoming
 * half (stdin EOF). Data for unknown or ignored channels is dropped, as upstream does; a malformed
 * close message ends the connection.
 *
 * Back-pressure: a read channel whose consumer is behind pauses the whole WebSocket (what
 * wsstream's io.Pipe does); writes complete once the socket has room.
 */
import { Readable, Writable } from 'node:stream';
import type { WebSocket } from 'ws';
import { type Clock, type Logger, realClock, silentLogger } from '../../util/index.ts';

export type ChannelType = 'ignore' | 'read' | 'write' | 'readwrite';

/** How a negotiated subprotocol frames its messages. */
export interface ChannelProtocol {
  /** Binary messages with a channel byte, or text messages with a digit and base64. */
  readonly binary: boolean;
  /** Whether the client may half-close channels ([255, channel]): v5 only. */
  readonly streamClose: boolean;
}

export const STREAM_CLOSE = 255;

/** Bytes queued on the socket before writers wait. */
const WRITE_HIGH_WATER_MARK = 1024 * 1024;
/** Per-channel buffering before the connection stops reading. */
const READ_HIGH_WATER_MARK = 256 * 1024;

export interface ChannelConnectionOptions {
  readonly ws: WebSocket;
  readonly protocol: ChannelProtocol;
  readonly channels: readonly ChannelType[];
  /** Close after this long without a message either way; 0 or absent: never. */
  readonly idleTimeoutMs?: number;
  readonly clock?: Clock;
  readonly logger?: Logger;
}

class ChannelReader extends Readable {
  private readonly onWant: () => void;

  constructor(onWant: () => void) {
    super({ highWaterMark: READ_HIGH_WATER_MARK });
    this.onWant = onWant;
  }

  override _read(): void {
    this.onWant();
  }
}

export class ChannelConnection {
  /** Resolves once the WebSocket has closed. */
  readonly closed: Promise<void>;
  private readonly ws: WebSocket;
  private readonly protocol: ChannelProtocol;
  private readonly types: readonly ChannelType[];
  private readonly readers = new Map<number, ChannelReader>();
  private readonly writers = new Map<number, Writable>();
  private readonly clock: Clock;
  private readonly log: Logger;
  private readonly closedIncoming = new Set<number>();
  private blockedBy: ChannelReader | undefined;
  private isClosed = false;
  private lastActivity: number;
  private cancelIdle: () => void = () => undefined;

  constructor(opts: ChannelConnectionOptions) {
    this.ws = opts.ws;
    this.protocol = opts.protocol;
    this.types = opts.channels;
    this.clock = opts.clock ?? realClock;
    this.log = opts.logger ?? silentLogger;
    this.lastActivity = this.clock.now();
    this.closed = new Promise((resolve) => {
      this.ws.once('close', () => {
        this.onClose();
        resolve();
      });
    });
    this.ws.on('message', (data: Buffer | ArrayBuffer | Buffer[], isBinary: boolean) => {
      this.onMessage(toBuffer(data), isBinary);
    });
    this.ws.on('error', (err: Error) => {
      this.log.debug('websocket error', { err: err.message });
    });
    this.scheduleIdle(opts.idleTimeoutMs ?? 0);
  }

  get isOpen(): boolean {
    return !this.isClosed;
  }

  /** The incoming half of a read channel; ends on v5 close, or when the connection closes. */
  reader(channel: number): Readable {
    return this.readerFor(channel);
  }

  private readerFor(channel: number): ChannelReader {
    const existing = this.readers.get(channel);
    if (existing) return existing;
    const type = this.types[channel];
    if (type !== 'read' && type !== 'readwrite') {
      throw new Error(`channel ${channel} is not readable`);
    }
    const reader: ChannelReader = new ChannelReader(() => {
      if (this.blockedBy === reader) {
        this.blockedBy = undefined;
        this.ws.resume();
      }
    });
    if (this.isClosed) reader.push(null);
    this.readers.set(channel, reader);
    return reader;
  }

  /** The outgoing half of a write channel. Ending it sends nothing (WebSocket has no half-close). */
  writer(channel: number): Writable {
    const existing = this.writers.get(channel);
    if (existing) return existing;
    const type = this.types[channel];
    if (type !== 'write' && type !== 'readwrite') {
      throw new Error(`channel ${channel} is not writable`);
    }
    const writer = new Writable({
      highWaterMark: READ_HIGH_WATER_MARK,
      write: (chunk: Buffer, _enc, cb) => {
        this.send(channel, chunk, cb);
      },
    });
    this.writers.set(channel, writer);
    return writer;
  }

  /** Sends one message on a channel; `cb` runs once the socket can take more. */
  send(channel: number, data: Buffer, cb?: () => void): void {
    if (this.isClosed || this.ws.readyState !== this.ws.OPEN) {
      cb?.();
      return;
    }
    this.lastActivity = this.clock.now();
    let frame: Buffer | string;
    if (this.protocol.binary) {
      const b = Buffer.allocUnsafe(data.length + 1);
      b[0] = channel;
      data.copy(b, 1);
      frame = b;
    } else {
      frame = String.fromCharCode(48 + channel) + data.toString('base64');
    }
    if (!cb) {
      this.ws.send(frame, { binary: this.protocol.binary });
      return;
    }
    let called = false;
    const done = (): void => {
      if (called) return;
      called = true;
      cb();
    };
    this.ws.send(frame, { binary: this.protocol.binary }, done);
    // Let writers run ahead while the socket is not backed up; else wait for this message.
    if (this.ws.bufferedAmount < WRITE_HIGH_WATER_MARK) done();
  }

  /** Closes with a status code (1000 normal) once everything queued is sent. */
  close(code = 1000, reason = ''): void {
    if (this.isClosed) return;
    if (this.ws.readyState === this.ws.OPEN || this.ws.readyState === this.ws.CONNECTING) {
      this.ws.close(code, reason);
    }
  }

  /** Drops the connection at once. */
  terminate(): void {
    this.ws.terminate();
  }

  private onMessage(data: Buffer, isBinary: boolean): void {
    this.lastActivity = this.clock.now();
    if (data.length === 0) return;
    const first = data[0] ?? 0;
    if (this.protocol.streamClose && first === STREAM_CLOSE) {
      if (data.length !== 2) {
        this.log.debug('stream close signal without exactly one channel byte; closing');
        this.terminate();
        return;
      }
      let channel = data[1] ?? 0;
      if (!this.protocol.binary) channel -= 48;
      if (channel < 0 || channel >= this.types.length) {
        this.log.debug('stream close for an unknown channel; closing', { channel });
        this.terminate();
        return;
      }
      this.readers.get(channel)?.push(null);
      this.closedIncoming.add(channel);
      return;
    }
    let channel = first;
    let payload: Buffer;
    if (this.protocol.binary && isBinary) {
      payload = data.subarray(1);
    } else {
      channel = first - 48;
      payload = Buffer.from(data.toString('latin1', 1), 'base64');
    }
    const type = this.types[channel];
    if (type !== 'read' && type !== 'readwrite') return;
    if (this.closedIncoming.has(channel)) return;
    const reader = this.readerFor(channel);
    if (!reader.push(payload) && !this.blockedBy) {
      this.blockedBy = reader;
      this.ws.pause();
    }
  }

  private onClose(): void {
    if (this.isClosed) return;
    this.isClosed = true;
    this.cancelIdle();
    for (const r of this.readers.values()) if (!r.readableEnded) r.push(null);
  }

  private scheduleIdle(timeout: number): void {
    if (timeout <= 0) return;
    const check = (): void => {
      if (this.isClosed) return;
      const idle = this.clock.now() - this.lastActivity;
      if (idle >= timeout) {
        this.log.debug('websocket idle; closing', { idleMs: idle });
        this.terminate();
        return;
      }
      this.cancelIdle = this.clock.setTimeout(check, timeout - idle);
    };
    this.cancelIdle = this.clock.setTimeout(check, timeout);
  }
}

export function toBuffer(data: Buffer | ArrayBuffer | Buffer[]): Buffer {
  if (Buffer.isBuffer(data)) return data;
  if (Array.isArray(data)) return Buffer.concat(data);
  return Buffer.from(data);
}
