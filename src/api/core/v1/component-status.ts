/**
 * core/v1: ComponentStatus (deprecated): health of control-plane components.
 */
import {
  field,
  mergeList,
  object,
  requiredField,
  string,
  type Infer,
} from '../../schema/schema.ts';
import { listOf, typeAndObjectMeta } from '../../meta/v1.ts';
import { conditionStatusValues } from './enums.ts';

export const componentConditionSchema = object(
  'io.k8s.api.core.v1.ComponentCondition',
  'The health of a control-plane component.',
  {
    type: requiredField(string(), 'Type of the condition: Healthy.', { proto: 1 }),
    status: requiredField(string({ enum: conditionStatusValues }), 'True, False or Unknown.', {
      proto: 2,
    }),
    message: field(string(), 'Detail about the health check.', { proto: 3 }),
    error: field(string(), 'Error of the health check, if it failed.', { proto: 4 }),
  },
);
export type ComponentCondition = Infer<typeof componentConditionSchema>;

export const componentStatusSchema = object(
  'io.k8s.api.core.v1.ComponentStatus',
  'Health of a control-plane component (scheduler, controller manager, etcd). Deprecated.',
  {
    ...typeAndObjectMeta(),
    conditions: mergeList(componentConditionSchema, 'Conditions of the component.', 'type', {
      proto: 2,
    }),
  },
  { gvk: [{ group: '', version: 'v1', kind: 'ComponentStatus' }] },
);
export type ComponentStatus = Infer<typeof componentStatusSchema>;

export const componentStatusListSchema = listOf(componentStatusSchema, {
  group: '',
  version: 'v1',
  kind: 'ComponentStatus',
});
export type ComponentStatusList = Infer<typeof componentStatusListSchema>;
