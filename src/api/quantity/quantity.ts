/**
 * `resource.Quantity`: a fixed-point number with a suffix, as upstream apimachinery parses,
 * compares and serialises it.
 *
 *   parse         "1.5Gi"  -> 1610612736 (BinarySI)          -> serialises as "1536Mi"
 *                 "0.5"    -> 0.5 (DecimalSI)                 -> "500m"
 *                 "1000m"  -> 1 (DecimalSI)                   -> "1"
 *                 "1e3"    -> 1000 (DecimalExponent)          -> "1e3" (already canonical: kept)
 *                 "1024Mi" -> 1073741824 (BinarySI)           -> "1Gi"
 *                 "0.1n"   -> rounded up to 1e-9              -> "1n"
 *
 * Facts this follows (from upstream `quantity.go`, `amount.go`, `suffix.go` and their tests):
 *   - the grammar is `^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$`; suffixes are the decimal SI
 *     `n u m "" k M G T P E`, the binary SI `Ki Mi Gi Ti Pi Ei`, or an exponent `e<int>`/`E<int>`;
 *   - values are exact down to 1e-9; finer digits round up (away from zero) to the next nano;
 *   - binary-SI values are capped at 2^63-1, and binary-SI values strictly between -1 and 1
 *     become decimal-SI;
 *   - the canonical form of a decimal value uses the largest exponent that is a multiple of 3 and
 *     keeps an integer mantissa; a binary value between -1024 and 1024, or not integral, is shown
 *     as decimal-SI; otherwise the largest power-of-1024 suffix with an integer mantissa;
 *   - a string that parsed on upstream's int64 fast path and is already in canonical shape is
 *     kept verbatim (so "+1", "01" and "1e100" serialise as written).
 */

export type QuantityFormat = 'DecimalExponent' | 'BinarySI' | 'DecimalSI';

/** The regular expression upstream quotes in its format error. */
export const quantityPattern = '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$';

/** Upstream `ErrFormatWrong`, `ErrNumeric`, `ErrSuffix`. */
export const quantityFormatErrorMessage = `quantities must match the regular expression '${quantityPattern}'`;
export const quantityNumericErrorMessage = 'unable to parse numeric part of quantity';
export const quantitySuffixErrorMessage = "unable to parse quantity's suffix";

/** A string that is not a quantity. `message` is upstream's error text exactly. */
export class QuantityError extends Error {
  override readonly name = 'QuantityError';
}

const maxInt64 = 9223372036854775807n;
/** Exponent alignments beyond this many digits are refused rather than computed. */
const maxAlignDigits = 100_000;

const pow10Cache: bigint[] = [];
function pow10(n: number): bigint {
  if (n > maxAlignDigits) throw new QuantityError('quantity is too large to compute with');
  if (n < 64) {
    let p = pow10Cache[n];
    if (p === undefined) {
      p = 10n ** BigInt(n);
      pow10Cache[n] = p;
    }
    return p;
  }
  return 10n ** BigInt(n);
}

function abs(n: bigint): bigint {
  return n < 0n ? -n : n;
}

/** Number of decimal digits of |n| (1 for 0). */
function digitCount(n: bigint): number {
  return abs(n).toString().length;
}

const decimalSuffixes: Readonly<Record<string, number>> = {
  n: -9,
  u: -6,
  m: -3,
  '': 0,
  k: 3,
  M: 6,
  G: 9,
  T: 12,
  P: 15,
  E: 18,
};
const binarySuffixes: Readonly<Record<string, number>> = {
  Ki: 10,
  Mi: 20,
  Gi: 30,
  Ti: 40,
  Pi: 50,
  Ei: 60,
};
const decimalSuffixByExponent = new Map<number, string>(
  Object.entries(decimalSuffixes).map(([s, e]) => [e, s]),
);
const binarySuffixByExponent = new Map<number, string>(
  Object.entries(binarySuffixes).map(([s, e]) => [e, s]),
);

