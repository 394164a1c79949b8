import { MAX_ALTERNATE_PHONES, type ColumnMap } from '@autotelesale/contracts';

/** The contact's own fields an imported row may carry; every other column is a custom field. */
export type ContactColumn = 'phone' | 'name' | 'priority' | 'timeZone' | 'ownerAgentId' | 'alternatePhone';

/** Usual names of alternate-number columns (besides a second column with a phone name). */
const ALTERNATE_ALIASES = new Set([
  'alt_phone',
  'altphone',
  'alternate_phone',
  'alternative_phone',
  'other_phone',
  'second_phone',
  'secondary_phone',
  'home_phone',
  'work_phone',
  'office_phone',
  'landline',
  'sdt_phu',
  'so_dien_thoai_phu',
]);
/** `phone2`, `phone_3`, `mobile2`, `sdt_2`, `tel2`: a phone name with a number after it. */
const NUMBERED_PHONE =
  /^(phone|phone_number|mobile|mobile_phone|cell|tel|telephone|msisdn|sdt|so_dien_thoai|dien_thoai)_?[2-9]$/;

const ALIASES: Record<Exclude<ContactColumn, 'alternatePhone'>, string[]> = {
  phone: [
    'phone',
    'phone_number',
    'phonenumber',
    'mobile',
    'mobile_phone',
    'mobile_number',
    'cell',
    'msisdn',
    'tel',
    'telephone',
    'sdt',
    'so_dien_thoai',
    'sodienthoai',
    'dien_thoai',
    'dienthoai',
    'so_dt',
  ],
  name: [
    'name',
    'full_name',
    'fullname',
    'customer_name',
    'contact_name',
    'ho_ten',
    'hoten',
    'ho_va_ten',
    'ten',
  ],
  priority: ['priority', 'uu_tien'],
  timeZone: ['timezone', 'time_zone', 'tz'],
  ownerAgentId: ['owner', 'owner_agent_id', 'owner_agent', 'agent_id'],
};

/** `Số Điện Thoại` -> `so_dien_thoai`: lower case, no accents, words joined by `_`. */
export function canonicalColumnName(name: string): string {
  return name
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/đ/gi, 'd')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '');
}

export interface ColumnRoles {
  /** Source column name -> the contact field it feeds; absent: a custom field. */
  roles: Map<string, ContactColumn>;
  phoneColumn: string | null;
  /** The alternate-number columns, in the order their numbers are kept. */
  alternateColumns: string[];
}

/**
 * Decides which source columns hold the contact's own fields: the column map first (names
 * compared case-insensitively), then the usual names. The first matching column wins.
 */
export function resolveColumnRoles(columns: readonly string[], columnMap: ColumnMap = {}): ColumnRoles {
  const roles = new Map<string, ContactColumn>();
  const taken = new Set<ContactColumn>();
  const sameName = (source: string) =>
    columns.find((c) => c.trim().toLowerCase() === source.trim().toLowerCase());
  const { alternatePhones: alternateSources, ...single } = columnMap;
  for (const [role, source] of Object.entries(single) as Array<[ContactColumn, string | undefined]>) {
    if (!source) continue;
    const column = sameName(source);
    if (column !== undefined && !roles.has(column)) {
      roles.set(column, role);
      taken.add(role);
    }
  }
  const alternateColumns: string[] = [];
  for (const source of alternateSources ?? []) {
    const column = sameName(source);
    if (column !== undefined && !roles.has(column)) {
      roles.set(column, 'alternatePhone');
      alternateColumns.push(column);
    }
  }
  for (const column of columns) {
    if (roles.has(column)) continue;
    const canonical = canonicalColumnName(column);
    for (const role of Object.keys(ALIASES) as Array<keyof typeof ALIASES>) {
      if (!taken.has(role) && ALIASES[role].includes(canonical)) {
        roles.set(column, role);
        taken.add(role);
        break;
      }
    }
  }
  // Unless the column map names them, alternates are the usual names, and any further
  // column with a phone name once the main one is taken (`mobile` beside `phone`).
  if (alternateSources === undefined) {
    for (const column of columns) {
      if (roles.has(column) || alternateColumns.length >= MAX_ALTERNATE_PHONES) continue;
      const canonical = canonicalColumnName(column);
      if (
        ALTERNATE_ALIASES.has(canonical) ||
        NUMBERED_PHONE.test(canonical) ||
        (taken.has('phone') && ALIASES.phone.includes(canonical))
      ) {
        roles.set(column, 'alternatePhone');
        alternateColumns.push(column);
      }
    }
  }
  const phoneColumn = [...roles].find(([, role]) => role === 'phone')?.[0] ?? null;
  return { roles, phoneColumn, alternateColumns };
}

/** Header cells made usable as field names: trimmed, empty ones named `column_<n>`, repeats suffixed `_2`, `_3`. */
export function uniqueHeader(cells: readonly string[]): string[] {
  const seen = new Map<string, number>();
  return cells.map((cell, index) => {
    const base = cell.trim() === '' ? `column_${index + 1}` : cell.trim();
    const count = (seen.get(base) ?? 0) + 1;
    seen.set(base, count);
    return count === 1 ? base : `${base}_${count}`;
  });
}
