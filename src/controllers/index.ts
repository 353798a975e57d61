// The controllers podbay runs in `podbay server` (the controller manager's job upstream).
export {
  NamespaceController,
  type NamespaceControllerOptions,
} from './namespace/namespace-controller.ts';
