import { describe, expect, it } from 'vitest';
import { goDuration, goNetError, goStringSlice, joinHostPort } from './go-format.ts';

describe('go formats', () => {
  it('prints slices and durations as %v does', () => {
    expect(goStringSlice(['sh', '-c', 'exit 1'])).toBe('[sh -c exit 1]');
    expect(goDuration(1000)).toBe('1s');
    expect(goDuration(90_000)).toBe('1m30s');
    expect(goDuration(3_600_000)).toBe('1h0m0s');
    expect(goDuration(500)).toBe('500ms');
    expect(goDuration(0)).toBe('0s');
  });

  it('joins host and port and words socket errors as Go', () => {
    expect(joinHostPort('10.0.0.1', 80)).toBe('10.0.0.1:80');
    expect(joinHostPort('fd00::1', 80)).toBe('[fd00::1]:80');
    const refused = Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
    expect(goNetError(refused, '10.0.0.1:80', 'dial')).toBe(
      'dial tcp 10.0.0.1:80: connect: connection refused',
    );
    const hangUp = Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
    expect(goNetError(hangUp, '10.0.0.1:80', 'dial')).toBe('EOF');
    const unreachable = Object.assign(new Error('x'), { code: 'EHOSTUNREACH' });
    expect(goNetError(unreachable, '10.0.0.1:80', 'dial')).toBe(
      'dial tcp 10.0.0.1:80: connect: no route to host',
    );
  });
});
