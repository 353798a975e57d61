import { describe, it, expect } from 'vitest';
import { formatFieldErrors } from '../../../validation/field-errors.ts';
import { defaultPersistentVolume, defaultPersistentVolumeClaim } from '../defaults.ts';
import type { PersistentVolume, PersistentVolumeClaim } from '../persistent-volume.ts';
import {
  validatePersistentVolume,
  validatePersistentVolumeClaim,
  validatePersistentVolumeClaimStatusUpdate,
  validatePersistentVolumeClaimUpdate,
  validatePersistentVolumeStatusUpdate,
  validatePersistentVolumeUpdate,
} from './storage.ts';
import { QNAME, SUBDOMAIN, goQty } from './testdata/messages.ts';

const msg = formatFieldErrors;
type Spec<T extends { spec?: object }> = NonNullable<T['spec']>;

function pv(
  mutate: (p: PersistentVolume, spec: Spec<PersistentVolume>) => void = () => undefined,
): PersistentVolume {
  const p: PersistentVolume = {
    apiVersion: 'v1',
    kind: 'PersistentVolume',
    metadata: { name: 'pv-1', resourceVersion: '2' },
    spec: {
      capacity: { storage: '10Gi' },
      accessModes: ['ReadWriteOnce'],
      hostPath: { path: '/data' },
    },
  };
  mutate(p, p.spec ?? {});
  defaultPersistentVolume(p);
  return p;
}

const nodeAffinity = {
  required: {
    nodeSelectorTerms: [
      {
        matchExpressions: [
          { key: 'kubernetes.io/hostname', operator: 'In' as const, values: ['node-1'] },
        ],
      },
    ],
  },
};