const isDigit = (c: number): boolean => c >= 0x30 && c <= 0x39;
const suffixChars = 'eEinumkKMGTP';

interface Split {
  positive: boolean;
  /** Digits before the point, without leading zeros ("0" when none). */
  num: string;
  /** Digits after the point. */
  denom: string;
  suffix: string;
}

/** Upstream's hand-written splitter, including its acceptance of "." and "1.". */
function splitQuantity(str: string): Split {
  let positive = true;
  let pos = 0;
  const end = str.length;
  if (pos < end) {
    if (str[0] === '-') {
      positive = false;
      pos++;
    } else if (str[0] === '+') {
      pos++;
    }
  }
  while (pos < end && str.charCodeAt(pos) === 0x30) pos++;
  if (pos >= end) return { positive, num: '0', denom: '', suffix: '' };
  let i = pos;
  while (i < end && isDigit(str.charCodeAt(i))) i++;
  let num = str.slice(pos, i);
  pos = i;
  if (num.length === 0) num = '0';
  let denom = '';
  if (pos < end && str[pos] === '.') {
    pos++;
    i = pos;
    while (i < end && isDigit(str.charCodeAt(i))) i++;
    denom = str.slice(pos, i);
    pos = i;
  }
  const suffixStart = pos;
  while (pos < end && suffixChars.includes(str[pos] ?? '')) pos++;
  if (pos < end && (str[pos] === '-' || str[pos] === '+')) pos++;
  while (pos < end && isDigit(str.charCodeAt(pos))) pos++;
  if (pos < end) throw new QuantityError(quantityFormatErrorMessage);
  return { positive, num, denom, suffix: str.slice(suffixStart) };
}

interface Interpreted {
  base: 2 | 10;
  exponent: number;
  format: QuantityFormat;
}

const int64Re = /^[+-]?[0-9]+$/;

function interpretSuffix(s: string): Interpreted {
  const dec = decimalSuffixes[s];
  if (dec !== undefined && Object.hasOwn(decimalSuffixes, s)) {
    return { base: 10, exponent: dec, format: 'DecimalSI' };
  }
  const bin = binarySuffixes[s];
  if (bin !== undefined && Object.hasOwn(binarySuffixes, s)) {
    return { base: 2, exponent: bin, format: 'BinarySI' };
  }
  if (s.length > 1 && (s[0] === 'e' || s[0] === 'E')) {
    const digits = s.slice(1);
    if (int64Re.test(digits)) {
      const parsed = BigInt(digits);
      if (parsed <= maxInt64 && parsed >= -maxInt64 - 1n) {
        // Upstream narrows the int64 exponent to int32, wrapping.
        return { base: 10, exponent: Number(BigInt.asIntN(32, parsed)), format: 'DecimalExponent' };
      }
    }
  }
  throw new QuantityError(quantitySuffixErrorMessage);
}

/** Rounds unscaled·10^exponent away from zero to a multiple of 10^-9. */
function roundToNano(unscaled: bigint, exponent: number): [bigint, number] {
  if (exponent >= -9 || unscaled === 0n) return [unscaled, exponent];
  const drop = -9 - exponent;
  if (drop > digitCount(unscaled)) return [unscaled < 0n ? -1n : 1n, -9];
  const divisor = pow10(drop);
  let q = unscaled / divisor;
  if (q * divisor !== unscaled) q += unscaled < 0n ? -1n : 1n;
  return [q, -9];
}

/** The value 10^`exp`, aligned: returns both operands scaled to the smaller exponent. */
function align(
  a: bigint,
  ae: number,
  b: bigint,
  be: number,
): { a: bigint; b: bigint; exponent: number } {
  if (ae === be) return { a, b, exponent: ae };
  if (ae > be) return { a: a * pow10(ae - be), b, exponent: be };
  return { a, b: b * pow10(be - ae), exponent: ae };
}

