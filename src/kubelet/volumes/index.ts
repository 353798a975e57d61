export {
  VolumeError,
  type PodVolume,
  type PodVolumeManager,
  type SubPathRequest,
  type VolumeSetUpContext,
  type VolumeSourceProvider,
  type Mounter,
} from './types.ts';
export { VolumeManager, type VolumeManagerOptions } from './volume-manager.ts';
export { LinuxMounter } from './linux-mounter.ts';
export { resolveSubPath, validateSubPath, openSubPath, SubPathError } from './subpath.ts';
export { checkHostPathType } from './host-path.ts';
export { emptyDirMemorySize, podMemoryLimit } from './empty-dir.ts';
export {
  AtomicWriter,
  AtomicWriterError,
  validatePayloadPath,
  type FileProjection,
  type Payload,
} from './atomic-writer.ts';
export {
  makeVolumePayload,
  configMapPayload,
  secretPayload,
  downwardAPIPayload,
} from './volume-payload.ts';
