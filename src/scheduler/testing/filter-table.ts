/** Table-driven filter plugin tests: a pod, a node with pods, and the status the plugin gives. */
import { expect, it } from 'vitest';
import type { Node, Pod } from '../../api/index.ts';
import { NodeInfo } from '../framework/node-info.ts';
import type { Status } from '../framework/status.ts';
import { CycleState, type FilterPlugin, type PreFilterPlugin } from '../framework/types.ts';

export interface FilterCase {
  readonly name: string;
  readonly pod: Pod;
  readonly node: Node;
  readonly existing?: readonly Pod[];
  /** undefined: the node fits. */
  readonly want?: { code: string; reasons: string[] };
}

/** Runs PreFilter (a Skip means the filter passes) and Filter for one case. */
export function runFilter(
  plugin: FilterPlugin & Partial<PreFilterPlugin>,
  c: FilterCase,
): Status | undefined {
  const state = new CycleState();
  const pre = plugin.preFilter?.(state, c.pod);
  if (pre?.status?.code === 'Skip') return undefined;
  const ni = new NodeInfo(c.node.metadata?.name ?? '', c.node);
  for (const p of c.existing ?? []) ni.addPod(p);
  return plugin.filter(state, c.pod, ni);
}

/** One `it` per case. */
export function filterTable(
  plugin: FilterPlugin & Partial<PreFilterPlugin>,
  cases: readonly FilterCase[],
): void {
  for (const c of cases) {
    it(c.name, () => {
      const s = runFilter(plugin, c);
      expect(s === undefined ? undefined : { code: s.code, reasons: [...s.reasons] }).toEqual(
        c.want,
      );
    });
  }
}

export const unresolvable = (r: string): { code: string; reasons: string[] } => ({
  code: 'UnschedulableAndUnresolvable',
  reasons: [r],
});

export const unschedulable = (...r: string[]): { code: string; reasons: string[] } => ({
  code: 'Unschedulable',
  reasons: r,
});
