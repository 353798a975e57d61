import { describe, it, expect } from 'vitest';
import { formatFieldErrors } from '../../../validation/field-errors.ts';
import { defaultNamespace, defaultNode } from '../defaults.ts';
import type { Event } from '../event.ts';
import type { Namespace } from '../namespace.ts';
import type { Node } from '../node.ts';
import {
  validateEvent,
  validateEventUpdate,
  validateNamespace,
  validateNamespaceFinalizeUpdate,
  validateNamespaceStatusUpdate,
  validateNamespaceUpdate,
  validateNode,
  validateNodeUpdate,
} from './cluster.ts';
import { CIDR, LABEL, LABEL_VALUE, QNAME, SUBDOMAIN } from './testdata/messages.ts';

const msg = formatFieldErrors;

function ns(mutate: (n: Namespace) => void = () => undefined): Namespace {
  const n: Namespace = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team-a' } };
  mutate(n);
  defaultNamespace(n);
  return n;
}

const namespaceCases: readonly (readonly [string, (n: Namespace) => void, string])[] = [
  [
    'name with a dot (a label, not a subdomain)',
    (n) => (n.metadata = { name: 'team.a' }),
    'metadata.name: Invalid value: "team.a": must not contain dots',
  ],
  [
    'upper-case name',
    (n) => (n.metadata = { name: 'Team' }),
    `metadata.name: Invalid value: "Team": ${LABEL}`,
  ],
  [
    'name of 64 characters',
    (n) => (n.metadata = { name: 'a'.repeat(64) }),
    `[metadata.name: Invalid value: "${'a'.repeat(64)}": must be no more than 63 characters, metadata.labels: Invalid value: "${'a'.repeat(64)}": must be no more than 63 characters]`,
  ],
  [
    'no name',
    (n) => (n.metadata = {}),
    'metadata.name: Required value: name or generateName is required',
  ],
  [
    'with a namespace',
    (n) => (n.metadata = { name: 'team-a', namespace: 'default' }),
    'metadata.namespace: Forbidden: not allowed on this type',
  ],
  [
    'unqualified spec finalizer',
    (n) => (n.spec = { finalizers: ['cleanup'] }),
    'spec.finalizers: Invalid value: "cleanup": name is neither a standard finalizer name nor is it fully qualified',
  ],
  [
    'spec finalizer with a space',
    (n) => (n.spec = { finalizers: ['example.com/a b'] }),
    `spec.finalizers: Invalid value: "example.com/a b": ${QNAME}`,
  ],
  ['standard spec finalizer is fine', (n) => (n.spec = { finalizers: ['kubernetes'] }), ''],
  [
    'bad label value',
    (n) => (n.metadata = { name: 'team-a', labels: { team: 'a b' } }),
    `metadata.labels: Invalid value: "a b": ${LABEL_VALUE}`,
  ],
];

describe('Namespace', () => {
  it('accepts the base namespace and labels it with its name', () => {
    const n = ns();
    expect(n.metadata?.labels).toEqual({ 'kubernetes.io/metadata.name': 'team-a' });
    expect(msg(validateNamespace(n))).toBe('');
  });

  it.each(namespaceCases)('%s', (_name, mutate, expected) => {
    expect(msg(validateNamespace(ns(mutate)))).toBe(expected);
  });

  it('keeps the name on update', () => {
    const old = ns((n) => (n.metadata = { name: 'team-a', resourceVersion: '1' }));
    const next = ns((n) => (n.metadata = { name: 'team-b', resourceVersion: '1' }));
    expect(msg(validateNamespaceUpdate(next, old))).toBe(
      'metadata.name: Invalid value: "team-b": field is immutable',
    );
  });

  it('requires the phase to follow the deletion timestamp', () => {
    const old = ns();
    const terminating = ns((n) => (n.status = { phase: 'Terminating' }));
    expect(msg(validateNamespaceStatusUpdate(terminating, old))).toBe(
      'status.Phase: Invalid value: "Terminating": may only be \'Active\' if `deletionTimestamp` is empty',
    );
    const deleting = ns((n) => {
      n.metadata = { ...n.metadata, deletionTimestamp: '2025-01-01T00:00:00Z' };
    });
    expect(msg(validateNamespaceStatusUpdate(deleting, structuredClone(deleting)))).toBe(
      'status.Phase: Invalid value: "Active": may only be \'Terminating\' if `deletionTimestamp` is not empty',
    );
  });

  it('validates finalize updates with indexed paths', () => {
    const old = ns((n) => (n.spec = { finalizers: ['kubernetes'] }));
    const next = ns((n) => (n.spec = { finalizers: ['kubernetes', 'cleanup'] }));
    expect(msg(validateNamespaceFinalizeUpdate(next, old))).toBe(
      'spec.finalizers[1]: Invalid value: "cleanup": name is neither a standard finalizer name nor is it fully qualified',
    );
  });
});

