import { DbError } from './db.errors';

/**
 * Reads the parts of a Prisma schema that decide the database's shape: models (table,
 * columns, types, nullability, keys, unique constraints) and enums. Anything it does
 * not understand is an error, never skipped, so the drift check cannot pass by
 * ignoring a construct.
 */

export interface PrismaField {
  name: string;
  column: string;
  type: string;
  optional: boolean;
  list: boolean;
  /** `@db.Uuid`, `@db.Timestamptz(3)` ... without the `@db.` prefix. */
  nativeType?: string;
  id: boolean;
  unique: boolean;
  hasDefault: boolean;
  updatedAt: boolean;
}

export interface PrismaModel {
  name: string;
  table: string;
  /** Scalar and enum fields, i.e. columns; relation fields are left out. */
  fields: PrismaField[];
  primaryKey: string[];
  /** Each entry: the columns of one unique constraint (single-field @unique included). */
  uniques: string[][];
}

export interface PrismaEnum {
  name: string;
  dbName: string;
  values: string[];
}

export interface PrismaSchemaModel {
  models: PrismaModel[];
  enums: PrismaEnum[];
}

export const PRISMA_SCALARS = [
  'String',
  'Int',
  'BigInt',
  'Float',
  'Decimal',
  'Boolean',
  'DateTime',
  'Json',
  'Bytes',
] as const;

interface Attribute {
  name: string;
  args: string;
}

function stripComment(line: string): string {
  let inString = false;
  for (let i = 0; i < line.length; i += 1) {
    const c = line[i];
    if (c === '"' && line[i - 1] !== '\\') inString = !inString;
    if (!inString && c === '/' && line[i + 1] === '/') return line.slice(0, i);
  }
  return line;
}

/** Splits `@a @b(x, y(z)) @db.Uuid` into attributes, honouring nested parentheses and strings. */
function parseAttributes(text: string, where: string): Attribute[] {
  const attributes: Attribute[] = [];
  let i = 0;
  while (i < text.length) {
    if (/\s/.test(text[i]!)) {
      i += 1;
      continue;
    }
    if (text[i] !== '@')
      throw new DbError('PRISMA_SCHEMA_UNSUPPORTED', `cannot read "${text.slice(i)}" in ${where}`);
    const nameMatch = /^@@?[A-Za-z_][A-Za-z0-9_.]*/.exec(text.slice(i));
    if (!nameMatch) throw new DbError('PRISMA_SCHEMA_UNSUPPORTED', `bad attribute in ${where}`);
    const name = nameMatch[0];
    i += name.length;
    let args = '';
    if (text[i] === '(') {
      let depth = 0;
      let inString = false;
      const start = i;
      for (; i < text.length; i += 1) {
        const c = text[i];
        if (c === '"' && text[i - 1] !== '\\') inString = !inString;
        if (inString) continue;
        if (c === '(') depth += 1;
        if (c === ')') {
          depth -= 1;
          if (depth === 0) {
            i += 1;
            break;
          }
        }
      }
      if (depth !== 0) throw new DbError('PRISMA_SCHEMA_UNSUPPORTED', `unbalanced parentheses in ${where}`);
      args = text.slice(start + 1, i - 1).trim();
    }
    attributes.push({ name, args });
  }
  return attributes;
}

function firstString(args: string): string | undefined {
  return /"((?:[^"\\]|\\.)*)"/.exec(args)?.[1];
}

/** `[a, b]` or `fields: [a, b], map: "x"` -> ['a', 'b']. */
function fieldList(args: string): string[] {
  const match = /\[([^\]]*)\]/.exec(args);
  if (!match) return [];
  return match[1]!
    .split(',')
    .map((s) => s.trim().replace(/\(.*\)$/, ''))
    .filter(Boolean);
}

interface Block {
  kind: string;
  name: string;
  lines: string[];
}

