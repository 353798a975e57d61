export {
  type NodeConnectorHandle,
  type NodeConnectorOptions,
  createNodeConnector,
} from './node-connector.ts';
export {
  type KubeletClientOptions,
  type KubeletLocation,
  type KubeletRequest,
  type KubeletUpgrade,
  KubeletClient,
} from './kubelet-client.ts';
