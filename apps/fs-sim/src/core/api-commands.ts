import type { CallEngine } from './call-engine';
import { localHangupDisposition, splitApp } from './call-engine';
import { addChannelData, type Channel } from './channel';
import { parseCause } from './hangup-causes';
import { ORIGINATE_SYNTAX, parseOriginate, splitArgs } from './originate-parser';
import { CALL_COLUMNS, CHANNEL_COLUMNS, callRows, channelRow, formatRows } from './show-format';
import { FS_VERSION } from './sim-switch';
import { SimEvent } from '../esl/sim-event';

type ApiHandler = (engine: CallEngine, arg: string) => string | Promise<string>;

const NO_SUCH_CHANNEL = '-ERR No such channel!\n';
const usage = (syntax: string) => `-USAGE: ${syntax}\n`;

function find(engine: CallEngine, uuid: string | undefined): Channel | undefined {
  if (!uuid) return undefined;
  const ch = engine.sw.channels.get(uuid);
  return ch && !ch.hungUp ? ch : undefined;
}

const originate: ApiHandler = async (engine, arg) => {
  const req = parseOriginate(arg);
  if (!req) return usage(ORIGINATE_SYNTAX);
  const outcome = await engine.originate(req);
  if (!outcome.ok) return `-ERR ${outcome.cause}\n`;
  const ch = outcome.channel;
  let program;
  if (req.app) {
    program = [{ name: req.app.name, data: req.app.args, loops: 1 }];
  } else {
    ch.hitDialplan = true;
    program = engine.routeExtension(req.exten ?? '', req.context);
  }
  engine.sw.afterJitter(() => engine.startProgram(ch, program));
  return `+OK ${ch.uuid}\n`;
};

const uuidBridge: ApiHandler = (engine, arg) => {
  const [a, b] = splitArgs(arg);
  if (!a || !b) return usage('<uuid> <other_uuid>');
  const ca = find(engine, a);
  const cb = find(engine, b);
  if (!ca || !cb) return '-ERR Invalid uuid\n';
  engine.uuidBridge(ca, cb);
  return `+OK ${b}\n`;
};

const uuidTransfer: ApiHandler = (engine, arg) => {
  const argv = splitArgs(arg);
  if (argv.length < 2) return usage('<uuid> [-bleg|-both] <dest-exten> [<dialplan>] [<context>]');
  const ch = find(engine, argv[0]);
  if (!ch) return NO_SUCH_CHANNEL;
  let rest = argv.slice(1);
  let legs: Channel[] = [ch];
  if (rest[0] === '-bleg' || rest[0] === '-both') {
    const partner = ch.bridgedTo;
    legs = rest[0] === '-bleg' ? (partner ? [partner] : []) : partner ? [ch, partner] : [ch];
    rest = rest.slice(1);
  }
  if (!rest[0] || legs.length === 0) return '-ERR\n';
  for (const leg of legs) engine.transfer(leg, rest[0], rest[1], rest[2]);
  return '+OK\n';
};

const uuidKill: ApiHandler = (engine, arg) => {
  const [uuid, cause] = splitArgs(arg);
  if (!uuid) return usage('<uuid> [cause]');
  const ch = find(engine, uuid);
  if (!ch) return NO_SUCH_CHANNEL;
  engine.hangup(ch, parseCause(cause), localHangupDisposition(ch));
  return '+OK\n';
};

const uuidBroadcast: ApiHandler = (engine, arg) => {
  const [uuid, what, legs = 'aleg'] = splitArgs(arg);
  if (!uuid || !what) return usage('<uuid> <path> [aleg|bleg|holdb|both]');
  const ch = find(engine, uuid);
  if (!ch) return '-ERR invalid uuid\n';
  const app = what.includes('::') ? splitApp(what) : { name: 'playback', data: what, loops: 1 };
  const targets = legs === 'bleg' ? [ch.bridgedTo] : legs === 'both' ? [ch, ch.bridgedTo] : [ch];
  for (const t of targets) if (t && !t.hungUp) engine.queueApp(t, { ...app });
  return '+OK Message sent\n';
};

