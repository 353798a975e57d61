/**
 * The gRPC probe (upstream pkg/probe/grpc): one unary call of grpc.health.v1.Health/Check over
 * cleartext HTTP/2, with the service name from the probe. SERVING is success; any other answer,
 * an error status, a timeout or no connection is a failure, worded as upstream words it.
 *
 * The call is small enough to make by hand with node:http2 (a length-prefixed protobuf message
 * with one string field out, one enum field back, the status in trailers), which spares the
 * agent @grpc/grpc-js and a protobuf runtime for one fixed message pair.
 *
 * As upstream dials with WithBlock, a refused connection is retried (gRPC's back-off: 1 s,
 * growing 1.6 times, ±20 %) until the timeout, and then reported as a timeout.
 */
import http2 from 'node:http2';
import { realClock, type Clock } from '../../util/index.ts';
import { goDuration, joinHostPort } from './go-format.ts';
import { kubeMajorMinor, type ProbeOutcome } from './types.ts';

const grpcCodes = [
  'OK',
  'Canceled',
  'Unknown',
  'InvalidArgument',
  'DeadlineExceeded',
  'NotFound',
  'AlreadyExists',
  'PermissionDenied',
  'ResourceExhausted',
  'FailedPrecondition',
  'Aborted',
  'OutOfRange',
  'Unimplemented',
  'Internal',
  'Unavailable',
  'DataLoss',
  'Unauthenticated',
] as const;

const servingStatusNames = ['UNKNOWN', 'SERVING', 'NOT_SERVING', 'SERVICE_UNKNOWN'];

function codeName(code: number): string {
  return grpcCodes[code] ?? `Code(${code})`;
}

const httpStatusText: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
};

/** gRPC's HTTP-to-status mapping for responses that are not gRPC. */
function codeForHttpStatus(status: number): number {
  switch (status) {
    case 400:
      return 13; // Internal
    case 401:
      return 16; // Unauthenticated
    case 403:
      return 7; // PermissionDenied
    case 404:
      return 12; // Unimplemented
    case 429:
    case 502:
    case 503:
    case 504:
      return 14; // Unavailable
    default:
      return 2; // Unknown
  }
}

function varint(n: number): Buffer {
  const bytes: number[] = [];
  let v = n;
  while (v > 0x7f) {
    bytes.push((v & 0x7f) | 0x80);
    v = Math.floor(v / 128);
  }
  bytes.push(v);
  return Buffer.from(bytes);
}

/** A gRPC frame holding HealthCheckRequest{service}. */
export function encodeHealthCheckRequest(service: string): Buffer {
  const name = Buffer.from(service, 'utf8');
  const message = name.length
    ? Buffer.concat([Buffer.from([0x0a]), varint(name.length), name])
    : Buffer.alloc(0);
  const header = Buffer.alloc(5);
  header.writeUInt8(0, 0);
  header.writeUInt32BE(message.length, 1);
  return Buffer.concat([header, message]);
}

function readVarint(buf: Buffer, offset: number): { value: number; next: number } {
  let value = 0;
  let shift = 1;
  let i = offset;
  for (;;) {
    const b = buf[i];
    if (b === undefined) throw new Error('truncated varint');
    i++;
    value += (b & 0x7f) * shift;
    if ((b & 0x80) === 0) return { value, next: i };
    shift *= 128;
    if (shift > 2 ** 63) throw new Error('varint too long');
  }
}

/** HealthCheckResponse.status out of a protobuf message (0, UNKNOWN, when absent). */
export function decodeHealthCheckResponse(message: Buffer): number {
  let status = 0;
  let i = 0;
  while (i < message.length) {
    const key = readVarint(message, i);
    i = key.next;
    const field = Math.floor(key.value / 8);
    const wire = key.value & 7;
    if (wire === 0) {
      const v = readVarint(message, i);
      i = v.next;
      if (field === 1) status = v.value;
    } else if (wire === 1) i += 8;
    else if (wire === 5) i += 4;
    else if (wire === 2) {
      const len = readVarint(message, i);
      i = len.next + len.value;
    } else throw new Error(`unsupported wire type ${wire}`);
  }
  if (i > message.length) throw new Error('truncated message');
  return status;
}

interface RpcStatus {
  readonly code: number;
  readonly message: string;
}

type CallResult = { ok: true; message: Buffer } | { ok: false; status: RpcStatus };

function grpcMessage(v: unknown): string {
  if (typeof v !== 'string') return '';
  try {
    return decodeURIComponent(v);
  } catch {
    return v;
  }
}

function connectOnce(
  authority: string,
  deadline: number,
  clock: Clock,
): Promise<http2.ClientHttp2Session | Error | 'timeout'> {
  return new Promise((resolve) => {
    const session = http2.connect(`http://${authority}`);
    let settled = false;
    const settle = (v: http2.ClientHttp2Session | Error | 'timeout'): void => {
      if (settled) return;
      settled = true;
      cancel();
      if (v !== session) session.destroy();
      resolve(v);
    };
    const cancel = clock.setTimeout(
      () => {
        settle('timeout');
      },
      Math.max(0, deadline - clock.now()),
    );
    session.once('connect', () => {
      settle(session);
    });
    session.on('error', (err: Error) => {
      settle(err);
    });
  });
}