function node(mutate: (n: Node) => void = () => undefined): Node {
  const n: Node = {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name: 'node-1', resourceVersion: '3' },
    spec: {},
    status: { capacity: { cpu: '4', memory: '8Gi', pods: '110' } },
  };
  mutate(n);
  defaultNode(n);
  return n;
}

const taint = (key: string, effect: string, value?: string) =>
  ({ key, effect, ...(value === undefined ? {} : { value }) }) as {
    key: string;
    effect: 'NoSchedule';
  };

const nodeCases: readonly (readonly [string, (n: Node) => void, string])[] = [
  [
    'upper-case name',
    (n) => (n.metadata = { name: 'Node-1' }),
    `metadata.name: Invalid value: "Node-1": ${SUBDOMAIN}`,
  ],
  [
    'with a namespace',
    (n) => (n.metadata = { name: 'node-1', namespace: 'default' }),
    'metadata.namespace: Forbidden: not allowed on this type',
  ],
  [
    'taint without effect',
    (n) => (n.spec = { taints: [taint('dedicated', '')] }),
    'metadata.taints[0].effect: Required value',
  ],
  [
    'taint with unknown effect',
    (n) => (n.spec = { taints: [taint('dedicated', 'NoAdmit')] }),
    'metadata.taints[0].effect: Unsupported value: "NoAdmit": supported values: "NoSchedule", "PreferNoSchedule", "NoExecute"',
  ],
  [
    'taint with a bad key',
    (n) => (n.spec = { taints: [taint('a b', 'NoSchedule')] }),
    `metadata.taints[0].key: Invalid value: "a b": ${QNAME}`,
  ],
  [
    'taint with a bad value',
    (n) => (n.spec = { taints: [taint('dedicated', 'NoSchedule', 'a b')] }),
    `metadata.taints[0].value: Invalid value: "a b": ${LABEL_VALUE}`,
  ],
  [
    'duplicate taints',
    (n) =>
      (n.spec = {
        taints: [taint('dedicated', 'NoSchedule', 'a'), taint('dedicated', 'NoSchedule', 'b')],
      }),
    'metadata.taints[1]: Duplicate value: core.Taint{Key:"dedicated", Value:"b", Effect:"NoSchedule", TimeAdded:(*v1.Time)(nil)}: taints must be unique by key and effect pair',
  ],
  [
    'same key with two effects is fine',
    (n) =>
      (n.spec = { taints: [taint('dedicated', 'NoSchedule'), taint('dedicated', 'NoExecute')] }),
    '',
  ],
  [
    'negative capacity',
    (n) => (n.status = { capacity: { cpu: '-1' } }),
    '[status.capacity.cpu: Invalid value: "-1": must be greater than or equal to 0, status.allocatable.cpu: Invalid value: "-1": must be greater than or equal to 0]',
  ],
  [
    'bad pod CIDR',
    (n) => (n.spec = { podCIDRs: ['10.244.0.0/33'] }),
    `spec.podCIDRs[0]: Invalid value: "10.244.0.0/33": ${CIDR}`,
  ],
  [
    'two IPv4 pod CIDRs',
    (n) => (n.spec = { podCIDRs: ['10.244.0.0/24', '10.245.0.0/24'] }),
    'spec.podCIDRs: Invalid value: []string{"10.244.0.0/24", "10.245.0.0/24"}: may specify no more than one CIDR for each IP family',
  ],
  [
    'dual-stack pod CIDRs are fine',
    (n) => (n.spec = { podCIDRs: ['10.244.0.0/24', 'fd00:10:244::/64'] }),
    '',
  ],
  [
    'malformed taints annotation',
    (n) =>
      (n.metadata = {
        name: 'node-1',
        annotations: { 'scheduler.alpha.kubernetes.io/taints': '{' },
      }),
    'metadata.annotations: Invalid value: "scheduler.alpha.kubernetes.io/taints": unexpected end of JSON input',
  ],
  [
    'taints annotation with a non-ASCII character (Go quotes its first byte)',
    (n) =>
      (n.metadata = {
        name: 'node-1',
        annotations: { 'scheduler.alpha.kubernetes.io/taints': '[é]' },
      }),
    `metadata.annotations: Invalid value: "scheduler.alpha.kubernetes.io/taints": invalid character 'Ã' looking for beginning of value`,
  ],
  [
    'taints annotation that is an object',
    (n) =>
      (n.metadata = {
        name: 'node-1',
        annotations: { 'scheduler.alpha.kubernetes.io/taints': ' {}' },
      }),
    'metadata.annotations: Invalid value: "scheduler.alpha.kubernetes.io/taints": json: cannot unmarshal object into Go value of type []core.Taint',
  ],
  [
    'taints annotation that is null',
    (n) =>
      (n.metadata = {
        name: 'node-1',
        annotations: { 'scheduler.alpha.kubernetes.io/taints': 'null' },
      }),
    '',
  ],
];

