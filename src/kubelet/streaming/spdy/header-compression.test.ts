import { constants, deflateSync, inflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { SPDY3_DICTIONARY } from './dictionary.ts';
import { decodeHeaderBlock, encodeHeaderBlock } from './frames.ts';
import { HeaderCompressor, HeaderDecompressor } from './header-compression.ts';

/**
 * A header block as Python's zlib (`compressobj(9, zdict=SPDY3 dictionary)`, one sync flush)
 * compressed {"streamtype": "error", "port": "80", "requestid": "0"}: an independent check that
 * our dictionary and inflater read what another implementation wrote.
 */
const FOREIGN_BLOCK =
  '78f9e3c6a7c202253a703a2b294a4dcc851625aca9a0808614cb45a024cc64610024398b209198094adc8c0600000000ffff';

describe('SPDY/3 header compression', () => {
  it('uses the 1423-byte SPDY/3 dictionary (zlib DICTID 0xe3c6a7c2)', () => {
    expect(SPDY3_DICTIONARY.length).toBe(1423);
    const z = deflateSync(Buffer.from('x'), { dictionary: SPDY3_DICTIONARY });
    expect(z.readUInt8(1) & 0x20).toBe(0x20); // FDICT
    expect(z.readUInt32BE(2)).toBe(0xe3c6a7c2);
    expect(SPDY3_DICTIONARY.subarray(0, 11).toString('latin1')).toBe('\0\0\0\x07options');
    expect(SPDY3_DICTIONARY.subarray(-8).toString('latin1')).toBe('*,enq=0.');
  });

  it('compresses blocks in one context that a single inflater reads back in order', async () => {
    const compressor = new HeaderCompressor();
    const decompressor = new HeaderDecompressor();
    const blocks = Array.from({ length: 50 }, (_, i) =>
      encodeHeaderBlock([
        ['streamtype', i % 2 ? 'data' : 'error'],
        ['port', String(1000 + i)],
        ['requestid', String(i)],
        ['padding', 'x'.repeat(i * 37)],
      ]),
    );
    // All issued at once: order must hold without the caller awaiting each.
    const compressed = await Promise.all(blocks.map((b) => compressor.compress(b)));
    // The shared context makes later blocks (same names and values) much smaller.
    expect(compressed[2]?.length).toBeLessThan(blocks[2]?.length ?? 0);
    const inflated = await Promise.all(compressed.map((c) => decompressor.decompress(c)));
    expect(inflated).toEqual(blocks);
    // And as one zlib stream, as a peer with one long-lived inflater sees it.
    const whole = inflateSync(Buffer.concat(compressed), {
      dictionary: SPDY3_DICTIONARY,
      finishFlush: constants.Z_SYNC_FLUSH,
    });
    expect(whole).toEqual(Buffer.concat(blocks));
    compressor.close();
    decompressor.close();
  });

  it('ends every block with a sync flush (00 00 ff ff), so the peer can inflate it at once', async () => {
    const compressor = new HeaderCompressor();
    const first = await compressor.compress(encodeHeaderBlock([['a', 'b']]));
    expect(first.readUInt16BE(0)).toBe(0x78f9); // zlib header with FDICT, best compression
    expect(first.subarray(-4).toString('hex')).toBe('0000ffff');
    const second = await compressor.compress(encodeHeaderBlock([['a', 'b']]));
    expect(second.readUInt8(0)).not.toBe(0x78); // a continuation, no second zlib header
    expect(second.subarray(-4).toString('hex')).toBe('0000ffff');
    compressor.close();
  });

  it('reads a block another zlib implementation compressed with the dictionary', async () => {
    const decompressor = new HeaderDecompressor();
    const raw = await decompressor.decompress(Buffer.from(FOREIGN_BLOCK, 'hex'));
    expect(Object.fromEntries(decodeHeaderBlock(raw))).toEqual({
      streamtype: ['error'],
      port: ['80'],
      requestid: ['0'],
    });
    decompressor.close();
  });

  it('fails on a block compressed without the dictionary', async () => {
    const decompressor = new HeaderDecompressor();
    const plain = deflateSync(encodeHeaderBlock([['a', 'b']]), { flush: constants.Z_SYNC_FLUSH });
    // Without FDICT zlib inflates it fine; with a wrong DICTID it must fail.
    const wrongDict = deflateSync(encodeHeaderBlock([['a', 'b']]), {
      dictionary: Buffer.from('not the spdy dictionary'),
    });
    await expect(decompressor.decompress(wrongDict)).rejects.toThrow();
    const fresh = new HeaderDecompressor();
    await expect(fresh.decompress(plain)).resolves.toEqual(encodeHeaderBlock([['a', 'b']]));
    decompressor.close();
    fresh.close();
  });
});
