import {
  AtsError,
  type DispositionCode,
  type DispositionField,
  type DispositionSet,
  type FieldValue,
} from '@autotelesale/contracts';

export interface DispositionInput {
  code: string;
  saleValue?: number;
  callbackAt?: string;
  fields: Record<string, FieldValue>;
}

export interface ValidDisposition {
  code: DispositionCode;
  /** The custom fields, converted to their declared types. */
  fields: Record<string, FieldValue>;
  callbackAt: Date | null;
}

interface Problem {
  path: string;
  message: string;
}

/** How far in the past a callback time may be (clocks differ a little). */
const CALLBACK_PAST_TOLERANCE_MS = 60_000;

/**
 * Checks a disposition against its campaign's disposition set: a known code; a sale value
 * exactly for sale codes; a callback time (not in the past) exactly for callback codes;
 * custom fields that the set declares, of their type, the required ones present. All
 * problems are reported at once (VALIDATION_FAILED, one detail per problem).
 */
export function validateDisposition(
  set: DispositionSet,
  input: DispositionInput,
  now: Date,
): ValidDisposition {
  const problems: Problem[] = [];
  const code = set.codes.find((c) => c.code === input.code);
  if (!code) {
    throw new AtsError('VALIDATION_FAILED', `unknown disposition code ${input.code}`, [
      { path: 'code', message: `not in the campaign's set (${set.codes.map((c) => c.code).join(', ')})` },
    ]);
  }
  if (code.sale && input.saleValue === undefined)
    problems.push({ path: 'saleValue', message: `${code.code} is a sale: give its value` });
  if (!code.sale && input.saleValue !== undefined)
    problems.push({ path: 'saleValue', message: `${code.code} is not a sale` });
  let callbackAt: Date | null = null;
  if (code.callback) {
    if (input.callbackAt === undefined)
      problems.push({ path: 'callbackAt', message: `${code.code} is a callback: give its time` });
    else {
      callbackAt = new Date(input.callbackAt);
      if (callbackAt.getTime() < now.getTime() - CALLBACK_PAST_TOLERANCE_MS) {
        problems.push({ path: 'callbackAt', message: 'the callback time is in the past' });
      }
    }
  } else if (input.callbackAt !== undefined) {
    problems.push({ path: 'callbackAt', message: `${code.code} is not a callback code` });
  }
  const fields: Record<string, FieldValue> = {};
  const declared = new Map(set.fields.map((f) => [f.name, f]));
  for (const name of Object.keys(input.fields)) {
    if (!declared.has(name))
      problems.push({ path: `fields.${name}`, message: 'not a field of the disposition set' });
  }
  for (const field of set.fields) {
    const value = input.fields[field.name];
    if (value === undefined || value === null || value === '') {
      if (field.required) problems.push({ path: `fields.${field.name}`, message: 'required' });
      continue;
    }
    const converted = convertField(field, value);
    if (converted.ok) fields[field.name] = converted.value;
    else problems.push({ path: `fields.${field.name}`, message: converted.message });
  }
  if (problems.length > 0) throw new AtsError('VALIDATION_FAILED', 'invalid disposition', problems);
  return { code, fields, callbackAt };
}

type Conversion = { ok: true; value: FieldValue } | { ok: false; message: string };

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const DATETIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

function convertField(field: DispositionField, value: Exclude<FieldValue, null>): Conversion {
  switch (field.type) {
    case 'string':
    case 'text': {
      if (typeof value !== 'string') return { ok: false, message: 'must be text' };
      const max = field.type === 'string' ? 500 : 10_000;
      return value.length <= max ? { ok: true, value } : { ok: false, message: `at most ${max} characters` };
    }
    case 'number':
    case 'integer': {
      const number =
        typeof value === 'number'
          ? value
          : typeof value === 'string' && value.trim() !== ''
            ? Number(value)
            : NaN;
      if (!Number.isFinite(number)) return { ok: false, message: 'must be a number' };
      if (field.type === 'integer' && !Number.isInteger(number))
        return { ok: false, message: 'must be a whole number' };
      return { ok: true, value: number };
    }
    case 'boolean':
      if (typeof value === 'boolean') return { ok: true, value };
      if (value === 'true' || value === 'false') return { ok: true, value: value === 'true' };
      return { ok: false, message: 'must be true or false' };
    case 'date':
      return typeof value === 'string' && DATE.test(value) && isRealDate(value)
        ? { ok: true, value }
        : { ok: false, message: 'must be a date YYYY-MM-DD' };
    case 'datetime':
      return typeof value === 'string' && DATETIME.test(value) && !Number.isNaN(Date.parse(value))
        ? { ok: true, value }
        : { ok: false, message: 'must be an ISO 8601 date-time with offset' };
    case 'enum':
      return typeof value === 'string' && field.options!.includes(value)
        ? { ok: true, value }
        : { ok: false, message: `must be one of ${field.options!.join(', ')}` };
  }
}

function isRealDate(value: string): boolean {
  const date = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().startsWith(value);
}
