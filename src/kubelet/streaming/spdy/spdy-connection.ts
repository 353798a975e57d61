/**
 * A SPDY/3.1 session over an upgraded connection, behaving as Go's moby/spdystream does, since
 * that is the peer we talk to (kubectl and client-go, and upstream kube-apiserver's proxy):
 *
 *   - Streams are opened with SYN_STREAM (client: odd ids from 1, server: even ids from 2) and
 *     accepted with an empty SYN_REPLY. Data that arrives on a stream before it was accepted is
 *     dropped, so `onStream` must accept (or reset) at once.
 *   - Each side ends its half with a data frame carrying FLAG_FIN; a stream is gone once both
 *     halves ended, or either side sent RST_STREAM (`destroy()` here sends CANCEL).
 *   - No SPDY flow control: spdystream neither sends WINDOW_UPDATE nor honours windows, so
 *     enforcing the 64 KiB default window would stall every transfer. Back-pressure is TCP's:
 *     when a stream's reader falls behind, the whole connection stops reading (spdystream's
 *     frame workers block the same way). SETTINGS and WINDOW_UPDATE are accepted and ignored.
 *   - PING frames with the peer's parity are echoed; ours resolve `ping()`.
 *   - GOAWAY from the peer: no new streams, nothing more is read, every stream's incoming half
 *     ends; the socket ends once our streams have finished. `close()` is ours: reset unfinished
 *     streams (as client-go's connection.Close does), GOAWAY, end the socket.
 *   - An idle timeout (no frame either way for that long) resets everything and closes.
 *
 * Stream life, one per SpdyStream (a Duplex):
 *
 *   opened ──accept()/SYN_REPLY──▶ open ──end() sends FIN──▶ local done ┐
 *     │                              └──peer FIN──▶ 'end' (remote done)┴─▶ removed
 *     └──RST_STREAM either way / destroy() / connection gone──────────────▶ removed
 */
import type { Duplex } from 'node:stream';
import { Duplex as DuplexStream } from 'node:stream';
import {
  type Clock,
  type Logger,
  realClock,
  silentLogger,
  errorMessage,
} from '../../../util/index.ts';
import {
  decodeHeaderBlock,
  encodeDataFrameHeader,
  encodeGoAway,
  encodeHeaderBlock,
  encodePing,
  encodeRstStream,
  encodeSynReply,
  encodeSynStream,
  FLAG_FIN,
  FLAG_UNIDIRECTIONAL,
  FrameReader,
  GOAWAY_OK,
  GOAWAY_PROTOCOL_ERROR,
  RST_CANCEL,
  RST_PROTOCOL_ERROR,
  RST_REFUSED_STREAM,
  type SpdyFrame,
  type SpdyHeaders,
  SpdyProtocolError,
} from './frames.ts';
import { HeaderCompressor, HeaderDecompressor } from './header-compression.ts';

export interface SpdyConnectionOptions {
  /** The upgraded connection: a TLS socket, or a WebSocket tunnel as a Duplex. */
  readonly socket: Duplex;
  /** 'server' accepts the streams a client opens; 'client' opens them. */
  readonly role: 'server' | 'client';
  /** Bytes the peer sent right after the upgrade, already read off the socket. */
  readonly head?: Buffer;
  /**
   * A stream the peer opened, with its headers. Call `accept()` or `destroy()` before returning:
   * data the peer sends before the reply is dropped (spdystream does the same). Without a
   * handler every stream is refused.
   */
  readonly onStream?: (stream: SpdyStream) => void;
  /** Close after this long without a frame either way; 0 or absent: never. */
  readonly idleTimeoutMs?: number;
  readonly clock?: Clock;
  readonly logger?: Logger;
}

/** Largest data frame we write; bigger writes are split. */
const MAX_DATA_FRAME = 256 * 1024;
/** Per-stream buffering before the connection stops reading. */
const STREAM_HIGH_WATER_MARK = 256 * 1024;
/** How long `close()` waits for the peer to close before the socket is destroyed. */
const CLOSE_GRACE_MS = 10_000;
const EMPTY = Buffer.alloc(0);

