/**
 * Generic validation helpers other validators build on (upstream apimachinery
 * `pkg/api/validation/generic.go` and the small helpers of core validation): name rules for
 * `metadata.name`, non-negative numbers, ports, quantities.
 *
 * All return `FieldErrorList`s whose messages match upstream's, so a 422 reads as on a real cluster.
 */
import type { NameRule } from '../scheme.ts';
import { Quantity } from '../quantity/quantity.ts';
import type { FieldErrorList, Path } from './field-errors.ts';
import { GoLiteral } from './go-format.ts';
import { internalError, invalid } from './field-errors.ts';
import {
  isDNS1035Label,
  isDNS1123Label,
  isDNS1123Subdomain,
  isValidPathSegmentName,
  isValidPortName,
  isValidPortNum,
} from './names.ts';

/** `must be greater than or equal to 0` */
export const isNegativeErrorMsg = 'must be greater than or equal to 0';
/** `must be greater than zero` */
export const isNotPositiveErrorMsg = 'must be greater than zero';
/** `must be an integer` */
export const isNotIntegerErrorMsg = 'must be an integer';
/** `field is immutable` */
export const fieldImmutableErrorMsg = 'field is immutable';

/**
 * Validates a name (or, with `prefix`, a generateName) and returns the problems. Upstream's
 * `ValidateNameFunc`.
 */
export type ValidateNameFunc = (name: string, prefix: boolean) => string[];

/**
 * A generateName may end in `-`: upstream checks it with its last two characters replaced by `a`
 * (so `web-` is checked as `wea`), a quirk we keep so the same prefixes pass and fail.
 */
function maskTrailingDash(name: string): string {
  return name.length > 1 && name.endsWith('-') ? name.slice(0, -2) + 'a' : name;
}

export const nameIsDNSSubdomain: ValidateNameFunc = (name, prefix) =>
  isDNS1123Subdomain(prefix ? maskTrailingDash(name) : name);

export const nameIsDNSLabel: ValidateNameFunc = (name, prefix) =>
  isDNS1123Label(prefix ? maskTrailingDash(name) : name);

export const nameIsDNS1035Label: ValidateNameFunc = (name, prefix) =>
  isDNS1035Label(prefix ? maskTrailingDash(name) : name);

export const nameIsPathSegment: ValidateNameFunc = (name, prefix) =>
  isValidPathSegmentName(name, prefix);

/** Namespace names are DNS-1123 labels. */
export const validateNamespaceName: ValidateNameFunc = nameIsDNSLabel;

/** The name validator of a resource's `nameRule`. */
export function nameValidatorFor(rule: NameRule): ValidateNameFunc {
  switch (rule) {
    case 'subdomain':
      return nameIsDNSSubdomain;
    case 'label':
      return nameIsDNSLabel;
    case 'dns1035':
      return nameIsDNS1035Label;
    case 'path-segment':
      return nameIsPathSegment;
  }
}

/** `Invalid value: -1: must be greater than or equal to 0` when `value < 0`. */
export function validateNonnegativeField(value: number, path: Path | string): FieldErrorList {
  return value < 0 ? [invalid(path, value, isNegativeErrorMsg)] : [];
}

/** `Invalid value: 0: must be greater than zero` when `value <= 0`. */
export function validatePositiveField(value: number, path: Path | string): FieldErrorList {
  return value <= 0 ? [invalid(path, value, isNotPositiveErrorMsg)] : [];
}

/**
 * A port given as a number (1..65535) or as an IANA service name (`http`): upstream
 * `ValidatePortNumOrName` for `intstr.IntOrString` ports (probes, targetPort).
 */
export function validatePortNumOrName(port: number | string, path: Path | string): FieldErrorList {
  if (typeof port === 'number') {
    return isValidPortNum(port).map((m) => invalid(path, port, m));
  }
  if (typeof port === 'string') {
    return isValidPortName(port).map((m) => invalid(path, port, m));
  }
  return [internalError(path, `unknown type: ${String(port)}`)];
}

/** A port number 1..65535: upstream `validatePortNum`-style checks with `IsValidPortNum`. */
export function validatePortNum(port: number, path: Path | string): FieldErrorList {
  return isValidPortNum(port).map((m) => invalid(path, port, m));
}

/** `must be greater than or equal to 0`, with the canonical quantity quoted, when negative. */
export function validateNonnegativeQuantity(
  value: Quantity | string,
  path: Path | string,
): FieldErrorList {
  const q = typeof value === 'string' ? Quantity.parse(value) : value;
  return q.sign() < 0 ? [invalid(path, q.toString(), isNegativeErrorMsg)] : [];
}

/** `must be greater than zero`, with the canonical quantity quoted, when not positive. */
export function validatePositiveQuantityValue(
  value: Quantity | string,
  path: Path | string,
): FieldErrorList {
  const q = typeof value === 'string' ? Quantity.parse(value) : value;
  return q.sign() <= 0 ? [invalid(path, q.toString(), isNotPositiveErrorMsg)] : [];
}

/**
 * A quantity of a resource counted in whole units (pods, hugepage counts, extended resources):
 * non-negative and integral. The integrality error shows the quantity unquoted, as upstream (which
 * passes the `Quantity` itself, a `fmt.Stringer`).
 */
export function validateIntegerQuantity(
  value: Quantity | string,
  path: Path | string,
): FieldErrorList {
  const q = typeof value === 'string' ? Quantity.parse(value) : value;
  const errs = validateNonnegativeQuantity(q, path);
  if (q.milliValue() % 1000n !== 0n) {
    errs.push(invalid(path, new GoLiteral(q.toString()), isNotIntegerErrorMsg));
  }
  return errs;
}

/** `Invalid value: <new>: field is immutable` when the values differ (deep, JSON-wise). */
export function validateImmutableField(
  newValue: unknown,
  oldValue: unknown,
  path: Path | string,
): FieldErrorList {
  return deepEqual(newValue, oldValue) ? [] : [invalid(path, newValue, fieldImmutableErrorMsg)];
}

/** Structural equality of JSON-like values (undefined and missing keys are equal). */
export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a) && Array.isArray(b)) {
    if (a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!deepEqual(a[i], b[i])) return false;
    return true;
  }
  const ao = a as Record<string, unknown>;
  const bo = b as Record<string, unknown>;
  for (const k of Object.keys(ao)) {
    if (ao[k] !== undefined && !deepEqual(ao[k], bo[k])) return false;
  }
  for (const k of Object.keys(bo)) {
    if (bo[k] !== undefined && ao[k] === undefined) return false;
  }
  return true;
}
