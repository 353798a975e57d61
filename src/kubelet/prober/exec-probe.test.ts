import { describe, expect, it } from 'vitest';
import type { Container } from '../../api/index.ts';
import {
  ExecSyncTimeoutError,
  RuntimeError,
  type ContainerCommandRunner,
  type ExecSyncResult,
} from '../runtime/index.ts';
import { execProbe, expandProbeCommand } from './exec-probe.ts';

function runner(
  answer: (cmd: readonly string[], timeout: number) => ExecSyncResult | Error,
): ContainerCommandRunner & { calls: { id: string; cmd: readonly string[]; timeout: number }[] } {
  const calls: { id: string; cmd: readonly string[]; timeout: number }[] = [];
  return {
    calls,
    execSync(id, cmd, timeout) {
      calls.push({ id, cmd, timeout });
      const a = answer(cmd, timeout);
      return a instanceof Error ? Promise.reject(a) : Promise.resolve(a);
    },
  };
}

const out = (exitCode: number, stdout = '', stderr = ''): ExecSyncResult => ({
  exitCode,
  stdout: Buffer.from(stdout),
  stderr: Buffer.from(stderr),
});

describe('execProbe', () => {
  it('exit 0 is success with stdout then stderr as output', async () => {
    const r = runner(() => out(0, 'fine\n', 'warn\n'));
    expect(await execProbe(r, 'abc', ['cat', '/tmp/healthy'], 3)).toEqual({
      result: 'success',
      output: 'fine\nwarn\n',
    });
    expect(r.calls).toEqual([{ id: 'abc', cmd: ['cat', '/tmp/healthy'], timeout: 3 }]);
  });

  it('any other exit code is a failure', async () => {
    const r = runner(() =>
      out(1, '', "cat: can't open '/tmp/healthy': No such file or directory\n"),
    );
    expect(await execProbe(r, 'abc', ['cat', '/tmp/healthy'], 1)).toEqual({
      result: 'failure',
      output: "cat: can't open '/tmp/healthy': No such file or directory\n",
    });
  });

  it('keeps at most 10 KiB of output', async () => {
    const r = runner(() => out(0, 'x'.repeat(8 * 1024), 'y'.repeat(8 * 1024)));
    const o = await execProbe(r, 'abc', ['true'], 1);
    expect(o.output).toHaveLength(10 * 1024);
    expect(o.output.endsWith('y')).toBe(true);
  });

  it('a timeout is a failure with upstream message', async () => {
    const r = runner((cmd, t) => new ExecSyncTimeoutError(cmd, t));
    expect(await execProbe(r, 'abc', ['sh', '-c', 'sleep 10'], 1)).toEqual({
      result: 'failure',
      output: 'command "sh -c sleep 10" timed out',
    });
  });

  it('a runtime error makes the probe unknown with the error kept', async () => {
    const r = runner(() => new RuntimeError('container abc is not running'));
    const o = await execProbe(r, 'abc', ['true'], 1);
    expect(o.result).toBe('unknown');
    expect(o.error?.message).toBe('container abc is not running');
  });
});

describe('expandProbeCommand', () => {
  it('expands $(VAR) from literal env values only', () => {
    const c: Container = {
      name: 'app',
      env: [
        { name: 'FILE', value: '/tmp/healthy' },
        { name: 'SECRET', valueFrom: { secretKeyRef: { name: 's', key: 'k' } } },
      ],
    };
    expect(expandProbeCommand(['cat', '$(FILE)', '$(SECRET)', '$$(FILE)'], c)).toEqual([
      'cat',
      '/tmp/healthy',
      '$(SECRET)',
      '$(FILE)',
    ]);
  });
});