interface OutItem {
  buf: Buffer | undefined;
  readonly cb: (() => void) | undefined;
}

export class SpdyConnection {
  readonly role: 'server' | 'client';
  /** Resolves once the socket has closed and every stream is gone. */
  readonly closed: Promise<void>;
  private readonly socket: Duplex;
  private readonly opts: SpdyConnectionOptions;
  private readonly clock: Clock;
  private readonly log: Logger;
  private readonly reader = new FrameReader();
  private readonly streams = new Map<number, SpdyStream>();
  private readonly queue: OutItem[] = [];
  private drainWaiters: (() => void)[] = [];
  private readonly pings = new Map<number, () => void>();
  private compressor: HeaderCompressor | undefined;
  private decompressor: HeaderDecompressor | undefined;
  private nextStreamId: number;
  private nextPingId: number;
  /** The lowest id the peer may open next. */
  private nextRemoteId: number;
  private lastRemoteId = 0;
  /** Reading is held: a stream's buffer is full, or a header block is being inflated. */
  private blockedBy: SpdyStream | undefined;
  private inflating = false;
  private goneAway = false;
  private closing = false;
  private socketEnded = false;
  private socketClosed = false;
  /** Everything the peer sent has been handled (it ended or closed the socket). */
  private inputDone = false;
  private tornDown = false;
  private lastActivity: number;
  private cancelIdle: () => void = () => undefined;
  private cancelGrace: () => void = () => undefined;
  private resolveClosed!: () => void;

  constructor(opts: SpdyConnectionOptions) {
    this.opts = opts;
    this.role = opts.role;
    this.socket = opts.socket;
    this.clock = opts.clock ?? realClock;
    this.log = opts.logger ?? silentLogger;
    const server = opts.role === 'server';
    this.nextStreamId = server ? 2 : 1;
    this.nextPingId = server ? 2 : 1;
    this.nextRemoteId = server ? 1 : 2;
    this.lastActivity = this.clock.now();
    this.closed = new Promise((resolve) => {
      this.resolveClosed = resolve;
    });
    this.socket.on('data', (chunk: Buffer) => {
      this.onData(chunk);
    });
    this.socket.on('end', () => {
      this.onSocketEnd();
    });
    this.socket.on('close', () => {
      this.onSocketClose();
    });
    this.socket.on('error', (err: Error) => {
      this.log.debug('spdy connection error', { err: err.message });
    });
    this.socket.on('drain', () => {
      const waiters = this.drainWaiters;
      this.drainWaiters = [];
      for (const w of waiters) w();
    });
    this.scheduleIdle();
    if (opts.head && opts.head.length > 0) this.onData(opts.head);
  }

  /** Streams not yet finished both ways. */
  get streamCount(): number {
    return this.streams.size;
  }

  get isClosed(): boolean {
    return this.socketClosed;
  }

  /**
   * Opens a stream with these headers and resolves once the peer replied (SYN_REPLY); rejects
   * when the peer resets it or the connection goes. `fin` opens it with our half already ended.
   */
  createStream(
    headers: Iterable<readonly [string, string | readonly string[]]>,
    opts: { fin?: boolean } = {},
  ): Promise<SpdyStream> {
    if (this.goneAway || this.closing || this.socketClosed) {
      return Promise.reject(new Error('SPDY connection is closing'));
    }
    const id = this.nextStreamId;
    this.nextStreamId += 2;
    const list = [...headers];
    const map = new Map<string, string[]>();
    for (const [k, v] of list) {
      const key = k.toLowerCase();
      map.set(key, [...(map.get(key) ?? []), ...(typeof v === 'string' ? [v] : v)]);
    }
    const stream = new SpdyStream(this, id, map, false);
    this.streams.set(id, stream);
    const fin = opts.fin === true;
    this.sendHeaderFrame(
      (block) => encodeSynStream({ streamId: id, headerBlock: block, flags: fin ? FLAG_FIN : 0 }),
      list,
    );
    if (fin) stream.markLocalFinished();
    return stream.waitReply();
  }

