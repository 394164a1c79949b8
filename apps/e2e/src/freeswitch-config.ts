import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';

/**
 * Reads the FreeSWITCH overlay we ship (deploy/freeswitch/conf) the way FreeSWITCH's
 * pre-processor and XML loader see it: `X-PRE-PROCESS set` / `env-set` lines define the
 * `$${var}` values (the defaults, as with an empty environment), comments are dropped,
 * and each element keeps its attributes and its ancestors' names. Our files are small
 * and regular, so a scanner is enough; it throws on anything it does not understand
 * rather than guessing.
 */
export const OVERLAY_DIR = resolve(__dirname, '../../../deploy/freeswitch/conf');

export interface XmlElement {
  file: string;
  name: string;
  attrs: Record<string, string>;
  /** Names of the enclosing elements, outermost first. */
  ancestors: string[];
}

export interface Overlay {
  files: string[];
  /** Pre-processor variables with their defaults (`set`), and the environment names (`env-set`). */
  vars: Map<string, string>;
  envVars: Map<string, string>;
  elements: XmlElement[];
  /** `$${name}` replaced by its default; throws on a variable the overlay never defines. */
  expand(value: string): string;
}

const PREPROCESS = /<X-PRE-PROCESS\s+cmd="([^"]+)"\s+data="([^"]*)"\s*\/>/gi;
const TAG = /<(\/?)([A-Za-z][\w.-]*)((?:\s+[\w.-]+="[^"]*")*)\s*(\/?)>/g;
const ATTR = /([\w.-]+)="([^"]*)"/g;

function xmlFiles(dir: string): string[] {
  return readdirSync(dir)
    .sort()
    .flatMap((name) => {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) return xmlFiles(path);
      return name.endsWith('.xml') ? [path] : [];
    });
}

export function readOverlay(dir = OVERLAY_DIR): Overlay {
  const files = xmlFiles(dir);
  const vars = new Map<string, string>();
  const envVars = new Map<string, string>();
  const elements: XmlElement[] = [];
  for (const path of files) {
    const file = relative(dir, path);
    const text = readFileSync(path, 'utf8').replace(/<!--[\s\S]*?-->/g, '');
    for (const [, cmd, data] of text.matchAll(PREPROCESS)) {
      const eq = data!.indexOf('=');
      const [name, value] = [data!.slice(0, eq), data!.slice(eq + 1)];
      if (cmd!.toLowerCase() === 'set') vars.set(name, value);
      else if (cmd!.toLowerCase() === 'env-set') {
        if (!value.startsWith('$')) throw new Error(`${file}: env-set ${name} must name $ENV`);
        envVars.set(name, value.slice(1));
        if (!vars.has(name)) vars.set(name, '');
      } else throw new Error(`${file}: unexpected pre-processor command ${cmd}`);
    }
    const stack: string[] = [];
    const body = text.replace(PREPROCESS, '');
    for (const [, close, name, rawAttrs, selfClose] of body.matchAll(TAG)) {
      if (close) {
        if (stack.pop() !== name) throw new Error(`${file}: </${name}> does not close what is open`);
        continue;
      }
      const attrs: Record<string, string> = {};
      for (const [, k, v] of (rawAttrs ?? '').matchAll(ATTR)) attrs[k!] = v!;
      elements.push({ file, name: name!, attrs, ancestors: [...stack] });
      if (!selfClose) stack.push(name!);
    }
    if (stack.length > 0) throw new Error(`${file}: <${stack.join('><')}> never closed`);
  }
  const expand = (value: string): string =>
    value.replace(/\$\$\{([^}]+)\}/g, (_m, name: string) => {
      if (!vars.has(name)) throw new Error(`$\${${name}} is not defined by the overlay`);
      return vars.get(name)!;
    });
  return { files: files.map((f) => relative(dir, f)), vars, envVars, elements, expand };
}

/** The elements called `name` (optionally only those inside an element called `inside`). */
export const elementsNamed = (o: Overlay, name: string, inside?: string): XmlElement[] =>
  o.elements.filter((e) => e.name === name && (inside === undefined || e.ancestors.includes(inside)));

/** `<param name=".." value=".."/>` children of a configuration, expanded, as a map. */
export function configParams(o: Overlay, configuration: string): Map<string, string> {
  const file = o.elements.find((e) => e.name === 'configuration' && e.attrs['name'] === configuration)?.file;
  if (!file) throw new Error(`no configuration ${configuration} in the overlay`);
  return new Map(
    o.elements
      .filter((e) => e.file === file && e.name === 'param')
      .map((e) => [e.attrs['name']!, o.expand(e.attrs['value'] ?? '')]),
  );
}

export interface ShippedTelephony {
  gateways: string[];
  agentExtensions: string[];
  modules: string[];
  conferenceProfiles: string[];
  localStreams: string[];
  /** Every `<action application data>` of the shipped dialplan. */
  dialplanActions: Array<{ application: string; data: string }>;
}

