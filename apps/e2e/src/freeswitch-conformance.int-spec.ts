import { randomUUID } from 'node:crypto';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { agentLegPlan, CHANNEL_VARS, customerLegPlan } from '@autotelesale/dialer-domain';
import { buildOriginateArgs, EslClient, parseJsonEvent, type EslEvent } from '@autotelesale/esl';
import { startFsSimProcess, waitFor, type FsSimProcess } from '@autotelesale/testing';
// The dialer's own defaults (ATS_FS_GATEWAY, ATS_FS_HEARTBEAT_MS), not copies of them.
import { loadDialerServiceConfig } from '../../dialer-service/src/config/dialer-service.config';
// The inbound gate's real commands and default continue target, built by the dialer's own code.
import { loadInboundGateConfig } from '../../dialer-service/src/inbound/inbound-gate.config';
import { decideInbound } from '../../dialer-service/src/inbound/inbound-verdict';
import { INBOUND_GATE_VARIABLE } from '@autotelesale/contracts';
import {
  configParams,
  CORE_CHANNEL_VARIABLES,
  elementsNamed,
  providerOf,
  readOverlay,
  shippedContexts,
  shippedTelephony,
} from './freeswitch-config';

/**
 * The FreeSWITCH configuration we ship (deploy/freeswitch/conf), the dialer and fs-sim
 * say the same thing: every endpoint the dialer dials exists in the configuration, every
 * application / API command / stream it uses comes from a module the configuration
 * loads, and fs-sim, given a world built from the same configuration, accepts all of it.
 */
const ROOT = resolve(__dirname, '../../..');
const overlay = readOverlay();
const shipped = shippedTelephony(overlay);
const dialerDefaults = loadDialerServiceConfig({ ATS_FS_NODES: 'fs1=127.0.0.1:8021:x' });
const inboundDefaults = loadInboundGateConfig({});
const contexts = shippedContexts(overlay);
/** What the gate sends for a blacklisted caller and for any other, exactly as the dialer builds it. */
const gateCommands = (uuid: string) => ({
  reject: decideInbound(
    uuid,
    {
      kind: 'answered',
      reply: { phone: '+84961166133', allowed: false, entries: [], invalidNumber: false },
    },
    inboundDefaults.continueTo,
  ).command,
  allow: decideInbound(uuid, { kind: 'unreadableCaller' }, inboundDefaults.continueTo).command,
});

function tsSources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return tsSources(path);
    return name.endsWith('.ts') && !name.includes('.spec.') && !name.includes('.int-spec.') ? [path] : [];
  });
}