const pvCases: readonly (readonly [
  string,
  (p: PersistentVolume, spec: Spec<PersistentVolume>) => void,
  string,
])[] = [
  [
    'upper-case name',
    (p) => (p.metadata = { name: 'PV' }),
    `metadata.name: Invalid value: "PV": ${SUBDOMAIN}`,
  ],
  [
    'with a namespace',
    (p) => (p.metadata = { name: 'pv-1', namespace: 'default' }),
    'metadata.namespace: Forbidden: not allowed on this type',
  ],
  ['no access modes', (_p, s) => (s.accessModes = []), 'spec.accessModes: Required value'],
  [
    'unknown access mode',
    (_p, s) => (s.accessModes = ['ReadWriteSometimes' as 'ReadWriteOnce']),
    'spec.accessModes: Unsupported value: "ReadWriteSometimes": supported values: "ReadOnlyMany", "ReadWriteMany", "ReadWriteOnce", "ReadWriteOncePod"',
  ],
  [
    'ReadWriteOncePod with another mode',
    (_p, s) => (s.accessModes = ['ReadWriteOncePod', 'ReadWriteOnce']),
    'spec.accessModes: Forbidden: may not use ReadWriteOncePod with other access modes',
  ],
  [
    'no capacity',
    (_p, s) => delete s.capacity,
    '[spec.capacity: Required value, spec.capacity: Unsupported value: core.ResourceList(nil): supported values: "storage"]',
  ],
  [
    'capacity with cpu',
    (_p, s) => (s.capacity = { storage: '10Gi', cpu: '1' }),
    `spec.capacity: Unsupported value: core.ResourceList{"cpu":${goQty(1, 0, '1')}, "storage":${goQty(10737418240, 0, '10Gi', 'BinarySI')}}: supported values: "storage"`,
  ],
  [
    'zero capacity',
    (_p, s) => (s.capacity = { storage: '0' }),
    'spec.capacity[storage]: Invalid value: "0": must be greater than zero',
  ],
  [
    'negative capacity',
    (_p, s) => (s.capacity = { storage: '-1Gi' }),
    '[spec.capacity[storage]: Invalid value: -1073741824: must be a valid resource quantity, spec.capacity[storage]: Invalid value: "-1Gi": must be greater than zero]',
  ],
  [
    'unknown reclaim policy',
    (_p, s) => (s.persistentVolumeReclaimPolicy = 'Keep' as 'Retain'),
    'spec.persistentVolumeReclaimPolicy: Unsupported value: "Keep": supported values: "Delete", "Recycle", "Retain"',
  ],
  [
    'recycling a hostPath of /',
    (_p, s) => {
      s.hostPath = { path: '/' };
      s.persistentVolumeReclaimPolicy = 'Recycle';
    },
    "spec.persistentVolumeReclaimPolicy: Forbidden: may not be 'recycle' for a hostPath mount of '/'",
  ],
  ['no source', (_p, s) => delete s.hostPath, 'spec: Required value: must specify a volume type'],
  [
    'two sources',
    (_p, s) => (s.nfs = { server: 'nfs', path: '/exports' }),
    'spec.nfs: Forbidden: may not specify more than 1 volume type',
  ],
  [
    'hostPath with ..',
    (_p, s) => (s.hostPath = { path: '/data/../etc' }),
    `spec.hostPath.path: Invalid value: "/data/../etc": must not contain '..'`,
  ],
  [
    'local volume without node affinity',
    (_p, s) => {
      delete s.hostPath;
      s.local = { path: '/mnt/disk' };
    },
    'spec.nodeAffinity: Required value: Local volume requires node affinity',
  ],
  [
    'local volume with node affinity is fine',
    (_p, s) => {
      delete s.hostPath;
      s.local = { path: '/mnt/disk' };
      s.nodeAffinity = nodeAffinity;
    },
    '',
  ],
  [
    'node affinity without required terms',
    (_p, s) => (s.nodeAffinity = {}),
    'spec.nodeAffinity.required: Required value: must specify required node constraints',
  ],
  [
    'NFS without server',
    (_p, s) => {
      delete s.hostPath;
      s.nfs = { server: '', path: '/exports' };
    },
    'spec.nfs.server: Required value',
  ],
  [
    'CSI without volume handle',
    (_p, s) => {
      delete s.hostPath;
      s.csi = { driver: 'csi.example.com', volumeHandle: '' };
    },
    'spec.csi.volumeHandle: Required value',
  ],
  [
    'CSI secret reference without namespace',
    (_p, s) => {
      delete s.hostPath;
      s.csi = {
        driver: 'csi.example.com',
        volumeHandle: 'v1',
        nodePublishSecretRef: { name: 's' },
      };
    },
    'spec.csi.nodePublishSecretRef.namespace: Required value',
  ],
  [
    'upper-case storage class',
    (_p, s) => (s.storageClassName = 'Fast'),
    `spec.storageClassName: Invalid value: "Fast": ${SUBDOMAIN}`,
  ],
  [
    'unknown volume mode',
    (_p, s) => (s.volumeMode = 'Raw' as 'Block'),
    'spec.volumeMode: Unsupported value: "Raw": supported values: "Block", "Filesystem"',
  ],
];

describe('validatePersistentVolume', () => {
  it('accepts the base volume, defaulted', () => {
    const p = pv();
    expect(p.spec?.persistentVolumeReclaimPolicy).toBe('Retain');
    expect(p.spec?.volumeMode).toBe('Filesystem');
    expect(p.spec?.hostPath?.type).toBe('');
    expect(p.status?.phase).toBe('Pending');
    expect(msg(validatePersistentVolume(p))).toBe('');
  });

  it.each(pvCases)('%s', (_name, mutate, expected) => {
    expect(msg(validatePersistentVolume(pv(mutate)))).toBe(expected);
  });
});

