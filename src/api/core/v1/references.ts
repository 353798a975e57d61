/**
 * core/v1: References from one object to another (ObjectReference and the local/typed variants).
 */
import { field, object, requiredField, string, type Infer } from '../../schema/schema.ts';

export const objectReferenceSchema = object(
  'io.k8s.api.core.v1.ObjectReference',
  'Points at another object (possibly in another namespace), optionally at a part of it; used by events, bindings and endpoints.',
  {
    kind: field(string(), 'Kind of the referenced object, e.g. Pod.', { proto: 1 }),
    namespace: field(
      string(),
      'Namespace of the referenced object; empty for cluster-scoped objects.',
      { proto: 2 },
    ),
    name: field(string(), 'Name of the referenced object.', { proto: 3 }),
    uid: field(string(), 'UID of the referenced object.', { proto: 4 }),
    apiVersion: field(string(), 'API version of the referenced object, e.g. v1 or apps/v1.', {
      proto: 5,
    }),
    resourceVersion: field(
      string(),
      'The resourceVersion of the referenced object this reference was made against, if it matters.',
      { proto: 6 },
    ),
    fieldPath: field(
      string(),
      'Part of the object being referred to, e.g. spec.containers{app} for one container of a pod; empty means the whole object.',
      { proto: 7 },
    ),
  },
  { atomic: true },
);
export type ObjectReference = Infer<typeof objectReferenceSchema>;

export const localObjectReferenceSchema = object(
  'io.k8s.api.core.v1.LocalObjectReference',
  'The name of another object in the same namespace, such as a Secret or ConfigMap.',
  {
    name: field(
      string(),
      'Name of the object. Effectively required; an empty name is accepted only for backward compatibility.',
      { default: '', proto: 1 },
    ),
  },
  { atomic: true },
);
export type LocalObjectReference = Infer<typeof localObjectReferenceSchema>;

export const typedLocalObjectReferenceSchema = object(
  'io.k8s.api.core.v1.TypedLocalObjectReference',
  'Identifies an object of a given kind and API group in the same namespace.',
  {
    apiGroup: field(string(), 'API group of the object; empty means the core group.', { proto: 1 }),
    kind: requiredField(string(), 'Kind of the object.', { proto: 2 }),
    name: requiredField(string(), 'Name of the object.', { proto: 3 }),
  },
  { atomic: true },
);
export type TypedLocalObjectReference = Infer<typeof typedLocalObjectReferenceSchema>;

export const typedObjectReferenceSchema = object(
  'io.k8s.api.core.v1.TypedObjectReference',
  'Identifies an object of a given kind and API group, optionally in another namespace.',
  {
    apiGroup: field(string(), 'API group of the object; empty means the core group.', { proto: 1 }),
    kind: requiredField(string(), 'Kind of the object.', { proto: 2 }),
    name: requiredField(string(), 'Name of the object.', { proto: 3 }),
    namespace: field(
      string(),
      "Namespace of the object, when it differs from the referrer's. Cross-namespace references need a ReferenceGrant there and the alpha CrossNamespaceVolumeDataSource feature.",
      { proto: 4 },
    ),
  },
);
export type TypedObjectReference = Infer<typeof typedObjectReferenceSchema>;

export const secretReferenceSchema = object(
  'io.k8s.api.core.v1.SecretReference',
  'The name and namespace of a Secret.',
  {
    name: field(string(), 'Name of the Secret.', { proto: 1 }),
    namespace: field(string(), 'Namespace of the Secret.', { proto: 2 }),
  },
  { atomic: true },
);
export type SecretReference = Infer<typeof secretReferenceSchema>;