const uuidBreak: ApiHandler = (engine, arg) => {
  const [uuid, mode] = splitArgs(arg);
  const ch = find(engine, uuid);
  if (!ch) return NO_SUCH_CHANNEL;
  engine.breakMedia(ch, mode === 'all' || mode === 'both');
  if (mode === 'both' && ch.bridgedTo) engine.breakMedia(ch.bridgedTo, true);
  return '+OK\n';
};

const uuidSetvar: ApiHandler = (engine, arg) => {
  const m = /^(\S+)\s+(\S+)(?:\s+([\s\S]*))?$/.exec(arg.trim());
  if (!m) return usage('<uuid> <var> [value]');
  const ch = find(engine, m[1]);
  if (!ch) return NO_SUCH_CHANNEL;
  if (!m[2]) return '-ERR No variable specified\n';
  ch.setVar(m[2], m[3]);
  return '+OK\n';
};

const uuidSetvarMulti: ApiHandler = (engine, arg) => {
  const m = /^(\S+)\s+([\s\S]+)$/.exec(arg.trim());
  if (!m) return usage('<uuid> <var>=<value>;<var>=<value>...');
  const ch = find(engine, m[1]);
  if (!ch) return NO_SUCH_CHANNEL;
  for (const pair of m[2]!.split(';')) {
    const eq = pair.indexOf('=');
    if (eq > 0) ch.setVar(pair.slice(0, eq), pair.slice(eq + 1));
  }
  return '+OK\n';
};

const uuidGetvar: ApiHandler = (engine, arg) => {
  const [uuid, name] = splitArgs(arg);
  if (!uuid || !name) return usage('<uuid> <var>');
  const ch = find(engine, uuid);
  if (!ch) return NO_SUCH_CHANNEL;
  return ch.vars.get(name) ?? '_undef_';
};

const uuidExists: ApiHandler = (engine, arg) => (find(engine, arg.trim()) ? 'true' : 'false');

const uuidRecord: ApiHandler = (engine, arg) => {
  const [uuid, action, path, limit] = splitArgs(arg);
  if (!uuid || !action || !path)
    return usage('<uuid> [start|stop|mask|unmask|pause|resume] <path> [<limit>] [<recording_vars>]');
  const ch = find(engine, uuid);
  if (!ch) return '-ERR Cannot locate session!\n';
  switch (action) {
    case 'start':
      engine.startRecording(ch, path, limit ? Number(limit) : undefined);
      return '+OK Success\n';
    case 'stop': {
      const paths = path === 'all' ? [...ch.recordings] : [path];
      const stopped = paths.filter((p) => engine.stopRecording(ch, p)).length;
      return stopped ? '+OK Success\n' : '-ERR Cannot stop record session!\n';
    }
    case 'mask':
    case 'unmask':
    case 'pause':
    case 'resume':
      return ch.recordings.has(path) ? '+OK Success\n' : `-ERR Cannot ${action} recording session!\n`;
    default:
      return usage('<uuid> [start|stop|mask|unmask|pause|resume] <path> [<limit>] [<recording_vars>]');
  }
};

const uuidAnswer: ApiHandler = (engine, arg) => {
  const ch = find(engine, arg.trim());
  if (!ch) return '-ERROR\n';
  engine.answer(ch);
  return '+OK\n';
};

const uuidPreAnswer: ApiHandler = (engine, arg) => {
  const ch = find(engine, arg.trim());
  if (!ch) return '-ERROR\n';
  engine.preAnswer(ch);
  return '+OK\n';
};

const uuidHold: ApiHandler = (engine, arg) => {
  const argv = splitArgs(arg);
  let mode: 'on' | 'off' | 'toggle' = 'on';
  if (argv[0] === 'off' || argv[0] === 'toggle') mode = argv.shift() as 'off' | 'toggle';
  const ch = find(engine, argv[0]);
  if (!ch) return '-ERR Operation failed\n';
  engine.hold(ch, mode === 'toggle' ? !ch.held : mode === 'on');
  return '+OK Success\n';
};

