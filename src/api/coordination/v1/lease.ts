/**
 * coordination.k8s.io/v1 Lease: a small, frequently renewed record used for leader election and
 * node heartbeats (upstream `k8s.io/api/coordination/v1`).
 */
import { listOf, typeAndObjectMeta } from '../../meta/v1.ts';
import { field, int32, microTime, object, string, type Infer } from '../../schema/schema.ts';

const c = 'io.k8s.api.coordination.v1.';

export const leaseSpecSchema = object(c + 'LeaseSpec', 'The desired state of a Lease.', {
  holderIdentity: field(
    string(),
    'Identity of the current holder. With coordinated leader election it equals the name of the elected LeaseCandidate.',
    { proto: 1 },
  ),
  leaseDurationSeconds: field(
    int32(),
    'How long, counted from the last renewTime, other candidates must wait before taking the lease over.',
    { proto: 2 },
  ),
  acquireTime: field(microTime(), 'When the current holder acquired the lease.', { proto: 3 }),
  renewTime: field(microTime(), 'When the current holder last renewed the lease.', { proto: 4 }),
  leaseTransitions: field(int32(), 'How many times the lease has changed holders.', { proto: 5 }),
  strategy: field(
    string(),
    'How the leader is picked under coordinated leader election (OldestEmulationVersion). Unset means no coordination. Alpha, behind the CoordinatedLeaderElection feature gate.',
    { proto: 6 },
  ),
  preferredHolder: field(
    string(),
    'A better holder the current holder should hand the lease to. Only allowed when strategy is set. Alpha, behind the CoordinatedLeaderElection feature gate.',
    { proto: 7 },
  ),
});
export type LeaseSpec = Infer<typeof leaseSpecSchema>;

export const leaseGVK = { group: 'coordination.k8s.io', version: 'v1', kind: 'Lease' } as const;

export const leaseSchema = object(
  c + 'Lease',
  'A lease: who holds it, since when, and for how long.',
  {
    ...typeAndObjectMeta(),
    spec: field(leaseSpecSchema, 'The holder and timing of the lease.', { proto: 2 }),
  },
  { gvk: [leaseGVK] },
);
export type Lease = Infer<typeof leaseSchema>;

export const leaseListSchema = listOf(leaseSchema, leaseGVK);
export type LeaseList = Infer<typeof leaseListSchema>;
