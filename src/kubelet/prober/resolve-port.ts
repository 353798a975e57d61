import type { Container } from '../../api/index.ts';

/** A port reference that cannot be used; the message is upstream's (Go's strconv wording included). */
export class PortResolutionError extends Error {
  override readonly name = 'PortResolutionError';
}

/**
 * Upstream probe.ResolveContainerPort: a number is used as it is; a string names one of the
 * container's ports, or else is read as a number (an int stored as a string). The result must
 * be 1-65535.
 */
export function resolveContainerPort(port: number | string, container: Container): number {
  let n: number;
  if (typeof port === 'number') {
    n = port;
  } else {
    const named = (container.ports ?? []).find((p) => p.name === port);
    if (named) {
      n = named.containerPort;
    } else if (/^[+-]?\d+$/.test(port)) {
      n = Number(port);
    } else {
      throw new PortResolutionError(`strconv.Atoi: parsing "${port}": invalid syntax`);
    }
  }
  if (Number.isInteger(n) && n > 0 && n < 65536) return n;
  throw new PortResolutionError(`invalid port number: ${n}`);
}