  /** Sends a PING and resolves with the round trip in milliseconds when the peer echoes it. */
  ping(): Promise<number> {
    if (this.socketClosed) return Promise.reject(new Error('SPDY connection closed'));
    const id = this.nextPingId;
    this.nextPingId = this.nextPingId > 0x7ffffffd ? this.nextPingId - 0x7ffffffe : id + 2;
    const start = this.clock.now();
    return new Promise((resolve, reject) => {
      const onClose = (): void => {
        reject(new Error('SPDY connection closed'));
      };
      void this.closed.then(onClose);
      this.pings.set(id, () => {
        resolve(this.clock.now() - start);
      });
      this.write(encodePing(id));
    });
  }

  /**
   * Ends the session: resets every unfinished stream, sends GOAWAY and ends the socket once
   * everything queued is written; the socket is destroyed if the peer has not closed it after a
   * grace period. Idempotent.
   */
  close(): void {
    if (this.closing || this.socketClosed) return;
    this.closing = true;
    for (const stream of [...this.streams.values()]) stream.destroy();
    this.write(encodeGoAway(this.lastRemoteId, GOAWAY_OK));
    this.endSocketWhenFlushed();
  }

  /** Drops the connection at once (streams see 'close' without 'end'). */
  destroy(err?: Error): void {
    if (err) this.log.debug('spdy connection destroyed', { err: err.message });
    this.socket.destroy();
  }

  // ------------------------------------------------------------------------------- internals

  /** Called by streams. */
  sendData(stream: SpdyStream, data: Buffer, fin: boolean, cb: () => void): void {
    if (this.socketClosed || this.closing) {
      cb();
      return;
    }
    let off = 0;
    do {
      const len = Math.min(MAX_DATA_FRAME, data.length - off);
      const last = off + len >= data.length;
      const header = encodeDataFrameHeader(stream.id, last && fin ? FLAG_FIN : 0, len);
      const payload = data.subarray(off, off + len);
      off += len;
      if (len === 0) this.write(header, last ? cb : undefined);
      else if (len < 4096) this.write(Buffer.concat([header, payload]), last ? cb : undefined);
      else if (this.queue.length > 0) {
        this.write(header);
        this.write(payload, last ? cb : undefined);
      } else {
        // One writev for header and payload: one TLS write instead of two.
        this.socket.cork();
        this.writeNow(header, undefined);
        this.writeNow(payload, last ? cb : undefined);
        this.socket.uncork();
      }
    } while (off < data.length);
  }

  /** Called by streams: SYN_REPLY for a stream the peer opened. */
  sendReply(
    stream: SpdyStream,
    headers: Iterable<readonly [string, string | readonly string[]]>,
  ): void {
    this.sendHeaderFrame((block) => encodeSynReply(stream.id, 0, block), headers);
  }

  /** Called by streams: RST_STREAM. */
  sendReset(stream: SpdyStream, status: number): void {
    if (this.socketClosed) return;
    this.write(encodeRstStream(stream.id, status));
  }

  /** Called by streams once both halves are done or the stream was reset. */
  removeStream(stream: SpdyStream): void {
    if (this.streams.get(stream.id) !== stream) return;
    this.streams.delete(stream.id);
    if (this.blockedBy === stream) {
      this.blockedBy = undefined;
      this.pump();
    }
    if (this.streams.size === 0 && (this.goneAway || this.socketEnded) && !this.closing) {
      this.closing = true;
      this.endSocketWhenFlushed();
    }
  }

  /** Called by a stream whose reader wants more: reading may go on if it held it up. */
  streamWantsData(stream: SpdyStream): void {
    if (this.blockedBy !== stream) return;
    this.blockedBy = undefined;
    this.pump();
  }

