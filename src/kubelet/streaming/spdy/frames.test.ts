import { describe, expect, it } from 'vitest';
import {
  decodeHeaderBlock,
  encodeDataFrame,
  encodeGoAway,
  encodeHeaderBlock,
  encodeHeaders,
  encodePing,
  encodeRstStream,
  encodeSettings,
  encodeSynReply,
  encodeSynStream,
  encodeWindowUpdate,
  FLAG_FIN,
  FLAG_UNIDIRECTIONAL,
  FrameReader,
  headerValue,
  type SpdyFrame,
  SpdyProtocolError,
} from './frames.ts';

/** Feeds `bytes` to a reader in pieces of `step` bytes and collects every frame. */
function readAll(bytes: Buffer, step = bytes.length): SpdyFrame[] {
  const reader = new FrameReader();
  const frames: SpdyFrame[] = [];
  for (let off = 0; off < bytes.length; off += step) {
    reader.push(bytes.subarray(off, off + step));
    for (let f = reader.next(); f; f = reader.next()) frames.push(f);
  }
  expect(reader.buffered).toBe(0);
  return frames;
}

describe('SPDY/3.1 frames', () => {
  const block = Buffer.from('compressed-header-block');

  it.each([1, 3, 7, 1000])('round-trips every frame type fed %i bytes at a time', (step) => {
    const bytes = Buffer.concat([
      encodeSynStream({
        streamId: 5,
        associatedToStreamId: 3,
        priority: 7,
        flags: FLAG_FIN | FLAG_UNIDIRECTIONAL,
        headerBlock: block,
      }),
      encodeSynReply(5, FLAG_FIN, block),
      encodeRstStream(5, 5),
      encodeSettings([
        { flags: 1, id: 7, value: 65536 },
        { flags: 0, id: 4, value: 100 },
      ]),
      encodePing(0x7fffffff),
      encodeGoAway(9, 2),
      encodeHeaders(7, 0, block),
      encodeWindowUpdate(3, 0x10000),
      encodeDataFrame(3, FLAG_FIN, Buffer.from('hello')),
      encodeDataFrame(0x7ffffffd, 0, Buffer.alloc(0)),
    ]);
    expect(readAll(bytes, step)).toEqual([
      {
        type: 'syn_stream',
        streamId: 5,
        associatedToStreamId: 3,
        priority: 7,
        slot: 0,
        flags: 3,
        headerBlock: block,
      },
      { type: 'syn_reply', streamId: 5, flags: FLAG_FIN, headerBlock: block },
      { type: 'rst_stream', streamId: 5, status: 5 },
      {
        type: 'settings',
        flags: 0,
        entries: [
          { flags: 1, id: 7, value: 65536 },
          { flags: 0, id: 4, value: 100 },
        ],
      },
      { type: 'ping', id: 0x7fffffff },
      { type: 'goaway', lastGoodStreamId: 9, status: 2 },
      { type: 'headers', streamId: 7, flags: 0, headerBlock: block },
      { type: 'window_update', streamId: 3, delta: 0x10000 },
      { type: 'data', streamId: 3, flags: FLAG_FIN, data: Buffer.from('hello') },
      { type: 'data', streamId: 0x7ffffffd, flags: 0, data: Buffer.alloc(0) },
    ]);
  });

  it('writes the control bit, version 3 and the type in the first word, flags and length in the second', () => {
    const ping = encodePing(1);
    expect(ping.toString('hex')).toBe('80030006' + '00000004' + '00000001');
    const rst = encodeRstStream(1, 5);
    expect(rst.toString('hex')).toBe('80030003' + '00000008' + '00000001' + '00000005');
    const data = encodeDataFrame(1, FLAG_FIN, Buffer.from([0xaa]));
    expect(data.toString('hex')).toBe('00000001' + '01000001' + 'aa');
    const syn = encodeSynStream({ streamId: 1, priority: 2, headerBlock: Buffer.from([0xbb]) });
    expect(syn.toString('hex')).toBe(
      '80030001' + '0000000b' + '00000001' + '00000000' + '4000' + 'bb',
    );
  });

  it('returns data payloads within one chunk as views, without copying', () => {
    const bytes = encodeDataFrame(1, 0, Buffer.from('payload'));
    const reader = new FrameReader();
    reader.push(bytes);
    const frame = reader.next();
    expect(frame?.type).toBe('data');
    if (frame?.type !== 'data') return;
    expect(frame.data.buffer).toBe(bytes.buffer);
  });

  it('waits for a whole frame', () => {
    const bytes = encodeDataFrame(1, 0, Buffer.alloc(100, 1));
    const reader = new FrameReader();
    reader.push(bytes.subarray(0, 50));
    expect(reader.next()).toBeUndefined();
    reader.push(bytes.subarray(50));
    expect(reader.next()).toMatchObject({ type: 'data', streamId: 1 });
  });

  it('ignores control frames of unknown types, as SPDY says', () => {
    const unknown = Buffer.from('8003000f' + '00000002' + 'abcd', 'hex');
    expect(readAll(unknown)).toEqual([
      { type: 'unknown', frameType: 15, flags: 0, payload: Buffer.from('abcd', 'hex') },
    ]);
  });

  it.each([
    ['a data frame on stream 0', '00000000' + '00000000', /stream id zero/],
    [
      'a SYN_STREAM for stream 0',
      '80030001' + '0000000a' + '00000000' + '00000000' + '0000',
      /stream id zero/,
    ],
    ['a RST_STREAM with status 0', '80030003' + '00000008' + '00000001' + '00000000', /status 0/],
    ['a PING with id 0', '80030006' + '00000004' + '00000000', /id 0/],
    ['a short GOAWAY', '80030007' + '00000004' + '00000001', /GOAWAY/],
    [
      'a SETTINGS frame whose count does not match',
      '80030004' + '00000004' + '00000002',
      /SETTINGS/,
    ],
    ['a control frame of 2 MiB', '80030008' + '00200000', /too large/],
  ])('refuses %s', (_what, hex, message) => {
    const reader = new FrameReader();
    reader.push(Buffer.from(hex, 'hex'));
    expect(() => reader.next()).toThrow(SpdyProtocolError);
    const again = new FrameReader();
    again.push(Buffer.from(hex, 'hex'));
    expect(() => again.next()).toThrow(message);
  });
});