describe('Node', () => {
  it('accepts the base node, with allocatable defaulted from capacity', () => {
    const n = node();
    expect(n.status?.allocatable).toEqual({ cpu: '4', memory: '8Gi', pods: '110' });
    expect(msg(validateNode(n))).toBe('');
  });

  it.each(nodeCases)('%s', (_name, mutate, expected) => {
    expect(msg(validateNode(node(mutate)))).toBe(expected);
  });

  it('lets the pod CIDR be set once', () => {
    const old = node();
    const set = node((n) => (n.spec = { podCIDR: '10.244.0.0/24', podCIDRs: ['10.244.0.0/24'] }));
    expect(msg(validateNodeUpdate(set, old))).toBe('');
    const changed = node(
      (n) => (n.spec = { podCIDR: '10.244.1.0/24', podCIDRs: ['10.244.1.0/24'] }),
    );
    expect(msg(validateNodeUpdate(changed, set))).toBe(
      'spec.podCIDRs: Forbidden: node updates may not change podCIDR except from "" to valid',
    );
  });

  it('lets the provider ID be set once', () => {
    const set = node((n) => (n.spec = { providerID: 'kind://a' }));
    const changed = node((n) => (n.spec = { providerID: 'kind://b' }));
    expect(msg(validateNodeUpdate(changed, set))).toBe(
      'spec.providerID: Forbidden: node updates may not change providerID except from "" to valid',
    );
  });

  it('rejects duplicate addresses', () => {
    const old = node();
    const next = node((n) => {
      n.status = {
        addresses: [
          { type: 'InternalIP', address: '172.18.0.2' },
          { type: 'InternalIP', address: '172.18.0.2' },
        ],
      };
    });
    expect(msg(validateNodeUpdate(next, old))).toBe(
      'status.addresses[1]: Duplicate value: core.NodeAddress{Type:"InternalIP", Address:"172.18.0.2"}',
    );
  });

  it('validates taints on update and allows changing them', () => {
    const old = node();
    expect(
      msg(
        validateNodeUpdate(
          node((n) => (n.spec = { taints: [taint('a', 'NoSchedule')], unschedulable: true })),
          old,
        ),
      ),
    ).toBe('');
    expect(
      msg(
        validateNodeUpdate(
          node((n) => (n.spec = { taints: [taint('a', '')] })),
          old,
        ),
      ),
    ).toBe('metadata.taints[0].effect: Required value');
  });
});

