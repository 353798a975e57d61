/**
 * The prober (upstream pkg/kubelet/prober/prober.go): runs one probe of a container with the
 * handler its spec names, retries it when it could not be carried out, turns the outcome into a
 * Result, and records upstream's events on the container:
 *
 *   failure  → Warning Unhealthy   "Liveness probe failed: HTTP probe failed with statuscode: 500"
 *   warning  → Warning ProbeWarning "Readiness probe warning: Probe terminated redirects, …"
 *              (and counts as success)
 *   error    → Warning Unhealthy   "Startup probe errored and resulted in unknown state: …"
 *              (the result is thrown away by the worker)
 */
import type { Container, ObjectReference, Pod, PodStatus, Probe } from '../../api/index.ts';
import type { EventRecorder } from '../../client/index.ts';
import { realClock, type Clock, type Logger } from '../../util/index.ts';
import type { ContainerCommandRunner } from '../runtime/index.ts';
import { execProbe, expandProbeCommand } from './exec-probe.ts';
import { grpcProbe } from './grpc-probe.ts';
import { newRequestForHTTPGetAction } from './http-get.ts';
import { httpProbe } from './http-probe.ts';
import { resolveContainerPort } from './resolve-port.ts';
import { tcpProbe } from './tcp-probe.ts';
import { probeTypeName, type ProbeOutcome, type ProbeType, type Result } from './types.ts';

/** Upstream maxProbeRetries: attempts when a probe errors. */
const maxProbeRetries = 3;

/** What a probe worker asks for; injected so the manager can be tested with a fake. */
export interface ContainerProber {
  /**
   * Probes the container once (with retries on errors). `error` set: the probe could not be
   * carried out and the result must not be used.
   */
  probe(opts: {
    probeType: ProbeType;
    pod: Pod;
    status: PodStatus;
    container: Container;
    /** The runtime's container id (without `runc://`). */
    containerId: string;
  }): Promise<{ result: Result; error?: Error }>;
}

/** The raw probes, injectable for tests of the prober itself. */
export interface ProbeHandlers {
  http: typeof httpProbe;
  tcp: typeof tcpProbe;
  grpc: typeof grpcProbe;
  exec: typeof execProbe;
}

export interface ProberOptions {
  readonly runner: ContainerCommandRunner;
  readonly recorder: EventRecorder;
  readonly logger: Logger;
  readonly clock?: Clock;
  readonly handlers?: Partial<ProbeHandlers>;
}

export function probeSpec(container: Container, probeType: ProbeType): Probe | undefined {
  switch (probeType) {
    case 'liveness':
      return container.livenessProbe;
    case 'readiness':
      return container.readinessProbe;
    case 'startup':
      return container.startupProbe;
  }
}

/** The event subject of a container (upstream GenerateContainerRef). */
export function containerEventRef(pod: Pod, container: Container): ObjectReference {
  const m = pod.metadata;
  const init = (pod.spec?.initContainers ?? []).some((c) => c.name === container.name);
  return {
    kind: 'Pod',
    apiVersion: 'v1',
    ...(m?.namespace ? { namespace: m.namespace } : {}),
    ...(m?.name ? { name: m.name } : {}),
    ...(m?.uid ? { uid: m.uid } : {}),
    ...(m?.resourceVersion ? { resourceVersion: m.resourceVersion } : {}),
    fieldPath: `spec.${init ? 'initContainers' : 'containers'}{${container.name}}`,
  };
}

export class Prober implements ContainerProber {
  private readonly opts: ProberOptions;
  private readonly clock: Clock;
  private readonly handlers: ProbeHandlers;

  constructor(opts: ProberOptions) {
    this.opts = opts;
    this.clock = opts.clock ?? realClock;
    this.handlers = {
      http: opts.handlers?.http ?? httpProbe,
      tcp: opts.handlers?.tcp ?? tcpProbe,
      grpc: opts.handlers?.grpc ?? grpcProbe,
      exec: opts.handlers?.exec ?? execProbe,
    };
  }

  async probe(opts: {
    probeType: ProbeType;
    pod: Pod;
    status: PodStatus;
    container: Container;
    containerId: string;
  }): Promise<{ result: Result; error?: Error }> {
    const { probeType, pod, container } = opts;
    const spec = probeSpec(container, probeType);
    if (!spec) return { result: 'success' };
    const name = probeTypeName(probeType);
    const ref = containerEventRef(pod, container);
    const log = this.opts.logger.with({
      pod: `${pod.metadata?.namespace ?? ''}/${pod.metadata?.name ?? ''}`,
      containerName: container.name,
      probeType: name,
    });

    let outcome: ProbeOutcome = { result: 'unknown', output: '' };
    for (let i = 0; i < maxProbeRetries; i++) {
      outcome = await this.runProbe(spec, opts);
      if (!outcome.error) break;
    }
    if (outcome.error) {
      log.info('probe errored', { probeResult: outcome.result, err: outcome.error.message });
      this.opts.recorder.event(
        ref,
        'Warning',
        'Unhealthy',
        `${name} probe errored and resulted in ${outcome.result} state: ${outcome.error.message}`,
      );
      return { result: 'failure', error: outcome.error };
    }
    switch (outcome.result) {
      case 'success':
        log.debug('probe succeeded');
        return { result: 'success' };
      case 'warning':
        this.opts.recorder.event(
          ref,
          'Warning',
          'ProbeWarning',
          `${name} probe warning: ${outcome.output}`,
        );
        log.debug('probe succeeded with a warning', { output: outcome.output });
        return { result: 'success' };
      case 'failure':
        log.info('probe failed', { output: outcome.output });
        this.opts.recorder.event(
          ref,
          'Warning',
          'Unhealthy',
          `${name} probe failed: ${outcome.output}`,
        );
        return { result: 'failure' };
      case 'unknown':
        log.info('probe unknown without error');
        return { result: 'failure' };
    }
  }

  /** Upstream runProbe: one attempt with the handler the probe names. */
  private async runProbe(
    spec: Probe,
    opts: { pod: Pod; status: PodStatus; container: Container; containerId: string },
  ): Promise<ProbeOutcome> {
    const { status, container } = opts;
    const timeoutSeconds = spec.timeoutSeconds ?? 1;
    const timeoutMs = timeoutSeconds * 1000;
    const podIP = status.podIP ?? '';
    try {
      if (spec.exec) {
        const command = expandProbeCommand(spec.exec.command ?? [], container);
        return await this.handlers.exec(
          this.opts.runner,
          opts.containerId,
          command,
          timeoutSeconds,
        );
      }
      if (spec.httpGet) {
        const req = newRequestForHTTPGetAction(spec.httpGet, container, podIP, 'probe');
        return await this.handlers.http(req, timeoutMs, this.clock);
      }
      if (spec.tcpSocket) {
        const port = resolveContainerPort(spec.tcpSocket.port, container);
        return await this.handlers.tcp(spec.tcpSocket.host || podIP, port, timeoutMs, this.clock);
      }
      if (spec.grpc) {
        return await this.handlers.grpc(podIP, spec.grpc.service ?? '', spec.grpc.port, timeoutMs, {
          clock: this.clock,
        });
      }
    } catch (err) {
      return {
        result: 'unknown',
        output: '',
        error: err instanceof Error ? err : new Error(String(err)),
      };
    }
    const m = opts.pod.metadata;
    return {
      result: 'unknown',
      output: '',
      error: new Error(
        `missing probe handler for ${m?.name ?? ''}_${m?.namespace ?? ''}(${m?.uid ?? ''}):${container.name}`,
      ),
    };
  }
}