  private write(buf: Buffer, cb?: () => void): void {
    if (this.queue.length > 0) {
      this.queue.push({ buf, cb });
      return;
    }
    this.writeNow(buf, cb);
  }

  private writeNow(buf: Buffer, cb: (() => void) | undefined): void {
    if (this.socketClosed || this.socket.destroyed || this.socket.writableEnded) {
      cb?.();
      return;
    }
    this.lastActivity = this.clock.now();
    const ok = this.socket.write(buf);
    if (!cb) return;
    if (ok) cb();
    else this.drainWaiters.push(cb);
  }

  private sendHeaderFrame(
    build: (block: Buffer) => Buffer,
    headers: Iterable<readonly [string, string | readonly string[]]>,
  ): void {
    const item: OutItem = { buf: undefined, cb: undefined };
    this.queue.push(item);
    this.compressor ??= new HeaderCompressor();
    this.compressor.compress(encodeHeaderBlock(headers)).then(
      (block) => {
        item.buf = build(block);
        this.flushQueue();
      },
      (err: unknown) => {
        this.fail(err instanceof Error ? err : new Error(String(err)));
      },
    );
  }

  private flushQueue(): void {
    for (;;) {
      const head = this.queue[0];
      if (!head?.buf) return;
      this.queue.shift();
      this.writeNow(head.buf, head.cb);
    }
  }

  private endSocketWhenFlushed(): void {
    const end = (): void => {
      if (this.socketClosed) return;
      if (this.queue.length > 0) {
        // A header frame is still being compressed; try again once it went out.
        setImmediate(end);
        return;
      }
      if (!this.socket.writableEnded && !this.socket.destroyed) this.socket.end();
      this.cancelGrace();
      this.cancelGrace = this.clock.setTimeout(() => {
        this.socket.destroy();
      }, CLOSE_GRACE_MS);
    };
    end();
  }

  private onData(chunk: Buffer): void {
    if (this.goneAway) return;
    this.lastActivity = this.clock.now();
    this.reader.push(chunk);
    this.pump();
  }

  /** Handles buffered frames until reading is held or there are none. */
  private pump(): void {
    let exhausted = false;
    try {
      while (!this.blockedBy && !this.inflating) {
        if (this.goneAway) {
          exhausted = true;
          break;
        }
        const frame = this.reader.next();
        if (!frame) {
          exhausted = true;
          break;
        }
        this.handle(frame);
      }
    } catch (err) {
      this.fail(err instanceof Error ? err : new Error(String(err)));
      return;
    }
    // Once the peer has stopped sending and every frame it sent is handled, its side is over.
    if (exhausted && this.socketEnded && !this.inputDone) {
      this.inputDone = true;
      this.afterInput();
      return;
    }
    if (this.socketClosed) return;
    // Hold the socket while frames wait; let it flow again once they are handled.
    const held = this.blockedBy !== undefined || this.inflating;
    if (held && !this.socket.isPaused()) this.socket.pause();
    else if (!held && this.socket.isPaused() && !this.goneAway) this.socket.resume();
  }

