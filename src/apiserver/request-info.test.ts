import { describe, expect, it } from 'vitest';
import { parseRequestInfo, type ResourceRequestInfo } from './request-info.ts';

function info(method: string, url: string): Partial<ResourceRequestInfo> {
  const r = parseRequestInfo(method, url);
  if (!r.isResourceRequest)
    return { isResourceRequest: true, verb: 'connect', path: r.path } as never;
  const { verb, group, version, namespace, resource, name, subresource } = r;
  return { verb, group, version, namespace, resource, name, subresource };
}

describe('parseRequestInfo', () => {
  it.each([
    [
      'GET',
      '/api/v1/namespaces/default/pods',
      {
        verb: 'list',
        group: '',
        version: 'v1',
        namespace: 'default',
        resource: 'pods',
        name: '',
        subresource: '',
      },
    ],
    [
      'GET',
      '/api/v1/namespaces/default/pods/web',
      { verb: 'get', namespace: 'default', resource: 'pods', name: 'web' },
    ],
    [
      'GET',
      '/api/v1/namespaces/default/pods?watch=true',
      { verb: 'watch', resource: 'pods', name: '' },
    ],
    [
      'GET',
      '/api/v1/watch/namespaces/default/pods',
      { verb: 'watch', namespace: 'default', resource: 'pods' },
    ],
    ['GET', '/api/v1/pods', { verb: 'list', namespace: '', resource: 'pods' }],
    [
      'GET',
      '/api/v1/namespaces',
      { verb: 'list', namespace: '', resource: 'namespaces', name: '' },
    ],
    [
      'GET',
      '/api/v1/namespaces/kube-system',
      { verb: 'get', namespace: '', resource: 'namespaces', name: 'kube-system' },
    ],
    [
      'PUT',
      '/api/v1/namespaces/gone/finalize',
      {
        verb: 'update',
        namespace: '',
        resource: 'namespaces',
        name: 'gone',
        subresource: 'finalize',
      },
    ],
    [
      'PUT',
      '/api/v1/namespaces/x/status',
      { verb: 'update', resource: 'namespaces', name: 'x', subresource: 'status' },
    ],
    [
      'POST',
      '/api/v1/namespaces/default/pods/web/binding',
      { verb: 'create', resource: 'pods', name: 'web', subresource: 'binding' },
    ],
    [
      'PATCH',
      '/apis/apps/v1/namespaces/default/deployments/web/scale',
      {
        verb: 'patch',
        group: 'apps',
        version: 'v1',
        resource: 'deployments',
        name: 'web',
        subresource: 'scale',
      },
    ],
    ['DELETE', '/api/v1/namespaces/default/pods', { verb: 'deletecollection', resource: 'pods' }],
    [
      'DELETE',
      '/api/v1/nodes/n1',
      { verb: 'delete', resource: 'nodes', name: 'n1', namespace: '' },
    ],
    ['GET', '/api/v1/namespaces/default/pods/a%2Fb', { verb: 'get', name: 'a/b' }],
  ] as const)('%s %s', (method, url, want) => {
    expect(info(method, url)).toMatchObject(want);
  });

  it('treats discovery and other paths as non-resource requests', () => {
    for (const url of [
      '/api',
      '/api/v1',
      '/apis',
      '/apis/apps',
      '/apis/apps/v1',
      '/version',
      '/openapi/v3',
    ]) {
      expect(parseRequestInfo('GET', url).isResourceRequest).toBe(false);
    }
  });
});
