export { type CgroupManager, type PodCgroupResources, type QOSClass } from './types.ts';
export {
  FakeCgroupManager,
  type FakeCgroupManagerOptions,
  type FakeCgroupOperation,
  type FakePodCgroup,
} from './fake-cgroups.ts';
export { podCgroupName, qosTier } from './paths.ts';
export {
  CgroupfsManager,
  CgroupError,
  cpuSharesToWeight,
  type CgroupfsManagerOptions,
} from './cgroupfs-manager.ts';
