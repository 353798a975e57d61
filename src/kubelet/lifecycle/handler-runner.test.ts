import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { Container, LifecycleHandler, Pod } from '../../api/index.ts';
import { FakeRecorder } from '../../client/index.ts';
import { FakeClock, silentLogger } from '../../util/index.ts';
import {
  RuntimeError,
  type ContainerCommandRunner,
  type ExecSyncResult,
} from '../runtime/index.ts';
import { activeDeadlineRemainingMs, pastActiveDeadline } from './active-deadline.ts';
import { HandlerRunner } from './handler-runner.ts';
import { executePreStopHook } from './pre-stop.ts';

const pod: Pod = {
  metadata: { name: 'web', namespace: 'default', uid: 'u1' },
  spec: { containers: [] },
};
const container: Container = {
  name: 'app',
  ports: [{ name: 'http', containerPort: 8080, protocol: 'TCP' }],
};

type ExecAnswer = ExecSyncResult | Error | ((signal?: AbortSignal) => Promise<ExecSyncResult>);

function fakeRunner(answer: ExecAnswer): ContainerCommandRunner & { calls: string[] } {
  const calls: string[] = [];
  return {
    calls,
    execSync(id, cmd, timeout, signal) {
      calls.push(`${id} ${cmd.join(' ')} ${timeout}`);
      if (typeof answer === 'function') return answer(signal);
      return answer instanceof Error ? Promise.reject(answer) : Promise.resolve(answer);
    },
  };
}

function result(exitCode: number, stdout = '', stderr = ''): ExecSyncResult {
  return { exitCode, stdout: Buffer.from(stdout), stderr: Buffer.from(stderr) };
}

function setup(answer: ExecAnswer = result(0), clock?: FakeClock) {
  const recorder = new FakeRecorder();
  const runner = fakeRunner(answer);
  const handlers = new HandlerRunner({
    runner,
    recorder,
    logger: silentLogger,
    ...(clock ? { clock } : {}),
  });
  const run = (
    handler: LifecycleHandler,
    podIPs: readonly string[] = ['127.0.0.1'],
    signal?: AbortSignal,
  ) =>
    handlers.run({
      pod,
      container,
      containerId: 'c1',
      handler,
      podIPs,
      ...(signal ? { signal } : {}),
    });
  return { recorder, runner, handlers, run };
}

let servers: http.Server[] = [];
afterEach(async () => {
  for (const s of servers) {
    s.closeAllConnections();
    await new Promise((r) => s.close(r));
  }
  servers = [];
});

