import { describe, expect, it } from 'vitest';
import { goQuote, utf8Length } from './go-format.ts';

describe('goQuote', () => {
  it('quotes as strconv.Quote', () => {
    expect(goQuote('plain')).toBe('"plain"');
    expect(goQuote('a "b"\n\tc\\')).toBe('"a \\"b\\"\\n\\tc\\\\"');
    expect(goQuote('\x00\x1b\x7f')).toBe('"\\x00\\x1b\\x7f"');
    expect(goQuote('héllo ✓')).toBe('"héllo ✓"');
  });

  it('escapes what Go does not print: format characters, line separators, astral ones', () => {
    expect(goQuote('\u200b\u00ad\u2028')).toBe('"\\u200b\\u00ad\\u2028"');
    expect(goQuote('\u{e0001}')).toBe('"\\U000e0001"');
    expect(goQuote('😀')).toBe('"😀"');
  });

  it('writes a lone surrogate as the replacement character, as Go decodes one', () => {
    expect(goQuote('a\ud800b')).toBe('"a\ufffdb"');
  });
});

describe('utf8Length', () => {
  it("counts UTF-8 bytes as Go's len does, a lone surrogate as U+FFFD's three", () => {
    expect(utf8Length('')).toBe(0);
    expect(utf8Length('abc')).toBe(3);
    expect(utf8Length('é✓😀')).toBe(2 + 3 + 4);
    expect(utf8Length('\ud800x\udc00')).toBe(3 + 1 + 3);
  });
});