/** Removes factors of `factor` from n (n != 0); returns the rest and how many were removed. */
function removeFactors(n: bigint, factor: bigint): [bigint, number] {
  let times = 0;
  if (n === 0n) return [n, 0];
  while (n % factor === 0n) {
    n /= factor;
    times++;
  }
  return [n, times];
}

/**
 * A quantity. Immutable; arithmetic returns new quantities.
 *
 * The value is exactly `unscaled × 10^exponent`; `format` decides the suffix family used when it is
 * serialised. Parse with `Quantity.parse`, serialise with `toString()` (also `toJSON()`).
 */
export class Quantity {
  readonly unscaled: bigint;
  readonly exponent: number;
  readonly format: QuantityFormat;
  /** The input text when upstream would keep it verbatim, else the canonical form once computed. */
  private text: string | undefined;

  private constructor(
    unscaled: bigint,
    exponent: number,
    format: QuantityFormat,
    text: string | undefined,
  ) {
    this.unscaled = unscaled;
    this.exponent = exponent;
    this.format = format;
    this.text = text;
  }

  static readonly zero: Quantity = new Quantity(0n, 0, 'DecimalSI', '0');
  static readonly one: Quantity = new Quantity(1n, 0, 'DecimalSI', undefined);

  /**
   * Parses a quantity string exactly as upstream `ParseQuantity` (no surrounding whitespace).
   * Throws `QuantityError` with upstream's message.
   */
  static parse(str: string): Quantity {
    if (str.length === 0) throw new QuantityError(quantityFormatErrorMessage);
    if (str === '0') return Quantity.zero;
    const { positive, num, denom, suffix } = splitQuantity(str);
    const { base, exponent, format: parsedFormat } = interpretSuffix(suffix);
    let format = parsedFormat;

    // Upstream's int64 fast path decides whether the input text is kept verbatim.
    let keepText = false;
    let precision: number;
    if (format === 'BinarySI') {
      precision =
        exponent >= 0 && denom.length === 0
          ? 15 - num.length - Math.trunc((exponent * 3) / 10) - 1
          : -1;
    } else {
      precision = 18 - (num.length + denom.length);
    }
    const shifted = num + denom;
    if (precision >= 0) {
      // At most 18 digits here.
      const scale = (format === 'BinarySI' ? 0 : exponent) - denom.length;
      if (scale >= -9) {
        const digits = BigInt(shifted);
        const mantissa = format === 'BinarySI' ? 1n << BigInt(exponent) : 1n;
        if (digits * mantissa <= maxInt64) {
          if (format === 'BinarySI') {
            keepText = exponent % 10 === 0 && (digits & 7n) !== 0n;
          } else {
            keepText = scale % 3 === 0 && !shifted.endsWith('000') && shifted[0] !== '0';
          }
        }
      }
    }

    // Trailing zeros go into the exponent, so huge inputs never need big divisions later.
    let significant = shifted.length;
    while (significant > 1 && shifted.charCodeAt(significant - 1) === 0x30) significant--;
    const zeros = shifted.length - significant;
    const trimmed = BigInt(zeros ? shifted.slice(0, significant) : shifted);
    let unscaled: bigint;
    let exp: number;
    if (base === 10) {
      unscaled = trimmed;
      exp = exponent - denom.length + zeros;
    } else {
      unscaled = trimmed << BigInt(exponent);
      exp = zeros - denom.length;
    }
    [unscaled, exp] = roundToNano(unscaled, exp);
    if (format === 'BinarySI' && unscaled !== 0n) {
      const q = new Quantity(unscaled, exp, format, undefined);
      if (q.cmp(maxInt64Quantity) > 0) {
        // Binary values are capped at 2^63-1.
        unscaled = maxInt64;
        exp = 0;
      } else if (q.cmp(Quantity.one) < 0) {
        format = 'DecimalSI';
      }
    }
    if (!positive) unscaled = -unscaled;
    return new Quantity(unscaled, exp, format, keepText ? str : undefined);
  }

