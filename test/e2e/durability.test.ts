/**
 * A `kill -9` of the server never loses a write it acknowledged: clients keep creating objects
 * over HTTPS, the server is killed mid-stream, restarted on the same data dir, and every object
 * that got a 201 is there.
 */
import { afterAll, describe, expect, it } from 'vitest';
import type { ConfigMap } from '../../src/api/index.ts';
import { readKubeconfig } from '../../src/apiserver/index.ts';
import { HttpsTransport, RestClient } from '../../src/client/index.ts';
import { startPodbay, type Podbay } from './support/podbay.ts';

const configmaps = {
  group: '',
  version: 'v1',
  resource: 'configmaps',
  namespaced: true,
  kind: 'ConfigMap',
} as const;

const servers: Podbay[] = [];

afterAll(async () => {
  // The restarted server reuses the first one's data dir; the first one's cleanup removes it.
  for (const s of servers.reverse()) {
    await s.stop({ kill9: true });
    await s.cleanup();
  }
});

async function clientFor(pb: Podbay): Promise<{ client: RestClient; close: () => void }> {
  const kc = await readKubeconfig(pb.kubeconfig);
  const transport = new HttpsTransport({
    server: kc.server,
    caPem: kc.caPem ?? '',
    ...(kc.clientCertPem ? { certPem: kc.clientCertPem } : {}),
    ...(kc.clientKeyPem ? { keyPem: kc.clientKeyPem } : {}),
    requestTimeoutMs: 10_000,
  });
  return {
    client: new RestClient({ transport }),
    close: () => {
      transport.close();
    },
  };
}

describe('durability', () => {
  it('keeps every acknowledged write across kill -9', async () => {
    const first = await startPodbay();
    servers.push(first);
    const { client, close } = await clientFor(first);
    const cms = client.resource<ConfigMap>(configmaps);
    const acked: string[] = [];
    let stop = false;
    const writer = async (w: number): Promise<void> => {
      for (let i = 0; !stop; i++) {
        const name = `w${w}-${i}`;
        try {
          await cms.create({
            apiVersion: 'v1',
            kind: 'ConfigMap',
            metadata: { name, namespace: 'default' },
            data: { n: String(i) },
          });
          acked.push(name);
        } catch {
          return; // the server went away mid-request: this write was not acknowledged
        }
      }
    };
    const writers = Array.from({ length: 8 }, (_, w) => writer(w));
    await new Promise((r) => setTimeout(r, 1500));
    await first.stop({ kill9: true });
    stop = true;
    await Promise.all(writers);
    close();
    expect(acked.length).toBeGreaterThan(20);

    const second = await startPodbay({ dataDir: first.dataDir });
    servers.push(second);
    const { client: again, close: close2 } = await clientFor(second);
    const list = await again.resource(configmaps).list({ namespace: 'default' });
    close2();
    const present = new Set(list.items.map((c) => c.metadata?.name));
    const lost = acked.filter((n) => !present.has(n));
    expect(lost).toEqual([]);
  });
});
