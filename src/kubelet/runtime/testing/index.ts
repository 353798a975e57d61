export {
  runtimeConformance,
  type ConformanceWorkload,
  type ConformanceOptions,
  type RuntimeHarness,
} from './conformance.ts';
