// core/v1 validation: upstream v1.32 `pkg/apis/core/validation` for the kinds podbay serves.
export {
  validatePodTemplateSpec,
  validatePodSpec,
  validateTolerations,
  validateAffinity,
  validateNodeSelector,
} from './pod-spec.ts';
export type { PodSpecValidationOptions } from './pod-spec.ts';
export {
  validatePod,
  validatePodUpdate,
  validatePodStatusUpdate,
  validatePodEphemeralContainersUpdate,
  validateBinding,
  validatePodTemplate,
  validatePodTemplateUpdate,
} from './pod.ts';
export { validateClaimSpec, validateTemplateObjectMeta } from './claims.ts';
export {
  validateService,
  validateServiceUpdate,
  validateServiceStatusUpdate,
  validateEndpoints,
  validateEndpointsUpdate,
  validateNonSpecialIP,
} from './service.ts';
export {
  validateConfigMap,
  validateConfigMapUpdate,
  validateSecret,
  validateSecretUpdate,
  validateServiceAccount,
  validateServiceAccountUpdate,
} from './config.ts';
export {
  validateNamespace,
  validateNamespaceUpdate,
  validateNamespaceStatusUpdate,
  validateNamespaceFinalizeUpdate,
  validateNode,
  validateNodeUpdate,
  validateNodeTaints,
  validateEvent,
  validateEventUpdate,
} from './cluster.ts';
export {
  validatePersistentVolume,
  validatePersistentVolumeUpdate,
  validatePersistentVolumeStatusUpdate,
  validatePersistentVolumeClaim,
  validatePersistentVolumeClaimUpdate,
  validatePersistentVolumeClaimStatusUpdate,
} from './storage.ts';
export {
  validateLimitRange,
  validateLimitRangeUpdate,
  validateResourceQuota,
  validateResourceQuotaUpdate,
  validateResourceQuotaStatusUpdate,
  validateReplicationController,
  validateReplicationControllerUpdate,
  validateReplicationControllerStatusUpdate,
} from './policy.ts';
export { validateResourceRequirements } from './containers.ts';
export { validateCommonUpdateFields, metaUpdate } from './common.ts';
