export {
  type ImageConfig,
  type ImageRecord,
  type ImageService,
  ImageError,
  ImageNotFoundError,
} from './types.ts';
export {
  FakeImageService,
  type FakeImageServiceOptions,
  fakeImageRecord,
} from './fake-image-service.ts';
export {
  normalizeReference,
  normalizeTaggedName,
  parseReference,
  splitTaggedName,
  type ImageReference,
} from './reference.ts';
export {
  ImageStore,
  type ImageStoreOptions,
  type ImportOptions,
  type ImportedImage,
  type ImportResult,
  type RootfsMode,
} from './image-store.ts';
export type { ArchiveFormat } from './scan-archive.ts';
