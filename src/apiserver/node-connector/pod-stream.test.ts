import { describe, expect, it } from 'vitest';
import type { Pod } from '../../api/index.ts';
import { ApiError } from '../errors.ts';
import {
  decodePortForwardPorts,
  decodeStreamOptions,
  kubeletStreamPath,
  streamContainer,
} from './pod-stream.ts';

const pod = (containers: string[], init: string[] = [], ephemeral: string[] = []): Pod => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'p', namespace: 'ns' },
  spec: {
    containers: containers.map((name) => ({ name, image: 'x' })),
    initContainers: init.map((name) => ({ name, image: 'x' })),
    ephemeralContainers: ephemeral.map((name) => ({ name, image: 'x' })),
  },
});

function message(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(ApiError);
    return `${(err as ApiError).code} ${(err as ApiError).message}`;
  }
  throw new Error('no error');
}

describe('pods/exec, attach, portforward options', () => {
  it('decodes PodExecOptions from the query as the parameter codec does', () => {
    const q = new URLSearchParams(
      'stdin=true&stdout=1&stderr=false&tty=0&container=c&command=sh&command=-c&command=echo%20hi',
    );
    expect(decodeStreamOptions(q)).toEqual({
      stdin: true,
      stdout: true,
      stderr: false,
      tty: false,
      container: 'c',
      command: ['sh', '-c', 'echo hi'],
    });
    expect(decodeStreamOptions(new URLSearchParams('stdout='))).toMatchObject({ stdout: true });
  });

  it('decodes ports as int32s, with Go’s errors', () => {
    expect(decodePortForwardPorts(new URLSearchParams('ports=80&ports=8080'))).toEqual([80, 8080]);
    expect(message(() => decodePortForwardPorts(new URLSearchParams('ports=http')))).toBe(
      '400 strconv.ParseInt: parsing "http": invalid syntax',
    );
    expect(message(() => decodePortForwardPorts(new URLSearchParams('ports=4294967296')))).toBe(
      '400 strconv.ParseInt: parsing "4294967296": value out of range',
    );
  });

  it('picks the container as upstream’s streamLocation does', () => {
    expect(streamContainer(undefined, pod(['only']))).toBe('only');
    expect(streamContainer('init', pod(['a', 'b'], ['init']))).toBe('init');
    expect(streamContainer('debugger', pod(['a'], [], ['debugger']))).toBe('debugger');
    expect(message(() => streamContainer(undefined, pod(['a', 'b'], ['i1', 'i2'])))).toBe(
      '400 a container name must be specified for pod p, choose one of: [a b] or one of the init containers: [i1 i2]',
    );
    expect(message(() => streamContainer(undefined, pod(['a', 'b'])))).toBe(
      '400 a container name must be specified for pod p, choose one of: [a b]',
    );
    expect(message(() => streamContainer(undefined, pod([])))).toBe(
      '400 a container name must be specified for pod p',
    );
    expect(message(() => streamContainer('x', pod(['a'])))).toBe(
      '400 container x is not valid for pod p',
    );
  });

  it('builds the kubelet path and query as streamParams does (keys sorted, values in order)', () => {
    const opts = {
      stdin: true,
      stdout: true,
      stderr: true,
      tty: true,
      command: ['sh', '-c', 'a b&c!'],
    };
    expect(kubeletStreamPath('exec', 'ns', 'p', 'c', opts, [])).toBe(
      '/exec/ns/p/c?command=sh&command=-c&command=a+b%26c%21&error=1&input=1&output=1&tty=1',
    );
    expect(kubeletStreamPath('attach', 'ns', 'p', 'c', { ...opts, tty: false }, [])).toBe(
      '/attach/ns/p/c?error=1&input=1&output=1',
    );
    expect(kubeletStreamPath('portforward', 'ns', 'p', '', opts, [80, 443])).toBe(
      '/portForward/ns/p?port=80%2C443',
    );
    expect(kubeletStreamPath('portforward', 'ns', 'p', '', opts, [])).toBe('/portForward/ns/p');
  });
});
