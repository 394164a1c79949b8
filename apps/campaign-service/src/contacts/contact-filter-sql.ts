import type { FilterCondition, SegmentFilter } from '@autotelesale/contracts';

/**
 * SQL for segment filters over `c.fields` (jsonb), with the meaning of campaign-domain's
 * matchesSegmentFilter (the integration test checks both agree). Values are bound
 * parameters; `params` grows as conditions are added.
 */
export function segmentFilterSql(filter: SegmentFilter, params: unknown[]): string {
  const parts = filter.conditions.map((condition) => conditionSql(condition, params));
  return `(${parts.join(filter.match === 'any' ? ' OR ' : ' AND ')})`;
}

function conditionSql(condition: FilterCondition, params: unknown[]): string {
  const bind = (value: unknown): string => {
    params.push(value);
    return `$${params.length}`;
  };
  const key = bind(condition.field);
  const text = `(c.fields ->> ${key})`;
  const present = `(coalesce(${text}, '') <> '')`;
  const value = condition.value;
  switch (condition.op) {
    case 'exists':
      return present;
    case 'notExists':
      return `(NOT ${present})`;
    case 'eq':
      return `(${present} AND ${text} = ${bind(String(value))})`;
    case 'neq':
      return `(NOT ${present} OR ${text} <> ${bind(String(value))})`;
    case 'in':
      return `(${present} AND ${text} = ANY(${bind(value)}::text[]))`;
    case 'notIn':
      return `(NOT ${present} OR NOT (${text} = ANY(${bind(value)}::text[])))`;
    case 'contains':
      return `(${present} AND strpos(lower(${text}), lower(${bind(String(value))})) > 0)`;
    case 'startsWith':
      return `(${present} AND starts_with(lower(${text}), lower(${bind(String(value))})))`;
    case 'gt':
    case 'gte':
    case 'lt':
    case 'lte': {
      const op = { gt: '>', gte: '>=', lt: '<', lte: '<=' }[condition.op];
      const number = `(CASE WHEN jsonb_typeof(c.fields -> ${key}) = 'number' THEN (${text})::numeric
                            WHEN jsonb_typeof(c.fields -> ${key}) = 'string' AND btrim(${text}) ~ '^-?[0-9]+(\\.[0-9]+)?$'
                            THEN btrim(${text})::numeric END)`;
      return `coalesce(${number} ${op} ${bind(value)}::numeric, false)`;
    }
  }
}
