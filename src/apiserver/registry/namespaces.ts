/**
 * Namespaces (upstream `pkg/registry/core/namespace`): a new namespace is Active with the
 * `kubernetes` finalizer in spec.finalizers; deleting it marks it Terminating, and it stays until the
 * namespace controller has emptied it and removed that finalizer (through `namespaces/finalize`).
 * The spec and status of a namespace change only through those paths, never by a plain update.
 */
import type { Namespace, ResourceDef } from '../../api/index.ts';
import { defaultStrategy, keepStatus, type Strategy } from '../storage/strategy.ts';

/** The finalizer the namespace controller owns. */
export const kubernetesFinalizer = 'kubernetes';

export function namespaceStrategy(def: ResourceDef<Namespace>): Strategy<Namespace> {
  return defaultStrategy(def, {
    prepareForCreate(ns) {
      ns.spec = { ...ns.spec, finalizers: [kubernetesFinalizer] };
      ns.status = { phase: 'Active' };
    },
    prepareForUpdate(ns, old) {
      ns.spec = { ...ns.spec, finalizers: old.spec?.finalizers ?? [] };
      if (!old.spec?.finalizers) delete ns.spec.finalizers;
      keepStatus(ns, old);
    },
    hasPendingFinalization: (ns) => (ns.spec?.finalizers?.length ?? 0) > 0,
    onDeletionStart(ns) {
      ns.status = { ...ns.status, phase: 'Terminating' };
    },
    returnsDeletedObject: true,
  });
}
