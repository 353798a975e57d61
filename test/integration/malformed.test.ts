/**
 * Bad input never gets a 500, never crashes the server and never writes anything: each case of the
 * corpus gets the 4xx Status a real cluster would give, naming the problem.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { malformedCases } from '../fixtures/malformed-requests.ts';
import { at, startHarness, type Harness } from './harness.ts';

let h: Harness;

beforeAll(async () => {
  h = await startHarness();
  await h.request('POST', '/api/v1/namespaces/default/configmaps', {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'existing' },
  });
  await h.request('POST', '/api/v1/namespaces/default/pods', {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'existing' },
    spec: { containers: [{ name: 'app', image: 'busybox' }] },
  });
});

afterAll(async () => {
  await h.stop();
});

describe('malformed requests', () => {
  it('has a substantial corpus', () => {
    expect(malformedCases.length).toBeGreaterThanOrEqual(60);
  });

  it.each(malformedCases.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    const before = await h.store.currentRevision();
    const headers: Record<string, string> = {};
    if (c.contentType) headers['content-type'] = c.contentType;
    const r = await h.request(c.method, c.path, c.body, headers);
    expect(r.status, r.text.slice(0, 500)).toBe(c.status);
    expect(r.body).toMatchObject({ kind: 'Status', status: 'Failure', code: c.status });
    for (const m of c.message) expect(at(r.body, 'message')).toContain(m);
    expect(await h.store.currentRevision()).toBe(before);
  });
});
