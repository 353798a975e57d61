/**
 * Events (core/v1), the way client-go's `record` package writes them: components call
 * `recorder.event(pod, 'Warning', 'BackOff', 'Back-off restarting failed container')` and go on;
 * a background loop correlates and sends.
 *
 *   event() ─▶ bounded queue (1000; full → drop and log) ─▶ one sender loop, in batches:
 *     wait `batchDelayMs` (200 ms) after the first queued event, then take the whole queue;
 *     correlate each event, in order:
 *       1. aggregate: ≥ 10 distinct messages for the same object+reason within 10 min → one
 *          "(combined from similar events): <msg>" event stands for them all;
 *       2. dedup: an event seen before (same source, object, type, reason, message) within the
 *          window → PATCH its `count` (+1), `lastTimestamp` and `message` instead of a new event;
 *       3. spam filter: a token bucket per source+object (burst 25, one per 5 min) drops floods;
 *     send: POST (or the PATCH; a PATCH answered 404 becomes a POST); network errors and
 *       429/5xx are retried up to 12 times 10 s apart (the first wait randomised); other API
 *       errors (AlreadyExists, Invalid, Forbidden, ...) mean the event is abandoned.
 *     The batch's events go out at once (at most 16 requests in flight), except that events of one
 *     object and reason (which may aggregate into, or patch, the same Event) go one after another,
 *     in order.
 *
 * Why batches: client-go sends one event at a time on a goroutine of its own, beside the work the
 * events report. Here that work (a pod's start, say) runs on the same thread as the API server
 * that stores the events, and one at a time each event is a transaction and a WAL sync of its own.
 * Waiting a moment lets the work that raised them finish first, and the events of a batch reach
 * the store together, which commits them in one transaction. Events stay best-effort diagnostics:
 * `kubectl describe` shows them a fraction of a second later.
 *
 * Events are best-effort: `event()` never blocks, never throws and never waits for the API.
 */
import { metaTime, type Event, type KubeObject, type ObjectReference } from '../api/index.ts';
import { realClock, silentLogger, type Clock, type Logger } from '../util/index.ts';
import { isApiStatusError, isNotFound } from './errors.ts';
import { eventsResource, type ResourceClient, type RestClient } from './rest-client.ts';

export type EventType = 'Normal' | 'Warning';

/** Requests a recorder has in flight at most. */
const MAX_REQUESTS_IN_FLIGHT = 16;

/**
 * What an event is about: an API object (with `apiVersion`, `kind` and `metadata.name` set), or a
 * ready-made reference, e.g. with `fieldPath: 'spec.containers{app}'` for one container of a pod.
 */
export type EventSubject = KubeObject | ObjectReference;

/**
 * Records events. Called by controllers, the scheduler and the kubelet from any code path;
 * non-blocking, never throws; delivery is best-effort and asynchronous.
 */
export interface EventRecorder {
  event(object: EventSubject, type: EventType, reason: string, message: string): void;
  /** `event` with the message built from a Go-style format (`%s %v %d %q %f %x %%`). */
  eventf(
    object: EventSubject,
    type: EventType,
    reason: string,
    messageFmt: string,
    ...args: readonly unknown[]
  ): void;
}

function isReference(obj: EventSubject): obj is ObjectReference {
  return !('metadata' in obj);
}

/** The reference for an API object; undefined when it lacks kind, apiVersion or name. */
export function getReference(obj: EventSubject, fieldPath?: string): ObjectReference | undefined {
  if (isReference(obj)) {
    if (!obj.kind || !obj.name) return undefined;
    return fieldPath === undefined ? obj : { ...obj, fieldPath };
  }
  const m = obj.metadata;
  if (!obj.kind || !obj.apiVersion || !m?.name) return undefined;
  return {
    kind: obj.kind,
    ...(m.namespace ? { namespace: m.namespace } : {}),
    name: m.name,
    ...(m.uid ? { uid: m.uid } : {}),
    apiVersion: obj.apiVersion,
    ...(m.resourceVersion ? { resourceVersion: m.resourceVersion } : {}),
    ...(fieldPath !== undefined ? { fieldPath } : {}),
  };
}

function formatValue(v: unknown): string {
  if (v === null || v === undefined) return '<nil>';
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') return String(v);
  if (v instanceof Error) return v.message;
  try {
    return JSON.stringify(v);
  } catch {
    return '<unprintable>';
  }
}