describe('validatePersistentVolumeUpdate', () => {
  it('allows capacity, class and policy changes', () => {
    const next = pv((_p, s) => {
      s.capacity = { storage: '20Gi' };
      s.persistentVolumeReclaimPolicy = 'Delete';
    });
    expect(msg(validatePersistentVolumeUpdate(next, pv()))).toBe('');
  });

  it('keeps the source', () => {
    const next = pv((_p, s) => (s.hostPath = { path: '/other' }));
    const text = msg(validatePersistentVolumeUpdate(next, pv()));
    expect(
      text.startsWith(
        'spec.persistentvolumesource: Forbidden: spec.persistentvolumesource is immutable after creation\n',
      ),
    ).toBe(true);
    expect(text).toContain('"/other"');
  });

  it('keeps the volume mode', () => {
    const next = pv((_p, s) => (s.volumeMode = 'Block'));
    expect(msg(validatePersistentVolumeUpdate(next, pv()))).toBe(
      'volumeMode: Invalid value: "Block": field is immutable',
    );
  });

  it('requires a resource version for status updates', () => {
    const next = pv((p) => (p.metadata = { name: 'pv-1' }));
    expect(msg(validatePersistentVolumeStatusUpdate(next, pv()))).toBe(
      'resourceVersion: Required value',
    );
  });
});

function pvc(
  mutate: (c: PersistentVolumeClaim, spec: Spec<PersistentVolumeClaim>) => void = () => undefined,
): PersistentVolumeClaim {
  const c: PersistentVolumeClaim = {
    apiVersion: 'v1',
    kind: 'PersistentVolumeClaim',
    metadata: { name: 'data', namespace: 'default', resourceVersion: '4' },
    spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } },
  };
  mutate(c, c.spec ?? {});
  defaultPersistentVolumeClaim(c);
  return c;
}

const pvcCases: readonly (readonly [
  string,
  (c: PersistentVolumeClaim, spec: Spec<PersistentVolumeClaim>) => void,
  string,
])[] = [
  [
    'upper-case name',
    (c) => (c.metadata = { name: 'Data', namespace: 'default' }),
    `metadata.name: Invalid value: "Data": ${SUBDOMAIN}`,
  ],
  ['no namespace', (c) => (c.metadata = { name: 'data' }), 'metadata.namespace: Required value'],
  [
    'no access modes',
    (_c, s) => (s.accessModes = []),
    'spec.accessModes: Required value: at least 1 access mode is required',
  ],
  [
    'unknown access mode',
    (_c, s) => (s.accessModes = ['RWO' as 'ReadWriteOnce']),
    'spec.accessModes: Unsupported value: "RWO": supported values: "ReadOnlyMany", "ReadWriteMany", "ReadWriteOnce", "ReadWriteOncePod"',
  ],
  ['no storage request', (_c, s) => (s.resources = {}), 'spec.resources[storage]: Required value'],
  [
    'zero storage',
    (_c, s) => (s.resources = { requests: { storage: '0' } }),
    'spec.resources[storage]: Invalid value: "0": must be greater than zero',
  ],
  [
    'negative storage',
    (_c, s) => (s.resources = { requests: { storage: '-1Gi' } }),
    'spec.resources[storage]: Invalid value: "-1Gi": must be greater than zero',
  ],
  [
    'upper-case storage class',
    (_c, s) => (s.storageClassName = 'Fast'),
    `spec.storageClassName: Invalid value: "Fast": ${SUBDOMAIN}`,
  ],
  [
    'unknown volume mode',
    (_c, s) => (s.volumeMode = 'Raw' as 'Block'),
    'spec.volumeMode: Unsupported value: "Raw": supported values: "Block", "Filesystem"',
  ],
  [
    'data source of a core kind other than a claim',
    (_c, s) => (s.dataSource = { kind: 'VolumeSnapshot', name: 'snap' }),
    `spec.dataSource: Invalid value: "VolumeSnapshot": must be 'PersistentVolumeClaim' when referencing the default apiGroup`,
  ],
  [
    'data source without name',
    (_c, s) => (s.dataSource = { kind: 'PersistentVolumeClaim', name: '' }),
    'spec.dataSource.name: Required value',
  ],
  [
    'data source with a bad group',
    (_c, s) => (s.dataSource = { apiGroup: 'Snapshot', kind: 'VolumeSnapshot', name: 'snap' }),
    `spec.dataSource.apiGroup: Invalid value: "Snapshot": ${SUBDOMAIN}`,
  ],
  [
    'selector with a bad key',
    (_c, s) => (s.selector = { matchLabels: { 'a b': 'x' } }),
    `spec.selector.matchLabels: Invalid value: "a b": ${QNAME}`,
  ],
];

