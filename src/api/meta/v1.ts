/**
 * meta/v1: the object metadata, lists, Status, options and discovery types shared by every group
 * (upstream `k8s.io/apimachinery/pkg/apis/meta/v1`).
 */
import {
  any,
  atomicList,
  boolean,
  field,
  int32,
  int64,
  mergeList,
  object,
  requiredField,
  string,
  stringMap,
  time,
  array,
  type Infer,
  type Field,
  type ObjectSchema,
} from '../schema/schema.ts';

const m = 'io.k8s.apimachinery.pkg.apis.meta.v1.';

export const ownerReferenceSchema = object(
  m + 'OwnerReference',
  'Identifies an object that owns this one. When every owner is gone, the garbage collector deletes the dependent.',
  {
    apiVersion: requiredField(string(), 'API version of the owner.', { proto: 5 }),
    kind: requiredField(string(), 'Kind of the owner.', { proto: 1 }),
    name: requiredField(string(), 'Name of the owner.', { proto: 3 }),
    uid: requiredField(string(), 'UID of the owner.', { proto: 4 }),
    controller: field(
      boolean(),
      'True when the owner is the managing controller; at most one owner may be.',
      { proto: 6 },
    ),
    blockOwnerDeletion: field(
      boolean(),
      'When true, foreground deletion of the owner waits until this dependent is gone.',
      { proto: 7 },
    ),
  },
  { atomic: true },
);
export type OwnerReference = Infer<typeof ownerReferenceSchema>;

export const managedFieldsEntrySchema = object(
  m + 'ManagedFieldsEntry',
  'The set of fields one manager owns, recorded by server-side apply.',
  {
    manager: field(string(), 'Name of the workflow managing these fields.', { proto: 1 }),
    operation: field(string({ enum: ['Apply', 'Update'] as const }), 'Apply or Update.', {
      proto: 2,
    }),
    apiVersion: field(string(), 'Version of the schema the field set is expressed in.', {
      proto: 3,
    }),
    time: field(time(), 'When these fields were last changed.', { proto: 4 }),
    fieldsType: field(string(), 'Format of fieldsV1; always FieldsV1.', { proto: 6 }),
    fieldsV1: field(
      any<Record<string, unknown>>(),
      'The owned fields, as a trie of f:/k:/v:/i: keys.',
      { proto: 7 },
    ),
    subresource: field(string(), 'Subresource through which the fields were written, if any.', {
      proto: 8,
    }),
  },
);
export type ManagedFieldsEntry = Infer<typeof managedFieldsEntrySchema>;

export const objectMetaSchema = object(m + 'ObjectMeta', 'Metadata every persisted object has.', {
  name: field(string(), 'Unique name within the namespace. Cannot be changed after creation.', {
    proto: 1,
  }),
  generateName: field(
    string(),
    'Prefix from which the server generates a unique name when name is empty.',
    { proto: 2 },
  ),
  namespace: field(string(), 'Namespace of the object; empty for cluster-scoped objects.', {
    proto: 3,
  }),
  selfLink: field(string(), 'Deprecated and never set.', { proto: 4 }),
  uid: field(string(), 'Unique identifier the server assigns at creation; never reused.', {
    proto: 5,
  }),
  resourceVersion: field(
    string(),
    'Opaque version of this object, changed by every write. Use it for optimistic concurrency and to resume watches.',
    { proto: 6 },
  ),
  generation: field(int64(), 'Sequence number of changes to the desired state (spec).', {
    proto: 7,
  }),
  creationTimestamp: field(time(), 'When the server created the object.', { proto: 8 }),
  deletionTimestamp: field(
    time(),
    'When the object will be deleted; set by a graceful delete and never unset.',
    { proto: 9 },
  ),
  deletionGracePeriodSeconds: field(
    int64(),
    'Seconds allowed for graceful termination before the object is removed.',
    { proto: 10 },
  ),
  labels: field(stringMap(), 'Key/value pairs for selecting and grouping objects.', { proto: 11 }),
  annotations: field(stringMap(), 'Arbitrary non-identifying metadata.', { proto: 12 }),
  ownerReferences: mergeList(ownerReferenceSchema, 'Objects this one depends on.', 'uid', {
    proto: 13,
  }),
  finalizers: field(
    array(string()),
    'Must be empty before the object is removed; each entry names a controller that still has cleanup to do.',
    { patchStrategy: 'merge', listType: 'set', proto: 14 },
  ),
  managedFields: atomicList(
    managedFieldsEntrySchema,
    'Which manager owns which fields (server-side apply).',
    { proto: 17 },
  ),
});
export type ObjectMeta = Infer<typeof objectMetaSchema>;