  private handle(frame: SpdyFrame): void {
    switch (frame.type) {
      case 'data': {
        const stream = this.streams.get(frame.streamId);
        // Unknown streams, and streams not replied to yet, lose their data (as spdystream).
        if (!stream?.replied) return;
        if (frame.data.length > 0 && !stream.deliver(frame.data)) this.blockedBy = stream;
        if ((frame.flags & FLAG_FIN) !== 0) stream.remoteFinish();
        return;
      }
      case 'syn_stream':
        this.onSynStream(frame);
        return;
      case 'syn_reply': {
        const stream = this.streams.get(frame.streamId);
        this.inflate(frame.headerBlock, frame.streamId, () => {
          if (!stream || stream.replied) return;
          stream.onReply();
          if ((frame.flags & FLAG_FIN) !== 0) stream.remoteFinish();
        });
        return;
      }
      case 'headers':
        // Inflated only to keep the shared context in step; k8s streams never use HEADERS.
        this.inflate(frame.headerBlock, frame.streamId, () => {
          const stream = this.streams.get(frame.streamId);
          if (stream?.replied && (frame.flags & FLAG_FIN) !== 0) stream.remoteFinish();
        });
        return;
      case 'rst_stream':
        this.streams.get(frame.streamId)?.onReset(frame.status);
        return;
      case 'ping': {
        const ours = (frame.id & 1) === (this.nextPingId & 1);
        if (!ours) {
          this.write(encodePing(frame.id));
          return;
        }
        const waiter = this.pings.get(frame.id);
        this.pings.delete(frame.id);
        waiter?.();
        return;
      }
      case 'goaway':
        this.onGoAway();
        return;
      case 'settings':
      case 'window_update':
      case 'unknown':
        return;
    }
  }

  private onSynStream(frame: Extract<SpdyFrame, { type: 'syn_stream' }>): void {
    const id = frame.streamId;
    const badId = id < this.nextRemoteId || (id & 1) !== (this.nextRemoteId & 1);
    if (this.goneAway || this.closing) {
      // Still inflate: the header context is shared by every block that follows.
      this.inflate(frame.headerBlock, id, () => undefined);
      return;
    }
    if (!badId) {
      this.nextRemoteId = id + 2;
      this.lastRemoteId = id;
    }
    this.inflate(frame.headerBlock, id, (headers) => {
      if (badId) {
        this.write(encodeRstStream(id, RST_PROTOCOL_ERROR));
        return;
      }
      const stream = new SpdyStream(this, id, headers, true);
      this.streams.set(id, stream);
      if ((frame.flags & FLAG_UNIDIRECTIONAL) !== 0) stream.markLocalFinished();
      if ((frame.flags & FLAG_FIN) !== 0) stream.remoteFinish();
      const handler = this.opts.onStream;
      if (!handler) {
        stream.refuse();
        return;
      }
      try {
        handler(stream);
      } catch (err) {
        this.log.warn('stream rejected', { err: errorMessage(err) });
        stream.destroy();
      }
    });
  }

  /** Inflates a header block in order, holding all reading until it is done. */
  private inflate(
    block: Buffer,
    streamId: number,
    then: (headers: Map<string, string[]>) => void,
  ): void {
    this.inflating = true;
    this.decompressor ??= new HeaderDecompressor();
    this.decompressor.decompress(block).then(
      (raw) => {
        this.inflating = false;
        let headers: Map<string, string[]>;
        try {
          headers = decodeHeaderBlock(raw, streamId);
        } catch (err) {
          this.fail(err instanceof Error ? err : new Error(String(err)));
          return;
        }
        if (this.tornDown) return;
        then(headers);
        this.pump();
      },
      (err: unknown) => {
        this.inflating = false;
        this.fail(new SpdyProtocolError(`cannot inflate SPDY header block: ${errorMessage(err)}`));
      },
    );
  }

  private onGoAway(): void {
    if (this.goneAway) return;
    this.goneAway = true;
    // spdystream reads nothing after GOAWAY and ends every stream's incoming half.
    if (this.socket.isPaused()) this.socket.resume();
    for (const stream of [...this.streams.values()]) stream.remoteFinish();
    if (this.streams.size === 0 && !this.closing) {
      this.closing = true;
      this.endSocketWhenFlushed();
    }
  }

  private onSocketEnd(): void {
    this.socketEnded = true;
    this.pump();
  }

  private onSocketClose(): void {
    if (this.socketClosed) return;
    this.socketClosed = true;
    this.socketEnded = true;
    this.cancelIdle();
    this.cancelGrace();
    this.queue.length = 0;
    const waiters = this.drainWaiters;
    this.drainWaiters = [];
    for (const w of waiters) w();
    this.pings.clear();
    this.compressor?.close();
    // Frames that arrived before the close are still delivered (pump ends in afterInput).
    this.pump();
    if (this.inputDone) this.teardown();
  }