describe('SPDY header blocks', () => {
  it('encodes a count, then length-prefixed lower-case names and NUL-joined values', () => {
    const block = encodeHeaderBlock([
      ['streamType', 'error'],
      ['X-Multi', ['a', 'b']],
    ]);
    expect(block.toString('hex')).toBe(
      '00000002' +
        '0000000a' +
        Buffer.from('streamtype').toString('hex') +
        '00000005' +
        Buffer.from('error').toString('hex') +
        '00000007' +
        Buffer.from('x-multi').toString('hex') +
        '00000003' +
        Buffer.from('a\0b').toString('hex'),
    );
  });

  it('round-trips, splitting NUL-separated values and lower-casing names', () => {
    const headers = decodeHeaderBlock(
      encodeHeaderBlock([
        ['StreamType', 'data'],
        ['port', '8080'],
        ['requestID', '0'],
        ['multi', ['1', '2', '3']],
      ]),
    );
    expect([...headers]).toEqual([
      ['streamtype', ['data']],
      ['port', ['8080']],
      ['requestid', ['0']],
      ['multi', ['1', '2', '3']],
    ]);
    expect(headerValue(headers, 'streamType')).toBe('data');
    expect(headerValue(headers, 'absent')).toBeUndefined();
  });

  it('merges a name given twice', () => {
    const headers = decodeHeaderBlock(
      encodeHeaderBlock([
        ['a', '1'],
        ['A', '2'],
      ]),
    );
    expect(headers.get('a')).toEqual(['1', '2']);
  });

  it('decodes an empty block (what a SYN_REPLY carries)', () => {
    expect(decodeHeaderBlock(encodeHeaderBlock([])).size).toBe(0);
  });

  it.each([
    ['shorter than its count', '00000001'],
    ['a name running past the end', '00000001' + '00000010' + '6162'],
    ['trailing bytes', '00000000' + 'ff'],
    ['a count no block of this size can hold', 'ffffffff' + '00000000'],
  ])('refuses a block with %s', (_what, hex) => {
    expect(() => decodeHeaderBlock(Buffer.from(hex, 'hex'), 3)).toThrow(SpdyProtocolError);
  });
});
