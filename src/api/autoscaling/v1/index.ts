// autoscaling/v1: Scale, the body of every scale subresource. Scale has no upstream defaulting.
export * from './scale.ts';
export * from './validation.ts';
