import { describe, expect, it } from 'vitest';
import type { Container, Pod, Probe } from '../../api/index.ts';
import { FakeRecorder } from '../../client/index.ts';
import { silentLogger } from '../../util/index.ts';
import type { ContainerCommandRunner } from '../runtime/index.ts';
import { Prober, type ProbeHandlers } from './prober.ts';
import type { ProbeOutcome } from './types.ts';

const pod: Pod = {
  metadata: { name: 'web', namespace: 'default', uid: 'u1' },
  spec: { containers: [] },
};

const noRunner: ContainerCommandRunner = {
  execSync: () => Promise.reject(new Error('unused')),
};

function setup(handlers: Partial<ProbeHandlers>): { prober: Prober; recorder: FakeRecorder } {
  const recorder = new FakeRecorder();
  return {
    prober: new Prober({ runner: noRunner, recorder, logger: silentLogger, handlers }),
    recorder,
  };
}

function withProbe(
  probe: Probe,
  kind: 'livenessProbe' | 'readinessProbe' | 'startupProbe',
): Container {
  return {
    name: 'app',
    ports: [{ name: 'http', containerPort: 8080, protocol: 'TCP' }],
    [kind]: { timeoutSeconds: 2, ...probe },
  };
}

const status = { podIP: '10.244.0.7' };

describe('Prober', () => {
  it('counts a missing probe as success', async () => {
    const { prober } = setup({});
    const r = await prober.probe({
      probeType: 'readiness',
      pod,
      status,
      container: { name: 'app' },
      containerId: 'c1',
    });
    expect(r).toEqual({ result: 'success' });
  });

  it('records Unhealthy with upstream wording on failure', async () => {
    const seen: string[] = [];
    const { prober, recorder } = setup({
      http: (req, timeoutMs) => {
        seen.push(`${req.host}:${req.port}${req.path} ${timeoutMs}`);
        return Promise.resolve({
          result: 'failure',
          output: 'HTTP probe failed with statuscode: 500',
        });
      },
    });
    const container = withProbe({ httpGet: { port: 'http', path: '/healthz' } }, 'livenessProbe');
    const r = await prober.probe({
      probeType: 'liveness',
      pod,
      status,
      container,
      containerId: 'c1',
    });
    expect(r).toEqual({ result: 'failure' });
    expect(seen).toEqual(['10.244.0.7:8080/healthz 2000']);
    expect(recorder.events).toEqual([
      'Warning Unhealthy Liveness probe failed: HTTP probe failed with statuscode: 500',
    ]);
    expect(recorder.records[0]?.object).toMatchObject({ fieldPath: 'spec.containers{app}' });
  });

  it('counts a warning as success and records ProbeWarning', async () => {
    const { prober, recorder } = setup({
      http: () =>
        Promise.resolve({
          result: 'warning',
          output: 'Probe terminated redirects, Response body: x',
        }),
    });
    const container = withProbe({ httpGet: { port: 80 } }, 'readinessProbe');
    const r = await prober.probe({
      probeType: 'readiness',
      pod,
      status,
      container,
      containerId: 'c1',
    });
    expect(r).toEqual({ result: 'success' });
    expect(recorder.events).toEqual([
      'Warning ProbeWarning Readiness probe warning: Probe terminated redirects, Response body: x',
    ]);
  });

  it('retries an errored probe three times, then reports the error', async () => {
    let calls = 0;
    const { prober, recorder } = setup({
      exec: () => {
        calls++;
        return Promise.resolve<ProbeOutcome>({
          result: 'unknown',
          output: '',
          error: new Error('container is stopping'),
        });
      },
    });
    const container = withProbe({ exec: { command: ['true'] } }, 'startupProbe');
    const r = await prober.probe({
      probeType: 'startup',
      pod,
      status,
      container,
      containerId: 'c1',
    });
    expect(calls).toBe(3);
    expect(r.result).toBe('failure');
    expect(r.error?.message).toBe('container is stopping');
    expect(recorder.events).toEqual([
      'Warning Unhealthy Startup probe errored and resulted in unknown state: container is stopping',
    ]);
  });

  it('reports an unknown port name as upstream does', async () => {
    const { prober, recorder } = setup({});
    const container = withProbe({ tcpSocket: { port: 'web' } }, 'readinessProbe');
    const r = await prober.probe({
      probeType: 'readiness',
      pod,
      status,
      container,
      containerId: 'c1',
    });
    expect(r.error).toBeDefined();
    expect(recorder.events).toEqual([
      'Warning Unhealthy Readiness probe errored and resulted in unknown state: strconv.Atoi: parsing "web": invalid syntax',
    ]);
  });

  it('passes tcp host, grpc service and exec command with $(VAR) expanded', async () => {
    const calls: string[] = [];
    const { prober } = setup({
      tcp: (host, port) => {
        calls.push(`tcp ${host}:${port}`);
        return Promise.resolve({ result: 'success', output: '' });
      },
      grpc: (host, service, port) => {
        calls.push(`grpc ${host}:${port} ${service}`);
        return Promise.resolve({ result: 'success', output: '' });
      },
      exec: (_runner, id, cmd, timeout) => {
        calls.push(`exec ${id} ${cmd.join(' ')} ${timeout}`);
        return Promise.resolve({ result: 'success', output: '' });
      },
    });
    await prober.probe({
      probeType: 'liveness',
      pod,
      status,
      container: withProbe({ tcpSocket: { port: 80, host: '10.0.0.9' } }, 'livenessProbe'),
      containerId: 'c1',
    });
    await prober.probe({
      probeType: 'liveness',
      pod,
      status,
      container: withProbe({ grpc: { port: 9090, service: 'db' } }, 'livenessProbe'),
      containerId: 'c1',
    });
    await prober.probe({
      probeType: 'liveness',
      pod,
      status,
      container: {
        ...withProbe({ exec: { command: ['cat', '$(F)'] } }, 'livenessProbe'),
        env: [{ name: 'F', value: '/tmp/ok' }],
      },
      containerId: 'c1',
    });
    expect(calls).toEqual(['tcp 10.0.0.9:80', 'grpc 10.244.0.7:9090 db', 'exec c1 cat /tmp/ok 2']);
  });
});
