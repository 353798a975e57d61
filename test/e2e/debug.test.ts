/**
 * `kubectl debug` into a real pod: ephemeral containers started by the node agent (runc, conmon)
 * in the PID namespace of their --target container, their ephemeralContainerStatuses, events,
 * logs, exec and attach, with the real kubectl. The pod is deleted (and waited for) before the
 * server stops.
 */
import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ContainerStatus, Event } from '../../src/api/index.ts';
import { removePodsAndStop, waitFor } from './support/kubectl-helpers.ts';
import { importBusybox } from './support/images.ts';
import { kubectlBinary, startPodbay, type Podbay } from './support/podbay.ts';
import { inTerminal, scriptBinary } from './support/terminal.ts';
import { isRoot, missing } from '../support/prerequisites.ts';

const haveTools = ['/usr/sbin/runc', '/usr/bin/conmon', '/bin/busybox'].every((p) => existsSync(p));

const IMAGE = 'podbay.test/busybox:1';
/** What the target runs: PID 1 of its namespace, which the debuggers must see. */
const TARGET_COMMAND = 'sleep 3600';

const pod = {
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'target' },
  spec: {
    terminationGracePeriodSeconds: 1,
    containers: [{ name: 'app', image: IMAGE, command: TARGET_COMMAND.split(' ') }],
  },
};

const until = waitFor;

