// Pod sources of the node agent besides the API: static pods from manifest files.
export { FileSource, type FileSourceOptions, type PodSourceHandler } from './file-source.ts';
export {
  decodeStaticPod,
  applyStaticPodDefaults,
  staticPodUid,
  maxManifestBytes,
  type DecodeStaticPodOptions,
  type DecodeStaticPodResult,
} from './decode-static-pod.ts';
export {
  configFirstSeenAnnotationKey,
  configHashAnnotationKey,
  configMirrorAnnotationKey,
  configSourceAnnotationKey,
  fileSource,
  generatePodName,
  isMirrorPod,
  isMirrorPodOf,
  isStaticPod,
  mirrorPodHash,
  podFullName,
  staticPodHash,
} from './static-pod.ts';
