/**
 * Field manager names: the `fieldManager` query parameter of create, update and patch, and the
 * name upstream derives when a request has none.
 *
 * kubectl always sends one: `kubectl-client-side-apply` (apply), `kubectl` (apply --server-side),
 * `kubectl-create`, `kubectl-edit`, `kubectl-label`, `kubectl-annotate`, `kubectl-patch`,
 * `kubectl-scale`, `kubectl-set`, `kubectl-rollout`, `kubectl-replace`, ... Other clients often send
 * none; then the manager is the User-Agent up to its first `/` (`kube-controller-manager`,
 * `kubelet`, `node-fetch`), and `unknown` when that is empty.
 */
import { type FieldError, invalid } from '../../api/index.ts';
import { type ApplyError, invalidOptions } from './errors.ts';

/** Upstream's maximum length of a field manager, in bytes. */
export const fieldManagerMaxLength = 128;

const printable = /^[\p{L}\p{M}\p{N}\p{P}\p{S} ]$/u;
const encoder = new TextEncoder();

/**
 * The manager name upstream derives from a User-Agent: the part before the first `/`, without
 * unprintable characters, cut to 128 bytes. `kubectl/v1.32.0 (linux/amd64) kubernetes/...` →
 * `kubectl`.
 */
export function defaultFieldManager(userAgent: string | undefined): string {
  const prefix = (userAgent ?? '').split('/')[0] ?? '';
  let out = '';
  let bytes = 0;
  for (const ch of prefix) {
    if (!printable.test(ch)) continue;
    const n = encoder.encode(ch).length;
    if (bytes + n > fieldManagerMaxLength) break;
    out += ch;
    bytes += n;
  }
  return out;
}

/**
 * The manager of a write: the `fieldManager` parameter when given, else derived from the
 * User-Agent. (`updateManagedFields` turns an empty result into `unknown`, as upstream does.)
 */
export function fieldManagerFor(
  fieldManager: string | undefined,
  userAgent: string | undefined,
): string {
  return fieldManager !== undefined && fieldManager !== ''
    ? fieldManager
    : defaultFieldManager(userAgent);
}

/** Checks a `fieldManager` parameter: at most 128 bytes, printable characters only. */
export function validateFieldManager(fieldManager: string): FieldError[] {
  const errs: FieldError[] = [];
  if (encoder.encode(fieldManager).length > fieldManagerMaxLength) {
    errs.push({
      type: 'FieldValueTooLong',
      field: 'fieldManager',
      badValue: '<value omitted>',
      detail: `may not be more than ${fieldManagerMaxLength} bytes`,
    });
  }
  let pos = 0;
  for (const ch of fieldManager) {
    if (!printable.test(ch)) {
      const cp = (ch.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0');
      errs.push(
        invalid('fieldManager', fieldManager, `invalid character U+${cp} (at position ${pos})`),
      );
    }
    pos += encoder.encode(ch).length;
  }
  return errs;
}

export interface WriteOptions {
  /** Which options object the request carried: PatchOptions, CreateOptions or UpdateOptions. */
  readonly kind: 'PatchOptions' | 'CreateOptions' | 'UpdateOptions';
  /** True for a PATCH with `application/apply-patch+yaml`. */
  readonly apply?: boolean;
  readonly fieldManager?: string | undefined;
  /** The `force` parameter, when the request had one. */
  readonly force?: boolean | undefined;
}

/**
 * Validates the field-manager options of a write as upstream `ValidatePatchOptions` (and its
 * create/update siblings) do: apply requires a fieldManager; `force` is only for apply. Returns the
 * 422 error to answer with, or undefined when the options are fine. E.g. an apply without manager:
 * `PatchOptions.meta.k8s.io "" is invalid: fieldManager: Required value: is required for apply patch`.
 */
export function validateWriteOptions(o: WriteOptions): ApplyError | undefined {
  const errs: FieldError[] = [];
  const manager = o.fieldManager ?? '';
  if (o.kind === 'PatchOptions') {
    if (o.apply === true) {
      if (manager === '') {
        errs.push({
          type: 'FieldValueRequired',
          field: 'fieldManager',
          detail: 'is required for apply patch',
        });
      }
    } else if (o.force !== undefined) {
      errs.push({
        type: 'FieldValueForbidden',
        field: 'force',
        detail: 'may not be specified for non-apply patch',
      });
    }
  }
  errs.push(...validateFieldManager(manager));
  return errs.length === 0 ? undefined : invalidOptions(o.kind, errs);
}