  /** Like `parse`, but returns the error instead of throwing it. */
  static tryParse(str: string): Quantity | QuantityError {
    try {
      return Quantity.parse(str);
    } catch (e) {
      if (e instanceof QuantityError) return e;
      throw e;
    }
  }

  /**
   * A quantity as it arrives in JSON: a string (surrounding whitespace ignored, as upstream's
   * `UnmarshalJSON` does) or a number (its JSON text).
   */
  static fromJSON(v: string | number): Quantity {
    if (typeof v === 'number') {
      if (!Number.isFinite(v)) throw new QuantityError(quantityFormatErrorMessage);
      return Quantity.parse(numberText(v));
    }
    return Quantity.parse(v.trim());
  }

  /** `value` units (upstream `NewQuantity`). */
  static fromInt(value: bigint | number, format: QuantityFormat = 'DecimalSI'): Quantity {
    return new Quantity(BigInt(value), 0, format, undefined);
  }

  /** `value` thousandths (upstream `NewMilliQuantity`). */
  static fromMilli(value: bigint | number, format: QuantityFormat = 'DecimalSI'): Quantity {
    return new Quantity(BigInt(value), -3, format, undefined);
  }

  /** `value × 10^scale`, decimal-SI (upstream `NewScaledQuantity`). */
  static fromScaled(value: bigint | number, scale: number): Quantity {
    return new Quantity(BigInt(value), scale, 'DecimalSI', undefined);
  }

  sign(): -1 | 0 | 1 {
    return this.unscaled === 0n ? 0 : this.unscaled < 0n ? -1 : 1;
  }

  isZero(): boolean {
    return this.unscaled === 0n;
  }

  /** -1, 0 or 1 as this is less than, equal to or greater than `other` (exact). */
  cmp(other: Quantity): -1 | 0 | 1 {
    const sa = this.sign();
    const sb = other.sign();
    if (sa !== sb) return sa < sb ? -1 : 1;
    if (sa === 0) return 0;
    // Same sign: compare orders of magnitude first, so huge exponents are never expanded.
    const ma = digitCount(this.unscaled) + this.exponent;
    const mb = digitCount(other.unscaled) + other.exponent;
    if (ma !== mb) return (ma > mb ? sa : -sa) as -1 | 1;
    const { a, b } = align(this.unscaled, this.exponent, other.unscaled, other.exponent);
    return a === b ? 0 : a < b ? -1 : 1;
  }

  equal(other: Quantity): boolean {
    return this.cmp(other) === 0;
  }

  /** Sum; keeps this quantity's format unless this is zero (then `other`'s), as upstream. */
  add(other: Quantity): Quantity {
    if (other.isZero()) return new Quantity(this.unscaled, this.exponent, this.format, undefined);
    const format = this.isZero() ? other.format : this.format;
    const { a, b, exponent } = align(this.unscaled, this.exponent, other.unscaled, other.exponent);
    return new Quantity(a + b, exponent, format, undefined);
  }

  /** Difference; keeps this quantity's format unless this is zero (then `other`'s), as upstream. */
  sub(other: Quantity): Quantity {
    const format = this.isZero() ? other.format : this.format;
    const { a, b, exponent } = align(this.unscaled, this.exponent, other.unscaled, other.exponent);
    return new Quantity(a - b, exponent, format, undefined);
  }

  neg(): Quantity {
    return new Quantity(-this.unscaled, this.exponent, this.format, undefined);
  }

  /** This quantity with another format (the value is unchanged). */
  withFormat(format: QuantityFormat): Quantity {
    return new Quantity(this.unscaled, this.exponent, format, undefined);
  }