const uuidPark: ApiHandler = (engine, arg) => {
  const ch = find(engine, arg.trim());
  if (!ch) return NO_SUCH_CHANNEL;
  engine.transfer(ch, 'park', 'inline');
  return '+OK\n';
};

const uuidSendDtmf: ApiHandler = (engine, arg) => {
  const [uuid, digits] = splitArgs(arg);
  const ch = find(engine, uuid);
  if (!ch || !digits) return '-ERR Cannot locate session!\n';
  return `+OK ${uuid} sent DTMF ${digits}.\n`;
};

const uuidDump: ApiHandler = (engine, arg) => {
  const [uuid, format = 'txt'] = splitArgs(arg);
  const ch = find(engine, uuid);
  if (!ch) return '-ERR No such channel!\n';
  const ev = new SimEvent('CHANNEL_DATA').add('Event-Name', 'CHANNEL_DATA');
  addChannelData(ev, ch, true);
  if (format === 'json') return ev.serialize('json');
  if (format === 'xml') return ev.serialize('xml');
  return ev.serialize('plain');
};

const hupall: ApiHandler = (engine, arg) => {
  const [causeText, varName, value] = splitArgs(arg);
  const cause = parseCause(causeText ?? 'MANAGER_REQUEST');
  for (const ch of [...engine.sw.channels.values()]) {
    if (ch.hungUp) continue;
    if (varName && ch.vars.get(varName) !== value) continue;
    engine.hangup(ch, cause, localHangupDisposition(ch));
  }
  return varName
    ? `+OK hangup all channels matching [${varName}]=[${value ?? ''}] with cause: ${cause}\n`
    : `+OK hangup all channels with cause: ${cause}\n`;
};

const show: ApiHandler = (engine, arg) => {
  const words = arg.trim().split(/\s+/).filter(Boolean);
  const asIndex = words.indexOf('as');
  const fmtWord = asIndex >= 0 ? words[asIndex + 1] : undefined;
  const delim = fmtWord === 'delim' ? (words[asIndex + 2] ?? ',') : ',';
  const subject = (asIndex >= 0 ? words.slice(0, asIndex) : words).join(' ');
  const format = fmtWord === 'json' ? 'json' : 'csv';
  const sw = engine.sw;
  const live = [...sw.channels.values()];
  switch (subject) {
    case 'channels':
      return formatRows(
        live.map((c) => channelRow(c, sw.hostname)),
        CHANNEL_COLUMNS,
        format,
        delim,
      );
    case 'calls':
    case 'detailed_calls':
    case 'bridged_calls':
      return formatRows(callRows(live, sw.hostname), CALL_COLUMNS, format, delim);
    case 'channels count':
    case 'calls count': {
      const n = subject === 'calls count' ? callRows(live, sw.hostname).length : live.length;
      return format === 'json' ? JSON.stringify({ row_count: n }) : `\n${n} total.\n`;
    }
    case '':
      return usage(
        'codec|endpoint|application|api|dialplan|file|timer|calls [count]|channels [count|like <match string>]|calls|detailed_calls|bridged_calls|detailed_bridged_calls|aliases|complete|chat|management|modules|nat_map|say|interfaces|interface_types|tasks|limits|status',
      );
    default:
      return `-ERR Cannot find ${subject}!\n`;
  }
};

const status: ApiHandler = (engine) => {
  const sw = engine.sw;
  return (
    `UP ${sw.uptimeText()}\n` +
    `FreeSWITCH (Version ${FS_VERSION}) is ready\n` +
    `${sw.stats.sessionsSinceStartup} session(s) since startup\n` +
    `${sw.channels.size} session(s) - peak ${sw.stats.peakSessions}, last 5min ${sw.stats.peakSessions} \n` +
    `${sw.currentSps} session(s) per Sec out of max ${sw.sessionsPerSecond}, peak ${sw.stats.peakSps}, last 5min ${sw.stats.peakSps} \n` +
    `${sw.maxSessions} session(s) max\n` +
    `min idle cpu 0.00/98.00\n` +
    `Current Stack Size/Max 240K/8192K\n`
  );
};

