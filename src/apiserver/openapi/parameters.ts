/**
 * The path and query parameters of the generated operations: which ones each kind of operation
 * takes follows upstream's API installer (read: pretty; list and watch: the list options; create,
 * replace: dryRun, fieldManager, fieldValidation; patch: those and force; delete: the delete
 * options; deletecollection: delete and list options without watch). Descriptions are ours.
 *
 * kubectl's `--validate=strict` looks for `fieldValidation` among the parameters of the PATCH
 * operation itself (not of its path item), so write parameters always stay on their operation.
 */
import type { Field, ObjectSchema } from '../../api/index.ts';
import type { OpenApiParameter } from './types.ts';

type ParamType = OpenApiParameter['schema']['type'];

function query(name: string, type: ParamType, description: string): OpenApiParameter {
  return { name, in: 'query', description, schema: { type, uniqueItems: true } };
}

export function pathParameter(name: string, description: string): OpenApiParameter {
  return {
    name,
    in: 'path',
    description,
    required: true,
    schema: { type: 'string', uniqueItems: true },
  };
}

export const namespaceParameter = pathParameter(
  'namespace',
  'Namespace of the objects; the scope of the request.',
);

export const nameParameter = (kind: string): OpenApiParameter =>
  pathParameter('name', `Name of the ${kind}.`);

export const proxyPathParameter = pathParameter('path', 'Path to forward to the target.');

export const prettyParameter = query(
  'pretty',
  'string',
  "When 'true', the response is indented for reading. Accepted for compatibility.",
);

const dryRun = query(
  'dryRun',
  'string',
  'All: run every stage of the request (admission, validation, defaulting) but persist nothing. Any other value is an error.',
);
const fieldManager = query(
  'fieldManager',
  'string',
  'Name of the actor making the change, recorded in managedFields. At most 128 printable characters.',
);
const patchFieldManager = query(
  'fieldManager',
  'string',
  'Name of the actor making the change, recorded in managedFields. At most 128 printable characters. Required for apply patches (application/apply-patch+yaml), optional for the other patch types.',
);
const fieldValidation = query(
  'fieldValidation',
  'string',
  'What to do with unknown or duplicate fields in the body: Ignore drops them silently, Warn drops them and answers with a Warning header for each (the default), Strict rejects the request with a BadRequest naming every such field.',
);
const force = query(
  'force',
  'boolean',
  'Apply patches only: take ownership of fields other managers own instead of failing with a conflict. Must be unset for other patch types.',
);

const allowWatchBookmarks = query(
  'allowWatchBookmarks',
  'boolean',
  'Ask for BOOKMARK events on a watch, which carry only a newer resourceVersion. The server sends them when it sees fit; ignored for a plain list.',
);
const continueParameter = query(
  'continue',
  'string',
  'The continue token of the previous page of a paginated list, to get the next page with the same query. An expired token answers 410 Gone. Not allowed with watch.',
);
const fieldSelector = query(
  'fieldSelector',
  'string',
  'Only objects whose fields match, e.g. metadata.name=web or spec.nodeName!=node-1. Defaults to everything.',
);
const labelSelector = query(
  'labelSelector',
  'string',
  'Only objects whose labels match, e.g. app=web,tier in (a,b). Defaults to everything.',
);
const limit = query(
  'limit',
  'integer',
  'Return at most this many objects; when more remain, the list carries a continue token for the next page. Not allowed with watch.',
);
const resourceVersion = query(
  'resourceVersion',
  'string',
  'Which version of the data to serve: unset for the latest (a consistent read), "0" for any cached version, or a specific resourceVersion, as resourceVersionMatch says. For a watch, the version to start after.',
);
const resourceVersionMatch = query(
  'resourceVersionMatch',
  'string',
  'How resourceVersion applies to a list: NotOlderThan or Exact. Defaults to unset.',
);
const sendInitialEvents = query(
  'sendInitialEvents',
  'boolean',
  'With watch=true: start the stream with ADDED events for the current state, then a BOOKMARK annotated k8s.io/initial-events-end. Requires resourceVersionMatch=NotOlderThan.',
);
const timeoutSeconds = query(
  'timeoutSeconds',
  'integer',
  'End the list or watch call after this many seconds, whatever happens.',
);
const watch = query(
  'watch',
  'boolean',
  'Stream changes to the selected objects (ADDED, MODIFIED, DELETED events) instead of returning a list. Start from resourceVersion.',
);

