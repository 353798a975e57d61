import { describe, expect, it } from 'vitest';
import type { Pod } from '../../api/index.ts';
import { ApiError } from '../errors.ts';
import { kubeletResponseError, validateContainer } from './pod-log.ts';

function pod(spec: Record<string, unknown>): Pod {
  return { metadata: { name: 'p' }, spec } as unknown as Pod;
}
const c = (name: string): { name: string; image: string } => ({ name, image: 'busybox' });

describe('validateContainer', () => {
  it('defaults to the only container', () => {
    expect(
      validateContainer(undefined, pod({ containers: [c('a')], initContainers: [c('i')] })),
    ).toBe('a');
  });

  it('lists init, regular and ephemeral containers to choose from', () => {
    const p = pod({
      initContainers: [c('i1'), c('i2')],
      containers: [c('a'), c('b')],
      ephemeralContainers: [c('debug')],
    });
    expect(() => validateContainer('', p)).toThrow(
      'a container name must be specified for pod p, choose one of: [i1 i2 a b debug]',
    );
  });

  it('needs a name for a pod without containers', () => {
    expect(() => validateContainer(undefined, pod({ containers: [] }))).toThrow(
      'a container name must be specified for pod p',
    );
  });

  it.each(['a', 'i1', 'debug'])('accepts %s', (name) => {
    const p = pod({
      initContainers: [c('i1')],
      containers: [c('a'), c('b')],
      ephemeralContainers: [c('debug')],
    });
    expect(validateContainer(name, p)).toBe(name);
  });

  it('refuses a container the pod does not have', () => {
    expect(() => validateContainer('x', pod({ containers: [c('a')] }))).toThrow(
      'container x is not valid for pod p',
    );
  });
});

describe('kubeletResponseError', () => {
  it.each([
    [
      400,
      'container "c" in pod "p" is waiting to start: ContainerCreating',
      {
        code: 400,
        reason: 'BadRequest',
        message: 'container "c" in pod "p" is waiting to start: ContainerCreating',
      },
    ],
    [500, 'boom', { code: 500, reason: 'InternalError', message: 'Internal error occurred: boom' }],
    [
      404,
      'pod "p" does not exist',
      {
        code: 404,
        reason: 'NotFound',
        message: 'the server could not find the requested resource ( pods/log p)',
        details: { name: 'p', kind: 'pods/log' },
      },
    ],
    [
      401,
      'Unauthorized',
      {
        code: 401,
        reason: 'Unauthorized',
        message: 'the server has asked for the client to provide credentials ( pods/log p)',
      },
    ],
    [
      403,
      'Forbidden (user=x, verb=get, resource=nodes, subresource=proxy)',
      {
        code: 403,
        reason: 'Forbidden',
        message: 'Forbidden (user=x, verb=get, resource=nodes, subresource=proxy) ( pods/log p)',
      },
    ],
    [
      501,
      'nope',
      {
        code: 501,
        reason: 'InternalError',
        message:
          'an error on the server ("nope") has prevented the request from succeeding ( pods/log p)',
      },
    ],
  ])('%i', (code, body, want) => {
    const err = kubeletResponseError(code, body, 'p');
    expect(err).toBeInstanceOf(ApiError);
    expect(err.toStatus()).toMatchObject({ kind: 'Status', status: 'Failure', ...want });
  });

  it('leaves the reason out for a code upstream does not know', () => {
    const status = kubeletResponseError(418, 'teapot', 'p').toStatus();
    expect(status.code).toBe(418);
    expect(status.message).toBe(
      'the server responded with the status code 418 but did not return more information ( pods/log p)',
    );
    expect('reason' in status).toBe(false);
  });
});
