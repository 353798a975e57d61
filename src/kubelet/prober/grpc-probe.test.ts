import http2 from 'node:http2';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { decodeHealthCheckResponse, encodeHealthCheckRequest, grpcProbe } from './grpc-probe.ts';

/** What the test server does with one Check call. */
type Answer =
  { status: number } | { grpcStatus: number; message: string } | { http: number } | 'hang';

let server: http2.Http2Server | undefined;

afterEach(async () => {
  if (server) await new Promise((r) => server?.close(r));
  server = undefined;
});

/** The request's service name out of a gRPC frame (field 1, short strings only). */
function serviceOf(frame: Buffer): string {
  const message = frame.subarray(5);
  if (message.length === 0) return '';
  return message.subarray(2, 2 + (message[1] ?? 0)).toString('utf8');
}

function responseFrame(status: number): Buffer {
  const message = Buffer.from([0x08, status]);
  const header = Buffer.alloc(5);
  header.writeUInt32BE(message.length, 1);
  return Buffer.concat([header, message]);
}

async function healthServer(
  answer: (service: string) => Answer,
): Promise<{ port: number; seen: { service: string; headers: http2.IncomingHttpHeaders }[] }> {
  const seen: { service: string; headers: http2.IncomingHttpHeaders }[] = [];
  const sessions = new Set<http2.ServerHttp2Session>();
  server = http2.createServer();
  server.on('session', (s) => {
    sessions.add(s);
    s.on('close', () => sessions.delete(s));
  });
  server.on('close', () => {
    for (const s of sessions) s.destroy();
  });
  server.on('stream', (stream, headers) => {
    const chunks: Buffer[] = [];
    stream.on('data', (c: Buffer) => chunks.push(c));
    stream.on('error', () => undefined);
    stream.on('end', () => {
      const service = serviceOf(Buffer.concat(chunks));
      seen.push({ service, headers });
      if (headers[':path'] !== '/grpc.health.v1.Health/Check') {
        stream.respond(
          { ':status': 200, 'content-type': 'application/grpc', 'grpc-status': '12' },
          { endStream: true },
        );
        return;
      }
      const a = answer(service);
      if (a === 'hang') return;
      if ('http' in a) {
        stream.respond({ ':status': a.http, 'content-type': 'text/plain' });
        stream.end('nope');
        return;
      }
      if ('grpcStatus' in a) {
        stream.respond(
          {
            ':status': 200,
            'content-type': 'application/grpc',
            'grpc-status': String(a.grpcStatus),
            'grpc-message': encodeURIComponent(a.message),
          },
          { endStream: true },
        );
        return;
      }
      stream.respond(
        { ':status': 200, 'content-type': 'application/grpc' },
        { waitForTrailers: true },
      );
      stream.on('wantTrailers', () => {
        stream.sendTrailers({ 'grpc-status': '0' });
      });
      stream.end(responseFrame(a.status));
    });
  });
  await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
  return { port: (server.address() as AddressInfo).port, seen };
}

describe('health check messages', () => {
  it('encodes the request and decodes the response', () => {
    expect(encodeHealthCheckRequest('')).toEqual(Buffer.from([0, 0, 0, 0, 0]));
    expect(encodeHealthCheckRequest('db')).toEqual(
      Buffer.from([0, 0, 0, 0, 4, 0x0a, 2, 0x64, 0x62]),
    );
    expect(decodeHealthCheckResponse(Buffer.from([0x08, 0x01]))).toBe(1);
    expect(decodeHealthCheckResponse(Buffer.alloc(0))).toBe(0);
    // Unknown fields are skipped.
    expect(decodeHealthCheckResponse(Buffer.from([0x12, 0x01, 0x41, 0x08, 0x02]))).toBe(2);
    expect(() => decodeHealthCheckResponse(Buffer.from([0x08]))).toThrow();
  });
});

describe('grpcProbe against a local HTTP/2 server', () => {
  it('succeeds on SERVING and sends the service name and kube-probe user agent', async () => {
    const { port, seen } = await healthServer(() => ({ status: 1 }));
    expect(await grpcProbe('127.0.0.1', 'db', port, 1000)).toEqual({
      result: 'success',
      output: 'service healthy',
    });
    expect(seen[0]?.service).toBe('db');
    expect(seen[0]?.headers['user-agent']).toBe('kube-probe/1.32');
    expect(seen[0]?.headers['content-type']).toBe('application/grpc');
    expect(seen[0]?.headers.te).toBe('trailers');
  });

  it('fails on NOT_SERVING with the status name', async () => {
    const { port } = await healthServer(() => ({ status: 2 }));
    expect(await grpcProbe('127.0.0.1', '', port, 1000)).toEqual({
      result: 'failure',
      output: 'service unhealthy (responded with "NOT_SERVING")',
    });
  });

  it('says when the server lacks the health service', async () => {
    const { port } = await healthServer(() => ({
      grpcStatus: 12,
      message: 'unknown service grpc.health.v1.Health',
    }));
    expect(await grpcProbe('127.0.0.1', '', port, 1000)).toEqual({
      result: 'failure',
      output:
        'error: this server does not implement the grpc health protocol (grpc.health.v1.Health): unknown service grpc.health.v1.Health',
    });
  });

  it('reports other statuses as rpc errors', async () => {
    const { port } = await healthServer(() => ({ grpcStatus: 5, message: 'unknown service' }));
    expect(await grpcProbe('127.0.0.1', 'nope', port, 1000)).toEqual({
      result: 'failure',
      output: 'error: health rpc probe failed: rpc error: code = NotFound desc = unknown service',
    });
  });

  it('maps a non-gRPC HTTP answer to a gRPC status', async () => {
    const { port } = await healthServer(() => ({ http: 503 }));
    expect(await grpcProbe('127.0.0.1', '', port, 1000)).toEqual({
      result: 'failure',
      output:
        'error: health rpc probe failed: rpc error: code = Unavailable desc = unexpected HTTP status code received from server: 503 (Service Unavailable)',
    });
  });

  it('times out a call the server does not answer', async () => {
    const { port } = await healthServer(() => 'hang');
    expect(await grpcProbe('127.0.0.1', '', port, 300)).toEqual({
      result: 'failure',
      output: 'timeout: health rpc did not complete within 300ms',
    });
  });

  it('keeps dialling a refused address until the timeout, as a blocking gRPC dial', async () => {
    const { port } = await healthServer(() => ({ status: 1 }));
    await new Promise((r) => server?.close(r));
    server = undefined;
    const started = Date.now();
    expect(await grpcProbe('127.0.0.1', '', port, 400)).toEqual({
      result: 'failure',
      output: `timeout: failed to connect service "127.0.0.1:${port}" within 400ms: context deadline exceeded`,
    });
    expect(Date.now() - started).toBeGreaterThanOrEqual(350);
  });
});
