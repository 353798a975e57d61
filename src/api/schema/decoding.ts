// Request body decoding: JSON and YAML parsing, and decoding against a schema with
// fieldValidation (Strict, Warn, Ignore), with upstream's messages.
export * from './body.ts';
export * from './json-body.ts';
export * from './yaml-body.ts';
export * from './decode.ts';
export * from './go-types.ts';
export * from './go-time.ts';
export {
  encodeProtobuf,
  parseProtobufBody,
  ProtobufDecodeError,
  type ProtobufBody,
} from './protobuf.ts';
