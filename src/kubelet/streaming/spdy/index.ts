// SPDY/3.1 as Kubernetes' streaming protocols use it (moby/spdystream's behaviour).
export { SpdyConnection, SpdyStream, type SpdyConnectionOptions } from './spdy-connection.ts';
export {
  type SpdyFrame,
  type SpdyHeaders,
  SpdyProtocolError,
  FrameReader,
  decodeHeaderBlock,
  encodeHeaderBlock,
  headerValue,
} from './frames.ts';
export { HeaderCompressor, HeaderDecompressor } from './header-compression.ts';
export { SPDY3_DICTIONARY } from './dictionary.ts';