function blocks(source: string): Block[] {
  const result: Block[] = [];
  let current: Block | undefined;
  source.split(/\r?\n/).forEach((raw, index) => {
    const line = stripComment(raw).trim();
    if (!line) return;
    if (!current) {
      const open = /^(model|enum|generator|datasource|view|type)\s+([A-Za-z_][A-Za-z0-9_]*)\s*\{$/.exec(line);
      if (!open)
        throw new DbError('PRISMA_SCHEMA_UNSUPPORTED', `line ${index + 1}: expected a block, got "${line}"`);
      current = { kind: open[1]!, name: open[2]!, lines: [] };
    } else if (line === '}') {
      result.push(current);
      current = undefined;
    } else {
      current.lines.push(line);
    }
  });
  if (current) throw new DbError('PRISMA_SCHEMA_UNSUPPORTED', `block ${current.name} is not closed`);
  return result;
}

export function readPrismaSchema(source: string): PrismaSchemaModel {
  const all = blocks(source);
  for (const block of all) {
    if (block.kind === 'view' || block.kind === 'type') {
      throw new DbError(
        'PRISMA_SCHEMA_UNSUPPORTED',
        `${block.kind} ${block.name}: not supported by the drift check`,
      );
    }
  }
  const enums: PrismaEnum[] = all
    .filter((b) => b.kind === 'enum')
    .map((b) => {
      const values: string[] = [];
      let dbName = b.name;
      for (const line of b.lines) {
        if (line.startsWith('@@map')) {
          dbName = firstString(line) ?? dbName;
          continue;
        }
        const [value, ...rest] = line.split(/\s+/);
        const mapped = rest.join(' ').match(/@map\("([^"]+)"\)/)?.[1];
        values.push(mapped ?? value!);
      }
      return { name: b.name, dbName, values };
    });
  const enumNames = new Set(enums.map((e) => e.name));
  const modelNames = new Set(all.filter((b) => b.kind === 'model').map((b) => b.name));

  const models: PrismaModel[] = all
    .filter((b) => b.kind === 'model')
    .map((b) => {
      const where = `model ${b.name}`;
      let table = b.name;
      let primaryKey: string[] = [];
      const uniqueFieldLists: string[][] = [];
      const fields: PrismaField[] = [];
      for (const line of b.lines) {
        if (line.startsWith('@@')) {
          const [attr] = parseAttributes(line, where);
          if (!attr) continue;
          if (attr.name === '@@map') table = firstString(attr.args) ?? table;
          else if (attr.name === '@@id') primaryKey = fieldList(attr.args);
          else if (attr.name === '@@unique') uniqueFieldLists.push(fieldList(attr.args));
          else if (attr.name === '@@index' || attr.name === '@@schema') continue;
          else throw new DbError('PRISMA_SCHEMA_UNSUPPORTED', `${where}: ${attr.name} is not supported`);
          continue;
        }
        const match = /^([A-Za-z_][A-Za-z0-9_]*)\s+([A-Za-z_][A-Za-z0-9_]*)(\[\])?(\?)?\s*(.*)$/.exec(line);
        if (!match) throw new DbError('PRISMA_SCHEMA_UNSUPPORTED', `${where}: cannot read field "${line}"`);
        const [, name, type, list, optional, rest] = match as unknown as [
          string,
          string,
          string,
          string | undefined,
          string | undefined,
          string,
        ];
        if (modelNames.has(type)) continue; // a relation field, not a column
        if (!enumNames.has(type) && !(PRISMA_SCALARS as readonly string[]).includes(type)) {
          throw new DbError('PRISMA_SCHEMA_UNSUPPORTED', `${where}.${name}: unknown type ${type}`);
        }
        const attrs = parseAttributes(rest, `${where}.${name}`);
        const native = attrs.find((a) => a.name.startsWith('@db.'));
        const field: PrismaField = {
          name,
          column: firstString(attrs.find((a) => a.name === '@map')?.args ?? '') ?? name,
          type,
          optional: Boolean(optional),
          list: Boolean(list),
          nativeType: native ? native.name.slice(4) + (native.args ? `(${native.args})` : '') : undefined,
          id: attrs.some((a) => a.name === '@id'),
          unique: attrs.some((a) => a.name === '@unique'),
          hasDefault: attrs.some((a) => a.name === '@default'),
          updatedAt: attrs.some((a) => a.name === '@updatedAt'),
        };
        fields.push(field);
      }
      const column = (fieldName: string) => {
        const field = fields.find((f) => f.name === fieldName);
        if (!field)
          throw new DbError('PRISMA_SCHEMA_UNSUPPORTED', `${where}: key names unknown field ${fieldName}`);
        return field.column;
      };
      const idField = fields.filter((f) => f.id);
      const pk = primaryKey.length > 0 ? primaryKey.map(column) : idField.map((f) => f.column);
      if (pk.length === 0) throw new DbError('PRISMA_SCHEMA_UNSUPPORTED', `${where}: has no @id or @@id`);
      const uniques = [
        ...fields.filter((f) => f.unique).map((f) => [f.column]),
        ...uniqueFieldLists.map((list) => list.map(column)),
      ];
      return { name: b.name, table, fields, primaryKey: pk, uniques };
    });
  return { models, enums };
}
