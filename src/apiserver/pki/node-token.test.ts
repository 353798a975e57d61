import { describe, it, expect } from 'vitest';
import { caCertHash, formatNodeToken, parseNodeToken } from './index.ts';

const CA = '-----BEGIN CERTIFICATE-----\nQ0E=\n-----END CERTIFICATE-----\n';

describe('node token', () => {
  it('formats k3s-style K10 tokens that pin the CA', () => {
    const token = formatNodeToken(CA, 'abcdef0123456789abcdef0123456789');
    expect(token).toBe(`K10${caCertHash(CA)}::server:abcdef0123456789abcdef0123456789`);
    expect(caCertHash(CA)).toMatch(/^[0-9a-f]{64}$/);
    expect(parseNodeToken(`${token}\n`)).toEqual({
      token,
      secret: 'abcdef0123456789abcdef0123456789',
      caHash: caCertHash(CA),
    });
  });

  it('generates a fresh 128-bit secret each time', () => {
    const a = parseNodeToken(formatNodeToken(CA));
    const b = parseNodeToken(formatNodeToken(CA));
    expect(a?.secret).toMatch(/^[0-9a-f]{32}$/);
    expect(a?.secret).not.toBe(b?.secret);
  });

  const table: [string, string, string | undefined][] = [
    ['a bare secret of 16+ printable characters', 'correct-horse-battery', 'correct-horse-battery'],
    ['a short bare secret', 'tooshort', undefined],
    ['whitespace inside', 'abc def ghi jkl mno', undefined],
    ['an empty file', '', undefined],
    ['a K10 token with a short hash', 'K10abcd::server:0123456789abcdef', undefined],
    ['a K10 token with a short secret', `K10${'a'.repeat(64)}::server:short`, undefined],
    ['a K10 token with an empty secret', `K10${'a'.repeat(64)}::server:`, undefined],
  ];
  for (const [what, input, secret] of table) {
    it(`parses ${what}`, () => {
      expect(parseNodeToken(input)?.secret).toBe(secret);
    });
  }
});
