// The public surface of the OpenAPI v3 documents: the handler the API server mounts at /openapi/v3.
export {
  createOpenApi,
  openApiHash,
  type OpenApiHandler,
  type OpenApiOptions,
  type OpenApiResponseBody,
} from './openapi.ts';
export {
  OpenApiDocuments,
  documentKey,
  type OpenApiDocumentsOptions,
} from './openapi-documents.ts';
export type { OpenApiDocument, OpenApiSchema, OpenApiOperation, GvkExtension } from './types.ts';
