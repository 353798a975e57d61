export { type PodNetwork, type PodNetworkAttachment, NetworkError } from './types.ts';
export {
  FakeNetwork,
  type FakeNetworkOptions,
  type FakeNetworkOperation,
  type FakeNetworkCall,
} from './fake-network.ts';
export { CniNetwork, type CniNetworkOptions } from './cni-network.ts';
export { parseIPv4CIDR } from './cni-config.ts';
