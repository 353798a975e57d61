import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import type { TLSSocket } from 'node:tls';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Node } from '../../api/index.ts';
import { type KubeletCerts, type Pki, ensureKubeletCerts, ensurePki } from '../pki/index.ts';
import { KubeletClient, describeRequestError } from './kubelet-client.ts';

const node = (status: Record<string, unknown>): Node => ({ metadata: { name: 'n1' }, status });

describe('KubeletClient.location', () => {
  const client = new KubeletClient({ caPem: '', certPem: '', keyPem: '' });
  afterAll(() => {
    client.close();
  });

  it.each([
    [
      'InternalIP first, then the reported port',
      {
        addresses: [
          { type: 'Hostname', address: 'n1' },
          { type: 'InternalIP', address: '10.0.0.5' },
        ],
        daemonEndpoints: { kubeletEndpoint: { Port: 11250 } },
      },
      { host: '10.0.0.5', port: 11250 },
    ],
    [
      'Hostname when there is no InternalIP; the default port when none is reported',
      {
        addresses: [
          { type: 'ExternalIP', address: '1.2.3.4' },
          { type: 'Hostname', address: 'n1' },
        ],
      },
      { host: 'n1', port: 10250 },
    ],
    [
      'a zero port is not a port',
      {
        addresses: [{ type: 'InternalIP', address: 'fd00::5' }],
        daemonEndpoints: { kubeletEndpoint: { Port: 0 } },
      },
      { host: 'fd00::5', port: 10250 },
    ],
  ])('%s', (_name, status, want) => {
    expect(client.location(node(status))).toEqual(want);
  });

  it('reports the addresses it knows when none fits, as upstream', () => {
    const custom = new KubeletClient({
      caPem: '',
      certPem: '',
      keyPem: '',
      preferredAddressTypes: ['InternalIP'],
    });
    try {
      expect(() =>
        custom.location(node({ addresses: [{ type: 'Hostname', address: 'n1' }] })),
      ).toThrow('no preferred addresses found; known addresses: [{Hostname n1}]');
      expect(() => custom.location(node({}))).toThrow(
        'no preferred addresses found; known addresses: []',
      );
      const status = (() => {
        try {
          custom.location(node({}));
        } catch (err) {
          return (err as { toStatus(): Record<string, unknown> }).toStatus();
        }
        return undefined;
      })();
      expect(status?.['code']).toBe(500);
      expect(status && 'reason' in status).toBe(false);
    } finally {
      custom.close();
    }
  });
});

describe('describeRequestError', () => {
  const req = {
    location: { host: '10.0.0.5', port: 10250 },
    method: 'GET',
    path: '/containerLogs/ns/p/c?follow=true',
    signal: new AbortController().signal,
  };
  const err = (code: string, message = 'x'): Error => Object.assign(new Error(message), { code });
  it.each([
    [err('ECONNREFUSED'), 'dial tcp 10.0.0.5:10250: connect: connection refused'],
    [err('ECONNECT_TIMEOUT'), 'dial tcp 10.0.0.5:10250: i/o timeout'],
    [err('EHOSTUNREACH'), 'dial tcp 10.0.0.5:10250: connect: no route to host'],
    [
      err('DEPTH_ZERO_SELF_SIGNED_CERT'),
      'tls: failed to verify certificate: x509: certificate signed by unknown authority',
    ],
    [
      err('CERT_HAS_EXPIRED'),
      'tls: failed to verify certificate: x509: certificate has expired or is not yet valid',
    ],
    [new Error('something else'), 'something else'],
  ])('%s', (e, why) => {
    expect(describeRequestError(req, e)).toBe(
      `Get "https://10.0.0.5:10250/containerLogs/ns/p/c?follow=true": ${why}`,
    );
  });

  it('brackets IPv6 hosts', () => {
    expect(
      describeRequestError(
        { ...req, location: { host: 'fd00::1', port: 10250 } },
        err('ECONNREFUSED'),
      ),
    ).toBe(
      'Get "https://[fd00::1]:10250/containerLogs/ns/p/c?follow=true": dial tcp [fd00::1]:10250: connect: connection refused',
    );
  });
});

describe('KubeletClient over TLS', () => {
  let dir: string;
  let pki: Pki;
  let certs: KubeletCerts;
  let server: Server;
  let port: number;
  let client: KubeletClient;
  const seen: { cn: string | undefined; path: string | undefined }[] = [];

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'podbay-kubelet-client-'));
    pki = await ensurePki({ dataDir: dir });
    certs = await ensureKubeletCerts({
      files: pki.files,
      caPem: pki.caPem,
      caKeyPem: pki.caKeyPem,
      nodeName: 'n1',
      hosts: ['127.0.0.1'],
    });
    server = createServer(
      { cert: certs.serving.certPem, key: certs.serving.keyPem, ca: pki.caPem, requestCert: true },
      (req, res) => {
        const peer = (req.socket as TLSSocket).getPeerCertificate();
        seen.push({ cn: peer.subject.CN as string | undefined, path: req.url });
        res.end('plain');
      },
    );
    server.on('upgrade', (_req, socket) => {
      socket.write(
        'HTTP/1.1 101 Switching Protocols\r\nUpgrade: test\r\nConnection: Upgrade\r\n\r\n',
      );
      socket.on('data', (d: Buffer) => socket.write(`echo:${d.toString()}`));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    port = (server.address() as AddressInfo).port;
    client = new KubeletClient({
      caPem: pki.caPem,
      certPem: certs.client.certPem,
      keyPem: certs.client.keyPem,
    });
  });
  afterAll(async () => {
    client.close();
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
    await rm(dir, { recursive: true, force: true });
  });

  it('presents the kubelet-client certificate and verifies the kubelet', async () => {
    const res = await client.request({
      location: { host: '127.0.0.1', port },
      method: 'GET',
      path: '/healthz',
      signal: new AbortController().signal,
    });
    let body = '';
    for await (const c of res) body += (c as Buffer).toString();
    expect(body).toBe('plain');
    expect(seen.at(-1)).toEqual({ cn: 'kube-apiserver-kubelet-client', path: '/healthz' });
  });

  it('proxies an upgrade: the kubelet answers 101 and the socket is ours', async () => {
    const up = await client.upgrade({
      location: { host: '127.0.0.1', port },
      method: 'POST',
      path: '/exec/ns/p/c?command=ls',
      headers: { Connection: 'Upgrade', Upgrade: 'test' },
      signal: new AbortController().signal,
    });
    expect(up.upgraded).toBe(true);
    if (!up.upgraded) return;
    expect(up.response.statusCode).toBe(101);
    const reply = new Promise<string>((r) =>
      up.socket.once('data', (d: Buffer) => {
        r(d.toString());
      }),
    );
    up.socket.write('hi');
    expect(await reply).toBe('echo:hi');
    up.socket.destroy();
  });
});