export const listMetaSchema = object(m + 'ListMeta', 'Metadata of a list.', {
  selfLink: field(string(), 'Deprecated and never set.', { proto: 1 }),
  resourceVersion: field(string(), 'The version of the collection this list was read at.', {
    proto: 2,
  }),
  continue: field(string(), 'Token to fetch the next page, when the list was cut by limit.', {
    proto: 3,
  }),
  remainingItemCount: field(int64(), 'Items left after this page, when known.', { proto: 4 }),
});
export type ListMeta = Infer<typeof listMetaSchema>;

const apiVersionField = field(string(), 'The versioned schema of this representation.');
const kindField = field(string(), 'The REST resource this object represents.');

/** `apiVersion`, `kind` and `metadata`: the fields every top-level kind begins with. */
export function typeAndObjectMeta(): {
  apiVersion: typeof apiVersionField;
  kind: typeof kindField;
  metadata: Field<typeof objectMetaSchema>;
} {
  return {
    apiVersion: apiVersionField,
    kind: kindField,
    metadata: field(objectMetaSchema, 'Standard object metadata.', { proto: 1 }),
  };
}

/** `apiVersion`, `kind` and list `metadata`. */
export function typeAndListMeta(): {
  apiVersion: typeof apiVersionField;
  kind: typeof kindField;
  metadata: Field<typeof listMetaSchema>;
} {
  return {
    apiVersion: apiVersionField,
    kind: kindField,
    metadata: field(listMetaSchema, 'Standard list metadata.', { proto: 1 }),
  };
}

/** The shape of every `XList` kind. */
export interface List<T> {
  apiVersion?: string;
  kind?: string;
  metadata?: ListMeta;
  items: T[];
}

/** The `XList` schema of a kind (`PodList` for Pod). */
export function listOf<T>(
  item: ObjectSchema<T>,
  gvk: { group: string; version: string; kind: string },
): ObjectSchema<List<T>> {
  return object(
    item.name + 'List',
    `A list of ${gvk.kind} objects.`,
    {
      ...typeAndListMeta(),
      items: requiredField(array(item), `The ${gvk.kind} objects.`, { proto: 2 }),
    },
    { gvk: [{ ...gvk, kind: gvk.kind + 'List' }] },
  );
}

export const labelSelectorRequirementSchema = object(
  m + 'LabelSelectorRequirement',
  'A selector term: a key, an operator and values.',
  {
    key: requiredField(string(), 'The label key the selector applies to.', { proto: 1 }),
    operator: requiredField(
      string({ enum: ['In', 'NotIn', 'Exists', 'DoesNotExist'] as const }),
      'In, NotIn, Exists or DoesNotExist.',
      { proto: 2 },
    ),
    values: atomicList(
      string(),
      'Values for In and NotIn; must be empty for Exists and DoesNotExist.',
      { proto: 3 },
    ),
  },
);

export const labelSelectorSchema = object(
  m + 'LabelSelector',
  'A label query: all matchLabels and all matchExpressions must match (AND). An empty selector matches everything; a null one matches nothing.',
  {
    matchLabels: field(stringMap(), 'Labels that must be present with these values.', { proto: 1 }),
    matchExpressions: atomicList(
      labelSelectorRequirementSchema,
      'Requirements that must all hold.',
      { proto: 2 },
    ),
  },
  { atomic: true },
);
export type LabelSelector = Infer<typeof labelSelectorSchema>;

export const conditionSchema = object(
  m + 'Condition',
  'One aspect of the current state of an object.',
  {
    type: requiredField(string(), 'Type of the condition, in CamelCase.', { proto: 1 }),
    status: requiredField(
      string({ enum: ['True', 'False', 'Unknown'] as const }),
      'True, False or Unknown.',
      { proto: 2 },
    ),
    observedGeneration: field(int64(), 'The .metadata.generation the condition was set from.', {
      proto: 3,
    }),
    lastTransitionTime: requiredField(time(), 'When the status last changed.', { proto: 4 }),
    reason: requiredField(string(), 'Programmatic reason for the last transition, in CamelCase.', {
      proto: 5,
    }),
    message: requiredField(string(), 'Human-readable detail about the transition.', { proto: 6 }),
  },
);
export type Condition = Infer<typeof conditionSchema>;

