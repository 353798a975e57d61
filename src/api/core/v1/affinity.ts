/**
 * core/v1: Scheduling constraints: node affinity and selectors, pod (anti-)affinity, taints and
 * tolerations, topology spread constraints, topology selector terms.
 */
import {
  array,
  atomicList,
  field,
  int32,
  int64,
  object,
  requiredField,
  string,
  time,
  type Infer,
} from '../../schema/schema.ts';
import { labelSelectorSchema } from '../../meta/v1.ts';
import {
  nodeInclusionPolicyValues,
  nodeSelectorOperatorValues,
  taintEffectValues,
  tolerationOperatorValues,
  unsatisfiableConstraintActionValues,
} from './enums.ts';

export const nodeSelectorRequirementSchema = object(
  'io.k8s.api.core.v1.NodeSelectorRequirement',
  "One condition on a node's labels or fields: a key, an operator and values.",
  {
    key: requiredField(string(), 'The label (or field) key the condition applies to.', {
      proto: 1,
    }),
    operator: requiredField(
      string({ enum: nodeSelectorOperatorValues }),
      'How the key relates to the values: In, NotIn, Exists, DoesNotExist, Gt or Lt.',
      { proto: 2 },
    ),
    values: atomicList(
      string(),
      'Values for the operator: non-empty for In and NotIn, empty for Exists and DoesNotExist, exactly one integer for Gt and Lt. Replaced whole by a strategic merge patch.',
      { proto: 3 },
    ),
  },
);
export type NodeSelectorRequirement = Infer<typeof nodeSelectorRequirementSchema>;

export const nodeSelectorTermSchema = object(
  'io.k8s.api.core.v1.NodeSelectorTerm',
  'Requirements that must all hold for a node to match. A null or empty term matches no node.',
  {
    matchExpressions: atomicList(
      nodeSelectorRequirementSchema,
      "Requirements on the node's labels.",
      { proto: 1 },
    ),
    matchFields: atomicList(
      nodeSelectorRequirementSchema,
      "Requirements on the node's fields (only metadata.name is supported).",
      { proto: 2 },
    ),
  },
  { atomic: true },
);
export type NodeSelectorTerm = Infer<typeof nodeSelectorTermSchema>;

export const nodeSelectorSchema = object(
  'io.k8s.api.core.v1.NodeSelector',
  'Matches a node when any of its terms matches (the terms are ORed).',
  {
    nodeSelectorTerms: requiredField(
      array(nodeSelectorTermSchema),
      'The terms; at least one. A node matches if it satisfies any of them.',
      { listType: 'atomic', proto: 1 },
    ),
  },
  { atomic: true },
);
export type NodeSelector = Infer<typeof nodeSelectorSchema>;

export const preferredSchedulingTermSchema = object(
  'io.k8s.api.core.v1.PreferredSchedulingTerm',
  'A node selector term with a weight, adding the weight to the score of every node it matches.',
  {
    weight: requiredField(int32(), "Weight added to a matching node's score, from 1 to 100.", {
      proto: 1,
    }),
    preference: requiredField(
      nodeSelectorTermSchema,
      'The term a node must match to earn the weight.',
      { proto: 2 },
    ),
  },
);
export type PreferredSchedulingTerm = Infer<typeof preferredSchedulingTermSchema>;

export const nodeAffinitySchema = object(
  'io.k8s.api.core.v1.NodeAffinity',
  'Rules that constrain or steer which nodes a pod is scheduled onto, based on node labels.',
  {
    requiredDuringSchedulingIgnoredDuringExecution: field(
      nodeSelectorSchema,
      'Nodes the pod may be scheduled onto. Checked only at scheduling time; a running pod is not evicted if the node stops matching.',
      { proto: 1 },
    ),
    preferredDuringSchedulingIgnoredDuringExecution: atomicList(
      preferredSchedulingTermSchema,
      'Weighted preferences; among feasible nodes the scheduler favours the one whose matching terms add up to the highest weight.',
      { proto: 2 },
    ),
  },
);
export type NodeAffinity = Infer<typeof nodeAffinitySchema>;