  /**
   * The value in units of 10^`scale`, rounded up in magnitude (away from zero) when it is not a
   * whole number of them: `scaledValue(-3)` of "1.0001m" is 2.
   */
  scaledValue(scale: number): bigint {
    const shift = this.exponent - scale;
    if (shift >= 0) return this.unscaled * pow10(shift);
    if (-shift > digitCount(this.unscaled)) {
      return this.unscaled === 0n ? 0n : this.unscaled < 0n ? -1n : 1n;
    }
    const divisor = pow10(-shift);
    const q = this.unscaled / divisor;
    if (q * divisor === this.unscaled) return q;
    return q + (this.unscaled < 0n ? -1n : 1n);
  }

  /** Whole units (bytes for memory), rounded up in magnitude: upstream `Value()`. */
  value(): bigint {
    return this.scaledValue(0);
  }

  /** Thousandths of a unit (millicores for CPU), rounded up in magnitude: `MilliValue()`. */
  milliValue(): bigint {
    return this.scaledValue(-3);
  }

  /** The nearest float64 (upstream `AsApproximateFloat64`). */
  asApproximateFloat64(): number {
    return Number(`${this.unscaled.toString()}e${this.exponent}`);
  }

  /**
   * The value rounded up in magnitude to a multiple of 10^`scale` (upstream `RoundUp`), and
   * whether that was exact.
   */
  roundUp(scale: number): { quantity: Quantity; exact: boolean } {
    if (this.exponent >= scale) return { quantity: this, exact: true };
    const exact = this.scaledExact(scale) !== undefined;
    return {
      quantity: new Quantity(this.scaledValue(scale), scale, this.format, undefined),
      exact,
    };
  }

  /** The value in units of 10^`scale` when that is a whole number, else undefined. */
  private scaledExact(scale: number): bigint | undefined {
    const shift = this.exponent - scale;
    if (shift >= 0) return this.unscaled * pow10(shift);
    if (-shift > digitCount(this.unscaled)) return this.unscaled === 0n ? 0n : undefined;
    const divisor = pow10(-shift);
    return this.unscaled % divisor === 0n ? this.unscaled / divisor : undefined;
  }

  /** The serialised form: the kept input text, or the canonical form. */
  toString(): string {
    this.text ??= this.canonical();
    return this.text;
  }

  toJSON(): string {
    return this.toString();
  }

  /** The canonical form, ignoring any kept input text. */
  canonical(): string {
    if (this.unscaled === 0n) return '0';
    let format = this.format;
    if (format === 'BinarySI') {
      const small = this.cmp(binaryLow) > 0 && this.cmp(binaryHigh) < 0;
      const whole = small ? undefined : this.scaledExact(0);
      if (whole === undefined) {
        format = 'DecimalSI';
      } else {
        const [m, times] = removeFactors(whole, 1024n);
        // Upstream has no binary suffix past Ei and prints none.
        return m.toString() + (binarySuffixByExponent.get(times * 10) ?? '');
      }
    }
    let [m, e] = removeFactors(this.unscaled, 10n);
    e += this.exponent;
    while (e % 3 !== 0) {
      m *= 10n;
      e--;
    }
    if (format === 'DecimalSI') {
      // Upstream has no suffix beyond E (1e18) and prints none (so 1e21 shows as "1").
      return m.toString() + (decimalSuffixByExponent.get(e) ?? '');
    }
    return e === 0 ? m.toString() : `${m.toString()}e${e}`;
  }
}

/** The JSON text of a finite number, as Go's encoder would have received it. */
function numberText(v: number): string {
  const s = String(v);
  // JS writes large or small numbers with an exponent ("1e+21"); the quantity grammar takes "e21".
  return s.includes('e+') ? s.replace('e+', 'e') : s;
}

const maxInt64Quantity = Quantity.fromInt(maxInt64);
const binaryLow = Quantity.fromInt(-1024);
const binaryHigh = Quantity.fromInt(1024);

/** `Quantity.parse(s).toString()`: the form upstream stores and returns. Throws `QuantityError`. */
export function canonicalQuantity(s: string): string {
  return Quantity.parse(s).toString();
}

/** Parses a quantity; throws `QuantityError`. */
export function parseQuantity(s: string): Quantity {
  return Quantity.parse(s);
}
