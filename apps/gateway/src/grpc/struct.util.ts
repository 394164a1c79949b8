/**
 * google.protobuf.Struct / Value as protobufjs hands them over (`{ fields: { k: Value } }`,
 * Value with one of its `kind` fields), to and from plain JSON.
 */
export interface ProtoValue {
  nullValue?: string | number;
  numberValue?: number;
  stringValue?: string;
  boolValue?: boolean;
  structValue?: ProtoStruct;
  listValue?: { values?: ProtoValue[] };
}
export interface ProtoStruct {
  fields?: Record<string, ProtoValue>;
}

export function toValue(value: unknown): ProtoValue {
  if (value === null || value === undefined) return { nullValue: 'NULL_VALUE' };
  if (typeof value === 'number') return { numberValue: value };
  if (typeof value === 'string') return { stringValue: value };
  if (typeof value === 'boolean') return { boolValue: value };
  if (Array.isArray(value)) return { listValue: { values: value.map(toValue) } };
  if (typeof value === 'object') return { structValue: toStruct(value as Record<string, unknown>) };
  return { stringValue: String(value) };
}

export function toStruct(object: Record<string, unknown> | null | undefined): ProtoStruct {
  const fields: Record<string, ProtoValue> = {};
  for (const [key, value] of Object.entries(object ?? {})) {
    if (value !== undefined) fields[key] = toValue(value);
  }
  return { fields };
}

export function fromValue(value: ProtoValue | undefined): unknown {
  if (!value) return null;
  if (value.numberValue !== undefined) return value.numberValue;
  if (value.stringValue !== undefined) return value.stringValue;
  if (value.boolValue !== undefined) return value.boolValue;
  if (value.structValue !== undefined) return fromStruct(value.structValue);
  if (value.listValue !== undefined) return (value.listValue.values ?? []).map(fromValue);
  return null;
}

export function fromStruct(struct: ProtoStruct | undefined): Record<string, unknown> | undefined {
  if (!struct) return undefined;
  return Object.fromEntries(Object.entries(struct.fields ?? {}).map(([k, v]) => [k, fromValue(v)]));
}