function call(
  session: http2.ClientHttp2Session,
  authority: string,
  service: string,
  deadline: number,
  clock: Clock,
): Promise<CallResult | 'timeout'> {
  return new Promise((resolve) => {
    const remaining = Math.max(1, deadline - clock.now());
    let settled = false;
    const settle = (v: CallResult | 'timeout'): void => {
      if (settled) return;
      settled = true;
      cancel();
      resolve(v);
    };
    const stream = session.request({
      ':method': 'POST',
      ':scheme': 'http',
      ':authority': authority,
      ':path': '/grpc.health.v1.Health/Check',
      'content-type': 'application/grpc',
      te: 'trailers',
      'user-agent': `kube-probe/${kubeMajorMinor}`,
      'grpc-timeout': `${remaining}m`,
    });
    const cancel = clock.setTimeout(() => {
      stream.close(http2.constants.NGHTTP2_CANCEL);
      settle('timeout');
    }, remaining);
    let headers: http2.IncomingHttpHeaders | undefined;
    let trailers: http2.IncomingHttpHeaders | undefined;
    const chunks: Buffer[] = [];
    stream.on('response', (h) => {
      headers = h;
    });
    stream.on('trailers', (t: http2.IncomingHttpHeaders) => {
      trailers = t;
    });
    stream.on('data', (chunk: Buffer) => {
      chunks.push(chunk);
    });
    stream.on('error', (err: Error) => {
      settle({
        ok: false,
        status: { code: 14, message: `connection error: desc = "${err.message}"` },
      });
    });
    stream.on('close', () => {
      const httpStatus = Number(headers?.[':status'] ?? 0);
      if (!headers) {
        settle({
          ok: false,
          status: { code: 14, message: 'error reading from server: EOF' },
        });
        return;
      }
      const contentType = headers['content-type'] ?? '';
      if (httpStatus !== 200 || !contentType.startsWith('application/grpc')) {
        const text = httpStatusText[httpStatus] ?? 'Unknown';
        settle({
          ok: false,
          status: {
            code: codeForHttpStatus(httpStatus),
            message:
              httpStatus !== 200
                ? `unexpected HTTP status code received from server: ${httpStatus} (${text})`
                : `transport: received unexpected content-type "${contentType}"`,
          },
        });
        return;
      }
      // A trailers-only response carries the status in its headers.
      const meta = trailers ?? headers;
      const statusValue = meta['grpc-status'];
      if (statusValue === undefined) {
        settle({
          ok: false,
          status: { code: 13, message: 'server closed the stream without sending trailers' },
        });
        return;
      }
      const code = Number(statusValue);
      if (code !== 0) {
        settle({ ok: false, status: { code, message: grpcMessage(meta['grpc-message']) } });
        return;
      }
      const data = Buffer.concat(chunks);
      const length = data.length >= 5 ? data.readUInt32BE(1) : -1;
      if (length < 0 || data.length < 5 + length) {
        settle({ ok: false, status: { code: 13, message: 'grpc: response message missing' } });
        return;
      }
      if (data[0] !== 0) {
        settle({
          ok: false,
          status: {
            code: 13,
            message: 'grpc: compressed flag set with identity or empty encoding',
          },
        });
        return;
      }
      settle({ ok: true, message: data.subarray(5, 5 + length) });
    });
    stream.end(encodeHealthCheckRequest(service));
  });
}

export interface GrpcProbeOptions {
  readonly clock?: Clock;
  /** Jitter source in [0, 1); default Math.random. */
  readonly random?: () => number;
}

export async function grpcProbe(
  host: string,
  service: string,
  port: number,
  timeoutMs: number,
  opts: GrpcProbeOptions = {},
): Promise<ProbeOutcome> {
  const clock = opts.clock ?? realClock;
  const random = opts.random ?? Math.random;
  const addr = joinHostPort(host, port);
  const timeout = goDuration(timeoutMs);
  const deadline = clock.now() + timeoutMs;
  const connectTimeout: ProbeOutcome = {
    result: 'failure',
    output: `timeout: failed to connect service ${JSON.stringify(addr)} within ${timeout}: context deadline exceeded`,
  };

  let session: http2.ClientHttp2Session | undefined;
  let backoffMs = 1000;
  while (!session) {
    const attempt = await connectOnce(addr, deadline, clock);
    if (attempt === 'timeout') return connectTimeout;
    if (attempt instanceof Error) {
      const wait = backoffMs * (1 + 0.2 * (random() * 2 - 1));
      backoffMs *= 1.6;
      if (clock.now() + wait >= deadline) {
        await clock.sleep(Math.max(0, deadline - clock.now()));
        return connectTimeout;
      }
      await clock.sleep(wait);
      continue;
    }
    session = attempt;
  }
  try {
    const result = await call(session, addr, service, deadline, clock);
    if (result === 'timeout') {
      return {
        result: 'failure',
        output: `timeout: health rpc did not complete within ${timeout}`,
      };
    }
    if (!result.ok) {
      const { code, message } = result.status;
      if (code === 12) {
        return {
          result: 'failure',
          output: `error: this server does not implement the grpc health protocol (grpc.health.v1.Health): ${message}`,
        };
      }
      if (code === 4) {
        return {
          result: 'failure',
          output: `timeout: health rpc did not complete within ${timeout}`,
        };
      }
      return {
        result: 'failure',
        output: `error: health rpc probe failed: rpc error: code = ${codeName(code)} desc = ${message}`,
      };
    }
    let status: number;
    try {
      status = decodeHealthCheckResponse(result.message);
    } catch (err) {
      return {
        result: 'failure',
        output: `error: health rpc probe failed: rpc error: code = Internal desc = grpc: failed to unmarshal the received message: ${(err as Error).message}`,
      };
    }
    if (status !== 1) {
      const name = servingStatusNames[status] ?? String(status);
      return {
        result: 'failure',
        output: `service unhealthy (responded with ${JSON.stringify(name)})`,
      };
    }
    return { result: 'success', output: 'service healthy' };
  } finally {
    session.destroy();
  }
}