export const podAffinityTermSchema = object(
  'io.k8s.api.core.v1.PodAffinityTerm',
  'A set of pods (selected by labels in some namespaces) and a topology key: two nodes with the same value for that key label are in the same domain.',
  {
    labelSelector: field(
      labelSelectorSchema,
      'Which pods the term is about. A null selector matches no pods.',
      { proto: 1 },
    ),
    namespaces: atomicList(
      string(),
      "Namespaces the selected pods are looked for in, in addition to those namespaceSelector picks. Neither set means the pod's own namespace.",
      { proto: 2 },
    ),
    topologyKey: requiredField(
      string(),
      'Node label key that defines the domain, e.g. kubernetes.io/hostname or topology.kubernetes.io/zone. Must not be empty.',
      { proto: 3 },
    ),
    namespaceSelector: field(
      labelSelectorSchema,
      "Selects namespaces whose pods are considered, in addition to the namespaces list. An empty selector matches every namespace; null plus an empty list means the pod's own namespace.",
      { proto: 4 },
    ),
    matchLabelKeys: atomicList(
      string(),
      'Label keys of the incoming pod whose values are added to labelSelector as key in (value). Needs labelSelector; keys may not also appear in it. Beta, on by default.',
      { proto: 5 },
    ),
    mismatchLabelKeys: atomicList(
      string(),
      'Label keys of the incoming pod whose values are added to labelSelector as key notin (value). Needs labelSelector; keys may not also appear in it. Beta, on by default.',
      { proto: 6 },
    ),
  },
);
export type PodAffinityTerm = Infer<typeof podAffinityTermSchema>;

export const weightedPodAffinityTermSchema = object(
  'io.k8s.api.core.v1.WeightedPodAffinityTerm',
  'A pod affinity term with a weight, added to the score of every node it matches.',
  {
    weight: requiredField(int32(), "Weight added to a matching node's score, from 1 to 100.", {
      proto: 1,
    }),
    podAffinityTerm: requiredField(podAffinityTermSchema, 'The pod affinity term.', { proto: 2 }),
  },
);
export type WeightedPodAffinityTerm = Infer<typeof weightedPodAffinityTermSchema>;

export const podAffinitySchema = object(
  'io.k8s.api.core.v1.PodAffinity',
  'Rules that place the pod in the same topology domain as certain other pods.',
  {
    requiredDuringSchedulingIgnoredDuringExecution: atomicList(
      podAffinityTermSchema,
      'Terms that must all hold for a node to be chosen. Checked only at scheduling time.',
      { proto: 1 },
    ),
    preferredDuringSchedulingIgnoredDuringExecution: atomicList(
      weightedPodAffinityTermSchema,
      'Weighted preferences; the scheduler favours nodes whose matching terms add up to the highest weight.',
      { proto: 2 },
    ),
  },
);
export type PodAffinity = Infer<typeof podAffinitySchema>;

export const podAntiAffinitySchema = object(
  'io.k8s.api.core.v1.PodAntiAffinity',
  'Rules that keep the pod out of topology domains that already run certain other pods.',
  {
    requiredDuringSchedulingIgnoredDuringExecution: atomicList(
      podAffinityTermSchema,
      'Terms that must all hold (no matching pod in the domain) for a node to be chosen. Checked only at scheduling time.',
      { proto: 1 },
    ),
    preferredDuringSchedulingIgnoredDuringExecution: atomicList(
      weightedPodAffinityTermSchema,
      'Weighted preferences; the scheduler avoids nodes whose matching terms add up to the highest weight.',
      { proto: 2 },
    ),
  },
);
export type PodAntiAffinity = Infer<typeof podAntiAffinitySchema>;

export const affinitySchema = object(
  'io.k8s.api.core.v1.Affinity',
  'Scheduling constraints of a pod: node affinity, pod affinity and pod anti-affinity.',
  {
    nodeAffinity: field(
      nodeAffinitySchema,
      'Constraints and preferences on the labels of the node.',
      { proto: 1 },
    ),
    podAffinity: field(
      podAffinitySchema,
      'Run near pods matching these terms (same node, zone, ...).',
      { proto: 2 },
    ),
    podAntiAffinity: field(podAntiAffinitySchema, 'Stay away from pods matching these terms.', {
      proto: 3,
    }),
  },
);
export type Affinity = Infer<typeof affinitySchema>;

export const taintSchema = object(
  'io.k8s.api.core.v1.Taint',
  'A mark on a node that repels pods which do not tolerate it.',
  {
    key: requiredField(string(), 'The taint key.', { proto: 1 }),
    value: field(string(), 'The taint value, if any.', { proto: 2 }),
    effect: requiredField(
      string({ enum: taintEffectValues }),
      'What happens to pods that do not tolerate the taint: NoSchedule (not scheduled here), PreferNoSchedule (avoided if possible) or NoExecute (also evicted if already running).',
      { proto: 3 },
    ),
    timeAdded: field(time(), 'When the taint was added; set only for NoExecute taints.', {
      proto: 4,
    }),
  },
);
export type Taint = Infer<typeof taintSchema>;