async function serve(
  handler: (req: http.IncomingMessage, res: http.ServerResponse) => void,
): Promise<{ port: number; seen: http.IncomingHttpHeaders[] }> {
  const seen: http.IncomingHttpHeaders[] = [];
  const server = http.createServer((req, res) => {
    seen.push(req.headers);
    handler(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  servers.push(server);
  return { port: (server.address() as AddressInfo).port, seen };
}

describe('HandlerRunner: exec', () => {
  it('runs the command in the container without a timeout', async () => {
    const { run, runner } = setup(result(0, 'ok'));
    expect(await run({ exec: { command: ['sh', '-c', 'echo ok'] } })).toEqual({ ok: true });
    expect(runner.calls).toEqual(['c1 sh -c echo ok 0']);
  });

  it('fails on a non-zero exit with upstream message', async () => {
    const { run } = setup(result(1, 'out\n', 'bad "thing"\n'));
    expect(await run({ exec: { command: ['sh', '-c', 'exit 1'] } })).toEqual({
      ok: false,
      message:
        'Exec lifecycle hook ([sh -c exit 1]) for Container "app" in Pod "web_default(u1)" failed - error: command \'sh -c exit 1\' exited with 1: bad "thing"\n, message: "out\\nbad \\"thing\\"\\n"',
    });
  });

  it('fails when the runtime cannot run it', async () => {
    const { run } = setup(new RuntimeError('container c1 is not running'));
    expect(await run({ exec: { command: ['true'] } })).toEqual({
      ok: false,
      message:
        'Exec lifecycle hook ([true]) for Container "app" in Pod "web_default(u1)" failed - error: container c1 is not running, message: ""',
    });
  });
});

describe('HandlerRunner: httpGet', () => {
  it('sends a GET to the pod IP with the lifecycle user agent; any status code is fine', async () => {
    const { port, seen } = await serve((_req, res) => {
      res.statusCode = 500;
      res.end();
    });
    const { run } = setup();
    expect(await run({ httpGet: { port, path: '/hook', scheme: 'HTTP' } })).toEqual({ ok: true });
    expect(seen[0]?.['user-agent']).toBe('kube-lifecycle/1.32');
  });

  it('fails on a transport error with upstream message', async () => {
    const { port } = await serve(() => undefined);
    for (const s of servers) await new Promise((r) => s.close(r));
    servers = [];
    const { run } = setup();
    expect(await run({ httpGet: { port, path: '/hook', scheme: 'HTTP' } })).toEqual({
      ok: false,
      message: `HTTP lifecycle hook (/hook) for Container "app" in Pod "web_default(u1)" failed - error: Get "http://127.0.0.1:${port}/hook": dial tcp 127.0.0.1:${port}: connect: connection refused`,
    });
  });

  it('falls back to HTTP when an HTTPS hook gets an HTTP answer, without Authorization', async () => {
    const { port, seen } = await serve((_req, res) => {
      res.end();
    });
    const { run, recorder } = setup();
    expect(
      await run({
        httpGet: {
          port,
          path: '/hook',
          scheme: 'HTTPS',
          httpHeaders: [
            { name: 'Authorization', value: 'secret' },
            { name: 'X-Keep', value: '1' },
          ],
        },
      }),
    ).toEqual({ ok: true });
    expect(seen).toHaveLength(1);
    expect(seen[0]?.authorization).toBeUndefined();
    expect(seen[0]?.['x-keep']).toBe('1');
    expect(recorder.events).toEqual([
      `Warning LifecycleHTTPFallback request to HTTPS lifecycle hook 127.0.0.1:${port} got HTTP response, retry with HTTP succeeded`,
    ]);
  });

  it('fails when the pod has no IP and the hook names no host', async () => {
    const { run } = setup();
    const r = await run({ httpGet: { port: 80, path: '/' } }, []);
    expect(r.ok).toBe(false);
    expect(!r.ok && r.message).toMatch(/failed - error: failed to find networking container/);
  });

  it('resolves named ports', async () => {
    const { run } = setup();
    const r = await run({ httpGet: { port: 'nope', path: '/x' } });
    expect(r).toEqual({
      ok: false,
      message:
        'HTTP lifecycle hook (/x) for Container "app" in Pod "web_default(u1)" failed - error: strconv.Atoi: parsing "nope": invalid syntax',
    });
  });
});

describe('HandlerRunner: sleep and invalid handlers', () => {
  it('sleeps the given seconds on the clock', async () => {
    const clock = new FakeClock();
    const { run } = setup(result(0), clock);
    let done = false;
    const p = run({ sleep: { seconds: 5 } }).then((r) => {
      done = true;
      return r;
    });
    await clock.step(4000);
    expect(done).toBe(false);
    await clock.step(1000);
    expect(await p).toEqual({ ok: true });
  });

  it('fails when cut short', async () => {
    const clock = new FakeClock();
    const { run } = setup(result(0), clock);
    const abort = new AbortController();
    const p = run({ sleep: { seconds: 5 } }, [], abort.signal);
    await clock.step(1000);
    abort.abort();
    expect(await p).toEqual({
      ok: false,
      message:
        'Sleep lifecycle hook (5) for Container "app" in Pod "web_default(u1)" failed - error: container terminated before sleep hook finished',
    });
  });

  it('refuses tcpSocket as upstream does at run time', async () => {
    const { run } = setup();
    expect(await run({ tcpSocket: { port: 8080 } })).toEqual({
      ok: false,
      message:
        'Cannot run handler: invalid handler: &LifecycleHandler{Exec:nil,HTTPGet:nil,TCPSocket:&TCPSocketAction{Port:{0 8080 },Host:,},Sleep:nil,}',
    });
  });
});

describe('executePreStopHook', () => {
  function preStop(answer: ExecAnswer, clock: FakeClock, grace: number) {
    const { handlers, recorder } = setup(answer, clock);
    const c: Container = { ...container, lifecycle: { preStop: { exec: { command: ['drain'] } } } };
    return {
      recorder,
      promise: executePreStopHook({
        handlers,
        recorder,
        clock,
        logger: silentLogger,
        pod,
        container: c,
        containerId: 'c1',
        podIPs: [],
        gracePeriodSeconds: grace,
      }),
    };
  }

  it('returns the whole seconds the hook took', async () => {
    const clock = new FakeClock();
    const { promise, recorder } = preStop(() => clock.sleep(3500).then(() => result(0)), clock, 30);
    await clock.step(3500);
    expect(await promise).toBe(3);
    expect(recorder.events).toEqual([]);
  });

  it('cuts the hook off at the end of the grace period', async () => {
    const clock = new FakeClock();
    let aborted = false;
    const { promise, recorder } = preStop(
      (signal) =>
        new Promise((_resolve, reject) => {
          signal?.addEventListener('abort', () => {
            aborted = true;
            reject(new Error('killed'));
          });
        }),
      clock,
      5,
    );
    await clock.step(5000);
    expect(await promise).toBe(5);
    expect(aborted).toBe(true);
    expect(recorder.events).toEqual([]);
  });

  it('records FailedPreStopHook without the details when the hook fails', async () => {
    const clock = new FakeClock();
    const { promise, recorder } = preStop(result(2, '', 'secret'), clock, 30);
    expect(await promise).toBe(0);
    expect(recorder.events).toEqual(['Warning FailedPreStopHook PreStopHook failed']);
    expect(recorder.records[0]?.object).toMatchObject({ fieldPath: 'spec.containers{app}' });
  });
});

describe('active deadline', () => {
  it('is measured from status.startTime', () => {
    const p: Pod = { ...pod, spec: { containers: [], activeDeadlineSeconds: 30 } };
    const start = Date.UTC(2026, 0, 1);
    const status = { startTime: new Date(start).toISOString() };
    expect(activeDeadlineRemainingMs(p, status, start + 10_000)).toBe(20_000);
    expect(pastActiveDeadline(p, status, start + 29_999)).toBe(false);
    expect(pastActiveDeadline(p, status, start + 30_000)).toBe(true);
    expect(activeDeadlineRemainingMs(p, {}, start)).toBeUndefined();
    expect(activeDeadlineRemainingMs(pod, status, start)).toBeUndefined();
  });
});
