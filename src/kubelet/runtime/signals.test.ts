import { describe, expect, it } from 'vitest';
import { signalNumber } from './signals.ts';

describe('signalNumber', () => {
  it('reads the forms runc accepts: SIGTERM, TERM, term, 15', () => {
    expect(signalNumber('SIGTERM')).toBe(15);
    expect(signalNumber('TERM')).toBe(15);
    expect(signalNumber('term')).toBe(15);
    expect(signalNumber('15')).toBe(15);
    expect(signalNumber('SIGKILL')).toBe(9);
    expect(signalNumber('SIGWINCH')).toBe(28);
  });

  it('has no number for what Node cannot name or for nonsense', () => {
    expect(signalNumber('SIGRTMIN+3')).toBeUndefined();
    expect(signalNumber('SIGNOPE')).toBeUndefined();
    expect(signalNumber('0')).toBeUndefined();
    expect(signalNumber('65')).toBeUndefined();
  });
});