export const statusCauseSchema = object(m + 'StatusCause', 'One reason a request failed.', {
  reason: field(string(), 'Machine-readable cause, e.g. FieldValueInvalid.', { proto: 1 }),
  message: field(string(), 'Human-readable description of the cause.', { proto: 2 }),
  field: field(
    string(),
    'The field that caused the error, as a JSON path (spec.containers[0].name).',
    { proto: 3 },
  ),
});
export type StatusCause = Infer<typeof statusCauseSchema>;

export const statusDetailsSchema = object(
  m + 'StatusDetails',
  'Extra data about a failed request.',
  {
    name: field(string(), 'Name of the object the request was about.', { proto: 1 }),
    group: field(string(), 'API group of the object.', { proto: 2 }),
    kind: field(string(), 'Kind (or resource) of the object.', { proto: 3 }),
    uid: field(string(), 'UID of the object.', { proto: 6 }),
    causes: atomicList(statusCauseSchema, 'The individual causes.', { proto: 4 }),
    retryAfterSeconds: field(int32(), 'Seconds the client should wait before retrying.', {
      proto: 5,
    }),
  },
);

export const statusSchema = object(
  m + 'Status',
  'The result of an operation that does not return an object, and every error.',
  {
    apiVersion: apiVersionField,
    kind: kindField,
    metadata: field(listMetaSchema, 'Standard list metadata.', { proto: 1 }),
    status: field(string(), 'Success or Failure.', { proto: 2 }),
    message: field(string(), 'Human-readable description of the result.', { proto: 3 }),
    reason: field(string(), 'Machine-readable reason, e.g. NotFound, AlreadyExists, Invalid.', {
      proto: 4,
    }),
    details: field(statusDetailsSchema, 'Extra data about the reason.', { proto: 5 }),
    code: field(int32(), 'HTTP status code of this result.', { proto: 6 }),
  },
  { gvk: [{ group: '', version: 'v1', kind: 'Status' }] },
);
export type Status = Infer<typeof statusSchema>;

export const preconditionsSchema = object(
  m + 'Preconditions',
  'Conditions that must hold before an operation is carried out.',
  {
    uid: field(string(), 'The target object must have this UID.', { proto: 1 }),
    resourceVersion: field(string(), 'The target object must have this resourceVersion.', {
      proto: 2,
    }),
  },
);

export const deleteOptionsSchema = object(
  m + 'DeleteOptions',
  'Options of a delete request.',
  {
    apiVersion: apiVersionField,
    kind: kindField,
    gracePeriodSeconds: field(
      int64(),
      "Seconds before the object is deleted; 0 deletes immediately. Defaults to the kind's own period.",
      { proto: 1 },
    ),
    preconditions: field(preconditionsSchema, 'Must be met before the deletion happens.', {
      proto: 2,
    }),
    orphanDependents: field(boolean(), 'Deprecated: use propagationPolicy.', { proto: 3 }),
    propagationPolicy: field(
      string({ enum: ['Orphan', 'Background', 'Foreground'] as const }),
      'Whether and how dependents are garbage-collected: Orphan, Background or Foreground.',
      { proto: 4 },
    ),
    dryRun: atomicList(string(), 'All: run every stage but do not persist.', { proto: 5 }),
    ignoreStoreReadErrorWithClusterBreakingPotential: field(
      boolean(),
      'Delete an object the server cannot decode. Dangerous.',
      { proto: 6 },
    ),
  },
  { gvk: [{ group: '', version: 'v1', kind: 'DeleteOptions' }] },
);
export type DeleteOptions = Infer<typeof deleteOptionsSchema>;

export const watchEventSchema = object(
  m + 'WatchEvent',
  'One event of a watch stream.',
  {
    type: requiredField(string(), 'ADDED, MODIFIED, DELETED, BOOKMARK or ERROR.', { proto: 1 }),
    object: requiredField(any(), 'The object (or a Status for ERROR).', { proto: 2 }),
  },
  { gvk: [{ group: '', version: 'v1', kind: 'WatchEvent' }] },
);

export const tableColumnDefinitionSchema = object(
  m + 'TableColumnDefinition',
  'A column of a server-side table.',
  {
    name: requiredField(string(), 'Human-readable column name.'),
    type: requiredField(
      string(),
      'OpenAPI type of the cells: string, integer, number, boolean, date.',
    ),
    format: requiredField(string(), 'OpenAPI format of the cells, e.g. name.'),
    description: requiredField(string(), 'What the column shows.'),
    priority: requiredField(int32(), '0 for the default view; higher shows only in wider views.'),
  },
);
export type TableColumnDefinition = Infer<typeof tableColumnDefinitionSchema>;