  /** The peer sent everything it will: every stream's incoming half ends. */
  private afterInput(): void {
    for (const stream of [...this.streams.values()]) stream.remoteFinish();
    if (this.socketClosed) {
      this.teardown();
      return;
    }
    if (this.streams.size === 0 && !this.closing) {
      this.closing = true;
      this.endSocketWhenFlushed();
    }
  }

  private teardown(): void {
    if (this.tornDown) return;
    this.tornDown = true;
    for (const stream of [...this.streams.values()]) stream.connectionGone();
    this.streams.clear();
    this.decompressor?.close();
    this.resolveClosed();
  }

  private fail(err: Error): void {
    if (this.socketClosed) return;
    this.goneAway = true;
    this.log.debug('spdy protocol error', { err: err.message });
    if (err instanceof SpdyProtocolError && err.streamId !== undefined && !this.inflating) {
      this.write(encodeRstStream(err.streamId, RST_PROTOCOL_ERROR));
    }
    this.queue.length = 0;
    if (!this.socket.destroyed && !this.socket.writableEnded) {
      this.socket.write(encodeGoAway(this.lastRemoteId, GOAWAY_PROTOCOL_ERROR));
    }
    this.socket.destroy();
  }

  private scheduleIdle(): void {
    const timeout = this.opts.idleTimeoutMs ?? 0;
    if (timeout <= 0) return;
    const check = (): void => {
      if (this.socketClosed) return;
      const idle = this.clock.now() - this.lastActivity;
      if (idle >= timeout) {
        this.log.debug('spdy connection idle; closing', { idleMs: idle });
        this.close();
        return;
      }
      this.cancelIdle = this.clock.setTimeout(check, timeout - idle);
    };
    this.cancelIdle = this.clock.setTimeout(check, timeout);
  }
}

/**
 * One SPDY stream as a Duplex: what the peer sends is readable (ending at its FIN), what is
 * written goes out as data frames, and `end()` sends FIN. `destroy()` resets the stream unless it
 * already finished both ways.
 */
export class SpdyStream extends DuplexStream {
  readonly id: number;
  /** The headers of its SYN_STREAM (lower-case names). */
  readonly headers: SpdyHeaders;
  private readonly conn: SpdyConnection;
  private readonly incoming: boolean;
  private isReplied: boolean;
  private localFinished = false;
  private remoteFinished = false;
  private wasReset = false;
  private resetStatus = 0;
  private replyWaiters: { resolve: (s: SpdyStream) => void; reject: (e: Error) => void }[] = [];

  constructor(conn: SpdyConnection, id: number, headers: SpdyHeaders, incoming: boolean) {
    super({
      allowHalfOpen: true,
      readableHighWaterMark: STREAM_HIGH_WATER_MARK,
      writableHighWaterMark: STREAM_HIGH_WATER_MARK,
    });
    this.conn = conn;
    this.id = id;
    this.headers = headers;
    this.incoming = incoming;
    this.isReplied = false;
  }

  /** Whether the stream was accepted (incoming) or the peer replied (outgoing). */
  get replied(): boolean {
    return this.isReplied;
  }

  /** Whether the peer reset the stream (RST_STREAM), and with which status. */
  get resetByPeer(): number | undefined {
    return this.wasReset && this.resetStatus !== 0 ? this.resetStatus : undefined;
  }

  /** The first value of a header (names case-insensitive). */
  header(name: string): string | undefined {
    return this.headers.get(name.toLowerCase())?.[0];
  }

  /** Accepts a stream the peer opened: sends SYN_REPLY. Idempotent. */
  accept(headers: Iterable<readonly [string, string | readonly string[]]> = []): void {
    if (!this.incoming || this.isReplied || this.wasReset) return;
    this.isReplied = true;
    this.conn.sendReply(this, headers);
  }

