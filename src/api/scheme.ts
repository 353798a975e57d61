/**
 * The scheme: what the API serves. One `ResourceDef` per resource (pods, deployments, ...) with
 * everything the generic API machinery needs to serve it: names for discovery, the schema for
 * decoding and OpenAPI, and the kind's own defaulting and validation.
 *
 * Each group version (`core/v1`, `apps/v1`, ...) exports its ResourceDefs; `scheme` (in index.ts)
 * collects them. Behaviour that needs the store or the clock (graceful deletion, binding, status
 * wiping) is not here but in the API server's registry strategies.
 */
import type { ObjectMeta, List } from './meta/v1.ts';
import type { ObjectSchema } from './schema/schema.ts';
import type { FieldErrorList } from './validation/field-errors.ts';

/** Any persisted object: apiVersion, kind, metadata, and whatever else its schema says. */
export interface KubeObject {
  apiVersion?: string;
  kind?: string;
  metadata?: ObjectMeta;
}

export type Verb =
  'get' | 'list' | 'watch' | 'create' | 'update' | 'patch' | 'delete' | 'deletecollection';

export const allVerbs: readonly Verb[] = [
  'create',
  'delete',
  'deletecollection',
  'get',
  'list',
  'patch',
  'update',
  'watch',
];

export interface SubresourceDef {
  /** `status`, `scale`, `binding`, `log`, `exec`, `attach`, `portforward`, `ephemeralcontainers`, ... */
  readonly name: string;
  /** Kind named in discovery (Pod for pods/status, Scale for deployments/scale, Binding, ...). */
  readonly kind: string;
  /** Group and version of that kind when they differ from the resource's (autoscaling/v1 Scale). */
  readonly group?: string;
  readonly version?: string;
  readonly verbs: readonly Verb[];
}

/** How `metadata.name` is validated: DNS-1123 subdomain (most kinds), DNS-1123 label, DNS-1035 label, or only as a path segment. */
export type NameRule = 'subdomain' | 'label' | 'dns1035' | 'path-segment';

/** Context given to validation: what the request is and whether old objects exist. */
export interface ValidationContext {
  /** The namespace of the request (empty for cluster-scoped). */
  readonly namespace: string;
}

export interface ResourceDef<T extends KubeObject = KubeObject> {
  /** '' for the core (legacy) group. */
  readonly group: string;
  readonly version: string;
  readonly kind: string;
  /** Plural, lower case: `pods`. */
  readonly resource: string;
  readonly singular: string;
  readonly namespaced: boolean;
  readonly shortNames: readonly string[];
  readonly categories: readonly string[];
  readonly verbs: readonly Verb[];
  readonly subresources: readonly SubresourceDef[];
  readonly schema: ObjectSchema<T>;
  readonly listSchema: ObjectSchema<List<T>>;
  readonly nameRule: NameRule;
  /**
   * True when the kind has a `status` that only the status subresource may change (and that the
   * main resource's writes preserve).
   */
  readonly hasStatusSubresource: boolean;
  /** True when changes outside metadata and status bump `metadata.generation`. */
  readonly tracksGeneration: boolean;
  /** PUT without resourceVersion allowed (upstream AllowUnconditionalUpdate). */
  readonly allowUnconditionalUpdate: boolean;
  /** PUT to a missing name creates it (upstream AllowCreateOnUpdate). */
  readonly allowCreateOnUpdate: boolean;
  /** Field selectors beyond metadata.name and metadata.namespace: label -> value getter. */
  readonly fieldSelectors: Readonly<Record<string, (obj: T) => string | undefined>>;
  /** Sets upstream defaults in place. Must be idempotent. */
  readonly defaults: (obj: T) => void;
  /** Validation of a new object (metadata included). */
  readonly validate: (obj: T, ctx: ValidationContext) => FieldErrorList;
  /** Validation of an update of the main resource. */
  readonly validateUpdate: (obj: T, old: T, ctx: ValidationContext) => FieldErrorList;
  /** Validation of an update through the status subresource. */
  readonly validateStatusUpdate?: (obj: T, old: T, ctx: ValidationContext) => FieldErrorList;
}

/** `group/version`, or just `version` for the core group. */
export function groupVersion(def: { group: string; version: string }): string {
  return def.group ? `${def.group}/${def.version}` : def.version;
}
