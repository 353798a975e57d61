import { describe, expect, it } from 'vitest';
import { FakeNetwork } from './fake-network.ts';
import { NetworkError, type PodNetworkAttachment } from './types.ts';

function attachment(id: string): PodNetworkAttachment {
  return {
    sandboxId: id,
    podName: `pod-${id}`,
    podNamespace: 'default',
    podUid: `uid-${id}`,
    netnsPath: `/run/netns/podbay-${id}`,
    portMappings: [],
  };
}

describe('FakeNetwork', () => {
  it('hands out distinct 10.244.0.x addresses and reuses them after tearDown', async () => {
    const net = new FakeNetwork();
    const a = await net.setUp(attachment('a'));
    const b = await net.setUp(attachment('b'));
    expect(a.ips).toEqual(['10.244.0.2']);
    expect(b.ips).toEqual(['10.244.0.3']);
    expect(await net.setUp(attachment('a'))).toEqual(a);
    await net.tearDown(attachment('a'));
    expect(net.ipOf('a')).toBeUndefined();
    expect((await net.setUp(attachment('c'))).ips).toEqual(['10.244.0.2']);
    expect([...net.attachments().keys()].sort()).toEqual(['b', 'c']);
  });

  it('tearDown of an unknown sandbox succeeds', async () => {
    const net = new FakeNetwork();
    await expect(net.tearDown(attachment('x'))).resolves.toBeUndefined();
  });

  it('fails the next calls when told to, then recovers', async () => {
    const net = new FakeNetwork();
    net.failNext('setUp', 'plugin exploded', 2);
    await expect(net.setUp(attachment('a'))).rejects.toThrow(NetworkError);
    await expect(net.setUp(attachment('a'))).rejects.toThrow('plugin exploded');
    await expect(net.setUp(attachment('a'))).resolves.toEqual({ ips: ['10.244.0.2'] });
    net.failNext('tearDown', 'stuck', Infinity);
    await expect(net.tearDown(attachment('a'))).rejects.toThrow('stuck');
    net.clearFailures();
    await net.tearDown(attachment('a'));
    expect(net.calls().map((c) => c.op)).toEqual([
      'setUp',
      'setUp',
      'setUp',
      'tearDown',
      'tearDown',
    ]);
  });

  it('fails like host-local when the range is exhausted', async () => {
    const net = new FakeNetwork({ subnetPrefix: '10.9.9' });
    for (let i = 0; i < 253; i++) await net.setUp(attachment(String(i)));
    await expect(net.setUp(attachment('full'))).rejects.toThrow(
      'no IP addresses available in range set: 10.9.9.1-10.9.9.254',
    );
  });

  it('honours an aborted signal', async () => {
    const net = new FakeNetwork();
    await expect(net.setUp(attachment('a'), AbortSignal.abort())).rejects.toThrow();
    expect(net.ipOf('a')).toBeUndefined();
  });
});