/** A small Go `fmt.Sprintf`: `%s %v %d %q %f %x %%` with optional width/precision. */
export function formatMessage(format: string, ...args: readonly unknown[]): string {
  let i = 0;
  return format.replace(
    /%([-+# 0]*)(\d*)(?:\.(\d+))?([svdqfx%])/g,
    (_m, _flags: string, width: string, precision: string | undefined, verb: string) => {
      if (verb === '%') return '%';
      if (i >= args.length) return `%!${verb}(MISSING)`;
      const arg = args[i++];
      let out: string;
      switch (verb) {
        case 'd':
          out = typeof arg === 'number' ? String(Math.trunc(arg)) : formatValue(arg);
          break;
        case 'f':
          out =
            typeof arg === 'number'
              ? arg.toFixed(precision === undefined ? 6 : Number(precision))
              : formatValue(arg);
          break;
        case 'x':
          out =
            typeof arg === 'number'
              ? Math.trunc(arg).toString(16)
              : Buffer.from(formatValue(arg)).toString('hex');
          break;
        case 'q':
          out = JSON.stringify(formatValue(arg));
          break;
        default:
          out = formatValue(arg);
      }
      return width ? out.padStart(Number(width)) : out;
    },
  );
}

const sep = '\u0000';

function eventKey(e: Event): string {
  const o = e.involvedObject;
  return [
    e.source?.component,
    e.source?.host,
    o.kind,
    o.namespace,
    o.name,
    o.fieldPath,
    o.uid,
    o.apiVersion,
    e.type,
    e.reason,
    e.message,
  ].join(sep);
}

function aggregateKey(e: Event): string {
  const o = e.involvedObject;
  return [
    e.source?.component,
    e.source?.host,
    o.kind,
    o.namespace,
    o.name,
    o.uid,
    o.apiVersion,
    e.type,
    e.reason,
    e.reportingComponent,
    e.reportingInstance,
  ].join(sep);
}

function spamKey(e: Event): string {
  const o = e.involvedObject;
  return [
    e.source?.component,
    e.source?.host,
    o.kind,
    o.namespace,
    o.name,
    o.uid,
    o.apiVersion,
    e.type,
  ].join(sep);
}

/** A Map bounded to `size` entries, evicting the least recently used. */
class Lru<V> {
  private readonly map = new Map<string, V>();
  private readonly size: number;

  constructor(size: number) {
    this.size = size;
  }

  get(key: string): V | undefined {
    const v = this.map.get(key);
    if (v !== undefined) {
      this.map.delete(key);
      this.map.set(key, v);
    }
    return v;
  }

  set(key: string, value: V): void {
    this.map.delete(key);
    this.map.set(key, value);
    if (this.map.size > this.size) {
      const oldest = this.map.keys().next();
      if (!oldest.done) this.map.delete(oldest.value);
    }
  }
}

/** Tuning of the correlator (client-go's CorrelatorOptions); the defaults are client-go's. */
export interface EventCorrelationOptions {
  /** Distinct messages per object+reason before aggregation. Default 10. */
  readonly maxEvents?: number;
  /** Window of aggregation and dedup. Default 10 min. */
  readonly intervalMs?: number;
  /** Spam filter token bucket: burst and refill per second. Defaults 25 and 1/300. */
  readonly spamBurst?: number;
  readonly spamQps?: number;
  /** Entries kept per cache. Default 4096. */
  readonly cacheSize?: number;
}

interface Observation {
  count: number;
  firstTimestamp: string;
  name: string;
  resourceVersion: string;
  lastSeen: number;
}

interface Correlated {
  readonly event: Event;
  /** Set when an existing event should be patched. */
  readonly patch: Record<string, unknown> | undefined;
}

/** client-go's EventCorrelator: aggregation, dedup and spam filtering, in that order. */
class EventCorrelator {
  private readonly aggregates: Lru<{ localKeys: Set<string>; last: number }>;
  private readonly observations: Lru<Observation>;
  private readonly buckets: Lru<{ tokens: number; last: number }>;
  private readonly maxEvents: number;
  private readonly intervalMs: number;
  private readonly spamBurst: number;
  private readonly spamQps: number;
  private readonly newName: (objectName: string) => string;

  constructor(opts: EventCorrelationOptions, newName: (objectName: string) => string) {
    const size = opts.cacheSize ?? 4096;
    this.aggregates = new Lru(size);
    this.observations = new Lru(size);
    this.buckets = new Lru(size);
    this.maxEvents = opts.maxEvents ?? 10;
    this.intervalMs = opts.intervalMs ?? 600_000;
    this.spamBurst = opts.spamBurst ?? 25;
    this.spamQps = opts.spamQps ?? 1 / 300;
    this.newName = newName;
  }

  /** Returns what to send, or undefined when the spam filter drops the event. */
  correlate(input: Event, now: number): Correlated | undefined {
    const { event: aggregated, key } = this.aggregate(input, now);
    const observed = this.observe(aggregated, key, now);
    return this.allow(observed.event, now) ? observed : undefined;
  }

  private aggregate(event: Event, now: number): { event: Event; key: string } {
    const aKey = aggregateKey(event);
    let record = this.aggregates.get(aKey);
    if (!record || now - record.last > this.intervalMs)
      record = { localKeys: new Set(), last: now };
    record.localKeys.add(event.message ?? '');
    record.last = now;
    this.aggregates.set(aKey, record);
    if (record.localKeys.size < this.maxEvents) return { event, key: eventKey(event) };
    const first = record.localKeys.values().next();
    if (!first.done) record.localKeys.delete(first.value);
    const t = metaTime(now);
    const combined: Event = {
      ...event,
      metadata: {
        name: this.newName(event.involvedObject.name ?? ''),
        namespace: event.metadata.namespace ?? '',
      },
      count: 1,
      firstTimestamp: t,
      lastTimestamp: t,
      message: `(combined from similar events): ${event.message ?? ''}`,
    };
    return { event: combined, key: aKey };
  }

  private observe(event: Event, key: string, now: number): Correlated {
    const last = this.observations.get(key);
    let result: Correlated;
    if (last && now - last.lastSeen <= this.intervalMs) {
      const count = last.count + 1;
      const updated: Event = {
        ...event,
        metadata: {
          ...event.metadata,
          name: last.name,
          ...(last.resourceVersion ? { resourceVersion: last.resourceVersion } : {}),
        },
        firstTimestamp: last.firstTimestamp,
        count,
      };
      result = {
        event: updated,
        patch: { count, lastTimestamp: updated.lastTimestamp, message: updated.message },
      };
    } else {
      result = { event, patch: undefined };
    }
    this.observations.set(key, {
      count: result.event.count ?? 1,
      firstTimestamp: result.event.firstTimestamp ?? metaTime(now),
      name: result.event.metadata.name ?? '',
      resourceVersion: result.event.metadata.resourceVersion ?? '',
      lastSeen: now,
    });
    return result;
  }

  private allow(event: Event, now: number): boolean {
    const key = spamKey(event);
    const bucket = this.buckets.get(key) ?? { tokens: this.spamBurst, last: now };
    bucket.tokens = Math.min(
      this.spamBurst,
      bucket.tokens + ((now - bucket.last) / 1000) * this.spamQps,
    );
    bucket.last = now;
    const ok = bucket.tokens >= 1;
    if (ok) bucket.tokens -= 1;
    this.buckets.set(key, bucket);
    return ok;
  }

  /** Records what the server stored, so the next duplicate patches the right name. */
  updateState(saved: Event, now: number): void {
    this.observations.set(eventKey(saved), {
      count: saved.count ?? 1,
      firstTimestamp: saved.firstTimestamp ?? metaTime(now),
      name: saved.metadata.name ?? '',
      resourceVersion: saved.metadata.resourceVersion ?? '',
      lastSeen: now,
    });
  }
}

/** Where events go (`client`), who reports them (`component`, `host`), and delivery limits. */
export interface EventRecorderOptions {
  readonly client: RestClient;
  /** `source.component` and `reportingComponent`: `kubelet`, `default-scheduler`, ... */
  readonly component: string;
  /** `source.host` and `reportingInstance`: the node name for the kubelet. */
  readonly host?: string;
  readonly clock?: Clock;
  readonly logger?: Logger;
  /** Randomness for the first retry delay and name suffixes, in [0, 1). */
  readonly random?: () => number;
  /** Events waiting to be sent beyond which new ones are dropped. Default 1000. */
  readonly maxQueued?: number;
  /** Attempts per event. Default 12. */
  readonly maxTries?: number;
  /** Wait between attempts. Default 10 s (the first wait is a random part of it). */
  readonly retryDelayMs?: number;
  /** How long the first event of a batch waits for others before the batch is sent. Default 200 ms. */
  readonly batchDelayMs?: number;
  readonly correlation?: EventCorrelationOptions;
}

/**
 * The recorder that writes to the API. One per component; `shutDown()` on exit (or `flush()`
 * first to deliver what is queued).
 */
export class ApiEventRecorder implements EventRecorder {
  private readonly opts: EventRecorderOptions;
  private readonly events: ResourceClient<Event>;
  private readonly clock: Clock;
  private readonly logger: Logger;
  private readonly random: () => number;
  private readonly correlator: EventCorrelator;
  private readonly stop = new AbortController();
  /** Aborted by shutDown: failed sends are not tried again. */
  private readonly noRetries = new AbortController();
  private queue: Event[] = [];
  private sender: Promise<void> | undefined;
  /** Ends the sender's wait for a batch to fill. */
  private sendNow: (() => void) | undefined;
  /** Set while a flush runs: batches go out without waiting to fill. */
  private flushing = 0;
  private closed = false;
  private lastNanos = 0n;
  /** Events dropped because the queue was full. */
  dropped = 0;

  constructor(opts: EventRecorderOptions) {
    this.opts = opts;
    this.events = opts.client.resource<Event>(eventsResource);
    this.clock = opts.clock ?? realClock;
    this.random = opts.random ?? Math.random;
    this.logger = (opts.logger ?? silentLogger).with({ component: opts.component });
    this.correlator = new EventCorrelator(opts.correlation ?? {}, (name) => this.newName(name));
  }

  event(object: EventSubject, type: EventType, reason: string, message: string): void {
    if (this.closed) return;
    const ref = getReference(object);
    if (!ref) {
      this.logger.error('cannot build an object reference; not reporting event', {
        reason,
        message,
      });
      return;
    }
    if ((type as string) !== 'Normal' && (type as string) !== 'Warning') {
      this.logger.error('unsupported event type', { type, reason });
      return;
    }
    if (this.queue.length >= (this.opts.maxQueued ?? 1000)) {
      this.dropped++;
      this.logger.warn('too many queued events; dropping event', {
        object: `${ref.namespace ?? ''}/${ref.name ?? ''}`,
        reason,
      });
      return;
    }
    this.queue.push(this.makeEvent(ref, type, reason, message));
    this.sender ??= this.send();
  }

  eventf(
    object: EventSubject,
    type: EventType,
    reason: string,
    messageFmt: string,
    ...args: readonly unknown[]
  ): void {
    this.event(object, type, reason, formatMessage(messageFmt, ...args));
  }

  /**
   * Resolves once every event queued so far has been sent, merged, dropped or abandoned; the
   * batch waiting to fill goes out at once.
   */
  async flush(): Promise<void> {
    this.flushing++;
    try {
      while (this.sender) {
        this.sendNow?.();
        await this.sender;
      }
    } finally {
      this.flushing--;
    }
  }

  /**
   * Stops accepting events and sends what is queued, one attempt each (retries are abandoned);
   * after `graceMs` whatever is still in flight is cancelled. Resolves once the sender has
   * stopped. Idempotent.
   */
  async shutDown(graceMs = 2000): Promise<void> {
    this.closed = true;
    this.noRetries.abort();
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      this.flush(),
      new Promise<void>((resolve) => {
        timer = setTimeout(resolve, graceMs);
      }),
    ]);
    clearTimeout(timer);
    this.stop.abort();
    await this.flush();
  }

  private newName(objectName: string): string {
    // client-go names events `<object>.<UnixNano in hex>`; bump to keep names unique per recorder.
    let nanos =
      BigInt(this.clock.now()) * 1_000_000n + BigInt(Math.floor(this.random() * 1_000_000));
    if (nanos <= this.lastNanos) nanos = this.lastNanos + 1n;
    this.lastNanos = nanos;
    return `${objectName}.${nanos.toString(16)}`;
  }

  private makeEvent(ref: ObjectReference, type: EventType, reason: string, message: string): Event {
    const t = metaTime(this.clock.now());
    const host = this.opts.host;
    return {
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name: this.newName(ref.name ?? ''), namespace: ref.namespace || 'default' },
      involvedObject: ref,
      reason,
      message,
      source: { component: this.opts.component, ...(host ? { host } : {}) },
      firstTimestamp: t,
      lastTimestamp: t,
      count: 1,
      type,
      reportingComponent: this.opts.component,
      ...(host ? { reportingInstance: host } : {}),
    };
  }

  private stopped(): boolean {
    return this.stop.signal.aborted;
  }

  private async send(): Promise<void> {
    await Promise.resolve();
    try {
      while (!this.stopped() && this.queue.length > 0) {
        await this.waitForBatch();
        // Read again: a shutDown may have come during the wait.
        if (this.stopped()) break;
        const batch = this.queue;
        this.queue = [];
        await this.sendBatch(batch);
      }
    } catch (err) {
      this.logger.error('event sender failed', { err });
    } finally {
      if (this.stop.signal.aborted) this.queue = [];
      this.sender = undefined;
      // Events queued after the loop's last look get a new sender.
      if (this.queue.length > 0 && !this.closed) this.sender = this.send();
    }
  }

  /** Lets a batch fill for `batchDelayMs`, unless flush or shutDown wants it sent now. */
  private async waitForBatch(): Promise<void> {
    const delayMs = this.opts.batchDelayMs ?? 200;
    if (delayMs <= 0 || this.flushing > 0) return;
    const cut = new AbortController();
    this.sendNow = () => {
      cut.abort();
    };
    try {
      await this.clock.sleep(delayMs, AbortSignal.any([cut.signal, this.stop.signal]));
    } catch {
      // Cut short by flush or shutDown: send now.
    } finally {
      this.sendNow = undefined;
    }
  }

  /**
   * Correlates the batch in order, then sends it: events that may touch the same Event (same
   * object and reason) one after another, the others side by side.
   */
  private async sendBatch(batch: readonly Event[]): Promise<void> {
    const lanes = new Map<string, Correlated[]>();
    for (const event of batch) {
      const correlated = this.correlator.correlate(event, this.clock.now());
      if (!correlated) {
        this.logger.debug('event dropped by the spam filter', { reason: event.reason });
        continue;
      }
      const key = aggregateKey(event);
      const lane = lanes.get(key);
      if (lane) lane.push(correlated);
      else lanes.set(key, [correlated]);
    }
    const waiting = [...lanes.values()];
    const sendLanes = async (): Promise<void> => {
      // A signal per sender that follows the recorder's: its requests' listeners go on it.
      const signal = AbortSignal.any([this.stop.signal]);
      for (let lane = waiting.shift(); lane !== undefined; lane = waiting.shift()) {
        for (const correlated of lane) {
          if (signal.aborted) return;
          await this.recordToSink(correlated, signal);
        }
      }
    };
    await Promise.all(
      Array.from({ length: Math.min(MAX_REQUESTS_IN_FLIGHT, waiting.length) }, sendLanes),
    );
  }

  private async recordToSink(correlated: Correlated, signal: AbortSignal): Promise<void> {
    const { event } = correlated;
    const maxTries = this.opts.maxTries ?? 12;
    const delayMs = this.opts.retryDelayMs ?? 10_000;
    for (let tries = 1; ; tries++) {
      if (await this.recordEvent(correlated, signal)) return;
      if (tries >= maxTries) {
        this.logger.error('unable to write event: retry limit exceeded', { reason: event.reason });
        return;
      }
      if (this.noRetries.signal.aborted) return;
      try {
        await this.clock.sleep(
          tries === 1 ? delayMs * this.random() : delayMs,
          AbortSignal.any([signal, this.noRetries.signal]),
        );
      } catch {
        return;
      }
    }
  }

  /** One attempt; true when done (written, or abandoned for good), false to retry. */
  private async recordEvent({ event, patch }: Correlated, signal: AbortSignal): Promise<boolean> {
    const namespace = event.metadata.namespace ?? 'default';
    let saved: Event | undefined;
    let err: unknown;
    if (patch) {
      try {
        saved = await this.events.patch(event.metadata.name ?? '', 'strategic', patch, {
          namespace,
          signal,
        });
      } catch (e) {
        err = e;
      }
    }
    if (!patch || isNotFound(err)) {
      err = undefined;
      const { resourceVersion: _rv, ...metadata } = event.metadata;
      try {
        saved = await this.events.create({ ...event, metadata }, { namespace, signal });
      } catch (e) {
        err = e;
      }
    }
    if (saved) {
      this.correlator.updateState(saved, this.clock.now());
      return true;
    }
    if (signal.aborted) return true;
    if (isApiStatusError(err) && err.code !== 429 && err.code < 500) {
      this.logger.info('server rejected event; not retrying', { reason: event.reason, err });
      return true;
    }
    this.logger.warn('unable to write event; will retry', { reason: event.reason, err });
    return false;
  }
}

/** One call to a `FakeRecorder`. */
export interface RecordedEvent {
  readonly object: EventSubject;
  readonly type: EventType;
  readonly reason: string;
  readonly message: string;
}

/**
 * A recorder for tests (client-go's FakeRecorder): keeps every call, and `events` as
 * `"<type> <reason> <message>"` strings in call order.
 */
export class FakeRecorder implements EventRecorder {
  readonly events: string[] = [];
  readonly records: RecordedEvent[] = [];

  event(object: EventSubject, type: EventType, reason: string, message: string): void {
    this.records.push({ object, type, reason, message });
    this.events.push(`${type} ${reason} ${message}`);
  }

  eventf(
    object: EventSubject,
    type: EventType,
    reason: string,
    messageFmt: string,
    ...args: readonly unknown[]
  ): void {
    this.event(object, type, reason, formatMessage(messageFmt, ...args));
  }

  clear(): void {
    this.events.length = 0;
    this.records.length = 0;
  }
}
