export { RuncRuntime, type RuncRuntimeOptions } from './runc-runtime.ts';
