import { stdSerializers } from 'pino';
import { maskPhoneNumbers } from './mask-phone-numbers';

export interface MaskDeepOptions {
  /** Containers nested deeper than this are replaced by a placeholder (the top object is depth 0). */
  maxDepth?: number;
  /** Values visited before the rest is replaced by a placeholder; bounds the cost of one log call. */
  maxNodes?: number;
}

export const MASK_DEFAULTS: Required<MaskDeepOptions> = { maxDepth: 8, maxNodes: 2_000 };
/** Stands in for a container below `maxDepth`: its strings were not inspected, so they cannot be written. */
export const DEPTH_PLACEHOLDER = '[MaxDepth]';
/** Stands in for values past `maxNodes`. */
export const TRUNCATED_PLACEHOLDER = '[Truncated]';

interface Budget {
  nodes: number;
  readonly maxDepth: number;
}

/**
 * Returns `value` with phone numbers masked in every string, object key and error message at
 * any depth. Copy-on-write: what needs no change is returned as the same reference, and the
 * caller's objects are never mutated. Numbers, booleans and bigints are left alone.
 *
 * Anything that could not be inspected (deeper than `maxDepth`, past `maxNodes`) is replaced
 * by a placeholder rather than passed through, because an uninspected string may hold a
 * phone number.
 */
export function maskDeep<T>(value: T, options: MaskDeepOptions = {}): T {
  const budget: Budget = {
    nodes: options.maxNodes ?? MASK_DEFAULTS.maxNodes,
    maxDepth: options.maxDepth ?? MASK_DEFAULTS.maxDepth,
  };
  return walk(value, 0, budget) as T;
}

function walk(value: unknown, depth: number, budget: Budget): unknown {
  if (--budget.nodes < 0) return TRUNCATED_PLACEHOLDER;
  switch (typeof value) {
    case 'string':
      return maskPhoneNumbers(value);
    case 'object':
      if (value === null) return value;
      if (depth >= budget.maxDepth) return DEPTH_PLACEHOLDER;
      if (value instanceof Error) {
        // pino would serialize the error after us; doing it here exposes message, stack and
        // cause chain (non-enumerable on Error) to the masking walk.
        return walk(stdSerializers.err(value), depth, budget);
      }
      if (Array.isArray(value)) return walkArray(value, depth, budget);
      if (value instanceof Date || ArrayBuffer.isView(value)) return value;
      if (typeof (value as { toJSON?: unknown }).toJSON === 'function') {
        // JSON.stringify would call toJSON; mask what it would write.
        return walk((value as { toJSON(): unknown }).toJSON(), depth, budget);
      }
      return walkObject(value as Record<string, unknown>, depth, budget);
    default:
      return value;
  }
}

function walkArray(array: readonly unknown[], depth: number, budget: Budget): unknown[] {
  let copy: unknown[] | undefined;
  for (let i = 0; i < array.length; i++) {
    const masked = walk(array[i], depth + 1, budget);
    if (masked !== array[i]) {
      copy ??= array.slice();
      copy[i] = masked;
    }
    if (budget.nodes < 0) {
      copy ??= array.slice();
      copy.length = i + 1;
      if (i + 1 < array.length) copy.push(TRUNCATED_PLACEHOLDER);
      break;
    }
  }
  return copy ?? (array as unknown[]);
}

function walkObject(object: Record<string, unknown>, depth: number, budget: Budget): Record<string, unknown> {
  let copy: Record<string, unknown> | undefined;
  for (const key of Object.keys(object)) {
    const original = object[key];
    const maskedKey = maskPhoneNumbers(key);
    if (budget.nodes <= 0) {
      copy ??= { ...object };
      delete copy[key];
      copy[maskedKey] = TRUNCATED_PLACEHOLDER;
      budget.nodes--;
      continue;
    }
    const masked = walk(original, depth + 1, budget);
    if (masked !== original || maskedKey !== key) {
      copy ??= { ...object };
      if (maskedKey !== key) delete copy[key];
      copy[maskedKey] = masked;
    }
  }
  return copy ?? object;
}
