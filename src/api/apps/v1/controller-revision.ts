/**
 * apps/v1 ControllerRevision: an immutable snapshot of state, used by the DaemonSet and StatefulSet
 * controllers for updates and rollbacks (upstream `k8s.io/api/apps/v1`).
 */
import { listOf, typeAndObjectMeta } from '../../meta/v1.ts';
import { any, field, int64, object, requiredField, type Infer } from '../../schema/schema.ts';

const a = 'io.k8s.api.apps.v1.';

export const controllerRevisionGVK = {
  group: 'apps',
  version: 'v1',
  kind: 'ControllerRevision',
} as const;

export const controllerRevisionSchema = object(
  a + 'ControllerRevision',
  'An immutable snapshot of the state of a controller, kept for updates and rollbacks. Not meant to be edited by users.',
  {
    ...typeAndObjectMeta(),
    data: field(any(), 'The serialized state (any object).', { proto: 2 }),
    revision: requiredField(int64(), 'The revision number this snapshot represents.', { proto: 3 }),
  },
  { gvk: [controllerRevisionGVK] },
);
export type ControllerRevision = Infer<typeof controllerRevisionSchema>;

export const controllerRevisionListSchema = listOf(controllerRevisionSchema, controllerRevisionGVK);
export type ControllerRevisionList = Infer<typeof controllerRevisionListSchema>;
