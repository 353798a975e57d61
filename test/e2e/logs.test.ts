/**
 * `kubectl logs` against real pods: podbay server with its node agent (runc, conmon, CNI), the
 * busybox test image, and the real kubectl, with -c, -f, --previous, --tail, --since,
 * --since-time, --timestamps and --limit-bytes, and log rotation (a small
 * --container-log-max-size here). Every pod is deleted (and waited for) before the server stops,
 * so no container, mount or network namespace outlives the test.
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from './support/kubectl-helpers.ts';
import { importBusybox } from './support/images.ts';
import { kubectlBinary, podbayBin, run, startPodbay, type Podbay } from './support/podbay.ts';
import { isRoot, missing } from '../support/prerequisites.ts';

/** The node agent's pod log root (upstream's /var/log/pods). */
const POD_LOGS = '/var/log/pods';

function mountsUnder(dir: string): string[] {
  return readFileSync('/proc/self/mounts', 'utf8')
    .split('\n')
    .map((l) => l.split(' ')[1] ?? '')
    .filter((m) => m.startsWith(dir + '/'));
}

async function entries(dir: string): Promise<string[]> {
  return (await readdir(dir).catch(() => [])).map((e) => join(dir, e));
}

const haveTools = ['/usr/sbin/runc', '/usr/bin/conmon', '/bin/busybox'].every((p) => existsSync(p));

const IMAGE = 'podbay.test/busybox:1';

function pod(
  name: string,
  spec: { containers: object[]; initContainers?: object[]; restartPolicy?: string },
): object {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name },
    spec: { terminationGracePeriodSeconds: 1, restartPolicy: 'Always', ...spec },
  };
}

const sh = (name: string, script: string): object => ({
  name,
  image: IMAGE,
  command: ['sh', '-c', script],
});

const pods = [
  // Output on both streams, and a line written in two parts (conmon writes a partial record).
  pod('fixed', {
    containers: [
      sh(
        'main',
        // conmon reads stdout and stderr separately: the partial line comes a second after the
        // stderr line, so their order in the file is fixed.
        'echo one; echo two >&2; sleep 1; printf "half"; sleep 1; echo " and half"; exec sleep 3600',
      ),
    ],
  }),
  pod('multi', {
    initContainers: [sh('setup', 'echo init ran')],
    containers: [sh('a', 'echo from a; exec sleep 3600'), sh('b', 'echo from b; exec sleep 3600')],
  }),
  // Fails after a second, so it restarts and has a previous run.
  pod('crasher', {
    containers: [sh('main', 'echo "run at $(cat /proc/uptime)"; sleep 1; exit 3')],
  }),
  pod('noimage', { containers: [{ name: 'main', image: 'podbay.test/missing:1' }] }),
];

const until = waitFor;

describe('podbay server --container-log-max-size and --container-log-max-files, refused', () => {
  it.each([
    [['--container-log-max-size', '0'], /--container-log-max-size.*positive size such as 10Mi/],
    [['--container-log-max-size', '10Mo'], /--container-log-max-size.*positive size/],
    [['--container-log-max-files', '1'], /--container-log-max-files.*from 2 to 1000/],
    [
      ['--no-agent', '--container-log-max-files', '3'],
      /--container-log-max-files needs the node agent/,
    ],
  ])('%j: a usage error (exit 2) naming the problem', async (args, why) => {
    const r = await run(process.execPath, [podbayBin, 'server', ...args], { timeoutMs: 20_000 });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(why);
  });
});

