// The public surface of the api module. Group versions and utilities add their exports here.
export * from './schema/schema.ts';
export * from './meta/v1.ts';
export { metaTime } from './meta/time.ts';
export * from './validation/field-errors.ts';
export * from './scheme.ts';
export * from './coordination/v1/index.ts';
export * from './autoscaling/v1/index.ts';
export * from './core/v1/index.ts';
export * from './discovery/v1/index.ts';
export * from './apps/v1/index.ts';
export * from './batch/v1/index.ts';
export * from './labels/index.ts';
export * from './fields/index.ts';
export * from './quantity/index.ts';
export * from './validation/index.ts';
export * from './schema/decoding.ts';
// Go's encoding/json syntax check and its messages, for the patch decoders.
export * from './schema/go-json-scan.ts';
// The protobuf wire writer, for encoders outside the Kubernetes codec (the OpenAPI v2 protobuf).
export { WireWriter } from './schema/protobuf-wire.ts';
