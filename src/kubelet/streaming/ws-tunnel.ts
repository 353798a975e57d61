/**
 * A WebSocket as a byte stream, for SPDY tunnelled over WebSocket: kubectl 1.31+ port-forward
 * speaks subprotocol `SPDY/3.1+portforward.k8s.io` and then plain SPDY frames inside binary
 * messages (client-go's TunnelingConnection), message boundaries meaning nothing. Every write is
 * one binary message; ending the stream closes the WebSocket normally (1000), which client-go
 * reads as EOF; a closed WebSocket ends the readable side.
 */
import { Duplex } from 'node:stream';
import type { WebSocket } from 'ws';
import { toBuffer } from './ws-channels.ts';

const HIGH_WATER_MARK = 1024 * 1024;

export class WebSocketTunnel extends Duplex {
  private readonly ws: WebSocket;

  constructor(ws: WebSocket) {
    super({ allowHalfOpen: true, readableHighWaterMark: HIGH_WATER_MARK });
    this.ws = ws;
    ws.on('message', (data: Buffer | ArrayBuffer | Buffer[], isBinary: boolean) => {
      if (!isBinary) {
        // client-go refuses anything but binary messages in a tunnel; so do we.
        ws.close(1003, 'tunnel carries binary messages only');
        return;
      }
      if (!this.push(toBuffer(data))) ws.pause();
    });
    ws.on('close', () => {
      if (!this.readableEnded) this.push(null);
      // Give a reader the chance to see 'end' before 'close'.
      setImmediate(() => {
        this.destroy();
      });
    });
    ws.on('error', () => {
      // 'close' follows.
    });
  }

  override _read(): void {
    if (this.ws.isPaused) this.ws.resume();
  }

  override _write(chunk: Buffer, _enc: BufferEncoding, cb: (err?: Error | null) => void): void {
    if (this.ws.readyState !== this.ws.OPEN) {
      cb();
      return;
    }
    let called = false;
    const done = (): void => {
      if (called) return;
      called = true;
      cb();
    };
    this.ws.send(chunk, { binary: true }, done);
    if (this.ws.bufferedAmount < HIGH_WATER_MARK) done();
  }

  override _final(cb: (err?: Error | null) => void): void {
    if (this.ws.readyState === this.ws.OPEN) this.ws.close(1000);
    cb();
  }

  override _destroy(err: Error | null, cb: (err?: Error | null) => void): void {
    if (this.ws.readyState === this.ws.OPEN || this.ws.readyState === this.ws.CONNECTING) {
      this.ws.terminate();
    }
    cb(err);
  }
}
