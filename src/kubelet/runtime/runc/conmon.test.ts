import { describe, expect, it } from 'vitest';
import { realClock } from '../../../util/index.ts';
import { conmonArgs, parseSyncMessage } from './conmon.ts';

describe('conmon', () => {
  it('parses the sync pipe line of API version 1', () => {
    expect(parseSyncMessage('{"data": 8636}')).toEqual({ data: 8636 });
    expect(parseSyncMessage('{"data": -1, "message": "boom"}')).toEqual({
      data: -1,
      message: 'boom',
    });
    expect(parseSyncMessage('nonsense')).toBeUndefined();
    expect(parseSyncMessage('{"pid": 1}')).toBeUndefined();
  });

  it('passes the ids, bundle, k8s-file log, exit and persist dirs and the runc root', () => {
    const args = conmonArgs({
      conmonPath: '/usr/bin/conmon',
      runcPath: '/usr/sbin/runc',
      runcRoot: '/s/runc',
      containerId: 'abc',
      name: 'app',
      bundleDir: '/s/containers/abc',
      exitDir: '/s/exits',
      socketDir: '/s/attach',
      logPath: '/var/log/pods/p/app/0.log',
      terminal: false,
      stdin: true,
      stdinOnce: true,
      clock: realClock,
    });
    const flag = (f: string) => args[args.indexOf(f) + 1];
    expect(flag('--api-version')).toBe('1');
    expect(flag('--cid')).toBe('abc');
    expect(flag('--cuuid')).toBe('abc');
    expect(flag('--runtime')).toBe('/usr/sbin/runc');
    expect(flag('--bundle')).toBe('/s/containers/abc');
    expect(flag('--log-path')).toBe('k8s-file:/var/log/pods/p/app/0.log');
    expect(flag('--exit-dir')).toBe('/s/exits');
    expect(flag('--persist-dir')).toBe('/s/containers/abc');
    expect(flag('--runtime-arg')).toBe('--root=/s/runc');
    expect(args).toContain('--stdin');
    expect(args).not.toContain('--leave-stdin-open');
    expect(args).not.toContain('--terminal');
  });
});
