/**
 * Lifecycle hooks, termination messages and activeDeadlineSeconds for real: `podbay server`
 * with its node agent (runc, conmon, CNI) and busybox pods, driven by the real kubectl. Hooks run
 * through runc exec in the container. Root only.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importBusybox } from './support/images.ts';
import { kubectlHelpers, removePodsAndStop, type EventItem } from './support/kubectl-helpers.ts';
import { startPodbay, type Podbay } from './support/podbay.ts';
import { isRoot, missing } from '../support/prerequisites.ts';

let pb: Podbay;
let dir: string;
let image: string;

const { ok, apply, jsonpath, events, until } = kubectlHelpers(() => ({ pb, dir }));

async function waitForEvent(pod: string, reason: string, message: string): Promise<EventItem> {
  return until(
    async () => (await events(pod)).find((x) => x.reason === reason && x.message === message),
    `event ${reason} "${message}" on ${pod}`,
  );
}

function pod(name: string, body: string): string {
  return `apiVersion: v1
kind: Pod
metadata:
  name: ${name}
spec:
${body}`;
}

describe.skipIf(missing({ root: isRoot }))(
  'lifecycle hooks and termination on the node agent (root)',
  () => {
    beforeAll(async () => {
      pb = await startPodbay({
        agent: true,
        extraArgs: ['--kubelet-port', '0'],
        timeoutMs: 60_000,
      });
      dir = await mkdtemp(join(tmpdir(), 'hooks-e2e-'));
      image = (await importBusybox(pb.dataDir)).name;
    });

    afterAll(async () => {
      await removePodsAndStop(pb);
      if (dir) await rm(dir, { recursive: true, force: true });
    }, 150_000);

    it('runs postStart after the start and preStop before the stop signal, in a shared emptyDir', async () => {
      // The liveness probe fails once postStart has written its line, until the container has
      // been restarted once: the kill runs preStop, then SIGTERM (trapped), and the next instance
      // prints what the first one and its hooks wrote.
      await apply(
        pod(
          'order',
          `  terminationGracePeriodSeconds: 10
  volumes:
  - {name: shared, emptyDir: {}}
  containers:
  - name: app
    image: ${image}
    command:
    - sh
    - -c
    - |
      cat /shared/log 2>/dev/null
      if [ -e /shared/log ]; then echo restarted >> /shared/log; fi
      echo start >> /shared/log
      trap 'echo sigterm >> /shared/log; exit 0' TERM
      while true; do sleep 1; done
    volumeMounts:
    - {name: shared, mountPath: /shared}
    lifecycle:
      postStart:
        exec: {command: ["sh", "-c", "echo poststart >> /shared/log"]}
      preStop:
        exec: {command: ["sh", "-c", "echo prestop >> /shared/log; sleep 1; echo prestop-done >> /shared/log"]}
    livenessProbe:
      exec: {command: ["sh", "-c", "! grep -q poststart /shared/log || grep -q restarted /shared/log"]}
      periodSeconds: 1
      failureThreshold: 1
`,
        ),
      );
      await until(
        async () => {
          const restarts = Number(
            await jsonpath('order', '.status.containerStatuses[0].restartCount'),
          );
          const running = await jsonpath('order', '.status.containerStatuses[0].state.running');
          return restarts >= 1 && running ? true : undefined;
        },
        'the restart',
        90_000,
      );
      const lines = (await ok(['logs', 'order', '-c', 'app'])).trim().split('\n');
      // postStart runs beside the entrypoint: either may write first.
      expect([...lines.slice(0, 2)].sort()).toEqual(['poststart', 'start']);
      expect(lines.slice(2)).toEqual(['prestop', 'prestop-done', 'sigterm']);
      expect(
        await jsonpath('order', '.status.containerStatuses[0].lastState.terminated.exitCode'),
      ).toBe('0');
      await waitForEvent(
        'order',
        'Killing',
        'Container app failed liveness probe, will be restarted',
      );
      expect((await events('order')).some((e) => e.reason.startsWith('Failed'))).toBe(false);
    });

    it('a failing postStart hook kills the container: FailedPostStartHook and PostStartHookError', async () => {
      await apply(
        pod(
          'badstart',
          `  terminationGracePeriodSeconds: 1
  containers:
  - name: app
    image: ${image}
    command: ["sleep", "3600"]
    lifecycle:
      postStart:
        exec: {command: ["sh", "-c", "echo no way >&2; exit 7"]}
`,
        ),
      );
      const failed = await waitForEvent('badstart', 'FailedPostStartHook', 'PostStartHook failed');
      expect(failed.type).toBe('Warning');
      expect(failed.involvedObject.fieldPath).toBe('spec.containers{app}');
      await waitForEvent('badstart', 'Killing', 'FailedPostStartHook');
      const waiting = await until(async () => {
        const reason = await jsonpath(
          'badstart',
          '.status.containerStatuses[0].state.waiting.reason',
        );
        return reason === 'PostStartHookError' || reason === 'CrashLoopBackOff'
          ? reason
          : undefined;
      }, 'the container waiting');
      if (waiting === 'PostStartHookError') {
        expect(
          await jsonpath('badstart', '.status.containerStatuses[0].state.waiting.message'),
        ).toMatch(
          /^Exec lifecycle hook \(\[sh -c echo no way >&2; exit 7\]\) for Container "app" in Pod "badstart_default\([0-9a-f-]+\)" failed - error: command 'sh -c echo no way >&2; exit 7' exited with 7: no way\n, message: "no way\\n"$/,
        );
      }
      expect(
        await jsonpath('badstart', '.status.containerStatuses[0].lastState.terminated.exitCode'),
      ).toBe('137');
      expect(await jsonpath('badstart', '.status.phase')).toBe('Running');
    });

    it('a failing preStop hook is a FailedPreStopHook event, and the pod still goes', async () => {
      await apply(
        pod(
          'badstop',
          `  terminationGracePeriodSeconds: 3
  containers:
  - name: app
    image: ${image}
    command: ["sleep", "3600"]
    lifecycle:
      preStop:
        exec: {command: ["sh", "-c", "exit 3"]}
`,
        ),
      );
      await until(
        async () =>
          (await jsonpath('badstop', '.status.containerStatuses[0].state.running'))
            ? true
            : undefined,
        'badstop running',
      );
      await ok(['delete', 'pod', 'badstop', '--wait=true', '--timeout=60s']);
      const e = await waitForEvent('badstop', 'FailedPreStopHook', 'PreStopHook failed');
      expect(e.type).toBe('Warning');
    });

    it('fills terminated.message from terminationMessagePath, or from the log tail on failure', async () => {
      const container = (name: string, script: string, extra = '') => `  - name: ${name}
    image: ${image}
    command: ["sh", "-c", ${JSON.stringify(script)}]
${extra}`;
      await apply(
        pod(
          'messages',
          `  restartPolicy: Never
  containers:
${container('file', "printf 'bye now' > /dev/termination-log; exit 3")}
${container('custom', 'echo custom path > /tmp/why; exit 0', '    terminationMessagePath: /tmp/why\n')}
${container('fallback', 'echo line1; echo line2; exit 2', '    terminationMessagePolicy: FallbackToLogsOnError\n')}
${container('fallback-ok', 'echo fine; exit 0', '    terminationMessagePolicy: FallbackToLogsOnError\n')}
${container('nomessage', 'echo only logs; exit 4')}
`,
        ),
      );
      await until(
        async () => ((await jsonpath('messages', '.status.phase')) === 'Failed' ? true : undefined),
        'messages Failed',
      );
      const statuses = JSON.parse(
        await ok(['get', 'pod', 'messages', '-o', 'jsonpath={.status.containerStatuses}']),
      ) as { name: string; state: { terminated?: { exitCode: number; message?: string } } }[];
      const term = (n: string) => statuses.find((s) => s.name === n)?.state.terminated;
      expect(term('file')).toMatchObject({ exitCode: 3, message: 'bye now' });
      expect(term('custom')).toMatchObject({ exitCode: 0, message: 'custom path\n' });
      expect(term('fallback')).toMatchObject({ exitCode: 2, message: 'line1\nline2\n' });
      expect(term('fallback-ok')?.message).toBeUndefined();
      expect(term('nomessage')).toMatchObject({ exitCode: 4 });
      expect(term('nomessage')?.message).toBeUndefined();
    });

    it('fails a pod past its activeDeadlineSeconds with DeadlineExceeded', async () => {
      await apply(
        pod(
          'deadline',
          `  activeDeadlineSeconds: 3
  terminationGracePeriodSeconds: 1
  containers:
  - name: app
    image: ${image}
    command: ["sleep", "3600"]
`,
        ),
      );
      await until(
        async () => ((await jsonpath('deadline', '.status.phase')) === 'Failed' ? true : undefined),
        'deadline Failed',
      );
      expect(await jsonpath('deadline', '.status.reason')).toBe('DeadlineExceeded');
      expect(await jsonpath('deadline', '.status.message')).toBe(
        'Pod was active on the node longer than the specified deadline',
      );
      await waitForEvent(
        'deadline',
        'DeadlineExceeded',
        'Pod was active on the node longer than the specified deadline',
      );
      await until(
        async () =>
          (await jsonpath('deadline', '.status.containerStatuses[0].state.terminated'))
            ? true
            : undefined,
        'the container stopped',
      );
    });
  },
);