const fsctl: ApiHandler = (engine, arg) => {
  const [cmd, value] = splitArgs(arg);
  const sw = engine.sw;
  switch (cmd) {
    case 'max_sessions':
      if (value !== undefined) sw.maxSessions = Math.max(0, parseInt(value, 10) || 0);
      return `+OK max sessions: ${sw.maxSessions}\n`;
    case 'sps':
      if (value !== undefined) sw.sessionsPerSecond = Math.max(0, parseInt(value, 10) || 0);
      return `+OK sessions per second: ${sw.sessionsPerSecond}\n`;
    case 'pause':
      if (value === undefined || value === 'outbound' || value === 'all') sw.pausedOutbound = true;
      return '+OK\n';
    case 'resume':
      if (value === undefined || value === 'outbound' || value === 'all') sw.pausedOutbound = false;
      return '+OK\n';
    default:
      return usage(
        '[recover|send_sighup|hupall|pause [inbound|outbound]|resume [inbound|outbound]|shutdown [cancel|elegant|asap|now|restart]|sps|sps_peak_reset|sync_clock|sync_clock_when_idle|reclaim_mem|max_sessions|min_dtmf_duration [num]|max_dtmf_duration [num]|default_dtmf_duration [num]|min_idle_cpu|loglevel [level]|debug_level [level]|mdns_resolve [enable|disable]]',
      );
  }
};

const sofia: ApiHandler = (engine, arg) => {
  const argv = splitArgs(arg);
  const sw = engine.sw;
  const ip = sw.options.ipv4;
  if (argv[0] !== 'status') return usage('sofia status|xmlstatus [profile <name>|gateway <name>]');
  const scenario = sw.world.scenario;
  if (argv[1] === 'gateway' && argv[2]) {
    const gw = scenario.gateway(argv[2]);
    if (!gw) return 'Invalid Gateway!\n';
    const up = gw.state === 'up';
    return (
      '=================================================================================================\n' +
      `Name    \t${argv[2]}\nProfile \t${gw.profile}\nScheme  \tDigest\nRealm   \t${argv[2]}.carrier.example\n` +
      `Status  \t${up ? 'UP' : 'DOWN'}\nState   \t${up ? 'REGED' : 'FAIL_WAIT'}\n` +
      '=================================================================================================\n'
    );
  }
  const line = (name: string, type: string, data: string, state: string) =>
    `${name.padStart(25)}\t${type}\t  ${data.padStart(40)}\t${state}\n`;
  const sep =
    '=================================================================================================\n';
  let out = `${line('Name', '   Type', 'Data', 'State')}${sep}`;
  const counts = { internal: 0, external: 0 } as Record<string, number>;
  for (const ch of sw.channels.values())
    counts[ch.vars.get('sip_profile_name') ?? 'external'] =
      (counts[ch.vars.get('sip_profile_name') ?? 'external'] ?? 0) + 1;
  out += line('external', 'profile', `sip:mod_sofia@${ip}:5080`, `RUNNING (${counts['external'] ?? 0})`);
  for (const name of scenario.gatewayNames) {
    const gw = scenario.gateway(name)!;
    out += line(
      `${gw.profile}::${name}`,
      'gateway',
      `sip:${name}@${name}.carrier.example`,
      gw.state === 'up' ? 'REGED' : 'DOWN',
    );
  }
  out += line('internal', 'profile', `sip:mod_sofia@${ip}:5060`, `RUNNING (${counts['internal'] ?? 0})`);
  out += `${sep}2 profiles 0 aliases\n`;
  return out;
};

const avmd: ApiHandler = (engine, arg) => {
  const [uuid, action] = splitArgs(arg);
  const ch = find(engine, uuid);
  if (!ch) return '-ERR Invalid uuid\n';
  if (action === 'start') engine.avmdStart(ch);
  else if (action === 'stop') engine.avmdStop(ch);
  else return usage('<uuid> <start|stop>');
  return '+OK\n';
};

