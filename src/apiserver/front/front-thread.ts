/**
 * The front thread: a worker thread that terminates TLS and HTTP for the API server, so that the
 * API server's thread spends its time on the API (decoding, admission, the store, watches) and
 * not on crypto, parsing and socket calls, which took about a third of its CPU per request. It
 * verifies client certificates (client-certificate.ts), reads each request body (up to the largest
 * a handler accepts), and hands the request to the API thread (messages.ts); it writes back what
 * the API thread answers. Upgraded connections (exec, attach, port-forward) become byte pipes to
 * the API thread, which proxies them on to the kubelet.
 *
 * It knows nothing of the API: authentication policy, routing and every response are the API
 * thread's (https-server.ts).
 */
import { type Server, createServer } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { TLSSocket } from 'node:tls';
import { parentPort } from 'node:worker_threads';
import {
  type CertificateVerifier,
  createCertificateVerifier,
} from '../authn/client-certificate.ts';
import {
  type ApiMessage,
  type FrontConfig,
  type FrontMessage,
  type RequestHead,
  MESSAGES_PER_POST,
  batched,
  ownBytes,
} from './messages.ts';
import { IdTable } from './id-table.ts';

const port = parentPort;
if (port === null) throw new Error('front-thread.ts runs as a worker thread');

const send = batched((messages: FrontMessage[], transfer) => {
  port.postMessage(messages, transfer);
}, MESSAGES_PER_POST);

/** What an id refers to: a response in progress, or an upgraded socket. */
type Target = { readonly res: ServerResponse } | { readonly socket: Duplex };
const targets = new IdTable<Target>();
let nextId = 1;

/*
 * Write acknowledgements: bytes the API thread wrote to an id count as its backlog until the
 * socket takes them (write() returned true, or 'drain' came). Acks are batched per turn.
 */
const owed = new Map<number, number>();
const waitingForDrain = new Set<number>();
const ackReady = new Set<number>();
let ackScheduled = false;

function flushAcks(): void {
  ackScheduled = false;
  const acks: [number, number][] = [];
  for (const id of ackReady) {
    if (waitingForDrain.has(id)) continue; // acked with what follows, once 'drain' comes
    const bytes = owed.get(id) ?? 0;
    if (bytes > 0) acks.push([id, bytes]);
    owed.delete(id);
  }
  ackReady.clear();
  if (acks.length > 0) send({ t: 'drained', acks });
}

function ack(id: number): void {
  ackReady.add(id);
  if (!ackScheduled) {
    ackScheduled = true;
    setImmediate(flushAcks);
  }
}

function write(id: number, target: Target, data: string | Uint8Array): void {
  const stream = 'res' in target ? target.res : target.socket;
  if (stream.destroyed || stream.writableEnded) return;
  // Counted as the API thread counts it: a string by its length (exchange.ts).
  owed.set(id, (owed.get(id) ?? 0) + data.length);
  if (stream.write(data)) {
    if (!waitingForDrain.has(id)) ack(id);
    return;
  }
  if (waitingForDrain.has(id)) return;
  waitingForDrain.add(id);
  stream.once('drain', () => {
    waitingForDrain.delete(id);
    ack(id);
  });
}

function forget(id: number): void {
  targets.delete(id);
  owed.delete(id);
  waitingForDrain.delete(id);
}

function headOf(verifier: CertificateVerifier, id: number, req: IncomingMessage): RequestHead {
  const socket = req.socket;
  return {
    id,
    method: req.method ?? 'GET',
    url: req.url ?? '/',
    headers: req.headers,
    certificate: socket instanceof TLSSocket ? verifier.verify(socket) : undefined,
  };
}

