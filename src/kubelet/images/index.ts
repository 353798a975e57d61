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