export const API_COMMANDS: Record<string, ApiHandler> = {
  originate,
  uuid_bridge: uuidBridge,
  uuid_transfer: uuidTransfer,
  uuid_kill: uuidKill,
  uuid_broadcast: uuidBroadcast,
  uuid_break: uuidBreak,
  uuid_setvar: uuidSetvar,
  uuid_setvar_multi: uuidSetvarMulti,
  uuid_getvar: uuidGetvar,
  uuid_exists: uuidExists,
  uuid_record: uuidRecord,
  uuid_answer: uuidAnswer,
  uuid_pre_answer: uuidPreAnswer,
  uuid_hold: uuidHold,
  uuid_park: uuidPark,
  uuid_send_dtmf: uuidSendDtmf,
  uuid_dump: uuidDump,
  hupall,
  show,
  status,
  fsctl,
  sofia,
  avmd,
  conference: (engine, arg) => engine.conferences.api(arg),
  uptime: (engine, arg) => {
    const us = Date.now() * 1000 - engine.sw.startedUs;
    const div: Record<string, number> = {
      us: 1,
      ms: 1e3,
      s: 1e6,
      m: 6e7,
      h: 3.6e9,
      d: 8.64e10,
      y: 3.1536e13,
    };
    return `${Math.floor(us / (div[arg.trim()] ?? 1e6))}\n`;
  },
  version: () => `FreeSWITCH Version ${FS_VERSION} (${FS_VERSION.split(' ')[0]} 64bit)\n`,
  hostname: (engine) => engine.sw.hostname,
  echo: (_engine, arg) => arg,
  global_getvar: (engine, arg) => {
    const name = arg.trim();
    const globals = engine.sw.globals;
    // No name: switch_core_dump_variables, one `name=value` line per global.
    if (!name) return [...globals].map(([k, v]) => `${k}=${v}\n`).join('');
    return globals.get(name) ?? '';
  },
  global_setvar: (engine, arg) => {
    const eq = arg.indexOf('=');
    const name = (eq < 0 ? arg : arg.slice(0, eq)).trim();
    if (!name) return usage('<var> <value>');
    const value = eq < 0 ? '' : arg.slice(eq + 1);
    if (value === '') engine.sw.globals.delete(name);
    else engine.sw.globals.set(name, value);
    return '+OK';
  },
};

/** Runs one API command; unknown ones answer like switch_api_execute's caller does. */
export function runApi(engine: CallEngine, cmd: string, arg: string | undefined): string | Promise<string> {
  const handler = API_COMMANDS[cmd.toLowerCase()];
  if (!handler) return `-ERR ${cmd} Command not found!\n`;
  try {
    return handler(engine, arg ?? '');
  } catch (error) {
    return `-ERR ${(error as Error).message}\n`;
  }
}

export function fireApiEvent(engine: CallEngine, cmd: string, arg: string | undefined): void {
  engine.sw.fire('API', (ev) => {
    ev.add('API-Command', cmd).add('API-Command-Argument', arg);
  });
}

/** bgapi: runs in its own "thread" and reports with BACKGROUND_JOB (no Job-Owner-UUID on inbound). */
export function runBackgroundJob(
  engine: CallEngine,
  cmd: string,
  arg: string | undefined,
  jobUuid: string,
  ownerUuid?: string,
): void {
  setImmediate(() => {
    void Promise.resolve(runApi(engine, cmd, arg)).then((body) => {
      engine.sw.afterJitter(() => {
        fireApiEvent(engine, cmd, arg);
        engine.sw.fire('BACKGROUND_JOB', (ev) => {
          ev.add('Job-UUID', jobUuid)
            .add('Job-Owner-UUID', ownerUuid)
            .add('Job-Command', cmd)
            .add('Job-Command-Arg', arg);
          ev.body = body;
        });
      });
    });
  });
}
