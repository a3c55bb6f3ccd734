// Input checks for operations: each throws a MixModelError naming the argument.
import { COLOR_PATTERN, LIMITS, SECTION_KINDS, URL_PATTERN } from './constants.js';
import { MixModelError } from './errors.js';
import { isValidId } from './ids.js';
import { isFiniteNumber, quote } from './internal.js';
import type { SectionKind } from './types.js';

export function checkNumber(
  what: string,
  value: unknown,
  range: { min: number; max: number; integer?: boolean; unit?: string },
): number {
  if (!isFiniteNumber(value)) {
    throw new MixModelError('invalid-argument', `${what} must be a finite number, got ${quote(value)}.`);
  }
  if (range.integer && !Number.isInteger(value)) {
    throw new MixModelError('invalid-argument', `${what} must be an integer, got ${value}.`);
  }
  if (value < range.min || value > range.max) {
    const unit = range.unit ? ` ${range.unit}` : '';
    throw new MixModelError(
      'out-of-range',
      `${what} must be within ${range.min}..${range.max}${unit}, got ${value}${unit}.`,
    );
  }
  return value;
}

export function checkGainDb(what: string, value: unknown): number {
  return checkNumber(what, value, { min: LIMITS.gainMinDb, max: LIMITS.gainMaxDb, unit: 'dB' });
}

export function checkPan(value: unknown): number {
  return checkNumber('pan', value, { min: LIMITS.panMin, max: LIMITS.panMax });
}

export function checkString(what: string, value: unknown, max: number): string {
  if (typeof value !== 'string') {
    throw new MixModelError('invalid-argument', `${what} must be a string.`);
  }
  if (value.length > max) {
    throw new MixModelError('too-long', `${what} is ${value.length} characters long; the limit is ${max}.`);
  }
  return value;
}

export function checkLabel(what: string, value: unknown): string {
  return checkString(what, value, LIMITS.labelMax);
}

export function checkId(what: string, value: unknown): string {
  if (!isValidId(value)) {
    throw new MixModelError(
      'invalid-argument',
      `${what} must match [A-Za-z0-9_-]{1,64}, got ${quote(value)}.`,
    );
  }
  return value;
}

export function checkBoolean(what: string, value: unknown): boolean {
  if (typeof value !== 'boolean')
    throw new MixModelError('invalid-argument', `${what} must be true or false.`);
  return value;
}

export function checkKind(value: unknown): SectionKind {
  if (typeof value !== 'string' || !(SECTION_KINDS as readonly string[]).includes(value)) {
    throw new MixModelError(
      'invalid-argument',
      `kind must be one of ${SECTION_KINDS.join(', ')}, got ${quote(value)}.`,
    );
  }
  return value as SectionKind;
}

export function checkColor(value: unknown): string {
  if (typeof value !== 'string' || !COLOR_PATTERN.test(value)) {
    throw new MixModelError('invalid-argument', `color must be #rrggbb, got ${quote(value)}.`);
  }
  return value;
}

export function checkUrl(value: unknown): string {
  const url = checkString('url', value, LIMITS.longTextMax);
  if (!URL_PATTERN.test(url)) {
    throw new MixModelError(
      'invalid-argument',
      `url must start with http:// or https://, got ${quote(url)}.`,
    );
  }
  return url;
}