export function shippedTelephony(o: Overlay): ShippedTelephony {
  return {
    gateways: elementsNamed(o, 'gateway').map((g) => o.expand(g.attrs['name']!)),
    agentExtensions: elementsNamed(o, 'user', 'include')
      .filter((u) => u.file.startsWith('directory/'))
      .map((u) => u.attrs['id']!),
    modules: elementsNamed(o, 'load', 'modules').map((l) => l.attrs['module']!),
    conferenceProfiles: elementsNamed(o, 'profile', 'profiles')
      .filter((p) => p.file.endsWith('conference.conf.xml'))
      .map((p) => p.attrs['name']!),
    localStreams: elementsNamed(o, 'directory')
      .filter((d) => d.file.endsWith('local_stream.conf.xml'))
      .map((d) => d.attrs['name']!),
    dialplanActions: elementsNamed(o, 'action', 'context').map((a) => ({
      application: a.attrs['application']!,
      data: a.attrs['data'] ?? '',
    })),
  };
}

/**
 * What each FreeSWITCH module provides that AutoTelesale uses, read from the FreeSWITCH
 * source (signalwire/freeswitch, `SWITCH_ADD_APP` / `SWITCH_ADD_API` / endpoint and file
 * interfaces). A name missing here is one nobody has checked against FreeSWITCH yet.
 */
export const FREESWITCH_MODULES: Record<
  string,
  { source: string; apps?: string[]; apis?: string[]; endpoints?: string[]; media?: string[] }
> = {
  mod_commands: {
    source: 'src/mod/applications/mod_commands/mod_commands.c',
    apis: [
      'originate',
      'uuid_bridge',
      'uuid_broadcast',
      'uuid_transfer',
      'uuid_kill',
      'uuid_setvar',
      'uuid_getvar',
      'uuid_dump',
      'uuid_record',
      'show',
      'status',
      'fsctl',
      'uptime',
      'hostname',
    ],
  },
  mod_dptools: {
    source: 'src/mod/applications/mod_dptools/mod_dptools.c',
    apps: [
      'park',
      'playback',
      'hangup',
      'bridge',
      'set',
      'answer',
      'transfer',
      'echo',
      'record_session',
      'stop_record_session',
      'play_and_get_digits',
    ],
    endpoints: ['user'],
  },
  mod_sofia: { source: 'src/mod/endpoints/mod_sofia/mod_sofia.c', apis: ['sofia'], endpoints: ['sofia'] },
  mod_loopback: { source: 'src/mod/endpoints/mod_loopback/mod_loopback.c', endpoints: ['loopback'] },
  mod_conference: {
    source: 'src/mod/applications/mod_conference/mod_conference.c',
    apps: ['conference'],
    apis: ['conference'],
  },
  mod_avmd: {
    source: 'src/mod/applications/mod_avmd/mod_avmd.c',
    apps: ['avmd_start', 'avmd_stop', 'avmd'],
    apis: ['avmd'],
  },
  mod_local_stream: {
    source: 'src/mod/formats/mod_local_stream/mod_local_stream.c',
    media: ['local_stream'],
  },
  mod_sndfile: { source: 'src/mod/formats/mod_sndfile/mod_sndfile.c', media: ['wav'] },
};

/**
 * Channel variables FreeSWITCH's core reads on an originate or a bridge
 * (src/switch_ivr_originate.c, each endpoint's outgoing channel, src/include/switch_types.h).
 * Any other name is a plain variable FreeSWITCH stores and reports (`variable_<name>`):
 * ours start with `ats_`.
 */
export const CORE_CHANNEL_VARIABLES = [
  'origination_uuid',
  'ignore_early_media',
  'originate_timeout',
  'origination_caller_id_number',
  'origination_caller_id_name',
  'park_after_bridge',
  'hangup_after_bridge',
];

/** The module that provides an application / API command / endpoint / media kind, if any. */
export function providerOf(kind: 'apps' | 'apis' | 'endpoints' | 'media', name: string): string | undefined {
  return Object.entries(FREESWITCH_MODULES).find(([, m]) => m[kind]?.includes(name))?.[0];
}

/** One extension of a shipped dialplan context: its `destination_number` condition and actions. */
export interface ShippedExtension {
  name: string;
  expression: string;
  actions: Array<{ application: string; data: string }>;
}

/**
 * The shipped XML dialplan as context -> extensions in order (the shape of fs-sim's
 * scenario `contexts`). Only `destination_number` conditions are read: anything else in a
 * shipped context throws, so a new kind of condition gets a look before fs-sim is told.
 */
export function shippedContexts(o: Overlay): Record<string, ShippedExtension[]> {
  const contexts: Record<string, ShippedExtension[]> = {};
  let context: ShippedExtension[] | undefined;
  let extension: ShippedExtension | undefined;
  for (const e of o.elements) {
    if (e.name === 'context') {
      context = contexts[e.attrs['name']!] ??= [];
      extension = undefined;
    } else if (e.name === 'extension' && e.ancestors.includes('context')) {
      extension = { name: e.attrs['name']!, expression: '', actions: [] };
      context!.push(extension);
    } else if (e.name === 'condition' && e.ancestors.includes('extension')) {
      if (e.attrs['field'] !== 'destination_number' || extension!.expression)
        throw new Error(
          `${e.file}: extension ${extension!.name}: only one destination_number condition is read`,
        );
      extension!.expression = e.attrs['expression']!;
    } else if (e.name === 'action' && e.ancestors.includes('extension')) {
      extension!.actions.push({
        application: e.attrs['application']!,
        data: o.expand(e.attrs['data'] ?? ''),
      });
    }
  }
  return contexts;
}
