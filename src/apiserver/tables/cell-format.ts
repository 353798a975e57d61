/**
 * Cell formats shared by several resources, as upstream's printers write them: label maps and
 * selectors, container names and images, "a,b,c + 2 more..." lists, and the common columns.
 */
import {
  labelSelectorAsSelector,
  type Container,
  type LabelSelector,
  type TableColumnDefinition,
} from '../../api/index.ts';

/** `a=1,b=2` with keys in order, `<none>` for no labels (upstream `labels.FormatLabels`). */
export function formatLabels(labels: Readonly<Record<string, string>> | undefined): string {
  if (!labels) return '<none>';
  const keys = Object.keys(labels);
  if (keys.length === 0) return '<none>';
  keys.sort(compareStrings);
  let out = '';
  for (const k of keys) {
    if (out) out += ',';
    out += `${k}=${labels[k] ?? ''}`;
  }
  return out;
}

/**
 * The string form of a label selector, `<none>` when it selects everything or nothing and
 * `<error>` when it is invalid (upstream `metav1.FormatLabelSelector`).
 */
export function formatLabelSelector(selector: LabelSelector | undefined): string {
  const s = labelSelectorString(selector);
  if (s === undefined) return '<error>';
  return s || '<none>';
}

/** The string form of a label selector ("" for everything or nothing); undefined if invalid. */
export function labelSelectorString(selector: LabelSelector | undefined): string | undefined {
  try {
    return labelSelectorAsSelector(selector).toString();
  } catch {
    return undefined;
  }
}

/** Container names and images, each comma-separated in spec order. */
export function containerCells(containers: readonly Container[] | undefined): [string, string] {
  let names = '';
  let images = '';
  if (!containers) return [names, images];
  for (let i = 0; i < containers.length; i++) {
    const c = containers[i];
    if (!c) continue;
    if (i > 0) {
      names += ',';
      images += ',';
    }
    names += c.name;
    images += c.image ?? '';
  }
  return [names, images];
}

/** At most `max` items, then ` + N more...` for the rest of `count`; `<unset>` for none. */
export function listWithMore(list: readonly string[], count: number, max: number): string {
  const joined = list.join(',');
  if (count > max) return `${joined} + ${count - max} more...`;
  return joined || '<unset>';
}

/** `host:port`, with an IPv6 host in brackets (Go's `net.JoinHostPort`). */
export function joinHostPort(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

/** Go's byte-wise string order (UTF-16 order differs only for astral characters). */
export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** A column definition; format '' unless given. */
export function column(
  name: string,
  type: 'string' | 'integer' | 'boolean' | 'date',
  description: string,
  opts: { priority?: number; format?: string } = {},
): TableColumnDefinition {
  return { name, type, format: opts.format ?? '', description, priority: opts.priority ?? 0 };
}

export const ageColumn = column(
  'Age',
  'string',
  'How long ago the object was created, from its creationTimestamp.',
);

export const containersColumn = column(
  'Containers',
  'string',
  "The names of the template's containers.",
  { priority: 1 },
);

export const imagesColumn = column('Images', 'string', "The images of the template's containers.", {
  priority: 1,
});

export const selectorColumn = column(
  'Selector',
  'string',
  'The label selector that picks the pods this object manages.',
  { priority: 1 },
);
