/** Stop signals as images and runc name them. */
import { constants } from 'node:os';

/**
 * A signal as runc accepts it ("SIGTERM", "TERM", "15") as a number, or undefined for one Node has
 * no name for (real-time signals such as SIGRTMIN+3, which runc knows).
 */
export function signalNumber(signal: string): number | undefined {
  if (/^\d+$/.test(signal)) {
    const n = Number(signal);
    return n >= 1 && n <= 64 ? n : undefined;
  }
  const name = signal.toUpperCase();
  const signals = constants.signals as Readonly<Record<string, number | undefined>>;
  return signals[name.startsWith('SIG') ? name : `SIG${name}`];
}
