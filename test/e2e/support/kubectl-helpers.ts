/**
 * The kubectl steps most e2e suites share: run and require success, apply a manifest, read a
 * pod field, list a pod's events, and wait for a condition (with the server's log tail when it
 * times out). The suite's server and scratch directory are set in its beforeAll, so they are
 * read through `env` at call time.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { expect } from 'vitest';
import type { Podbay } from './podbay.ts';

export interface EventItem {
  reason: string;
  message: string;
  type: string;
  involvedObject: { fieldPath?: string };
}

export interface KubectlHelpers {
  /** kubectl with `args` (and `input` on stdin); its stdout, or an error with what it said. */
  ok: (args: string[], input?: string) => Promise<string>;
  /** `kubectl apply -f` of a manifest written to the scratch directory. */
  apply: (yaml: string) => Promise<void>;
  /** A pod's field by jsonpath (`.status.phase`), or '' when kubectl fails. */
  jsonpath: (pod: string, path: string) => Promise<string>;
  /** The events about a pod. */
  events: (pod: string) => Promise<EventItem[]>;
  /** Polls `fn` until it returns a value; fails after `timeoutMs` with the server's log tail. */
  until: <T>(fn: () => Promise<T | undefined>, what: string, timeoutMs?: number) => Promise<T>;
}

export function kubectlHelpers(env: () => { pb: Podbay; dir: string }): KubectlHelpers {
  const ok = async (args: string[], input?: string): Promise<string> => {
    const r = await env().pb.kubectl(args, input !== undefined ? { input } : {});
    if (r.code !== 0)
      throw new Error(`kubectl ${args.join(' ')} failed (${r.code}):\n${r.stderr}${r.stdout}`);
    return r.stdout;
  };
  return {
    ok,
    async apply(yaml) {
      const path = join(env().dir, `m-${Math.random().toString(36).slice(2)}.yaml`);
      await writeFile(path, yaml);
      await ok(['apply', '-f', path]);
    },
    async jsonpath(pod, path) {
      const r = await env().pb.kubectl(['get', 'pod', pod, '-o', `jsonpath={${path}}`]);
      return r.code === 0 ? r.stdout : '';
    },
    async events(pod) {
      const out = await ok([
        'get',
        'events',
        '--field-selector',
        `involvedObject.name=${pod}`,
        '-o',
        'json',
      ]);
      return (JSON.parse(out) as { items: EventItem[] }).items;
    },
    async until<T>(fn: () => Promise<T | undefined>, what: string, timeoutMs = 60_000) {
      return waitFor(fn, what, timeoutMs, () => env().pb.logs().slice(-4000));
    },
  };
}

/**
 * Polls `probe` every 250 ms until it returns a value; after `timeoutMs` fails naming `what`, with
 * `context()` (say, the server's log tail) appended when given.
 */
export async function waitFor<T>(
  probe: () => Promise<T | undefined>,
  what: string,
  timeoutMs = 60_000,
  context?: () => string,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > deadline)
      throw new Error(`timed out waiting for ${what}${context ? `\n${context()}` : ''}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/**
 * A suite's afterAll: deletes every pod (waiting for the agent to stop them), stops the server,
 * removes its data dir, and then fails if the deletion did not go through.
 */
export async function removePodsAndStop(pb: Podbay | undefined): Promise<void> {
  if (!pb) return;
  const del = await pb.kubectl(
    ['delete', 'pods', '--all', '--grace-period=1', '--wait=true', '--timeout=60s'],
    { timeoutMs: 70_000 },
  );
  await pb.stop();
  await pb.cleanup();
  expect(del.code, `${del.stderr}\n${pb.logs().slice(-4000)}`).toBe(0);
}
