/**
 * Matching nodes against a pod's node selector and node affinity terms (upstream
 * component-helpers nodeaffinity): spec.nodeSelector must match all its labels, and
 * requiredDuringSchedulingIgnoredDuringExecution must match one of its terms. A term matches when
 * all its matchExpressions (on labels) and matchFields (metadata.name only) hold; an empty term, or
 * one with an invalid requirement, matches nothing.
 */
import {
  LabelSelectorError,
  LabelsSelector,
  labelsSelectorFromSet,
  newLabelRequirement,
  type LabelOperator,
  type LabelRequirement,
  type Node,
  type NodeSelectorRequirement,
  type NodeSelectorTerm,
  type Pod,
} from '../../api/index.ts';

const operators: Readonly<Record<string, LabelOperator>> = {
  In: 'in',
  NotIn: 'notin',
  Exists: 'exists',
  DoesNotExist: '!',
  Gt: 'gt',
  Lt: 'lt',
};

interface FieldRequirement {
  readonly key: string;
  readonly op: 'In' | 'NotIn';
  readonly value: string;
}

/** One parsed term; `valid` false when any requirement failed to parse (it then never matches). */
interface ParsedTerm {
  readonly valid: boolean;
  readonly labels: LabelsSelector;
  readonly fields: readonly FieldRequirement[];
}

function parseExpression(r: NodeSelectorRequirement): LabelRequirement | undefined {
  const op = operators[r.operator];
  if (!op) return undefined;
  try {
    return newLabelRequirement(r.key, op, r.values ?? []);
  } catch (err) {
    if (err instanceof LabelSelectorError) return undefined;
    throw err;
  }
}

function parseField(r: NodeSelectorRequirement): FieldRequirement | undefined {
  // Only In and NotIn with a single value make sense for a field (upstream's rule).
  if ((r.operator !== 'In' && r.operator !== 'NotIn') || r.values?.length !== 1) return undefined;
  const value = r.values[0];
  return value === undefined ? undefined : { key: r.key, op: r.operator, value };
}

function parseTerm(term: NodeSelectorTerm): ParsedTerm | undefined {
  const exprs = term.matchExpressions ?? [];
  const fieldReqs = term.matchFields ?? [];
  // An empty term matches no node.
  if (exprs.length === 0 && fieldReqs.length === 0) return undefined;
  const labelReqs: LabelRequirement[] = [];
  const fields: FieldRequirement[] = [];
  let valid = true;
  for (const e of exprs) {
    const r = parseExpression(e);
    if (r) labelReqs.push(r);
    else valid = false;
  }
  for (const f of fieldReqs) {
    const r = parseField(f);
    if (r) fields.push(r);
    else valid = false;
  }
  return { valid, labels: LabelsSelector.of(labelReqs), fields };
}

function termMatches(term: ParsedTerm, node: Node): boolean {
  if (!term.valid) return false;
  if (!term.labels.matches(node.metadata?.labels)) return false;
  const nodeFields: Readonly<Record<string, string>> = {
    'metadata.name': node.metadata?.name ?? '',
  };
  return term.fields.every((f) => {
    const v = nodeFields[f.key];
    return f.op === 'In' ? v === f.value : v !== f.value;
  });
}

/** A list of ORed terms (a NodeSelector, or preferred terms one by one). */
export class NodeSelectorMatcher {
  private readonly terms: readonly (ParsedTerm | undefined)[];

  constructor(terms: readonly NodeSelectorTerm[]) {
    this.terms = terms.map(parseTerm);
  }

  /** True when any term matches. */
  match(node: Node): boolean {
    return this.terms.some((t) => t !== undefined && termMatches(t, node));
  }
}

/**
 * What a pod requires of its node: spec.nodeSelector and the required node affinity terms (upstream
 * RequiredNodeAffinity).
 */
export class RequiredNodeAffinity {
  private readonly labelSelector: LabelsSelector | undefined;
  private readonly required: NodeSelectorMatcher | undefined;

  constructor(pod: Pod) {
    const spec = pod.spec;
    this.labelSelector = spec?.nodeSelector ? labelsSelectorFromSet(spec.nodeSelector) : undefined;
    const req = spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution;
    this.required = req ? new NodeSelectorMatcher(req.nodeSelectorTerms) : undefined;
  }

  match(node: Node): boolean {
    if (this.labelSelector && !this.labelSelector.matches(node.metadata?.labels)) return false;
    return this.required ? this.required.match(node) : true;
  }
}
