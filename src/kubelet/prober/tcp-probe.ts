import { connect } from 'node:net';
import { realClock, type Clock } from '../../util/index.ts';
import { goNetError, joinHostPort } from './go-format.ts';
import type { ProbeOutcome } from './types.ts';

/**
 * Upstream DoTCPProbe: success when a TCP connection opens within the timeout (it is closed at
 * once); otherwise a failure with Go's dial error (`dial tcp 10.244.0.5:80: connect: connection
 * refused`, `... i/o timeout`).
 */
export function tcpProbe(
  host: string,
  port: number,
  timeoutMs: number,
  clock: Clock = realClock,
): Promise<ProbeOutcome> {
  const addr = joinHostPort(host, port);
  return new Promise((resolve) => {
    let settled = false;
    const socket = connect({ host, port });
    const settle = (outcome: ProbeOutcome): void => {
      if (settled) return;
      settled = true;
      cancel();
      socket.destroy();
      resolve(outcome);
    };
    const cancel = clock.setTimeout(() => {
      settle({ result: 'failure', output: `dial tcp ${addr}: i/o timeout` });
    }, timeoutMs);
    socket.once('connect', () => {
      settle({ result: 'success', output: '' });
    });
    socket.once('error', (err) => {
      settle({ result: 'failure', output: goNetError(err, addr, 'dial') });
    });
  });
}
