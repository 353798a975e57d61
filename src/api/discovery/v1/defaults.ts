/**
 * Defaulting of discovery.k8s.io/v1, as upstream `pkg/apis/discovery/v1/defaults.go`: every port
 * of a slice gets `name: ""` and `protocol: TCP` when unset. Mutates in place; idempotent.
 */
import type { DiscoveryEndpointPort, EndpointSlice } from './endpoint-slice.ts';

/** Defaults one EndpointSlice port (upstream SetDefaults_EndpointPort). */
export function defaultDiscoveryEndpointPort(port: DiscoveryEndpointPort): void {
  port.name ??= '';
  port.protocol ??= 'TCP';
}

/** Defaults an EndpointSlice in place: its ports. Called by admission on create and update. */
export function defaultEndpointSlice(obj: EndpointSlice): void {
  for (const port of obj.ports ?? []) defaultDiscoveryEndpointPort(port);
}