/** The HTTPS server: each request and upgrade handed to the API thread. */
function createFrontServer(config: FrontConfig): Server {
  const verifier = createCertificateVerifier(config.caPem);
  const server = createServer(config.tls, (req, res) => {
    const id = nextId++;
    targets.set(id, { res });
    res.on('close', () => {
      if (!res.writableFinished && targets.has(id)) send({ t: 'gone', id });
      forget(id);
    });
    const declared = Number(req.headers['content-length']);
    const tooLarge = (): void => {
      req.resume();
      send({
        t: 'request',
        ...headOf(verifier, id, req),
        body: new Uint8Array(0),
        bodyTooLarge: true,
      });
    };
    if (Number.isFinite(declared) && declared > config.maxBodyBytes) {
      tooLarge();
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let failed = false;
    const onData = (c: Buffer): void => {
      size += c.length;
      if (size > config.maxBodyBytes) {
        failed = true;
        req.off('data', onData);
        tooLarge();
        return;
      }
      chunks.push(c);
    };
    req.on('data', onData);
    req.on('end', () => {
      if (failed) return;
      const body = new Uint8Array(size);
      let at = 0;
      for (const c of chunks) {
        body.set(c, at);
        at += c.length;
      }
      send({ t: 'request', ...headOf(verifier, id, req), body, bodyTooLarge: false }, [
        body.buffer,
      ]);
    });
  });

  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const id = nextId++;
    targets.set(id, { socket });
    const headBytes = ownBytes(head);
    send(
      {
        t: 'upgrade',
        ...headOf(verifier, id, req),
        rawHeaders: req.rawHeaders,
        head: headBytes,
        remoteAddress: req.socket.remoteAddress,
      },
      [headBytes.buffer as ArrayBuffer],
    );
    socket.on('data', (chunk: Buffer) => {
      const data = ownBytes(chunk);
      send({ t: 'data', id, data }, [data.buffer as ArrayBuffer]);
    });
    socket.on('end', () => {
      send({ t: 'eof', id });
    });
    socket.on('error', (err: Error) => {
      send({ t: 'client-error', message: err.message });
    });
    socket.on('close', () => {
      if (targets.has(id)) send({ t: 'gone', id });
      forget(id);
    });
  });

  server.on('clientError', (err: Error, socket: Duplex) => {
    send({ t: 'client-error', message: err.message });
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
    else socket.destroy();
  });
  return server;
}

function withLength(headers: readonly string[], body: string | Uint8Array): string[] {
  const length = typeof body === 'string' ? Buffer.byteLength(body) : body.length;
  return [...headers, 'Content-Length', String(length)];
}

/** Messages about one request or upgraded socket. */
type TargetMessage = Exclude<ApiMessage, { t: 'listen' } | { t: 'close' }>;

function apply(m: TargetMessage, target: Target): void {
  switch (m.t) {
    case 'send':
      if ('res' in target && !target.res.headersSent && !target.res.destroyed) {
        // A 304 has no body; a Content-Length there would claim the cached representation's size.
        target.res.writeHead(
          m.status,
          m.status === 304 ? [...m.headers] : withLength(m.headers, m.body),
        );
        target.res.end(m.body);
      }
      return;
    case 'head':
      if ('res' in target && !target.res.headersSent && !target.res.destroyed) {
        target.res.writeHead(m.status, [...m.headers, 'Transfer-Encoding', 'chunked']);
        target.res.flushHeaders();
      }
      return;
    case 'write':
      write(m.id, target, m.data);
      return;
    case 'end':
      if ('res' in target) target.res.end();
      else target.socket.end();
      return;
    case 'destroy':
      if ('res' in target) target.res.destroy();
      else target.socket.destroy();
      return;
    case 'pause':
      if ('socket' in target) target.socket.pause();
      return;
    case 'resume':
      if ('socket' in target) target.socket.resume();
      return;
  }
}

let server: Server | undefined;

function handle(m: ApiMessage): void {
  if (m.t === 'listen') {
    server = createFrontServer(m.config);
    server.once('error', (err: NodeJS.ErrnoException) => {
      send({ t: 'listen-failed', code: err.code, message: err.message });
    });
    server.listen(m.port, m.host, () => {
      const address = server?.address();
      if (typeof address === 'object' && address !== null) send({ t: 'listening', address });
    });
  } else if (m.t === 'close') {
    if (server === undefined) {
      send({ t: 'closed' });
      return;
    }
    server.close(() => {
      send({ t: 'closed' });
    });
    server.closeAllConnections();
    // Upgraded sockets have left the server's bookkeeping.
    for (const target of targets.values()) ('res' in target ? target.res : target.socket).destroy();
  } else {
    const target = targets.get(m.id);
    if (target !== undefined) apply(m, target);
  }
}

port.on('message', (messages: ApiMessage[]) => {
  for (const m of messages) handle(m);
});
