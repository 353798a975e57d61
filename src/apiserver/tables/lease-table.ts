/** `kubectl get leases`: NAME HOLDER AGE (upstream `printLease`, v1.32). */
import type { Lease } from '../../api/index.ts';
import { ageColumn, column } from './cell-format.ts';
import { translateTimestampSince } from './human-duration.ts';
import { nameColumn, typedTableConvertor } from './table-convertor.ts';

export const leaseTableConvertor = typedTableConvertor<Lease>(
  [nameColumn, column('Holder', 'string', 'The identity that holds the lease now.'), ageColumn],
  (lease, now) => [
    lease.metadata?.name ?? '',
    lease.spec?.holderIdentity ?? '',
    translateTimestampSince(lease.metadata?.creationTimestamp, now),
  ],
);