describe('validatePersistentVolumeClaim', () => {
  it('accepts the base claim, defaulted', () => {
    const c = pvc();
    expect(c.spec?.volumeMode).toBe('Filesystem');
    expect(c.status?.phase).toBe('Pending');
    expect(msg(validatePersistentVolumeClaim(c))).toBe('');
  });

  it.each(pvcCases)('%s', (_name, mutate, expected) => {
    expect(msg(validatePersistentVolumeClaim(pvc(mutate)))).toBe(expected);
  });
});

describe('validatePersistentVolumeClaimUpdate', () => {
  const bound = (size: string) => (c: PersistentVolumeClaim, s: Spec<PersistentVolumeClaim>) => {
    s.volumeName = 'pv-1';
    s.resources = { requests: { storage: size } };
    c.status = { phase: 'Bound', capacity: { storage: '2Gi' } };
  };

  it('allows binding to a volume', () => {
    const next = pvc((_c, s) => (s.volumeName = 'pv-1'));
    expect(msg(validatePersistentVolumeClaimUpdate(next, pvc()))).toBe('');
  });

  it('allows expanding a bound claim', () => {
    expect(msg(validatePersistentVolumeClaimUpdate(pvc(bound('5Gi')), pvc(bound('2Gi'))))).toBe('');
  });

  it('does not let a bound claim shrink to or below its capacity', () => {
    expect(msg(validatePersistentVolumeClaimUpdate(pvc(bound('1Gi')), pvc(bound('3Gi'))))).toBe(
      'spec.resources.requests.storage: Forbidden: field can not be less than status.capacity',
    );
  });

  it('lets a failed expansion be rolled back above the capacity', () => {
    expect(msg(validatePersistentVolumeClaimUpdate(pvc(bound('3Gi')), pvc(bound('5Gi'))))).toBe('');
  });

  it('keeps the rest of the spec', () => {
    const next = pvc((_c, s) => (s.accessModes = ['ReadWriteMany']));
    const text = msg(validatePersistentVolumeClaimUpdate(next, pvc()));
    expect(
      text.startsWith(
        'spec: Forbidden: spec is immutable after creation except resources.requests and volumeAttributesClassName for bound claims\n  core.PersistentVolumeClaimSpec{\n',
      ),
    ).toBe(true);
    expect(text).toContain('ReadWriteMany');
  });

  it('forbids resizing an unbound claim', () => {
    const next = pvc((_c, s) => (s.resources = { requests: { storage: '2Gi' } }));
    expect(
      msg(validatePersistentVolumeClaimUpdate(next, pvc())).startsWith(
        'spec: Forbidden: spec is immutable',
      ),
    ).toBe(true);
  });

  it('keeps the volume mode, reported twice as upstream does', () => {
    const next = pvc((_c, s) => (s.volumeMode = 'Block'));
    const text = msg(validatePersistentVolumeClaimUpdate(next, pvc()));
    expect(text.startsWith('[spec: Forbidden: spec is immutable')).toBe(true);
    expect(text.endsWith(', volumeMode: Invalid value: "Block": field is immutable]')).toBe(true);
  });

  it('validates status updates', () => {
    const next = pvc((c, s) => {
      s.accessModes = [];
      c.status = { capacity: { storage: '-1' } };
    });
    expect(msg(validatePersistentVolumeClaimStatusUpdate(next, pvc()))).toBe(
      '[Spec.accessModes: Required value, status.capacity[storage]: Invalid value: -1: must be a valid resource quantity]',
    );
  });
});
