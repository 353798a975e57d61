/**
 * The slice of OpenAPI 3.0 we generate: JSON shapes only, with the Kubernetes vendor extensions
 * kubectl reads (`x-kubernetes-group-version-kind`, `x-kubernetes-action`, the patch and list
 * extensions). Plain data, serialized with JSON.stringify.
 */

export interface GvkExtension {
  readonly group: string;
  readonly kind: string;
  readonly version: string;
}

/** A JSON Schema object as OpenAPI 3.0 and the Kubernetes extensions use it. */
export interface OpenApiSchema {
  $ref?: string;
  allOf?: OpenApiSchema[];
  oneOf?: OpenApiSchema[];
  type?: 'string' | 'integer' | 'number' | 'boolean' | 'object' | 'array';
  format?: string;
  description?: string;
  enum?: unknown[];
  default?: unknown;
  properties?: Record<string, OpenApiSchema>;
  required?: string[];
  items?: OpenApiSchema;
  additionalProperties?: OpenApiSchema;
  'x-kubernetes-group-version-kind'?: GvkExtension[];
  'x-kubernetes-patch-strategy'?: string;
  'x-kubernetes-patch-merge-key'?: string;
  'x-kubernetes-list-type'?: 'atomic' | 'set' | 'map';
  'x-kubernetes-list-map-keys'?: string[];
  'x-kubernetes-map-type'?: 'atomic' | 'granular';
  'x-kubernetes-preserve-unknown-fields'?: boolean;
}

export interface OpenApiParameter {
  name: string;
  in: 'path' | 'query';
  description: string;
  required?: boolean;
  schema: { type: 'string' | 'integer' | 'boolean'; uniqueItems?: boolean };
}

export interface OpenApiMediaType {
  schema: OpenApiSchema;
}

export interface OpenApiResponse {
  description: string;
  content?: Record<string, OpenApiMediaType>;
}

export interface OpenApiRequestBody {
  content: Record<string, OpenApiMediaType>;
  required?: boolean;
}

/** What an operation does, as upstream's `x-kubernetes-action` names it. */
export type OperationAction =
  | 'get'
  | 'list'
  | 'watch'
  | 'watchlist'
  | 'post'
  | 'put'
  | 'patch'
  | 'delete'
  | 'deletecollection'
  | 'connect';

export interface OpenApiOperation {
  description: string;
  operationId: string;
  tags: string[];
  parameters?: OpenApiParameter[];
  requestBody?: OpenApiRequestBody;
  responses: Record<string, OpenApiResponse>;
  'x-kubernetes-action'?: OperationAction;
  'x-kubernetes-group-version-kind'?: GvkExtension;
}

export type HttpMethod = 'get' | 'put' | 'post' | 'delete' | 'options' | 'head' | 'patch';

export type OpenApiPathItem = { parameters?: OpenApiParameter[] } & {
  [M in HttpMethod]?: OpenApiOperation;
};

export interface OpenApiDocument {
  openapi: '3.0.0';
  info: { title: string; version: string };
  paths: Record<string, OpenApiPathItem>;
  components: {
    schemas: Record<string, OpenApiSchema>;
    securitySchemes: Record<string, unknown>;
  };
}