export const tableRowSchema = object(m + 'TableRow', 'A row of a server-side table.', {
  cells: requiredField(array(any()), 'One value per column.'),
  conditions: atomicList(any(), 'Row conditions (Completed for finished rows).'),
  object: field(any(), 'The object of this row, or its metadata only.'),
});
export type TableRow = Infer<typeof tableRowSchema>;

export const tableSchema = object(
  m + 'Table',
  'A tabular view of objects, for clients like kubectl.',
  {
    ...typeAndListMeta(),
    columnDefinitions: requiredField(array(tableColumnDefinitionSchema), 'The columns.'),
    rows: requiredField(array(tableRowSchema), 'The rows.'),
  },
  { gvk: [{ group: 'meta.k8s.io', version: 'v1', kind: 'Table' }] },
);
export type Table = Infer<typeof tableSchema>;

export const apiResourceSchema = object(
  m + 'APIResource',
  'A resource served by a group version.',
  {
    name: requiredField(string(), 'Plural resource name, or resource/subresource.', { proto: 1 }),
    singularName: requiredField(string(), 'Singular name.', { proto: 6 }),
    namespaced: requiredField(boolean(), 'Whether the resource is namespaced.', { proto: 2 }),
    group: field(string(), "Group of the subresource's kind when it differs.", { proto: 8 }),
    version: field(string(), "Version of the subresource's kind when it differs.", { proto: 9 }),
    kind: requiredField(string(), 'Kind of the resource.', { proto: 3 }),
    verbs: requiredField(array(string()), 'Verbs the resource supports.', { proto: 4 }),
    shortNames: field(array(string()), 'Short names, e.g. po for pods.', { proto: 5 }),
    categories: field(array(string()), 'Groupings, e.g. all.', { proto: 7 }),
    storageVersionHash: field(string(), 'Hash of the storage version.', { proto: 10 }),
  },
);
export type APIResource = Infer<typeof apiResourceSchema>;

export const apiResourceListSchema = object(
  m + 'APIResourceList',
  'The resources of one group version.',
  {
    apiVersion: apiVersionField,
    kind: kindField,
    groupVersion: requiredField(string(), 'The group version.', { proto: 1 }),
    resources: requiredField(array(apiResourceSchema), 'The resources.', { proto: 2 }),
  },
);
export type APIResourceList = Infer<typeof apiResourceListSchema>;

export const groupVersionForDiscoverySchema = object(
  m + 'GroupVersionForDiscovery',
  'A group version.',
  {
    groupVersion: requiredField(string(), 'group/version.', { proto: 1 }),
    version: requiredField(string(), 'The version.', { proto: 2 }),
  },
);

export const apiGroupSchema = object(m + 'APIGroup', 'An API group and its versions.', {
  apiVersion: apiVersionField,
  kind: kindField,
  name: requiredField(string(), 'Group name.', { proto: 1 }),
  versions: requiredField(array(groupVersionForDiscoverySchema), 'Served versions.', { proto: 2 }),
  preferredVersion: field(groupVersionForDiscoverySchema, 'The preferred version.', { proto: 3 }),
});
export type APIGroup = Infer<typeof apiGroupSchema>;

export const apiGroupListSchema = object(m + 'APIGroupList', 'The served API groups.', {
  apiVersion: apiVersionField,
  kind: kindField,
  groups: requiredField(array(apiGroupSchema), 'The groups.', { proto: 1 }),
});
export type APIGroupList = Infer<typeof apiGroupListSchema>;

export const apiVersionsSchema = object(m + 'APIVersions', 'The versions of the core group.', {
  apiVersion: apiVersionField,
  kind: kindField,
  versions: requiredField(array(string()), 'Served versions.', { proto: 1 }),
  serverAddressByClientCIDRs: field(array(any()), 'Server addresses per client network.', {
    proto: 2,
  }),
});

export const partialObjectMetadataSchema = object(
  m + 'PartialObjectMetadata',
  'Only the metadata of an object.',
  typeAndObjectMeta(),
  { gvk: [{ group: 'meta.k8s.io', version: 'v1', kind: 'PartialObjectMetadata' }] },
);
