/**
 * Discovery: how clients learn what this server serves. kubectl asks for aggregated discovery
 * (`apidiscovery.k8s.io/v2`) first and falls back to the legacy documents when the response's
 * Content-Type does not name it; we serve both, built once from the scheme.
 *
 *   /api                 APIVersions          (core group versions)
 *   /apis                APIGroupList         (or APIGroupDiscoveryList when asked)
 *   /api/v1, /apis/g/v   APIResourceList      (resources and subresources with kinds and verbs)
 *   /apis/g              APIGroup
 */
import {
  type APIGroup,
  type APIGroupList,
  type APIResource,
  type APIResourceList,
  type ResourceDef,
  groupVersion,
} from '../api/index.ts';

export interface Discovery {
  /** The body for a discovery path with its content type, or undefined if the path is not discovery. */
  serve(
    path: string,
    accept: string | undefined,
  ): { contentType: string; body: string } | undefined;
}

const aggregatedType = 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList';
const aggregatedTypeBeta =
  'application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList';

function wantsAggregated(accept: string | undefined): 'v2' | 'v2beta1' | undefined {
  if (!accept) return undefined;
  for (const part of accept.split(',')) {
    const p = part.replace(/\s+/g, '');
    if (p.includes('g=apidiscovery.k8s.io') && p.includes('as=APIGroupDiscoveryList')) {
      if (p.includes('v=v2beta1')) return 'v2beta1';
      if (p.includes('v=v2')) return 'v2';
    }
  }
  return undefined;
}

function resourceEntries(def: ResourceDef): APIResource[] {
  const main: APIResource = {
    name: def.resource,
    singularName: def.singular,
    namespaced: def.namespaced,
    kind: def.kind,
    verbs: [...def.verbs],
  };
  if (def.shortNames.length) main.shortNames = [...def.shortNames];
  if (def.categories.length) main.categories = [...def.categories];
  const subs = def.subresources.map((s): APIResource => {
    const r: APIResource = {
      name: `${def.resource}/${s.name}`,
      singularName: '',
      namespaced: def.namespaced,
      kind: s.kind,
      verbs: [...s.verbs],
    };
    if (s.group !== undefined) r.group = s.group;
    if (s.version !== undefined) r.version = s.version;
    return r;
  });
  return [main, ...subs];
}

export function createDiscovery(opts: {
  defs: readonly ResourceDef[];
  serverAddress: () => string;
}): Discovery {
  const byGroupVersion = new Map<string, ResourceDef[]>();
  for (const def of opts.defs) {
    const gv = groupVersion(def);
    let list = byGroupVersion.get(gv);
    if (!list) byGroupVersion.set(gv, (list = []));
    list.push(def);
  }
  const groups = new Map<string, string[]>();
  for (const def of opts.defs) {
    if (!def.group) continue;
    const versions = groups.get(def.group) ?? [];
    if (!versions.includes(def.version)) versions.push(def.version);
    groups.set(def.group, versions);
  }
  const apiGroup = (name: string, versions: string[]): APIGroup => {
    const list = versions.map((v) => ({ groupVersion: `${name}/${v}`, version: v }));
    const g: APIGroup = { name, versions: list };
    if (list[0]) g.preferredVersion = list[0];
    return g;
  };
  const groupList: APIGroupList = {
    kind: 'APIGroupList',
    apiVersion: 'v1',
    groups: [...groups].map(([name, versions]) => apiGroup(name, versions)),
  };
  const resourceLists = new Map<string, string>();
  for (const [gv, defs] of byGroupVersion) {
    const list: APIResourceList = {
      kind: 'APIResourceList',
      apiVersion: 'v1',
      groupVersion: gv,
      resources: defs.flatMap(resourceEntries),
    };
    resourceLists.set(gv, JSON.stringify(list));
  }

  const aggregated = (version: 'v2' | 'v2beta1', core: boolean): string => {
    const entries = core
      ? [['', ['v1']] as const]
      : [...groups].map(([name, versions]) => [name, versions] as const);
    const items = entries.map(([name, versions]) => ({
      metadata: { name, creationTimestamp: null },
      versions: versions.map((v) => {
        const defs = byGroupVersion.get(name ? `${name}/${v}` : v) ?? [];
        return {
          version: v,
          resources: defs.map((d) => {
            const r: Record<string, unknown> = {
              resource: d.resource,
              responseKind: { group: d.group, version: d.version, kind: d.kind },
              scope: d.namespaced ? 'Namespaced' : 'Cluster',
              singularResource: d.singular,
              verbs: d.verbs,
            };
            if (d.shortNames.length) r['shortNames'] = d.shortNames;
            if (d.categories.length) r['categories'] = d.categories;
            if (d.subresources.length) {
              r['subresources'] = d.subresources.map((s) => ({
                subresource: s.name,
                responseKind: {
                  group: s.group ?? d.group,
                  version: s.version ?? d.version,
                  kind: s.kind,
                },
                verbs: s.verbs,
              }));
            }
            return r;
          }),
          freshness: 'Current',
        };
      }),
    }));
    return JSON.stringify({
      kind: 'APIGroupDiscoveryList',
      apiVersion: `apidiscovery.k8s.io/${version}`,
      metadata: {},
      items,
    });
  };

  return {
    serve(path, accept) {
      const clean = path.replace(/\/+$/, '') || '/';
      const json = 'application/json';
      if (clean === '/api' || clean === '/apis') {
        const agg = wantsAggregated(accept);
        if (agg) {
          return {
            contentType: agg === 'v2' ? aggregatedType : aggregatedTypeBeta,
            body: aggregated(agg, clean === '/api'),
          };
        }
        if (clean === '/api') {
          return {
            contentType: json,
            body: JSON.stringify({
              kind: 'APIVersions',
              versions: ['v1'],
              serverAddressByClientCIDRs: [
                { clientCIDR: '0.0.0.0/0', serverAddress: opts.serverAddress() },
              ],
            }),
          };
        }
        return { contentType: json, body: JSON.stringify(groupList) };
      }
      const m = /^\/api\/(v1)$/.exec(clean) ?? /^\/apis\/([^/]+\/[^/]+)$/.exec(clean);
      if (m?.[1]) {
        const body = resourceLists.get(m[1]);
        return body ? { contentType: json, body } : undefined;
      }
      const g = /^\/apis\/([^/]+)$/.exec(clean);
      if (g?.[1]) {
        const versions = groups.get(g[1]);
        if (!versions) return undefined;
        return {
          contentType: json,
          body: JSON.stringify({ kind: 'APIGroup', apiVersion: 'v1', ...apiGroup(g[1], versions) }),
        };
      }
      return undefined;
    },
  };
}