const gracePeriodSeconds = query(
  'gracePeriodSeconds',
  'integer',
  "Seconds before the object is deleted; 0 deletes immediately. Unset uses the kind's own default.",
);
const ignoreStoreReadError = query(
  'ignoreStoreReadErrorWithClusterBreakingPotential',
  'boolean',
  'Delete an object the server cannot read back (corrupt or undecodable), skipping finalizers and admission. Dangerous; needs extra permission.',
);
const orphanDependents = query(
  'orphanDependents',
  'boolean',
  'Deprecated, use propagationPolicy. True orphans the dependents, false deletes them. Not allowed together with propagationPolicy.',
);
const propagationPolicy = query(
  'propagationPolicy',
  'string',
  'What the garbage collector does with dependents: Orphan leaves them, Background deletes them after the owner, Foreground deletes them before the owner. Defaults to what the finalizers and the kind say.',
);

/** Sorted by name, as upstream lists them. */
function sorted(params: readonly OpenApiParameter[]): OpenApiParameter[] {
  return [...params].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

export const listParameters: readonly OpenApiParameter[] = sorted([
  prettyParameter,
  allowWatchBookmarks,
  continueParameter,
  fieldSelector,
  labelSelector,
  limit,
  resourceVersion,
  resourceVersionMatch,
  sendInitialEvents,
  timeoutSeconds,
  watch,
]);

export const readParameters: readonly OpenApiParameter[] = [prettyParameter];

export const createParameters: readonly OpenApiParameter[] = sorted([
  prettyParameter,
  dryRun,
  fieldManager,
  fieldValidation,
]);

export const replaceParameters: readonly OpenApiParameter[] = createParameters;

export const patchParameters: readonly OpenApiParameter[] = sorted([
  prettyParameter,
  dryRun,
  patchFieldManager,
  fieldValidation,
  force,
]);

const deleteOptionParameters = [
  dryRun,
  gracePeriodSeconds,
  ignoreStoreReadError,
  orphanDependents,
  propagationPolicy,
];

export const deleteParameters: readonly OpenApiParameter[] = sorted([
  prettyParameter,
  ...deleteOptionParameters,
]);

export const deleteCollectionParameters: readonly OpenApiParameter[] = sorted([
  prettyParameter,
  ...deleteOptionParameters,
  continueParameter,
  fieldSelector,
  labelSelector,
  limit,
  resourceVersion,
  resourceVersionMatch,
  sendInitialEvents,
  timeoutSeconds,
]);

/**
 * Query parameters from an options kind (PodLogOptions, PodExecOptions, ...): one per scalar or
 * list-of-scalars field, apiVersion and kind excepted, described by the field.
 */
export function optionsParameters(options: ObjectSchema | undefined): OpenApiParameter[] {
  if (!options) return [];
  const out: OpenApiParameter[] = [];
  for (const [name, field] of Object.entries(options.fields)) {
    if (name === 'apiVersion' || name === 'kind') continue;
    const param = optionParameter(name, field);
    if (param) out.push(param);
  }
  return sorted(out);
}

function optionParameter(name: string, field: Field): OpenApiParameter | undefined {
  const s = field.schema;
  const scalar = (k: typeof s.kind): ParamType | undefined => {
    switch (k) {
      case 'boolean':
        return 'boolean';
      case 'integer':
        return 'integer';
      case 'string':
      case 'time':
      case 'quantity':
      case 'int-or-string':
        return 'string';
      case 'number':
      case 'any':
      case 'array':
      case 'map':
      case 'object':
        return undefined;
    }
  };
  if (s.kind === 'array') {
    const type = scalar(s.items.kind);
    // Repeated parameters (?command=a&command=b) are not unique.
    return type
      ? { name, in: 'query', description: field.description, schema: { type } }
      : undefined;
  }
  const type = scalar(s.kind);
  return type ? query(name, type, field.description) : undefined;
}