describe.skipIf(missing({ root: isRoot, 'runc, conmon, busybox': haveTools }))(
  'kubectl logs with real pods',
  () => {
    let pb: Podbay;
    let started = false;

    beforeAll(async () => {
      pb = await startPodbay({
        agent: true,
        extraArgs: [
          '--kubelet-port',
          '0',
          // Rotation within the test: the other pods write far less than this.
          '--container-log-max-size',
          '4Ki',
          '--container-log-max-files',
          '3',
        ],
      });
      started = true;
      await importBusybox(pb.dataDir);
      const apply = await pb.kubectl(['apply', '-f', '-'], {
        input: JSON.stringify({ apiVersion: 'v1', kind: 'List', items: pods }),
      });
      expect(apply.code, apply.stderr).toBe(0);
      const ready = await pb.kubectl(
        ['wait', '--for=condition=Ready', 'pod/fixed', 'pod/multi', '--timeout=90s'],
        { timeoutMs: 100_000 },
      );
      expect(ready.code, ready.stderr + pb.logs()).toBe(0);
    }, 180_000);

    afterAll(async () => {
      if (!started) return;
      const listed = await pb.kubectl(['get', 'pods', '-o', 'json']);
      const logDirs = (
        JSON.parse(listed.stdout || '{"items":[]}') as {
          items: { metadata: { name: string; namespace: string; uid: string } }[];
        }
      ).items.map((p) =>
        join(POD_LOGS, `${p.metadata.namespace}_${p.metadata.name}_${p.metadata.uid}`),
      );
      await pb.kubectl(['delete', 'pods', '--all', '--wait=true', '--timeout=90s'], {
        timeoutMs: 100_000,
      });
      // The API object goes once the containers have stopped; the kubelet removes containers,
      // their roots, sandboxes and log directories after that (at the latest on its 30 s
      // housekeeping). Wait for it, so nothing outlives the test.
      // The runtime's tmpfs for its volatile state stays while the node runs.
      const volatileState = join(pb.dataDir, 'runtime', 'run');
      const leftovers = async (): Promise<string[]> => [
        ...mountsUnder(pb.dataDir).filter((m) => m !== volatileState),
        ...(await entries(join(pb.dataDir, 'runtime', 'containers'))),
        ...(await entries(join(pb.dataDir, 'runtime', 'sandboxes'))),
        ...logDirs.filter((d) => existsSync(d)),
      ];
      let left = await leftovers();
      for (const deadline = Date.now() + 75_000; left.length > 0 && Date.now() < deadline;) {
        await new Promise((r) => setTimeout(r, 500));
        left = await leftovers();
      }
      await pb.stop();
      // A node stopped with no pod left leaves no mount at all.
      left.push(...mountsUnder(pb.dataDir));
      // Whatever the kubelet did not remove is removed here, and the test fails saying what it was.
      for (const m of mountsUnder(pb.dataDir).reverse()) {
        await run('umount', ['-l', m]);
      }
      for (const d of logDirs) await rm(d, { recursive: true, force: true });
      await pb.cleanup();
      expect(left, 'left behind after the pods were deleted').toEqual([]);
    }, 180_000);

    const logs = (args: string[]): ReturnType<Podbay['kubectl']> => pb.kubectl(['logs', ...args]);

    it('shows both streams, with a line written in two parts joined', async () => {
      const out = await until(async () => {
        const r = await logs(['fixed']);
        return r.stdout.includes('half and half') ? r : undefined;
      }, 'the whole output');
      expect(out.code).toBe(0);
      expect(out.stdout).toBe('one\ntwo\nhalf and half\n');
    });

    it('--tail, --limit-bytes, --timestamps, --since, --since-time', async () => {
      // Tail counts the file's records, as the kubelet does: the last one is the second half.
      expect((await logs(['fixed', '--tail=1'])).stdout).toBe(' and half\n');
      expect((await logs(['fixed', '--tail=2'])).stdout).toBe('half and half\n');
      expect((await logs(['fixed', '--tail=0'])).stdout).toBe('');
      expect((await logs(['fixed', '--limit-bytes=5'])).stdout).toBe('one\nt');
      const stamped = (await logs(['fixed', '--timestamps'])).stdout.split('\n').filter(Boolean);
      expect(stamped).toHaveLength(3);
      for (const line of stamped) {
        expect(line).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}(Z|[+-]\d\d:\d\d) /);
      }
      expect(stamped[2]).toMatch(/ half and half$/);
      expect((await logs(['fixed', '--since=1h'])).stdout).toBe('one\ntwo\nhalf and half\n');
      expect((await logs(['fixed', '--since-time=2999-01-01T00:00:00Z'])).stdout).toBe('');
    });

    it('-c picks a container, init containers included; without -c kubectl picks the first', async () => {
      expect((await logs(['multi', '-c', 'b'])).stdout).toBe('from b\n');
      expect((await logs(['multi', '-c', 'setup'])).stdout).toBe('init ran\n');
      const first = await logs(['multi']);
      expect(first.stdout).toBe('from a\n');
      expect(first.stderr).toContain('Defaulted container "a" out of: a, b, setup (init)');
    });

    it('--previous shows the run before a restart, and says so when there is none', async () => {
      await until(async () => {
        const r = await pb.kubectl([
          'get',
          'pod',
          'crasher',
          '-o',
          'jsonpath={.status.containerStatuses[0].restartCount}',
        ]);
        return Number(r.stdout) >= 1 ? true : undefined;
      }, 'a restart of crasher');
      const previous = await logs(['crasher', '--previous']);
      expect(previous.code, previous.stderr).toBe(0);
      expect(previous.stdout).toMatch(/^run at [\d.]+ [\d.]+\n$/);

      const none = await logs(['fixed', '--previous']);
      expect(none.code, none.stdout + none.stderr).toBe(1);
      expect(none.stderr).toBe(
        'Error from server (BadRequest): previous terminated container "main" in pod "fixed" not found\n',
      );
    });

    it('explains why a container that cannot start has no log', async () => {
      const r = await until(async () => {
        const res = await logs(['noimage']);
        return /image can't be pulled|trying and failing to pull image/.test(res.stderr)
          ? res
          : undefined;
      }, 'the image pull error');
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(
        /^Error from server \(BadRequest\): container "main" in pod "noimage" is waiting to start: (image can't be pulled|trying and failing to pull image)\n$/,
      );
    });

    it('-f streams new lines and ends when the container exits', async () => {
      const apply = await pb.kubectl(['apply', '-f', '-'], {
        input: JSON.stringify(
          pod('counter', {
            restartPolicy: 'Never',
            containers: [sh('main', 'for i in 1 2 3 4; do echo "line $i"; sleep 1; done')],
          }),
        ),
      });
      expect(apply.code, apply.stderr).toBe(0);
      await until(async () => {
        const r = await logs(['counter']);
        return r.stdout.startsWith('line 1') ? true : undefined;
      }, 'the first line of counter');
      const started = Date.now();
      const follow = await logs(['-f', 'counter']);
      expect(follow.code, follow.stderr).toBe(0);
      expect(follow.stdout).toBe('line 1\nline 2\nline 3\nline 4\n');
      // It waited for the lines still to come, and ended with the container.
      expect(Date.now() - started).toBeGreaterThan(500);
    });
    it('rotates a log at --container-log-max-size; -f follows on; logs shows the current file', async () => {
      // ~60-byte numbered lines, 20 a second: 4 KiB in about 3.5 s, rotated on the next 10 s round.
      const apply = await pb.kubectl(['apply', '-f', '-'], {
        input: JSON.stringify(
          pod('chatty', {
            containers: [
              sh(
                'main',
                'i=0; while true; do i=$((i+1)); echo "line $i ........................................"; sleep 0.05; done',
              ),
            ],
          }),
        ),
      });
      expect(apply.code, apply.stderr).toBe(0);
      await until(async () => {
        const r = await logs(['chatty']);
        return r.stdout.startsWith('line 1 ') ? true : undefined;
      }, 'the first line of chatty');
      const uid = (await pb.kubectl(['get', 'pod', 'chatty', '-o', 'jsonpath={.metadata.uid}']))
        .stdout;
      const dir = join(POD_LOGS, `default_chatty_${uid}`, 'main');
      const rotatedFiles = async (): Promise<string[]> =>
        (await readdir(dir)).filter((f) => f.startsWith('0.log.')).sort();

      let followed = '';
      const follow = spawn(kubectlBinary(), [
        '--kubeconfig',
        pb.kubeconfig,
        'logs',
        '-f',
        'chatty',
      ]);
      follow.stdout.on('data', (c: Buffer) => (followed += c.toString()));
      try {
        await until(
          async () => ((await rotatedFiles()).length >= 2 ? true : undefined),
          'two rotations of the chatty log',
          40_000,
        );
        // Lines written after the second rotation reach the follower too.
        const numbers = (text: string): number[] =>
          [...text.matchAll(/^line (\d+) /gm)].map((m) => Number(m[1]));
        const current = numbers((await logs(['chatty'])).stdout);
        await until(
          () =>
            Promise.resolve(
              Math.max(...numbers(followed)) > (current.at(-1) ?? 0) ? true : undefined,
            ),
          'the follower to pass the current file',
        );
        // Every line once, in order, across both rotations: nothing lost or repeated.
        const seen = numbers(followed);
        expect(seen[0]).toBe(1);
        const off = seen.findIndex((n, i) => n !== i + 1);
        const around = seen.slice(Math.max(0, off - 3), off + 4).join(' ');
        expect(off < 0 ? 'in order' : `line ${off + 1} came as ${seen[off]} (${around})`).toBe(
          'in order',
        );
        // Without -f only the current file is read (as upstream): it starts after line 1.
        expect(current[0]).toBeGreaterThan(1);
        expect(current.every((n, i) => n === (current[0] ?? 0) + i)).toBe(true);
      } finally {
        follow.kill();
      }
      // At most --container-log-max-files files; the older rotated ones are compressed.
      const files = await readdir(dir);
      expect(files.filter((f) => f.startsWith('0.log')).length).toBeLessThanOrEqual(3);
      const rotated = await rotatedFiles();
      if (rotated.length === 2) expect(rotated[0]).toMatch(/^0\.log\.\d{8}-\d{6}\.gz$/);
      expect(rotated.at(-1)).toMatch(/^0\.log\.\d{8}-\d{6}$/);
      const deleted = await pb.kubectl(
        ['delete', 'pod', 'chatty', '--wait=true', '--timeout=60s'],
        {
          timeoutMs: 70_000,
        },
      );
      expect(deleted.code, deleted.stderr).toBe(0);
    }, 90_000);
  },
);