export const tolerationSchema = object(
  'io.k8s.api.core.v1.Toleration',
  'Lets a pod be scheduled onto (or stay on) nodes with a matching taint.',
  {
    key: field(
      string(),
      'Taint key to match; empty matches every key (operator must then be Exists).',
      { proto: 1 },
    ),
    operator: field(
      string({ enum: tolerationOperatorValues }),
      'Exists (any value) or Equal (the value must match). Defaults to Equal.',
      { proto: 2 },
    ),
    value: field(string(), 'Taint value to match; must be empty when operator is Exists.', {
      proto: 3,
    }),
    effect: field(
      string({ enum: taintEffectValues }),
      'Taint effect to match: NoSchedule, PreferNoSchedule or NoExecute; empty matches every effect.',
      { proto: 4 },
    ),
    tolerationSeconds: field(
      int64(),
      'For NoExecute taints: how long the pod stays bound after the taint appears before it is evicted. Unset means forever; zero or negative means evict at once.',
      { proto: 5 },
    ),
  },
);
export type Toleration = Infer<typeof tolerationSchema>;

export const topologySpreadConstraintSchema = object(
  'io.k8s.api.core.v1.TopologySpreadConstraint',
  'How evenly matching pods must (or should) be spread across the domains of a topology.',
  {
    maxSkew: requiredField(
      int32(),
      'Largest allowed difference between the number of matching pods in a domain and the global minimum. Must be at least 1.',
      { proto: 1 },
    ),
    topologyKey: requiredField(
      string(),
      'Node label key that defines the domains, e.g. topology.kubernetes.io/zone; nodes with the same value are one domain.',
      { proto: 2 },
    ),
    whenUnsatisfiable: requiredField(
      string({ enum: unsatisfiableConstraintActionValues }),
      'What to do when the pod cannot satisfy the constraint: DoNotSchedule (leave it pending) or ScheduleAnyway (schedule it, preferring nodes that reduce the skew).',
      { proto: 3 },
    ),
    labelSelector: field(labelSelectorSchema, 'Selects the pods counted in each domain.', {
      proto: 4,
    }),
    minDomains: field(
      int32(),
      'Minimum number of eligible domains; with fewer, the global minimum is taken as 0. Only with DoNotSchedule. Unset behaves as 1.',
      { proto: 5 },
    ),
    nodeAffinityPolicy: field(
      string({ enum: nodeInclusionPolicyValues }),
      "Whether the pod's nodeAffinity and nodeSelector limit the nodes counted: Honor (default) or Ignore.",
      { proto: 6 },
    ),
    nodeTaintsPolicy: field(
      string({ enum: nodeInclusionPolicyValues }),
      'Whether node taints limit the nodes counted: Honor (only untainted or tolerated nodes) or Ignore (default).',
      { proto: 7 },
    ),
    matchLabelKeys: atomicList(
      string(),
      'Label keys of the incoming pod whose values are ANDed with labelSelector to pick the pods counted. Needs labelSelector; keys may not also appear in it. Beta, on by default.',
      { proto: 8 },
    ),
  },
);
export type TopologySpreadConstraint = Infer<typeof topologySpreadConstraintSchema>;

export const topologySelectorLabelRequirementSchema = object(
  'io.k8s.api.core.v1.TopologySelectorLabelRequirement',
  'A label key and the values that match it, for topology selection.',
  {
    key: requiredField(string(), 'The label key.', { proto: 1 }),
    values: requiredField(array(string()), 'Matching values; any one of them matches.', {
      listType: 'atomic',
      proto: 2,
    }),
  },
);
export type TopologySelectorLabelRequirement = Infer<typeof topologySelectorLabelRequirementSchema>;

export const topologySelectorTermSchema = object(
  'io.k8s.api.core.v1.TopologySelectorTerm',
  'Label requirements that must all hold, e.g. the zones a StorageClass may provision in. A null or empty term matches nothing.',
  {
    matchLabelExpressions: atomicList(
      topologySelectorLabelRequirementSchema,
      'The label requirements.',
      { proto: 1 },
    ),
  },
  { atomic: true },
);
export type TopologySelectorTerm = Infer<typeof topologySelectorTermSchema>;