  /** Refuses a stream the peer opened (RST_STREAM REFUSED_STREAM). */
  refuse(): void {
    this.resetWith(RST_REFUSED_STREAM);
  }

  /** Ends the stream abruptly with RST_STREAM CANCEL (what spdystream's Reset sends). */
  reset(): void {
    this.resetWith(RST_CANCEL);
  }

  override _read(): void {
    this.conn.streamWantsData(this);
  }

  override _write(chunk: Buffer, _enc: BufferEncoding, cb: (err?: Error | null) => void): void {
    if (this.localFinished || this.wasReset) {
      cb();
      return;
    }
    this.whenReplied(() => {
      this.conn.sendData(this, chunk, false, cb);
    }, cb);
  }

  override _final(cb: (err?: Error | null) => void): void {
    if (this.localFinished || this.wasReset) {
      cb();
      return;
    }
    this.whenReplied(() => {
      this.localFinished = true;
      this.conn.sendData(this, EMPTY, true, () => {
        cb();
        this.maybeRemove();
      });
    }, cb);
  }

  override _destroy(err: Error | null, cb: (err?: Error | null) => void): void {
    // As spdystream's Reset: a stream whose half we finished is dropped without RST_STREAM.
    if (!this.wasReset && !this.localFinished) {
      this.wasReset = true;
      this.conn.sendReset(this, RST_CANCEL);
    }
    this.localFinished = true;
    this.remoteFinished = true;
    this.rejectWaiters(new Error('stream reset'));
    this.conn.removeStream(this);
    cb(err);
  }

  // ------------------------------------------------------------ called by the connection

  /** Data from the peer; false when the reader is behind. */
  deliver(data: Buffer): boolean {
    if (this.remoteFinished || this.wasReset) return true;
    return this.push(data);
  }

  remoteFinish(): void {
    if (this.remoteFinished) return;
    this.remoteFinished = true;
    this.push(null);
    this.maybeRemove();
  }

  markLocalFinished(): void {
    this.localFinished = true;
  }

  onReply(): void {
    this.isReplied = true;
    const waiters = this.replyWaiters;
    this.replyWaiters = [];
    for (const w of waiters) w.resolve(this);
  }

  waitReply(): Promise<SpdyStream> {
    if (this.isReplied) return Promise.resolve(this);
    return new Promise((resolve, reject) => {
      this.replyWaiters.push({ resolve, reject });
    });
  }

  onReset(status: number): void {
    if (this.wasReset) return;
    this.wasReset = true;
    this.resetStatus = status;
    this.remoteFinished = true;
    this.localFinished = true;
    this.rejectWaiters(new Error('stream reset by peer'));
    this.conn.removeStream(this);
    this.push(null);
    this.destroy();
  }

  /** The connection is gone: nothing more can be sent; what was received can still be read. */
  connectionGone(): void {
    this.localFinished = true;
    this.rejectWaiters(new Error('SPDY connection closed'));
    this.remoteFinish();
    this.wasReset = true;
    if (this.readableEnded) this.destroy();
    else {
      this.once('end', () => {
        this.destroy();
      });
    }
  }

  private resetWith(status: number): void {
    if (this.wasReset) return;
    this.wasReset = true;
    this.isReplied = true;
    this.conn.sendReset(this, status);
    this.destroy();
  }

  private whenReplied(go: () => void, cb: (err?: Error | null) => void): void {
    if (this.isReplied || this.incoming) {
      go();
      return;
    }
    this.waitReply().then(go, () => {
      cb();
    });
  }

  private rejectWaiters(err: Error): void {
    const waiters = this.replyWaiters;
    this.replyWaiters = [];
    for (const w of waiters) w.reject(err);
  }

  private maybeRemove(): void {
    if (this.localFinished && this.remoteFinished) this.conn.removeStream(this);
  }
}