function event(mutate: (e: Event) => void = () => undefined): Event {
  const e: Event = {
    apiVersion: 'v1',
    kind: 'Event',
    metadata: { name: 'web.17f2a', namespace: 'default' },
    involvedObject: { kind: 'Pod', namespace: 'default', name: 'web' },
    reason: 'Started',
    message: 'Started container app',
    type: 'Normal',
    source: { component: 'kubelet' },
  };
  mutate(e);
  return e;
}

const newStyle = (e: Event): void => {
  e.eventTime = '2025-01-01T00:00:00.000000Z';
  e.reportingComponent = 'kubelet';
  e.reportingInstance = 'node-1';
  e.action = 'Start';
};

const eventCases: readonly (readonly [string, (e: Event) => void, string])[] = [
  [
    'object in another namespace',
    (e) => (e.involvedObject = { kind: 'Pod', namespace: 'other', name: 'web' }),
    'involvedObject.namespace: Invalid value: "other": does not match event.namespace',
  ],
  [
    'cluster object from a namespace other than default',
    (e) => {
      e.metadata = { name: 'n.1', namespace: 'team-a' };
      e.involvedObject = { kind: 'Node', name: 'node-1' };
    },
    'involvedObject.namespace: Invalid value: "": does not match event.namespace',
  ],
  [
    'cluster object from default is fine',
    (e) => (e.involvedObject = { kind: 'Node', name: 'node-1' }),
    '',
  ],
  [
    'name with a slash',
    (e) => (e.metadata = { name: 'a/b', namespace: 'default' }),
    `metadata.name: Invalid value: "a/b": may not contain '/'`,
  ],
  [
    'name with upper case is fine (path segment rules)',
    (e) => (e.metadata = { name: 'Web.17F2A', namespace: 'default' }),
    '',
  ],
  ['new-style event is fine', newStyle, ''],
  [
    'new-style event without reporting fields',
    (e) => {
      e.eventTime = '2025-01-01T00:00:00.000000Z';
      delete e.reason;
    },
    `[reportingComponent: Required value, reportingComponent: Invalid value: "": name part must be non-empty, reportingComponent: Invalid value: "": ${QNAME}, reportingInstance: Required value, action: Required value, reason: Required value]`,
  ],
  [
    'new-style event with a bad controller',
    (e) => {
      newStyle(e);
      e.reportingComponent = 'a b';
    },
    `reportingComponent: Invalid value: "a b": ${QNAME}`,
  ],
  [
    'new-style event with a long action',
    (e) => {
      newStyle(e);
      e.action = 'a'.repeat(129);
    },
    'action: Invalid value: "": can have at most 128 characters',
  ],
  [
    'new-style event with a long message',
    (e) => {
      newStyle(e);
      e.message = 'm'.repeat(1025);
    },
    'message: Invalid value: "": can have at most 1024 characters',
  ],
  [
    'new-style cluster event outside default and kube-system',
    (e) => {
      newStyle(e);
      e.metadata = { name: 'n.1', namespace: 'team-a' };
      e.involvedObject = { kind: 'Node', name: 'node-1' };
    },
    'involvedObject.namespace: Invalid value: "": does not match event.namespace',
  ],
];

describe('Event (core/v1)', () => {
  it.each(eventCases)('%s', (_name, mutate, expected) => {
    expect(msg(validateEvent(event(mutate)))).toBe(expected);
  });

  it('allows any change on update through core/v1 as long as it stays consistent', () => {
    const old = event((e) => (e.metadata = { ...e.metadata, resourceVersion: '4' }));
    const next = event((e) => {
      e.metadata = { ...e.metadata, resourceVersion: '4' };
      e.count = 2;
      e.message = 'changed';
    });
    expect(msg(validateEventUpdate(next, old))).toBe('');
    const moved = event((e) => {
      e.metadata = { ...e.metadata, resourceVersion: '4' };
      e.involvedObject = { kind: 'Pod', namespace: 'other', name: 'web' };
    });
    expect(msg(validateEventUpdate(moved, old))).toBe(
      'involvedObject.namespace: Invalid value: "other": does not match event.namespace',
    );
  });
});
