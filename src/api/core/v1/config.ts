/**
 * core/v1: ConfigMap, Secret and ServiceAccount.
 */
import {
  atomicList,
  boolean,
  field,
  map,
  mergeList,
  object,
  string,
  stringMap,
  type Infer,
} from '../../schema/schema.ts';
import { listOf, typeAndObjectMeta } from '../../meta/v1.ts';
import { localObjectReferenceSchema, objectReferenceSchema } from './references.ts';

export const configMapSchema = object(
  'io.k8s.api.core.v1.ConfigMap',
  'Non-secret configuration data (strings or bytes by key) that pods consume as environment variables, command arguments or files.',
  {
    ...typeAndObjectMeta(),
    immutable: field(
      boolean(),
      'When true, data and binaryData can no longer be changed (only metadata can); the ConfigMap must be deleted and recreated instead. Cannot be unset.',
      { proto: 4 },
    ),
    data: field(
      stringMap(),
      "UTF-8 string values by key. Keys consist of alphanumerics, '-', '_' and '.' and may not also appear in binaryData.",
      { proto: 2 },
    ),
    binaryData: field(
      map(string({ format: 'byte' })),
      'Binary values by key, base64-encoded in JSON. Keys may not also appear in data.',
      { proto: 3 },
    ),
  },
  { gvk: [{ group: '', version: 'v1', kind: 'ConfigMap' }] },
);
export type ConfigMap = Infer<typeof configMapSchema>;

export const configMapListSchema = listOf(configMapSchema, {
  group: '',
  version: 'v1',
  kind: 'ConfigMap',
});
export type ConfigMapList = Infer<typeof configMapListSchema>;

export const secretSchema = object(
  'io.k8s.api.core.v1.Secret',
  'Sensitive data (passwords, tokens, keys) by key, for pods to consume as files or environment variables. At most 1 MiB in total.',
  {
    ...typeAndObjectMeta(),
    immutable: field(
      boolean(),
      'When true, data can no longer be changed (only metadata can); the Secret must be deleted and recreated instead. Cannot be unset.',
      { proto: 5 },
    ),
    data: field(
      map(string({ format: 'byte' })),
      "Values by key, base64-encoded in JSON. Keys consist of alphanumerics, '-', '_' and '.'.",
      { proto: 2 },
    ),
    stringData: field(
      stringMap(),
      'Write-only convenience: plain string values merged into data on write (overwriting the same keys). Never returned on read.',
      { proto: 4 },
    ),
    type: field(
      string(),
      'Kind of secret, which may require certain keys: Opaque (the default), kubernetes.io/service-account-token, kubernetes.io/dockercfg, kubernetes.io/dockerconfigjson, kubernetes.io/basic-auth, kubernetes.io/ssh-auth, kubernetes.io/tls, bootstrap.kubernetes.io/token, or a custom value.',
      { proto: 3 },
    ),
  },
  { gvk: [{ group: '', version: 'v1', kind: 'Secret' }] },
);
export type Secret = Infer<typeof secretSchema>;

export const secretListSchema = listOf(secretSchema, { group: '', version: 'v1', kind: 'Secret' });
export type SecretList = Infer<typeof secretListSchema>;

export const serviceAccountSchema = object(
  'io.k8s.api.core.v1.ServiceAccount',
  'An identity for processes running in pods, which they authenticate to the API server with.',
  {
    ...typeAndObjectMeta(),
    secrets: mergeList(
      objectReferenceSchema,
      'Secrets pods of this service account may use; enforced only with the deprecated kubernetes.io/enforce-mountable-secrets annotation. Not the way to find tokens: request them with the TokenRequest API.',
      'name',
      { proto: 2 },
    ),
    imagePullSecrets: atomicList(
      localObjectReferenceSchema,
      'Registry credential Secrets added to every pod that runs as this service account.',
      { proto: 3 },
    ),
    automountServiceAccountToken: field(
      boolean(),
      "Whether pods of this service account get an API token mounted; a pod's own setting wins.",
      { proto: 4 },
    ),
  },
  { gvk: [{ group: '', version: 'v1', kind: 'ServiceAccount' }] },
);
export type ServiceAccount = Infer<typeof serviceAccountSchema>;

export const serviceAccountListSchema = listOf(serviceAccountSchema, {
  group: '',
  version: 'v1',
  kind: 'ServiceAccount',
});
export type ServiceAccountList = Infer<typeof serviceAccountListSchema>;
