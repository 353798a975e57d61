// The public surface of the OpenAPI documents: the handlers the API server mounts at /openapi/v3
// and /openapi/v2.
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
export {
  createOpenApiV2,
  openApiV2Path,
  openApiV2ProtobufAccept,
  openApiV2ProtobufType,
  type HeaderLookup,
  type OpenApiV2Handler,
  type OpenApiV2Options,
  type OpenApiV2Response,
} from './openapi-v2.ts';
export { openApiV2Document } from './openapi-v2-document.ts';
export { encodeOpenApiV2Protobuf } from './openapi-v2-protobuf.ts';
export type { SwaggerDocument, SwaggerSchema, SwaggerOperation } from './openapi-v2-types.ts';
