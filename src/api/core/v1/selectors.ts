/**
 * core/v1: Selectors of pod fields, container resources and ConfigMap/Secret keys, used by env
 * vars and downward API volumes.
 */
import {
  boolean,
  field,
  object,
  quantity,
  requiredField,
  string,
  type Infer,
} from '../../schema/schema.ts';

export const objectFieldSelectorSchema = object(
  'io.k8s.api.core.v1.ObjectFieldSelector',
  'Selects one field of the pod, by path, for the downward API.',
  {
    apiVersion: field(string(), 'API version the fieldPath is expressed in. Defaults to v1.', {
      proto: 1,
    }),
    fieldPath: requiredField(
      string(),
      "Path of the field, e.g. metadata.name, metadata.labels['app'], spec.nodeName or status.podIP.",
      { proto: 2 },
    ),
  },
  { atomic: true },
);
export type ObjectFieldSelector = Infer<typeof objectFieldSelectorSchema>;

export const resourceFieldSelectorSchema = object(
  'io.k8s.api.core.v1.ResourceFieldSelector',
  "Selects a container's resource request or limit (cpu, memory, ephemeral-storage) for the downward API.",
  {
    containerName: field(
      string(),
      'Container whose resources are read; required in volumes, defaults to the current container in env vars.',
      { proto: 1 },
    ),
    resource: requiredField(
      string(),
      'The resource, e.g. limits.cpu, requests.memory or limits.ephemeral-storage.',
      { proto: 2 },
    ),
    divisor: field(
      quantity(),
      'Unit the value is divided by before it is exposed (e.g. 1m for millicores, 1Mi for mebibytes). Defaults to 1.',
      { proto: 3 },
    ),
  },
  { atomic: true },
);
export type ResourceFieldSelector = Infer<typeof resourceFieldSelectorSchema>;

export const configMapKeySelectorSchema = object(
  'io.k8s.api.core.v1.ConfigMapKeySelector',
  "Selects one key of a ConfigMap in the pod's namespace.",
  {
    name: field(string(), 'Name of the ConfigMap. Effectively required.', {
      default: '',
      proto: 1,
    }),
    key: requiredField(string(), 'The key whose value is used.', { proto: 2 }),
    optional: field(boolean(), 'When true, a missing ConfigMap or key is not an error.', {
      proto: 3,
    }),
  },
  { atomic: true },
);
export type ConfigMapKeySelector = Infer<typeof configMapKeySelectorSchema>;

export const secretKeySelectorSchema = object(
  'io.k8s.api.core.v1.SecretKeySelector',
  "Selects one key of a Secret in the pod's namespace.",
  {
    name: field(string(), 'Name of the Secret. Effectively required.', { default: '', proto: 1 }),
    key: requiredField(string(), 'The key whose value is used.', { proto: 2 }),
    optional: field(boolean(), 'When true, a missing Secret or key is not an error.', { proto: 3 }),
  },
  { atomic: true },
);
export type SecretKeySelector = Infer<typeof secretKeySelectorSchema>;