/** What reaches a node, read from the code that sends it: a new command shows up here by itself. */
function dialerUsage() {
  const text = ['apps/dialer-service/src', 'libs/esl/src']
    .flatMap((dir) => tsSources(join(ROOT, dir)))
    .map((file) => readFileSync(file, 'utf8'))
    .join('\n');
  const apis = new Set<string>();
  for (const m of text.matchAll(/\.(?:api|bgapi)\(\s*[`'"]([a-z_]+)/g)) apis.add(m[1]!);
  for (const m of text.matchAll(/bgapiOn\([^,]+,\s*[`'"]([a-z_]+)/g)) apis.add(m[1]!);
  const inlineApps = new Set<string>();
  for (const m of text.matchAll(/uuid_transfer \S+ ([^`\s]+) inline/g))
    for (const step of m[1]!.split(',')) inlineApps.add(step.split(':')[0]!);
  const streams = new Set([...text.matchAll(/local_stream:\/\/(\w+)/g)].map((m) => m[1]!));
  return { apis, inlineApps, streams };
}
const usage = dialerUsage();

const customerPlan = (callId: string, gateway: string, earlyMedia = false) =>
  customerLegPlan({
    callId,
    dialerId: 'conformance',
    campaignId: 'campaign-1',
    attemptId: 'attempt-1',
    contactId: 'contact-1',
    phone: '+15550000001',
    gateway,
    earlyMedia, // manual and preview campaigns: the agent hears the ringback (183)
    ringTimeoutSec: 20,
    callerId: { number: '+15551230000', name: 'Acme Sales' },
  });
const agentPlan = (legUuid: string, extension: string) =>
  agentLegPlan({ legUuid, dialerId: 'conformance', agentId: 'agent-1', extension });

/** `{a=1,b='x y'}endpoint &app(args)` → its parts (escaped commas stay inside a value). */
function parseOriginate(args: string) {
  const m = /^\{(.*)\}(\S+) &(\w+)\(/.exec(args);
  if (!m) throw new Error(`not an originate string we know: ${args}`);
  return {
    variables: m[1]!.split(/(?<!\\),/).map((kv) => kv.slice(0, kv.indexOf('='))),
    endpoint: m[2]!,
    application: m[3]!,
  };
}

const loaded = (module: string | undefined) => module !== undefined && shipped.modules.includes(module);

describe('the shipped FreeSWITCH configuration knows everything the dialer uses', () => {
  it('dials customers through a gateway the configuration defines, named like the dialer default', () => {
    expect(shipped.gateways).toContain(dialerDefaults.gateway);
    const { endpoint } = parseOriginate(
      buildOriginateArgs(customerPlan(randomUUID(), dialerDefaults.gateway)),
    );
    const [, gateway, digits] = /^sofia\/gateway\/([^/]+)\/(\d+)$/.exec(endpoint) ?? [];
    expect({ gateway, digits }).toEqual({ gateway: dialerDefaults.gateway, digits: '15550000001' });
    // vanilla's external profile includes sip_profiles/external/*.xml: that is where it must live.
    const file = elementsNamed(overlay, 'gateway')[0]!.file;
    expect(file).toMatch(/^sip_profiles\/external\/[^/]+\.xml$/);
    // The gateway is fully templated from the environment, and an unreachable carrier marks it down.
    const params = new Map(
      elementsNamed(overlay, 'param', 'gateway').map((p) => [p.attrs['name'], p.attrs['value']]),
    );
    for (const name of ['proxy', 'realm', 'username', 'password', 'register'])
      expect([name, params.get(name)]).toEqual([name, expect.stringMatching(/^\$\$\{ats_\w+\}$/)]);
    expect(Number(params.get('ping'))).toBeGreaterThan(0);
  });

  it('calls every shipped agent seat as user/<ext>, answered automatically, and nothing else', () => {
    expect(shipped.agentExtensions.length).toBeGreaterThanOrEqual(20);
    for (const ext of shipped.agentExtensions) {
      const { endpoint } = parseOriginate(buildOriginateArgs(agentPlan(randomUUID(), ext)));
      expect(endpoint).toBe(`user/${ext}`);
    }
    const dialStrings = elementsNamed(overlay, 'param', 'user')
      .filter((p) => p.attrs['name'] === 'dial-string')
      .map((p) => overlay.expand(p.attrs['value']!));
    expect(dialStrings).toHaveLength(shipped.agentExtensions.length);
    for (const d of dialStrings) expect(d).toMatch(/sip_auto_answer=true.*\$\{sofia_contact\(/);
  });

  it('loads a module for every endpoint, application, API command and media stream the dialer uses', () => {
    const customer = parseOriginate(buildOriginateArgs(customerPlan(randomUUID(), dialerDefaults.gateway)));
    const agent = parseOriginate(buildOriginateArgs(agentPlan(randomUUID(), shipped.agentExtensions[0]!)));
    const needs = [
      ...[customer, agent].map((o) => ['endpoints', o.endpoint.split('/')[0]!] as const),
      ...[customer, agent].map((o) => ['apps', o.application] as const),
      ...[...usage.apis].map((api) => ['apis', api] as const),
      ...[...usage.inlineApps].map((app) => ['apps', app] as const),
      ...[...usage.streams].map(() => ['media', 'local_stream'] as const),
      ['media', 'wav'] as const, // the intro and identification messages
    ];
    // The source scan found what we know the dialer sends (it would find nothing if the code moved).
    expect([...usage.apis]).toEqual(expect.arrayContaining(['originate', 'uuid_bridge', 'uuid_broadcast']));
    expect([...usage.inlineApps]).toEqual(expect.arrayContaining(['playback', 'hangup']));
    const missing = needs.filter(([kind, name]) => !loaded(providerOf(kind, name)));
    expect(missing).toEqual([]);
    for (const stream of usage.streams) expect(shipped.localStreams).toContain(stream);
  });

  it('sends only channel variables FreeSWITCH reads or our own ats_* names', () => {
    const customer = parseOriginate(buildOriginateArgs(customerPlan(randomUUID(), dialerDefaults.gateway)));
    const earlyMedia = parseOriginate(
      buildOriginateArgs(customerPlan(randomUUID(), dialerDefaults.gateway, true)),
    );
    const agent = parseOriginate(buildOriginateArgs(agentPlan(randomUUID(), shipped.agentExtensions[0]!)));
    const unknown = [...new Set([...customer.variables, ...earlyMedia.variables, ...agent.variables])].filter(
      (v) => !CORE_CHANNEL_VARIABLES.includes(v) && !/^ats_[a-z_]+$/.test(v),
    );
    expect(unknown).toEqual([]);
    for (const name of Object.values(CHANNEL_VARS)) expect(name).toMatch(/^ats_[a-z_]+$/);
    expect(agent.variables).toEqual(expect.arrayContaining(['park_after_bridge', 'hangup_after_bridge']));
  });

  it('runs its own dialplan and supervisor rooms with loaded modules and a defined conference profile', () => {
    expect(shipped.dialplanActions.length).toBeGreaterThan(0);
    for (const { application, data } of shipped.dialplanActions) {
      expect([application, loaded(providerOf('apps', application))]).toEqual([application, true]);
      if (application === 'conference')
        expect(shipped.conferenceProfiles).toContain(/@([^+]+)/.exec(data)?.[1]);
    }
  });

  it('sends every carrier call (context public) to the gate: marked for the dialer, parked, never answered', () => {
    // vanilla's external profile (the carrier's) runs `public`; our file replaces vanilla's.
    const file = elementsNamed(overlay, 'context').find((c) => c.attrs['name'] === 'public')?.file;
    expect(file).toBe('dialplan/public.xml');
    const gate = contexts['public']!;
    expect(gate.map((e) => e.name)).toEqual(['ats_inbound_gate']);
    const any = new RegExp(gate[0]!.expression);
    for (const did of ['19001234', '+842838221234', 'sales', ''])
      expect([did, any.test(did)]).toEqual([did, true]);
    expect(gate[0]!.actions).toEqual([
      { application: 'set', data: `${INBOUND_GATE_VARIABLE}=true` },
      { application: 'park', data: '' },
    ]);
    // What the dialer does with a parked gate call comes from modules loaded here.
    const { reject, allow } = gateCommands(randomUUID());
    expect(reject).toMatch(/^uuid_kill \S+ CALL_REJECTED$/);
    expect(allow).toMatch(/^uuid_transfer \S+ inbound_queue XML default$/);
    for (const command of [reject, allow])
      expect(loaded(providerOf('apis', command.split(' ')[0]!))).toBe(true);
  });

  it('lets the dialer pods in over ESL with the password from the environment and its heartbeat period', () => {
    const esl = configParams(overlay, 'event_socket.conf');
    const aclName = esl.get('apply-inbound-acl');
    const acl = elementsNamed(overlay, 'list', 'network-lists').find((l) => l.attrs['name'] === aclName);
    expect(acl?.attrs['default']).toBe('deny');
    const allowed = elementsNamed(overlay, 'node', 'list')
      .filter((n) => n.file === acl!.file && n.attrs['type'] === 'allow')
      .map((n) => n.attrs['cidr']);
    expect(allowed).toEqual(expect.arrayContaining(['$${ats_dialer_cidr}']));
    expect(overlay.envVars.get('ats_esl_password')).toBe('ATS_ESL_PASSWORD');
    expect(esl.get('password')).toBe(''); // no default password: it must come from the environment
    expect(esl.get('listen-port')).toBe('8021');
    const core = configParams(overlay, 'switch.conf');
    expect(Number(core.get('event-heartbeat-interval')) * 1000).toBe(dialerDefaults.heartbeatIntervalMs);
    expect(Number(core.get('sessions-per-second'))).toBeGreaterThan(0);
    expect(Number(core.get('max-sessions'))).toBeGreaterThan(Number(core.get('sessions-per-second')));
  });

  it('loads mod_avmd, whose CUSTOM events libs/esl reads as answering-machine verdicts', () => {
    expect(shipped.modules).toContain('mod_avmd');
    const parsed = parseJsonEvent(
      JSON.stringify({
        'Event-Name': 'CUSTOM',
        'Event-Subclass': 'avmd::beep',
        'Unique-ID': randomUUID(),
        'Beep-Status': 'DETECTED',
      }),
    );
    expect(parsed).toMatchObject({ ok: true, event: { kind: 'amd' } });
  });
});

describe('fs-sim, given the shipped configuration, accepts what the dialer and the configuration use', () => {
  let sim: FsSimProcess;
  let esl: EslClient;
  const events: EslEvent[] = [];
  const executed = (uuid: string, app: string) =>
    events.some(
      (e) =>
        e.kind === 'execute' && e.name === 'CHANNEL_EXECUTE' && e.uniqueId === uuid && e.application === app,
    );

  beforeAll(async () => {
    sim = await startFsSimProcess({
      nodes: 1,
      timeScale: 0.05,
      scenario: {
        gateways: Object.fromEntries(shipped.gateways.map((g) => [g, {}])),
        // The shipped dialplan contexts (public: the inbound gate; autotelesale: the agents').
        contexts,
        playback: { defaultMs: 200 },
        overrides: [
          { prefix: '1555', behaviour: { kind: 'answer', progressMs: 20, ringMs: 100, talkMs: 3_600_000 } },
        ],
        agents: shipped.agentExtensions.map((ext) => ({
          ext,
          registered: true,
          autoAnswer: true,
          answerDelayMs: 20,
        })),
      },
    });
    esl = new EslClient({ host: '127.0.0.1', port: sim.eslPorts[0]!, password: sim.password });
    esl.on('event', (e) => void events.push(e));
    await esl.connect();
    await esl.subscribe([
      'CHANNEL_EXECUTE',
      'CHANNEL_BRIDGE',
      'CHANNEL_HANGUP_COMPLETE',
      'PLAYBACK_STOP',
      'CHANNEL_PARK',
      'CHANNEL_ANSWER',
      'RECORD_START',
    ]);
  }, 60_000);

  afterAll(async () => {
    await esl?.close();
    await sim?.stop();
  });

  it('answers the dialer originates to the shipped gateway and seats, and refuses what is not shipped', async () => {
    const customer = await esl.originate(customerPlan(randomUUID(), dialerDefaults.gateway));
    const earlyMedia = await esl.originate(customerPlan(randomUUID(), dialerDefaults.gateway, true));
    const agent = await esl.originate(agentPlan(randomUUID(), shipped.agentExtensions.at(-1)!));
    expect([customer.ok, earlyMedia.ok, agent.ok]).toEqual([true, true, true]);
    // Like FreeSWITCH with this configuration: no such gateway, no such directory user.
    const noGateway = await esl.originate(customerPlan(randomUUID(), 'not-shipped'));
    const noSeat = await esl.originate(agentPlan(randomUUID(), '2999'));
    expect([noGateway, noSeat].map((r) => (r.ok ? 'ok' : r.cause))).toEqual([
      'INVALID_GATEWAY',
      'SUBSCRIBER_ABSENT',
    ]);
  }, 30_000);

  it('accepts every API command the dialer sends, the way the dialer sends it', async () => {
    const cust = randomUUID();
    const agent = randomUUID();
    expect((await esl.originate(customerPlan(cust, dialerDefaults.gateway))).ok).toBe(true);
    expect((await esl.originate(agentPlan(agent, shipped.agentExtensions[0]!))).ok).toBe(true);
    const [stream] = [...usage.streams];
    const seen = (name: string, uuid: string, detail?: (e: EslEvent) => boolean) => () =>
      events.some((e) => e.name === name && 'uniqueId' in e && e.uniqueId === uuid && (!detail || detail(e)));
    // One line per command the dialer sends, in the order a call uses them, each followed
    // by the event the dialer waits for before its next step. A command the dialer starts
    // sending fails the last assertion until it is added here (and checked against
    // FreeSWITCH in freeswitch-config.ts).
    const exercise: Array<[string, string, RegExp, (() => boolean)?]> = [
      ['uptime', 'uptime', /^\d+/],
      [
        'uuid_broadcast',
        `uuid_broadcast ${cust} /sounds/intro.wav aleg`,
        /^\+OK/,
        seen(
          'PLAYBACK_STOP',
          cust,
          (e) => e.kind === 'playback' && e.playbackFilePath === '/sounds/intro.wav',
        ),
      ],
      [
        'uuid_broadcast',
        `uuid_broadcast ${cust} local_stream://${stream} aleg`,
        /^\+OK/,
        seen(
          'CHANNEL_EXECUTE',
          cust,
          (e) => e.kind === 'execute' && e.applicationData === `local_stream://${stream}`,
        ),
      ],
      ['uuid_setvar', `uuid_setvar ${cust} ${CHANNEL_VARS.dialerId} conformance-2`, /^\+OK/],
      ['uuid_getvar', `uuid_getvar ${cust} ${CHANNEL_VARS.dialerId}`, /^conformance-2$/],
      // A take-over reads each leg's variables in one dump (call-reconciler).
      ['uuid_dump', `uuid_dump ${cust} json`, /"variable_ats_dialer_id":"conformance-2"/],
      ['show', 'show channels as json', /"row_count":\s*[2-9]/],
      ['uuid_bridge', `uuid_bridge ${cust} ${agent}`, /^\+OK/, seen('CHANNEL_BRIDGE', cust)],
      // A recording campaign records the customer leg once bridged (call-recording.ts, bgapi).
      [
        'uuid_record',
        `uuid_record ${cust} start /var/lib/freeswitch/recordings/autotelesale/conformance/${cust}.wav`,
        /^\+OK/,
        seen('RECORD_START', cust),
      ],
      [
        'uuid_transfer',
        `uuid_transfer ${cust} playback:/sounds/identification.wav,hangup:NORMAL_CLEARING inline`,
        /^\+OK/,
        seen('CHANNEL_HANGUP_COMPLETE', cust),
      ],
    ];
    for (const [, command, reply, then] of exercise) {
      expect([command, await esl.api(command)]).toEqual([command, expect.stringMatching(reply)]);
      if (then) await waitFor(then, { description: `what follows ${command}` });
    }
    // The customer heard the message and was hung up; park_after_bridge kept the agent's leg, parked.
    expect(['playback', 'hangup'].map((app) => executed(cust, app))).toEqual([true, true]);
    await waitFor(
      () =>
        events.filter((e) => e.kind === 'execute' && e.uniqueId === agent && e.application === 'park')
          .length >= 2,
    );
    expect((await esl.showChannels()).map((c) => c.uuid)).toContain(agent);
    expect(await esl.api(`uuid_kill ${agent} NORMAL_CLEARING`)).toMatch(/^\+OK/);
    const exercised = new Set([...exercise.map(([name]) => name), 'originate', 'uuid_kill']);
    expect([...usage.apis].filter((api) => !exercised.has(api))).toEqual([]);
  }, 30_000);

  it('runs the shipped dialplan applications and the AMD application on a live call', async () => {
    const apps = [
      ...shipped.dialplanActions.map(({ application, data }) => [
        application,
        data.replace('$1', 'ats-conformance'),
      ]),
      ['avmd_start', ''],
    ];
    for (const [app, data] of apps) {
      const uuid = randomUUID();
      expect((await esl.originate(customerPlan(uuid, dialerDefaults.gateway))).ok).toBe(true);
      expect(await esl.api(`uuid_transfer ${uuid} ${data ? `${app}:${data}` : app} inline`)).toMatch(/^\+OK/);
      await waitFor(() => executed(uuid, app!), { timeoutMs: 5_000 });
      await esl.api(`uuid_kill ${uuid}`);
    }
  }, 60_000);

  it('parks a carrier call at the gate with its mark; CALL_REJECTED refuses it, a transfer sends it on', async () => {
    const call = async (from: string, to: string) => {
      const uuid = randomUUID();
      const res = await fetch(`${sim.controlUrl}/nodes/0/calls`, {
        method: 'POST',
        body: JSON.stringify({ from, to, uuid }),
      });
      expect(res.status).toBe(200);
      return uuid;
    };
    const find = (uuid: string, name: string, n = 1) =>
      events.filter((e) => e.name === name && 'uniqueId' in e && e.uniqueId === uuid)[n - 1];
    const parked = async (uuid: string, n = 1) => {
      await waitFor(() => find(uuid, 'CHANNEL_PARK', n) !== undefined, {
        description: `park ${n} of ${uuid}`,
      });
      return find(uuid, 'CHANNEL_PARK', n)! as EslEvent & { kind: 'channel' };
    };

    // A blacklisted caller: parked unanswered with the mark, then refused (603 Decline).
    const refused = await call('0961166133', '19001234');
    const park = await parked(refused);
    expect([
      park.variable(INBOUND_GATE_VARIABLE),
      park.answerState,
      park.headers['Caller-Caller-ID-Number'],
    ]).toEqual(['true', 'ringing', '0961166133']);
    expect(await esl.api(gateCommands(refused).reject)).toMatch(/^\+OK/);
    await waitFor(() => find(refused, 'CHANNEL_HANGUP_COMPLETE') !== undefined);
    const end = find(refused, 'CHANNEL_HANGUP_COMPLETE')!;
    expect([
      end.kind === 'hangup' && end.hangupCause,
      end.kind === 'hangup' && end.variable('hangup_cause_q850'),
      end.kind === 'hangup' && end.variable('sip_hangup_disposition'),
      find(refused, 'CHANNEL_ANSWER'),
    ]).toEqual(['CALL_REJECTED', '21', 'send_refuse', undefined]);

    // Any other caller: sent on to the operator's extension in its context.
    const allowed = await call('0961166134', '19001234');
    await parked(allowed);
    expect(await esl.api(gateCommands(allowed).allow)).toMatch(/^\+OK/);
    const onward = await parked(allowed, 2);
    expect([onward.headers['Caller-Destination-Number'], onward.headers['Caller-Context']]).toEqual([
      inboundDefaults.continueTo.extension,
      inboundDefaults.continueTo.context,
    ]);
    expect(find(allowed, 'CHANNEL_HANGUP_COMPLETE')).toBeUndefined();
    await esl.api(`uuid_kill ${allowed}`);
  }, 30_000);
});
