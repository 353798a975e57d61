import { createServer, type AddressInfo, type Server } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { tcpProbe } from './tcp-probe.ts';

let server: Server | undefined;

afterEach(async () => {
  if (server?.listening) await new Promise((r) => server?.close(r));
  server = undefined;
});

async function listen(): Promise<{ port: number; connections: () => number }> {
  let count = 0;
  server = createServer((socket) => {
    count++;
    socket.on('error', () => undefined);
  });
  await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
  return { port: (server.address() as AddressInfo).port, connections: () => count };
}

describe('tcpProbe', () => {
  it('succeeds when the port accepts a connection, which it closes at once', async () => {
    const { port, connections } = await listen();
    expect(await tcpProbe('127.0.0.1', port, 1000)).toEqual({ result: 'success', output: '' });
    expect(connections()).toBe(1);
  });

  it('fails with Go wording when nothing listens', async () => {
    const { port } = await listen();
    await new Promise((r) => server?.close(r));
    expect(await tcpProbe('127.0.0.1', port, 1000)).toEqual({
      result: 'failure',
      output: `dial tcp 127.0.0.1:${port}: connect: connection refused`,
    });
  });

  it('brackets IPv6 literals in its messages', async () => {
    const out = await tcpProbe('::1', 1, 1000);
    expect(out.result).toBe('failure');
    expect(out.output).toMatch(/^dial tcp \[::1\]:1: /);
  });
});
