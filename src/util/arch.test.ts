import { describe, expect, it } from 'vitest';
import { goArch } from './arch.ts';

describe('goArch', () => {
  it("names Node's architectures as Go does", () => {
    expect(goArch('x64')).toBe('amd64');
    expect(goArch('ia32')).toBe('386');
    expect(goArch('ppc64')).toBe('ppc64le');
    expect(goArch('arm64')).toBe('arm64');
    expect(goArch('s390x')).toBe('s390x');
  });
});
