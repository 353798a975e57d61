/**
 * Request info: what a URL and method mean, as upstream's RequestInfoFactory reads them.
 *
 *   /api/v1/namespaces/{ns}/{resource}/{name}/{subresource}   core group
 *   /apis/{group}/{version}/namespaces/{ns}/{resource}/...    named groups
 *   /api/v1/{resource}                                         cluster-scoped, or all namespaces
 *   /api/v1/namespaces/{name}[/status|/finalize]               the namespaces resource itself
 *   /api/v1/watch/...                                          deprecated watch paths
 *
 * Anything else (/version, /healthz, /openapi/v3, discovery roots) is a non-resource request.
 */

export type RequestVerb =
  | 'get'
  | 'list'
  | 'watch'
  | 'create'
  | 'update'
  | 'patch'
  | 'delete'
  | 'deletecollection'
  | 'connect';

export interface ResourceRequestInfo {
  readonly isResourceRequest: true;
  readonly verb: RequestVerb;
  /** '' for the core group. */
  readonly group: string;
  readonly version: string;
  /** '' when the URL names no namespace. */
  readonly namespace: string;
  readonly resource: string;
  readonly name: string;
  readonly subresource: string;
  readonly query: URLSearchParams;
  readonly path: string;
}

export interface NonResourceRequestInfo {
  readonly isResourceRequest: false;
  readonly verb: string;
  readonly path: string;
  readonly query: URLSearchParams;
}

export type RequestInfo = ResourceRequestInfo | NonResourceRequestInfo;

function isTrue(v: string | null): boolean {
  return v === 'true' || v === '1';
}

/** Parses the request line. Never throws: malformed paths come back as non-resource requests. */
export function parseRequestInfo(method: string, url: string): RequestInfo {
  const q = url.indexOf('?');
  const rawPath = q < 0 ? url : url.slice(0, q);
  const query = new URLSearchParams(q < 0 ? '' : url.slice(q + 1));
  // Most paths have no escapes, and then decoding gives the same text.
  const escaped = rawPath.includes('%');
  let path = rawPath;
  if (escaped) {
    try {
      path = decodeURI(rawPath);
    } catch {
      // Not valid percent-encoding: keep the path as sent.
    }
  }
  const parts = rawPath.split('/').filter((p) => p !== '');
  const segments = escaped
    ? parts.map((p) => {
        try {
          return decodeURIComponent(p);
        } catch {
          return p;
        }
      })
    : parts;
  const lower = method.toUpperCase();
  const nonResource: NonResourceRequestInfo = {
    isResourceRequest: false,
    verb: lower.toLowerCase(),
    path,
    query,
  };

  let rest: string[];
  let group: string;
  let version: string;
  if (segments[0] === 'api' && segments.length >= 3) {
    group = '';
    version = segments[1] ?? '';
    rest = segments.slice(2);
  } else if (segments[0] === 'apis' && segments.length >= 4) {
    group = segments[1] ?? '';
    version = segments[2] ?? '';
    rest = segments.slice(3);
  } else {
    return nonResource;
  }

  let watchPath = false;
  if (rest[0] === 'watch') {
    watchPath = true;
    rest = rest.slice(1);
  }

  let namespace = '';
  let resource: string;
  let name = '';
  let subresource = '';
  if (rest[0] === 'namespaces' && rest.length >= 3) {
    // /namespaces/{ns}/{resource}/...
    namespace = rest[1] ?? '';
    resource = rest[2] ?? '';
    name = rest[3] ?? '';
    subresource = rest.slice(4).join('/');
  } else if (rest[0] === 'namespaces') {
    // /namespaces or /namespaces/{name}: the namespaces resource itself.
    resource = 'namespaces';
    name = rest[1] ?? '';
  } else {
    resource = rest[0] ?? '';
    name = rest[1] ?? '';
    subresource = rest.slice(2).join('/');
  }
  // /namespaces/{name}/status and /finalize address the namespace, not a resource inside it.
  if (
    rest[0] === 'namespaces' &&
    rest.length === 3 &&
    (rest[2] === 'status' || rest[2] === 'finalize')
  ) {
    resource = 'namespaces';
    name = rest[1] ?? '';
    subresource = rest[2];
    namespace = '';
  }
  if (resource === 'namespaces' && !subresource && rest[0] === 'namespaces' && rest.length === 2) {
    namespace = '';
  }

  let verb: RequestVerb;
  switch (lower) {
    case 'GET':
    case 'HEAD':
      if (watchPath || isTrue(query.get('watch'))) verb = 'watch';
      else verb = name ? 'get' : 'list';
      break;
    case 'POST':
      verb = 'create';
      break;
    case 'PUT':
      verb = 'update';
      break;
    case 'PATCH':
      verb = 'patch';
      break;
    case 'DELETE':
      verb = name ? 'delete' : 'deletecollection';
      break;
    default:
      verb = 'connect';
  }
  return {
    isResourceRequest: true,
    verb,
    group,
    version,
    namespace,
    resource,
    name,
    subresource,
    query,
    path,
  };
}