describe.skipIf(missing({ root: isRoot, 'runc, conmon, busybox': haveTools }))(
  'kubectl debug with ephemeral containers',
  () => {
    let pb: Podbay;
    let started: Podbay | undefined;

    /** The pod's status of an ephemeral container, through kubectl's jsonpath. */
    async function ephemeralStatus(name: string): Promise<ContainerStatus | undefined> {
      const r = await pb.kubectl([
        'get',
        'pod',
        'target',
        '-o',
        `jsonpath={.status.ephemeralContainerStatuses[?(@.name=="${name}")]}`,
      ]);
      expect(r.code, r.stderr).toBe(0);
      return r.stdout.trim() ? (JSON.parse(r.stdout) as ContainerStatus) : undefined;
    }

    /** Waits until the ephemeral container `name` has ended; its terminated state. */
    async function ephemeralEnded(
      name: string,
    ): Promise<NonNullable<NonNullable<ContainerStatus['state']>['terminated']>> {
      return until(
        async () => (await ephemeralStatus(name))?.state?.terminated,
        `debug container ${name} to end`,
      );
    }

    beforeAll(async () => {
      pb = await startPodbay({ agent: true });
      started = pb;
      await importBusybox(pb.dataDir);
      const apply = await pb.kubectl(['apply', '-f', '-'], { input: JSON.stringify(pod) });
      expect(apply.code, apply.stderr).toBe(0);
      const ready = await pb.kubectl(
        ['wait', '--for=condition=Ready', 'pod/target', '--timeout=90s'],
        { timeoutMs: 100_000 },
      );
      expect(ready.code, ready.stderr + pb.logs()).toBe(0);
    }, 180_000);

    afterAll(() => removePodsAndStop(started), 180_000);

    it('runs a debug container in the target’s PID namespace: status running then terminated, logs, events, never restarted', async () => {
      // It lists the processes, then waits for the test to let it go (no fixed sleep).
      const script = 'ps; while [ ! -e /tmp/done ]; do sleep 0.2; done; echo finished';
      const debug = await pb.kubectl([
        'debug',
        'target',
        `--image=${IMAGE}`,
        '--target=app',
        '-c',
        'dbg',
        '--',
        'sh',
        '-c',
        script,
      ]);
      expect(debug.code, debug.stderr).toBe(0);

      const running = await until(async () => {
        const s = await ephemeralStatus('dbg');
        return s?.state?.running ? s : undefined;
      }, 'the debug container to run');
      expect(running).toMatchObject({
        name: 'dbg',
        image: IMAGE,
        ready: false,
        restartCount: 0,
        containerID: expect.stringMatching(/^runc:\/\/[0-9a-f]{64}$/) as unknown,
        imageID: expect.stringMatching(/^sha256:/) as unknown,
      });

      // ps in the debug container shows the target's process as PID 1: one PID namespace.
      const logs = await until(async () => {
        const r = await pb.kubectl(['logs', 'target', '-c', 'dbg']);
        return r.code === 0 && r.stdout.includes(TARGET_COMMAND) ? r.stdout : undefined;
      }, 'the debug container’s ps output');
      expect(logs).toMatch(new RegExp(`^\\s*1\\s+\\S+\\s+${TARGET_COMMAND}$`, 'm'));

      // The debugger counts for nothing in the pod's readiness.
      const ready = await pb.kubectl([
        'get',
        'pod',
        'target',
        '-o',
        'jsonpath={.status.phase} {.status.conditions[?(@.type=="Ready")].status}',
      ]);
      expect(ready.stdout).toBe('Running True');

      const exec = await pb.kubectl(['exec', 'target', '-c', 'dbg', '--', 'touch', '/tmp/done']);
      expect(exec.code, exec.stderr).toBe(0);
      const terminated = await until(async () => {
        const s = await ephemeralStatus('dbg');
        return s?.state?.terminated ? s : undefined;
      }, 'the debug container to end');
      expect(terminated.state?.terminated).toMatchObject({ exitCode: 0, reason: 'Completed' });
      expect(terminated.containerID).toBe(running.containerID);
      expect((await pb.kubectl(['logs', 'target', '-c', 'dbg'])).stdout).toContain('finished');

      // Events are written in batches, a moment after what they report.
      const reasons = await until(async () => {
        const events = await pb.kubectl(['get', 'events', '-o', 'json']);
        const seen = (JSON.parse(events.stdout) as { items: Event[] }).items
          .filter((e) => e.involvedObject.fieldPath === 'spec.ephemeralContainers{dbg}')
          .map((e) => e.reason);
        return seen.includes('Started') ? seen : undefined;
      }, "the debug container's events");
      expect(reasons).toEqual(expect.arrayContaining(['Pulled', 'Created', 'Started']));

      // Never restarted: after another sync (the exec's status update) it is the same instance.
      const app = await pb.kubectl([
        'get',
        'pod',
        'target',
        '-o',
        'jsonpath={.status.containerStatuses[0].restartCount} {.status.phase}',
      ]);
      expect(app.stdout).toBe('0 Running');
      const later = await ephemeralStatus('dbg');
      expect(later?.state?.terminated).toBeDefined();
      expect(later?.containerID).toBe(running.containerID);
      expect(later?.restartCount).toBe(0);
    }, 120_000);

    it('kubectl debug -i attaches to the debug container’s stdin and stdout', async () => {
      const r = await pb.kubectl(
        [
          'debug',
          '-i',
          'target',
          `--image=${IMAGE}`,
          '--target=app',
          '-c',
          'dbg-stdin',
          '--',
          'sh',
          '-c',
          'read line; echo "got $line"; ps',
        ],
        { input: 'hello from stdin\n', timeoutMs: 90_000 },
      );
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toContain('got hello from stdin');
      expect(r.stdout).toContain(TARGET_COMMAND);
      expect((await ephemeralEnded('dbg-stdin')).exitCode).toBe(0);
    }, 100_000);

    it.skipIf(missing({ 'script (util-linux)': scriptBinary !== undefined }))(
      'kubectl debug -it gives a shell in a terminal, attached, that sees the target’s processes',
      async () => {
        const shell = [
          `exec ${kubectlBinary()} --kubeconfig ${pb.kubeconfig} debug -it target`,
          `--image=${IMAGE} --target=app -c dbg-tty -- sh`,
        ].join(' ');
        const r = await inTerminal(shell, { home: pb.dataDir, timeoutMs: 90_000 }, async (t) => {
          await t.seen("If you don't see a command prompt", 60_000);
          // The marker is computed by the shell, so the echo of what was typed cannot match it,
          // and printed only when the shell's stdin is a terminal.
          t.type('ps; [ -t 0 ] && echo "tty-$((6*7))"; exit\r');
          await t.seen('tty-42', 60_000);
        });
        const lines = r.stdout.split(/\r?\n/).map((l) => l.trim());
        expect(lines, JSON.stringify(r)).toContain('tty-42');
        expect(r.stdout).toContain(TARGET_COMMAND);
        expect((await ephemeralEnded('dbg-tty')).exitCode).toBe(0);
      },
      100_000,
    );
  },
);
