// discovery.k8s.io/v1: EndpointSlice and its defaulting.
export * from './endpoint-slice.ts';
export * from './defaults.ts';
export * from './validation.ts';
export * from './resources.ts';
