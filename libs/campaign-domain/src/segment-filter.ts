import type { CustomFields, FilterCondition, SegmentFilter } from '@autotelesale/contracts';

/**
 * The meaning of a segment filter on a contact's custom fields. campaign-service runs the
 * same rules as SQL; its integration test checks that both agree.
 */
export function matchesSegmentFilter(fields: CustomFields, filter: SegmentFilter): boolean {
  const results = filter.conditions.map((condition) => matchesCondition(fields, condition));
  return filter.match === 'any' ? results.some(Boolean) : results.every(Boolean);
}

export function matchesCondition(fields: CustomFields, condition: FilterCondition): boolean {
  const raw = fields[condition.field];
  const present = raw !== undefined && raw !== null && String(raw) !== '';
  const text = present ? String(raw) : '';
  const value = condition.value;
  switch (condition.op) {
    case 'exists':
      return present;
    case 'notExists':
      return !present;
    case 'eq':
      return present && text === String(value);
    case 'neq':
      return !present || text !== String(value);
    case 'in':
      return present && (value as string[]).includes(text);
    case 'notIn':
      return !present || !(value as string[]).includes(text);
    case 'contains':
      return present && text.toLowerCase().includes(String(value).toLowerCase());
    case 'startsWith':
      return present && text.toLowerCase().startsWith(String(value).toLowerCase());
    case 'gt':
    case 'gte':
    case 'lt':
    case 'lte': {
      const number = toNumber(raw);
      if (number === null) return false;
      const limit = value as number;
      return condition.op === 'gt'
        ? number > limit
        : condition.op === 'gte'
          ? number >= limit
          : condition.op === 'lt'
            ? number < limit
            : number <= limit;
    }
  }
}

/** A number written plainly (`42`, `-3.5`); anything else is not a number. */
export const NUMERIC_TEXT = /^-?\d+(\.\d+)?$/;

function toNumber(raw: CustomFields[string] | undefined): number | null {
  if (typeof raw === 'number') return raw;
  if (typeof raw === 'string' && NUMERIC_TEXT.test(raw.trim())) return Number(raw.trim());
  return null;
}
