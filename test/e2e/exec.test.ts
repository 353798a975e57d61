/**
 * `kubectl exec`, `attach` and `port-forward` into real pods: podbay server with its node agent
 * (runc, conmon, CNI), the busybox test image, and the real kubectl over both of its transports
 * (WebSocket, and SPDY with KUBECTL_REMOTE_COMMAND_WEBSOCKETS / KUBECTL_PORT_FORWARD_WEBSOCKETS
 * =false). Every pod is deleted (and waited for) before the server stops.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { request as httpRequest } from 'node:http';
import { PassThrough, Writable } from 'node:stream';

import * as k8s from '@kubernetes/client-node';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { removePodsAndStop, waitFor } from './support/kubectl-helpers.ts';
import { importBusybox } from './support/images.ts';
import { kubectlBinary, startPodbay, type Podbay } from './support/podbay.ts';
import { inTerminal, resizeOnFlag, scriptBinary } from './support/terminal.ts';
import { isRoot, missing } from '../support/prerequisites.ts';

const haveTools = ['/usr/sbin/runc', '/usr/bin/conmon', '/bin/busybox', '/usr/bin/perl'].every(
  (p) => existsSync(p),
);

const IMAGE = 'podbay.test/busybox:1';
const SPDY = { KUBECTL_REMOTE_COMMAND_WEBSOCKETS: 'false' };

const webScript = [
  'mkdir -p /www/cgi-bin',
  'echo "hello from the pod" > /www/index.html',
  'dd if=/dev/urandom of=/www/big bs=1048576 count=100 2>/dev/null',
  // A CGI that hashes what is POSTed to it.
  `printf '#!/bin/sh\\nprintf "Content-Type: text/plain\\\\r\\\\n\\\\r\\\\n"\\nhead -c "$CONTENT_LENGTH" | sha256sum | cut -d" " -f1\\n' > /www/cgi-bin/sha`,
  'chmod +x /www/cgi-bin/sha',
  'touch /www/ready',
  'exec httpd -f -p 8080 -h /www',
].join(' && ');

const pods = [
  {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'shell' },
    spec: {
      terminationGracePeriodSeconds: 1,
      containers: [
        {
          name: 'main',
          image: IMAGE,
          command: ['sh', '-c', 'exec sleep 3600'],
          env: [{ name: 'GREETING', value: 'from the pod spec' }],
        },
      ],
    },
  },
  {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'echoer' },
    spec: {
      terminationGracePeriodSeconds: 1,
      containers: [{ name: 'main', image: IMAGE, command: ['cat'], stdin: true }],
    },
  },
  {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'web' },
    spec: {
      terminationGracePeriodSeconds: 1,
      containers: [{ name: 'main', image: IMAGE, command: ['sh', '-c', webScript] }],
    },
  },
];

const until = waitFor;

describe.skipIf(missing({ root: isRoot, 'runc, conmon, busybox, perl': haveTools }))(
  'exec, attach and port-forward into real pods',
  () => {
    let pb: Podbay;
    let started: Podbay | undefined;

    beforeAll(async () => {
      pb = await startPodbay({ agent: true });
      started = pb;
      await importBusybox(pb.dataDir);
      const apply = await pb.kubectl(['apply', '-f', '-'], {
        input: JSON.stringify({ apiVersion: 'v1', kind: 'List', items: pods }),
      });
      expect(apply.code, apply.stderr).toBe(0);
      const ready = await pb.kubectl(
        ['wait', '--for=condition=Ready', 'pod/shell', 'pod/echoer', 'pod/web', '--timeout=90s'],
        { timeoutMs: 100_000 },
      );
      expect(ready.code, ready.stderr + pb.logs()).toBe(0);
      await until(async () => {
        const r = await pb.kubectl(['exec', 'web', '--', 'test', '-e', '/www/ready']);
        return r.code === 0 ? true : undefined;
      }, 'the web pod to be serving');
    }, 180_000);

    afterAll(() => removePodsAndStop(started), 180_000);

    describe.each([
      ['WebSocket', {}],
      ['SPDY', SPDY],
    ])('kubectl exec over %s', (_name, env) => {
      it('runs a command as the container runs its own: its user, env and directory', async () => {
        const r = await pb.kubectl(
          ['exec', 'shell', '--', 'sh', '-c', 'id -u; echo "$GREETING"; pwd'],
          {
            env,
          },
        );
        expect(r).toMatchObject({ code: 0, stdout: '0\nfrom the pod spec\n/\n' });
      });

      it('exits with the command’s exit code', async () => {
        const r = await pb.kubectl(
          ['exec', 'shell', '--', 'sh', '-c', 'echo out; echo err >&2; exit 3'],
          {
            env,
          },
        );
        expect(r).toMatchObject({
          code: 3,
          stdout: 'out\n',
          stderr: 'err\ncommand terminated with exit code 3\n',
        });
      });

      it('passes stdin as a real pipe (cat /dev/stdin works) and ends it', async () => {
        const input = randomBytes(300_000).toString('base64');
        const r = await pb.kubectl(
          ['exec', '-i', 'shell', '--', 'sh', '-c', 'cat /dev/stdin | sha256sum'],
          {
            env,
            input,
          },
        );
        expect(r.code, r.stderr).toBe(0);
        expect(r.stdout).toBe(`${createHash('sha256').update(input).digest('hex')}  -\n`);
      });

      it('says when the command does not exist', async () => {
        const r = await pb.kubectl(['exec', 'shell', '--', 'nosuch'], { env });
        expect(r.code).toBe(1);
        expect(r.stderr).toMatch(
          /error executing command in container: OCI runtime exec failed: .*nosuch.*/,
        );
      });
    });

    it.skipIf(missing({ 'script (util-linux)': scriptBinary !== undefined }))(
      'with -t, runs in a terminal of kubectl’s size and follows its resizes',
      async () => {
        // script(1) gives kubectl a 120x40 terminal; once the command has printed that size, a
        // background job makes it 100x30, and the test types lines, after each of which the
        // command prints its size again, until it reads the new one (or 20 s pass).
        const go = join(pb.dataDir, 'resize-now');
        const shell = [
          resizeOnFlag(go),
          `exec ${kubectlBinary()} --kubeconfig ${pb.kubeconfig} exec -it shell --`,
          `sh -c 'busybox stty size; while read line; do busybox stty size;`,
          `[ "$line" = end ] && break; done; echo "got $line"'`,
        ].join(' ');
        const r = await inTerminal(shell, { home: pb.dataDir, timeoutMs: 30_000 }, async (t) => {
          await t.seen('40 120', 20_000);
          await writeFile(go, '');
          await t.typeUntilSeen('again\r', '30 100');
          t.type('end\r');
          await t.seen('got end', 10_000);
        });
        const lines = r.stdout.split(/\r?\n/).map((l) => l.trim());
        expect(lines, JSON.stringify(r)).toContain('40 120');
        expect(lines, JSON.stringify(r)).toContain('30 100');
        expect(lines, JSON.stringify(r)).toContain('got end');
      },
      40_000,
    );

    it('stops the command when kubectl goes away', async () => {
      const child = spawn(kubectlBinary(), [
        '--kubeconfig',
        pb.kubeconfig,
        'exec',
        'shell',
        '--',
        'sleep',
        '4242',
      ]);
      await until(async () => {
        const ps = await pb.kubectl(['exec', 'shell', '--', 'ps']);
        return ps.stdout.includes('sleep 4242') ? true : undefined;
      }, 'the exec’d sleep');
      child.kill('SIGKILL');
      await until(
        async () => {
          const ps = await pb.kubectl(['exec', 'shell', '--', 'ps']);
          return ps.stdout.includes('sleep 4242') ? undefined : true;
        },
        'the exec’d sleep to be gone',
        20_000,
      );
    });

    it.each([
      ['WebSocket', {}],
      ['SPDY', SPDY],
    ])('kubectl attach -i over %s reaches the main process’s stdin and stdout', async (_n, env) => {
      const child = spawn(
        kubectlBinary(),
        ['--kubeconfig', pb.kubeconfig, 'attach', '-i', 'echoer'],
        {
          env: { ...process.env, ...env },
        },
      );
      let out = '';
      child.stdout.on('data', (c: Buffer) => (out += c.toString()));
      const marker = `attached-${randomBytes(4).toString('hex')}`;
      try {
        await until(
          async () => {
            child.stdin.write(`${marker}\n`);
            await new Promise((r) => setTimeout(r, 300));
            return out.includes(marker) ? true : undefined;
          },
          'the echo through attach',
          20_000,
        );
      } finally {
        child.kill('SIGINT');
      }
      // The main process keeps running after the client leaves.
      const still = await pb.kubectl(['get', 'pod', 'echoer', '-o', 'jsonpath={.status.phase}']);
      expect(still.stdout).toBe('Running');
    });

    describe.each([
      ['SPDY over WebSocket', {}],
      ['SPDY', { KUBECTL_PORT_FORWARD_WEBSOCKETS: 'false' }],
    ])('kubectl port-forward over %s', (name, env) => {
      let pf: ChildProcess | undefined;
      let port = 0;

      beforeAll(async () => {
        const child = spawn(
          kubectlBinary(),
          ['--kubeconfig', pb.kubeconfig, 'port-forward', 'pod/web', ':8080'],
          { env: { ...process.env, ...env } },
        );
        pf = child;
        let out = '';
        port = await new Promise<number>((resolve, reject) => {
          const timer = setTimeout(() => {
            reject(new Error(`port-forward did not start: ${out}`));
          }, 20_000);
          const onData = (c: Buffer): void => {
            out += c.toString();
            const m = /Forwarding from 127\.0\.0\.1:(\d+) -> 8080/.exec(out);
            if (m) {
              clearTimeout(timer);
              resolve(Number(m[1]));
            }
          };
          child.stdout.on('data', onData);
          child.stderr.on('data', onData);
        });
      }, 30_000);

      afterAll(() => {
        pf?.kill('SIGINT');
      });

      function http(
        method: string,
        path: string,
        body?: Buffer,
      ): Promise<{ status: number; sha: string; size: number; text: string }> {
        return new Promise((resolve, reject) => {
          const req = httpRequest(
            {
              host: '127.0.0.1',
              port,
              method,
              path,
              headers: body ? { 'Content-Length': String(body.length) } : {},
            },
            (res) => {
              const hash = createHash('sha256');
              let size = 0;
              let text = '';
              res.on('data', (c: Buffer) => {
                size += c.length;
                hash.update(c);
                if (text.length < 200) text += c.toString('latin1');
              });
              res.on('end', () => {
                resolve({ status: res.statusCode ?? 0, sha: hash.digest('hex'), size, text });
              });
              res.on('error', reject);
            },
          );
          req.on('error', reject);
          req.end(body);
        });
      }

      it('carries an HTTP request to the pod’s port', async () => {
        const r = await http('GET', '/index.html');
        expect(r.status).toBe(200);
        expect(r.text).toBe('hello from the pod\n');
      });

      it('moves 100 MB each way intact', async () => {
        const remote = await pb.kubectl(['exec', 'web', '--', 'sha256sum', '/www/big']);
        const expected = remote.stdout.split(' ')[0];
        const start = Date.now();
        const down = await http('GET', '/big');
        const downMs = Date.now() - start;
        expect(down).toMatchObject({ status: 200, size: 100 * 1048576, sha: expected });
        const body = randomBytes(100 * 1048576);
        const upStart = Date.now();
        const up = await http('POST', '/cgi-bin/sha', body);
        const upMs = Date.now() - upStart;
        expect(up.text.trim()).toBe(createHash('sha256').update(body).digest('hex'));
        console.log(
          `port-forward over ${name}: 100 MB down ${Math.round(100_000 / downMs)} MB/s, up ${Math.round(100_000 / upMs)} MB/s`,
        );
      }, 120_000);
    });

    it('@kubernetes/client-node PortForward carries an HTTP request over WebSocket', async () => {
      const kc = new k8s.KubeConfig();
      kc.loadFromFile(pb.kubeconfig);
      let received = '';
      let errors = '';
      const output = new Writable({
        write(chunk: Buffer, _enc, done) {
          received += chunk.toString('latin1');
          done();
        },
      });
      const errOutput = new Writable({
        write(chunk: Buffer, _enc, done) {
          errors += chunk.toString();
          done();
        },
      });
      const input = new PassThrough();
      const ws = (await new k8s.PortForward(kc).portForward(
        'default',
        'web',
        [8080],
        output,
        errOutput,
        input,
      )) as { close(): void };
      try {
        input.write('GET /index.html HTTP/1.0\r\nHost: pod\r\n\r\n');
        const response = await until(
          () => Promise.resolve(received.includes('hello from the pod\n') ? received : undefined),
          `the response through the client's port-forward (errors: ${errors})`,
          20_000,
        );
        expect(response).toMatch(/^HTTP\/1\.[01] 200 OK\r\n/);
        expect(errors).toBe('');
      } finally {
        ws.close();
        input.end();
      }
    });

    it('kubectl cp copies files both ways (tar over exec)', async () => {
      const local = join(pb.dataDir, 'cp-local.txt');
      const content = `copied ${randomBytes(8).toString('hex')}\n`.repeat(1000);
      await writeFile(local, content);
      const up = await pb.kubectl(['cp', local, 'shell:/tmp/cp-remote.txt']);
      expect(up.code, up.stderr).toBe(0);
      const remote = await pb.kubectl(['exec', 'shell', '--', 'cat', '/tmp/cp-remote.txt']);
      expect(remote.stdout).toBe(content);
      const back = join(pb.dataDir, 'cp-back.txt');
      const down = await pb.kubectl(['cp', 'shell:/tmp/cp-remote.txt', back]);
      expect(down.code, down.stderr).toBe(0);
      expect(await readFile(back, 'utf8')).toBe(content);
    });

    it('kubectl run -i --rm attaches to the new pod’s stdin and removes the pod', async () => {
      const r = await pb.kubectl(
        [
          'run',
          'runner',
          '-i',
          '--rm',
          '--restart=Never',
          `--image=${IMAGE}`,
          '--',
          'sh',
          '-c',
          'read line; echo "got $line"',
        ],
        { input: 'hello from stdin\n', timeoutMs: 90_000 },
      );
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toContain('got hello from stdin');
      const gone = await pb.kubectl(['get', 'pod', 'runner']);
      expect(gone.stderr).toContain('pods "runner" not found');
    }, 100_000);

    it.skipIf(missing({ 'script (util-linux)': scriptBinary !== undefined }))(
      'kubectl run -it attaches to a tty container and resizes its terminal (conmon’s ctl FIFO)',
      async () => {
        const go = join(pb.dataDir, 'attach-resize-now');
        const shell = [
          resizeOnFlag(go),
          `exec ${kubectlBinary()} --kubeconfig ${pb.kubeconfig} run -it --rm --restart=Never`,
          `--image=${IMAGE} tty-runner --`,
          `sh -c 'while read line; do busybox stty size; [ "$line" = end ] && break; done;`,
          `echo done'`,
        ].join(' ');
        const r = await inTerminal(shell, { home: pb.dataDir, timeoutMs: 60_000 }, async (t) => {
          await t.seen("If you don't see a command prompt");
          await t.typeUntilSeen('a\r', '40 120');
          await writeFile(go, '');
          await t.typeUntilSeen('b\r', '30 100');
          t.type('end\r');
          await t.seen('done');
        });
        const lines = r.stdout.split(/\r?\n/).map((l) => l.trim());
        expect(lines, JSON.stringify(r)).toContain('40 120');
        expect(lines, JSON.stringify(r)).toContain('30 100');
        expect(lines, JSON.stringify(r)).toContain('done');
        const gone = await pb.kubectl(['get', 'pod', 'tty-runner']);
        expect(gone.stderr).toContain('pods "tty-runner" not found');
      },
      70_000,
    );

    it('port-forward to a port nothing listens on reports the pod’s refusal', async () => {
      const child = spawn(
        kubectlBinary(),
        ['--kubeconfig', pb.kubeconfig, 'port-forward', 'pod/shell', ':9'],
        { env: process.env },
      );
      let out = '';
      child.stdout.on('data', (c: Buffer) => (out += c.toString()));
      child.stderr.on('data', (c: Buffer) => (out += c.toString()));
      try {
        const port = await until(
          () => Promise.resolve(/127\.0\.0\.1:(\d+) -> 9/.exec(out)?.[1]),
          'port-forward to start',
          20_000,
        );
        await new Promise<void>((resolve) => {
          const req = httpRequest({ host: '127.0.0.1', port: Number(port), path: '/' });
          req.on('error', () => {
            resolve();
          });
          req.on('response', () => {
            resolve();
          });
          req.end();
        });
        await until(
          () =>
            Promise.resolve(out.includes('failed to connect to localhost:9') ? true : undefined),
          'the error',
          10_000,
        );
        expect(out).toContain('connect: connection refused');
      } finally {
        child.kill('SIGINT');
      }
    });

    it('exec into a pod of this node that the API knows but whose container is gone says so', async () => {
      const r = await pb.kubectl(['exec', 'shell', '-c', 'nope', '--', 'true']);
      expect(r.stderr).toBe(
        'Error from server (BadRequest): container nope is not valid for pod shell\n',
      );
    });
  },
);
