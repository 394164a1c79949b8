/** Parsing of the originate API's arguments and dial strings (reference 4.1). */
export const ORIGINATE_SYNTAX =
  '<call url> <exten>|&<application_name>(<app_args>) [<dialplan>] [<context>] [<cid_name>] [<cid_num>] [<timeout_sec>]';

/** switch_separate_string with quote handling: spaces split, single quotes group, `\\` escapes a quote, space or backslash. */
export function splitArgs(text: string): string[] {
  const out: string[] = [];
  let cur = '';
  let inQuote = false;
  let has = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === '\\' && (text[i + 1] === "'" || text[i + 1] === ' ' || text[i + 1] === '\\')) {
      cur += text[++i];
      has = true;
    } else if (c === "'") {
      inQuote = !inQuote;
      has = true;
    } else if (c === ' ' && !inQuote) {
      if (has) out.push(cur);
      cur = '';
      has = false;
    } else {
      cur += c;
      has = true;
    }
  }
  if (has) out.push(cur);
  return out;
}

/** `a=1,b=2` (with `\,` escapes) or `^^:a=1:b=2` into ordered pairs. */
export function parseVarList(body: string): Array<[string, string]> {
  let delim = ',';
  let text = body;
  if (text.startsWith('^^') && text.length > 2) {
    delim = text[2]!;
    text = text.slice(3);
  }
  const parts: string[] = [];
  let cur = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === '\\' && text[i + 1] === delim) {
      cur += delim;
      i++;
    } else if (c === delim) {
      parts.push(cur);
      cur = '';
    } else {
      cur += c;
    }
  }
  parts.push(cur);
  const vars: Array<[string, string]> = [];
  for (const part of parts) {
    const eq = part.indexOf('=');
    if (eq <= 0) continue;
    let value = part.slice(eq + 1);
    if (value.length >= 2 && value.startsWith("'") && value.endsWith("'")) value = value.slice(1, -1);
    vars.push([part.slice(0, eq).trim(), value]);
  }
  return vars;
}

export interface DialString {
  /** {..} and <..> variables, then [..] per-leg ones (which win), in order. */
  vars: Map<string, string>;
  endpoint: string;
  /** More than one leg was given (`,` or `|`); only the first is dialled. */
  extraLegs: boolean;
}

function takeBlock(text: string, open: string, close: string): [string, string] | undefined {
  if (!text.startsWith(open)) return undefined;
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    if (text[i] === open) depth++;
    else if (text[i] === close && --depth === 0) return [text.slice(1, i), text.slice(i + 1)];
  }
  return undefined;
}

export function parseDialString(text: string): DialString {
  const vars = new Map<string, string>();
  let rest = text.trim();
  for (;;) {
    const block = takeBlock(rest, '{', '}') ?? takeBlock(rest, '<', '>') ?? takeBlock(rest, '[', ']');
    if (!block) break;
    for (const [k, v] of parseVarList(block[0])) vars.set(k, v);
    rest = block[1];
  }
  const legEnd = rest.search(/[,|]/);
  const endpoint = legEnd >= 0 ? rest.slice(0, legEnd) : rest;
  return { vars, endpoint, extraLegs: legEnd >= 0 };
}

export interface OriginateRequest {
  dial: DialString;
  /** `&app(args)` target, or an extension to route through the (simulated) dialplan. */
  app?: { name: string; args: string };
  exten?: string;
  dialplan: string;
  context: string;
  cidName?: string;
  cidNum?: string;
  timeoutSec?: number;
}

export function parseOriginate(arg: string | undefined): OriginateRequest | undefined {
  const argv = splitArgs(arg ?? '').map((a) => (a === 'undef' ? '' : a));
  if (argv.length < 2 || argv.length > 7) return undefined;
  const target = argv[1]!;
  const req: OriginateRequest = {
    dial: parseDialString(argv[0]!),
    dialplan: argv[2] || 'XML',
    context: argv[3] || 'default',
    cidName: argv[4] || undefined,
    cidNum: argv[5] || undefined,
    timeoutSec: argv[6] ? parseInt(argv[6], 10) : undefined,
  };
  if (target.startsWith('&') && target.length > 1) {
    const m = /^&([^(]+)(?:\((.*)\))?$/s.exec(target);
    req.app = { name: (m?.[1] ?? target.slice(1)).trim(), args: m?.[2] ?? '' };
  } else {
    req.exten = target;
  }
  return req;
}
