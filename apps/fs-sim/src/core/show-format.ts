import type { Channel } from './channel';
import { stamp } from './time-format';

/** `show channels|calls` rows, shaped like FreeSWITCH's core-db views. */
export const CHANNEL_COLUMNS = (
  'uuid direction created created_epoch name state cid_name cid_num ip_addr dest application application_data ' +
  'dialplan context read_codec read_rate read_bit_rate write_codec write_rate write_bit_rate secure hostname ' +
  'presence_id presence_data accountcode callstate callee_name callee_num callee_direction call_uuid ' +
  'sent_callee_name sent_callee_num initial_cid_name initial_cid_num initial_ip_addr initial_dest ' +
  'initial_dialplan initial_context'
).split(' ');

export const CALL_COLUMNS = [
  ...CHANNEL_COLUMNS,
  ...CHANNEL_COLUMNS.map((c) => `b_${c}`),
  'call_created_epoch',
];

export function channelRow(ch: Channel, hostname: string): Record<string, string> {
  const p = ch.profile;
  const app = ch.appStack[ch.appStack.length - 1];
  const media = ch.codecs;
  return {
    uuid: ch.uuid,
    direction: p.direction,
    created: stamp(p.createdUs),
    created_epoch: String(Math.floor(p.createdUs / 1e6)),
    name: ch.name,
    state: ch.state,
    cid_name: p.callerIdName ?? '',
    cid_num: p.callerIdNumber,
    ip_addr: p.networkAddr ?? '',
    dest: p.destinationNumber,
    application: app?.name ?? '',
    application_data: app?.data ?? '',
    dialplan: p.dialplan,
    context: p.context,
    read_codec: media ? 'PCMU' : '',
    read_rate: media ? '8000' : '',
    read_bit_rate: media ? '64000' : '',
    write_codec: media ? 'PCMU' : '',
    write_rate: media ? '8000' : '',
    write_bit_rate: media ? '64000' : '',
    secure: '',
    hostname,
    presence_id: '',
    presence_data: '',
    accountcode: ch.vars.get('accountcode') ?? '',
    callstate: ch.callState,
    callee_name: p.calleeIdName ?? '',
    callee_num: p.calleeIdNumber ?? '',
    callee_direction: '',
    call_uuid: ch.vars.get('call_uuid') ?? '',
    sent_callee_name: '',
    sent_callee_num: '',
    initial_cid_name: p.callerIdName ?? '',
    initial_cid_num: p.callerIdNumber,
    initial_ip_addr: p.networkAddr ?? '',
    initial_dest: p.destinationNumber,
    initial_dialplan: p.dialplan,
    initial_context: p.context,
  };
}

export function callRows(channels: Iterable<Channel>, hostname: string): Array<Record<string, string>> {
  const rows: Array<Record<string, string>> = [];
  for (const ch of channels) {
    if (ch.bridgedTo && !ch.bridgeOriginator) continue;
    const row: Record<string, string> = channelRow(ch, hostname);
    const b = ch.bridgedTo ? channelRow(ch.bridgedTo, hostname) : undefined;
    for (const c of CHANNEL_COLUMNS) row[`b_${c}`] = b?.[c] ?? '';
    row['call_created_epoch'] = b ? String(Math.floor(ch.profile.bridgedUs / 1e6)) : '';
    rows.push(row);
  }
  return rows;
}

export function formatRows(
  rows: Array<Record<string, string>>,
  columns: string[],
  format: 'json' | 'csv',
  delim = ',',
): string {
  if (format === 'json') {
    if (rows.length === 0) return '{"row_count": 0}\n';
    return JSON.stringify({
      row_count: rows.length,
      rows: rows.map((r) => Object.fromEntries(columns.map((c) => [c, r[c] ?? '']))),
    });
  }
  if (rows.length === 0) return '\n0 total.\n';
  let out = columns.join(delim) + '\n';
  for (const r of rows) out += columns.map((c) => r[c] ?? '').join(delim) + '\n';
  return `${out}\n${rows.length} total.\n`;
}
