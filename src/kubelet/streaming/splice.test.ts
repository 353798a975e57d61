import { type AddressInfo, connect, createServer, type Socket } from 'node:net';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { duplexPair } from './testing/duplex-pair.ts';
import { splice } from './splice.ts';

/** A TCP connection pair on loopback, with half-close allowed on both ends. */
async function tcpPair(): Promise<[Socket, Socket, () => void]> {
  let accepted: Socket | undefined;
  const server = createServer({ allowHalfOpen: true }, (s) => (accepted = s));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const client = connect({
    port: (server.address() as AddressInfo).port,
    host: '127.0.0.1',
    allowHalfOpen: true,
  });
  await new Promise((r) => client.once('connect', r));
  while (!accepted) await new Promise((r) => setImmediate(r));
  return [client, accepted, () => server.close()];
}

function collect(s: NodeJS.ReadableStream): Promise<string> {
  return new Promise((resolve) => {
    let text = '';
    s.on('data', (c: Buffer) => (text += c.toString()));
    s.on('end', () => {
      resolve(text);
    });
  });
}

describe('splice', () => {
  it('carries both directions and each half-close, then is done', async () => {
    const [clientSide, clientEnd] = duplexPair();
    const [target, pod, close] = await tcpPair();
    // The "pod": answers once the request is complete (it saw EOF).
    let request = '';
    pod.on('data', (c: Buffer) => (request += c.toString()));
    pod.on('end', () => {
      pod.end(`answer to ${request}`);
    });
    const done = splice(clientEnd, {
      input: target,
      output: target,
      destroy: () => target.destroy(),
    });
    const answer = collect(clientSide);
    clientSide.end('question');
    expect(await answer).toBe('answer to question');
    expect(await done).toEqual({ up: 8, down: 18 });
    close();
  });

  it('a client that goes away tears the target down', async () => {
    const [clientSide, clientEnd] = duplexPair();
    const input = new PassThrough();
    const output = new PassThrough();
    let destroyed = false;
    const done = splice(clientEnd, {
      input,
      output,
      destroy: () => {
        destroyed = true;
      },
    });
    clientSide.destroy();
    expect((await done).cut).toBe('client');
    expect(destroyed).toBe(true);
  });

  it('an aborted signal cuts it', async () => {
    const [, clientEnd] = duplexPair();
    const abort = new AbortController();
    const done = splice(
      clientEnd,
      { input: new PassThrough(), output: new PassThrough(), destroy: () => undefined },
      { signal: abort.signal },
    );
    abort.abort();
    expect((await done).cut).toBe('aborted');
  });

  it('after one direction ends, an idle other direction is closed after the linger', async () => {
    const [clientSide, clientEnd] = duplexPair();
    const input = new PassThrough();
    const output = new PassThrough();
    let now = 0;
    const timers: { at: number; fn: () => void }[] = [];
    const done = splice(
      clientEnd,
      { input, output, destroy: () => undefined },
      {
        lingerMs: 1000,
        now: () => now,
        setTimer: (fn, ms) => {
          const t = { at: now + ms, fn };
          timers.push(t);
          return () => {
            timers.splice(timers.indexOf(t), 1);
          };
        },
      },
    );
    clientSide.resume();
    output.end('the pod is done'); // the pod's side ends; the client never ends its own
    await new Promise((r) => setTimeout(r, 20));
    expect(timers).toHaveLength(1);
    now = 1000;
    timers.shift()?.fn();
    expect((await done).cut).toBe('linger');
  });
});
