import { describe, expect, it } from 'vitest';
import { FrontSocket } from './front-socket.ts';
import type { ApiMessage } from './messages.ts';

function socket(): { s: FrontSocket; sent: ApiMessage[] } {
  const sent: ApiMessage[] = [];
  const s = new FrontSocket((m) => sent.push(m), 7, '10.0.0.1');
  return { s, sent };
}

const kinds = (sent: ApiMessage[]): string[] => sent.map((m) => m.t);

describe('FrontSocket', () => {
  it('pauses the front while what it received is not read, and resumes it when read', async () => {
    const { s, sent } = socket();
    // Past the readable high-water mark (16 KiB) with nobody reading.
    s.received(new Uint8Array(20 * 1024));
    expect(kinds(sent)).toEqual(['pause']);
    const chunks: Buffer[] = [];
    s.on('data', (c: Buffer) => chunks.push(c));
    await new Promise((r) => setImmediate(r));
    expect(kinds(sent)).toEqual(['pause', 'resume']);
    expect(chunks.reduce((n, c) => n + c.length, 0)).toBe(20 * 1024);
  });

  it('holds writes past 256 KiB the front has not acknowledged, then lets them go', async () => {
    const { s, sent } = socket();
    let done = 0;
    for (let i = 0; i < 5; i++) s.write(Buffer.alloc(64 * 1024), () => done++);
    await new Promise((r) => setImmediate(r));
    // 64 KiB each: the fourth reaches 256 KiB and waits; the fifth is not sent yet.
    expect(sent.filter((m) => m.t === 'write')).toHaveLength(4);
    expect(done).toBe(3);
    s.drained(256 * 1024);
    await new Promise((r) => setImmediate(r));
    expect(sent.filter((m) => m.t === 'write')).toHaveLength(5);
    expect(done).toBe(5);
  });

  it('ends the front write side on end(), and leaves a cleanly closed connection alone', async () => {
    const { s, sent } = socket();
    s.resume();
    s.end();
    s.clientEnded();
    await new Promise((r) => s.once('close', r));
    expect(kinds(sent)).toEqual(['end']);
  });

  it('tears the front socket down when destroyed early, and not when the front closed it', async () => {
    const early = socket();
    early.s.destroy();
    await new Promise((r) => early.s.once('close', r));
    expect(kinds(early.sent)).toEqual(['destroy']);
    const gone = socket();
    gone.s.gone();
    await new Promise((r) => gone.s.once('close', r));
    expect(kinds(gone.sent)).toEqual([]);
  });

  it('lets what the client sent before it closed be read first', async () => {
    const { s } = socket();
    s.received(new TextEncoder().encode('last words'));
    s.clientEnded();
    s.gone();
    let text = '';
    s.on('data', (c: Buffer) => (text += c.toString()));
    await new Promise((r) => s.once('close', r));
    expect(text).toBe('last words');
    expect(s.remoteAddress).toBe('10.0.0.1');
  });
});
