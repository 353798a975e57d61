import { describe, expect, it } from 'vitest';
import { Exchange } from './exchange.ts';
import type { ApiMessage, RequestHead } from './messages.ts';

const head: RequestHead = {
  id: 3,
  method: 'POST',
  url: '/api/v1/namespaces/default/configmaps',
  headers: { 'content-type': 'application/json', accept: ['a', 'b'] as unknown as string },
  certificate: undefined,
};
const user = { name: 'u', groups: [] };

function exchange(): { x: Exchange; sent: ApiMessage[]; done: () => number } {
  const sent: ApiMessage[] = [];
  let finished = 0;
  const x = new Exchange(
    3,
    (m) => sent.push(m),
    () => finished++,
  );
  return { x, sent, done: () => finished };
}

describe('Exchange', () => {
  it('gives the handler the request, and refuses a body past its limit with 413', async () => {
    const { x } = exchange();
    const body = { bytes: new TextEncoder().encode('{"a":1}'), tooLarge: false };
    const req = x.request(head, user, body);
    expect([req.method, req.url, req.header('content-type'), req.header('accept')]).toEqual([
      'POST',
      '/api/v1/namespaces/default/configmaps',
      'application/json',
      'a, b',
    ]);
    expect((await req.readBody(100)).toString()).toBe('{"a":1}');
    await expect(req.readBody(3)).rejects.toMatchObject({ code: 413 });
    const cut = x.request(head, user, { bytes: new Uint8Array(0), tooLarge: true });
    await expect(cut.readBody(100)).rejects.toMatchObject({ code: 413 });
  });

  it('sends one response, with the added headers, and is done', () => {
    const { x, sent, done } = exchange();
    const res = x.response();
    res.addHeader('Warning', '299 - "careful"');
    res.send(201, { 'Content-Type': 'application/json' }, '{}');
    res.send(500, {}, 'again');
    expect(sent).toEqual([
      {
        t: 'send',
        id: 3,
        status: 201,
        headers: ['Content-Type', 'application/json', 'Warning', '299 - "careful"'],
        body: '{}',
      },
    ]);
    expect(done()).toBe(1);
  });

  it('streams: writes report full past 64 KiB unacknowledged, drain listeners run on acks', () => {
    const { x, sent, done } = exchange();
    const stream = x.response().stream(200, { 'Content-Type': 'application/json' });
    expect(stream.write('x'.repeat(40 * 1024))).toBe(true);
    expect(stream.write(Buffer.alloc(30 * 1024))).toBe(false);
    expect(stream.buffered()).toBe(70 * 1024);
    let drained = false;
    stream.onDrain(() => (drained = true));
    expect(drained).toBe(false);
    x.drained(40 * 1024);
    expect(drained).toBe(true);
    stream.end();
    expect(stream.closed).toBe(true);
    expect(stream.write('late')).toBe(false);
    expect(sent.map((m) => m.t)).toEqual(['head', 'write', 'write', 'end']);
    expect(done()).toBe(1);
  });

  it('aborts the signal and closes the stream when the client goes away', () => {
    const { x, sent } = exchange();
    const req = x.request(head, user, { bytes: new Uint8Array(0), tooLarge: false });
    const stream = x.response().stream(200, {});
    expect(req.signal.aborted).toBe(false);
    x.gone();
    expect(req.signal.aborted).toBe(true);
    expect(stream.closed).toBe(true);
    stream.end();
    expect(sent.map((m) => m.t)).toEqual(['head']);
    // A signal first asked for after the client left is aborted already.
    const { x: late } = exchange();
    late.gone();
    expect(
      late.request(head, user, { bytes: new Uint8Array(0), tooLarge: false }).signal.aborted,
    ).toBe(true);
  });
});
