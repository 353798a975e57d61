/**
 * The slice of Swagger 2.0 (OpenAPI v2) that `/openapi/v2` serves: JSON shapes only, with the
 * Kubernetes vendor extensions. Plain data: serialized with JSON.stringify, or as gnostic's
 * `openapi.v2.Document` protobuf message by `openapi-v2-protobuf.ts`.
 *
 * Unlike OpenAPI 3.0, Swagger 2.0 keeps siblings of `$ref` (a field's description and patch
 * extensions sit next to the reference, as upstream's v2 document has them), has no `oneOf`, and
 * describes request bodies as a parameter `in: body`.
 */
import type { GvkExtension, OperationAction } from './types.ts';

/** A JSON Schema object as Swagger 2.0 and the Kubernetes extensions use it. */
export interface SwaggerSchema {
  $ref?: string;
  type?: 'string' | 'integer' | 'number' | 'boolean' | 'object' | 'array';
  format?: string;
  description?: string;
  enum?: unknown[];
  properties?: Record<string, SwaggerSchema>;
  required?: string[];
  items?: SwaggerSchema;
  additionalProperties?: SwaggerSchema;
  'x-kubernetes-group-version-kind'?: GvkExtension[];
  'x-kubernetes-patch-strategy'?: string;
  'x-kubernetes-patch-merge-key'?: string;
  'x-kubernetes-list-type'?: 'atomic' | 'set' | 'map';
  'x-kubernetes-list-map-keys'?: string[];
  'x-kubernetes-map-type'?: 'atomic' | 'granular';
  'x-kubernetes-preserve-unknown-fields'?: boolean;
}

/** The vendor extensions a schema may carry, in the order they are written. */
export const schemaExtensions = [
  'x-kubernetes-group-version-kind',
  'x-kubernetes-list-map-keys',
  'x-kubernetes-list-type',
  'x-kubernetes-map-type',
  'x-kubernetes-patch-merge-key',
  'x-kubernetes-patch-strategy',
  'x-kubernetes-preserve-unknown-fields',
] as const satisfies readonly (keyof SwaggerSchema)[];

/** A path or query parameter. */
export interface SwaggerNonBodyParameter {
  name: string;
  in: 'path' | 'query';
  description: string;
  required?: boolean;
  type: 'string' | 'integer' | 'boolean';
  uniqueItems?: boolean;
}

/** The request body, as a parameter. */
export interface SwaggerBodyParameter {
  name: 'body';
  in: 'body';
  required?: boolean;
  schema: SwaggerSchema;
}

export type SwaggerParameter = SwaggerNonBodyParameter | SwaggerBodyParameter;

export interface SwaggerResponse {
  description: string;
  schema?: SwaggerSchema;
}

export interface SwaggerOperation {
  description: string;
  consumes: string[];
  produces: string[];
  schemes: string[];
  tags: string[];
  operationId: string;
  parameters?: SwaggerParameter[];
  responses: Record<string, SwaggerResponse>;
  'x-kubernetes-action'?: OperationAction;
  'x-kubernetes-group-version-kind'?: GvkExtension;
}

export type SwaggerMethod = 'get' | 'put' | 'post' | 'delete' | 'options' | 'head' | 'patch';

export type SwaggerPathItem = { parameters?: SwaggerParameter[] } & {
  [M in SwaggerMethod]?: SwaggerOperation;
};

export interface SwaggerApiKeySecurity {
  type: 'apiKey';
  name: string;
  in: 'header' | 'query';
  description: string;
}

export interface SwaggerDocument {
  swagger: '2.0';
  info: { title: string; version: string };
  paths: Record<string, SwaggerPathItem>;
  definitions: Record<string, SwaggerSchema>;
  security: Record<string, string[]>[];
  securityDefinitions: Record<string, SwaggerApiKeySecurity>;
}
