import { randomUUID } from 'node:crypto';
import {
  addChannelData,
  Channel,
  type QueuedApp,
  type RunningApp,
  type CallState,
  type ChannelState,
} from './channel';
import { q850, sipCodeToCause } from './hangup-causes';
import { parseDialString, type OriginateRequest } from './originate-parser';
import type { SimSwitch } from './sim-switch';
import { nowMicros, stamp } from './time-format';
import { APPLICATIONS } from './applications';
import { ConferenceRegistry } from './conference';

export type OriginateOutcome = { ok: true; channel: Channel } | { ok: false; cause: string };

interface Endpoint {
  role: 'customer' | 'agent';
  name: string;
  number: string;
  profile: string;
  gateway?: string;
  agentExt?: string;
  networkAddr?: string;
}

const TRUE = (v: string | undefined) => v !== undefined && /^(true|yes|on|1|enabled|active|allow)$/i.test(v);

/**
 * The call state machine of one switch: originate, the remote party's behaviour, the
 * application stack, bridges, transfers and hangups, firing FreeSWITCH's events in
 * FreeSWITCH's order (reference sections 3 and 4).
 */
export class CallEngine {
  readonly conferences: ConferenceRegistry;

  constructor(readonly sw: SimSwitch) {
    this.conferences = new ConferenceRegistry(this);
  }

  // ---------------------------------------------------------------- originate

  resolveEndpoint(endpoint: string): Endpoint | { cause: string } {
    const parts = endpoint.split('/');
    const world = this.sw.world;
    switch (parts[0]) {
      case 'sofia': {
        if (parts[1] === 'gateway') {
          const gwName = parts[2] ?? '';
          const dest = parts.slice(3).join('/');
          const gw = world.scenario.gateway(gwName);
          if (!gw) return { cause: 'INVALID_GATEWAY' };
          if (gw.state === 'down') return { cause: 'GATEWAY_DOWN' };
          if (!dest) return { cause: 'INVALID_URL' };
          return {
            role: 'customer',
            name: `sofia/${gw.profile}/${dest}`,
            number: dest.split('@')[0]!,
            profile: gw.profile,
            gateway: gwName,
          };
        }
        const profile = parts[1] ?? '';
        if (profile !== 'internal' && profile !== 'external') return { cause: 'INVALID_PROFILE' };
        const dest = parts.slice(2).join('/');
        if (!dest) return { cause: 'INVALID_URL' };
        const number = dest.split('@')[0]!;
        const phone = profile === 'internal' ? world.agent(number) : undefined;
        if (phone) {
          if (!phone.registered) return { cause: 'USER_NOT_REGISTERED' };
          return {
            role: 'agent',
            name: `sofia/internal/${dest}`,
            number,
            profile,
            agentExt: number,
            networkAddr: agentIp(number),
          };
        }
        return { role: 'customer', name: `sofia/${profile}/${dest}`, number, profile };
      }
      case 'user': {
        const ext = (parts[1] ?? '').split('@')[0]!;
        const phone = world.agent(ext);
        if (!phone) return { cause: 'SUBSCRIBER_ABSENT' };
        if (!phone.registered) return { cause: 'USER_NOT_REGISTERED' };
        const ip = agentIp(ext);
        return {
          role: 'agent',
          name: `sofia/internal/${ext}@${ip}:5060`,
          number: ext,
          profile: 'internal',
          agentExt: ext,
          networkAddr: ip,
        };
      }
      case 'error':
        return { cause: (parts[1] ?? 'NORMAL_CLEARING').toUpperCase() };
      default:
        return { cause: 'CHAN_NOT_IMPLEMENTED' };
    }
  }

  /** Creates the B-leg and resolves when originate would return (answer, early media, ring-ready or failure). */
  originate(req: OriginateRequest, originator?: Channel): Promise<OriginateOutcome> {
    const sw = this.sw;
    sw.stats.originates++;
    const ep = this.resolveEndpoint(req.dial.endpoint);
    if ('cause' in ep) return Promise.resolve({ ok: false, cause: ep.cause });
    const vars = req.dial.vars;
    const uuid = vars.get('origination_uuid') || randomUUID();
    const refusal = sw.pausedOutbound ? 'Outbound paused' : sw.admitSession(uuid);
    if (refusal) return Promise.resolve({ ok: false, cause: 'DESTINATION_OUT_OF_ORDER' });

    const now = nowMicros();
    const ch = new Channel(
      uuid,
      ep.name,
      {
        direction: 'outbound',
        dialplan: req.dialplan,
        callerIdName: vars.get('origination_caller_id_name') ?? req.cidName,
        callerIdNumber: vars.get('origination_caller_id_number') ?? req.cidNum ?? '0000000000',
        calleeIdNumber: ep.number,
        networkAddr: ep.networkAddr,
        destinationNumber: ep.number,
        source: 'src/switch_ivr_originate.c',
        context: req.context,
        createdUs: now,
        answeredUs: 0,
        progressUs: 0,
        progressMediaUs: 0,
        hangupUs: 0,
        transferUs: 0,
        bridgedUs: 0,
        lastHoldUs: 0,
        holdAccumUs: 0,
      },
      sw.nextSessionId(),
    );
    ch.role = ep.role;
    ch.agentExt = ep.agentExt;
    ch.setVar('direction', 'outbound');
    ch.setVar('uuid', uuid);
    ch.setVar('session_id', String(ch.sessionId));
    ch.setVar('sip_profile_name', ep.profile);
    ch.setVar('sip_gateway_name', ep.gateway);
    ch.setVar('channel_name', ep.name);
    ch.setVar(
      'sip_destination_url',
      `sip:${ep.number}@${ep.gateway ? `${ep.gateway}.carrier.example` : (ep.networkAddr ?? 'localhost')}`,
    );
    ch.setVar('is_outbound', 'true');
    if (originator) {
      ch.setVar('originator', originator.uuid);
      ch.setVar('originating_leg_uuid', originator.uuid);
      ch.otherLeg = { type: 'originator', channel: originator };
    }
    // {}/[] variables land on the leg after the endpoint created it (reference 3.4).
    for (const [k, v] of vars) ch.setVar(k, v);
    sw.registerChannel(ch);

    sw.fireChannel('CHANNEL_OUTGOING', ch);
    this.setState(ch, 'CS_INIT');
    sw.fireChannel('CHANNEL_CREATE', ch);
    sw.fireChannel('CHANNEL_ORIGINATE', ch);
    this.setState(ch, 'CS_ROUTING');
    this.setState(ch, 'CS_CONSUME_MEDIA');

    ch.originateReturnsOnEarly = !TRUE(vars.get('ignore_early_media'));
    const returnOnRing = TRUE(vars.get('return_ring_ready'));
    const timeoutSec =
      Number(vars.get('originate_timeout') ?? vars.get('leg_timeout') ?? req.timeoutSec ?? 60) || 60;

    return new Promise<OriginateOutcome>((resolve) => {
      const timer = sw.channelTimer(ch, timeoutSec * 1000, () => this.hangup(ch, 'NO_ANSWER', 'send_cancel'));
      ch.pendingOriginate = (outcome) => {
        ch.pendingOriginate = undefined;
        timer.cancel();
        ch.timers.delete(timer);
        resolve(outcome.ok ? { ok: true, channel: ch } : { ok: false, cause: outcome.cause });
      };
      if (returnOnRing) ch.setVar('return_ring_ready', 'true');
      if (ep.role === 'agent') this.driveAgent(ch);
      else this.driveCustomer(ch);
    });
  }

  /**
   * A call from the outside world (an inbound sofia A-leg from `from` to `to`): the channel
   * is created ringing and the simulated dialplan runs for `to` (the scenario's `dialplan`,
   * e.g. a `socket` to a controller, an agent phone, or park). It stays unanswered until an
   * application (or a controller's `answer`) answers it. Returns the refusal cause when the
   * switch takes no new session.
   */
  inboundCall(from: string, to: string, uuid: string = randomUUID()): Channel | { cause: string } {
    const sw = this.sw;
    const refusal = sw.admitSession(uuid);
    if (refusal)
      return { cause: refusal === 'Duplicate UUID!' ? 'DUPLICATE_UUID' : 'DESTINATION_OUT_OF_ORDER' };
    const remote = '198.51.100.20';
    const name = `sofia/external/${from}@${remote}`;
    const ch = new Channel(
      uuid,
      name,
      {
        direction: 'inbound',
        username: from,
        dialplan: 'XML',
        callerIdName: from,
        callerIdNumber: from,
        networkAddr: remote,
        destinationNumber: to,
        source: 'mod_sofia',
        context: 'public',
        createdUs: nowMicros(),
        answeredUs: 0,
        progressUs: 0,
        progressMediaUs: 0,
        hangupUs: 0,
        transferUs: 0,
        bridgedUs: 0,
        lastHoldUs: 0,
        holdAccumUs: 0,
      },
      sw.nextSessionId(),
    );
    ch.role = 'customer';
    ch.setVar('direction', 'inbound');
    ch.setVar('uuid', uuid);
    ch.setVar('session_id', String(ch.sessionId));
    ch.setVar('sip_profile_name', 'external');
    ch.setVar('channel_name', name);
    ch.setVar('sip_from_user', from);
    ch.setVar('sip_to_user', to);
    ch.setVar('sip_req_user', to);
    ch.setVar('sip_network_ip', remote);
    sw.registerChannel(ch);
    this.setState(ch, 'CS_INIT');
    sw.fireChannel('CHANNEL_CREATE', ch);
    this.setState(ch, 'CS_ROUTING');
    this.setCallState(ch, 'RINGING');
    ch.hitDialplan = true;
    this.startProgram(ch, this.routeExtension(to, 'public'));
    return ch;
  }

  private driveCustomer(ch: Channel): void {
    const b = this.sw.world.scenario.behaviourFor(ch.profile.destinationNumber);
    ch.behaviour = b;
    const sw = this.sw;
    if (b.kind === 'invalid-number' || b.kind === 'network-failure') {
      sw.channelTimer(ch, b.ringMs, () => this.remoteFailure(ch, b.sipCode));
      return;
    }
    const progressAt = Math.min(b.progressMs, b.ringMs);
    sw.channelTimer(ch, progressAt, () => this.progress(ch));
    if (b.earlyMedia) {
      sw.channelTimer(ch, progressAt + (b.ringMs - progressAt) / 2, () => this.preAnswer(ch));
    }
    switch (b.kind) {
      case 'busy':
      case 'rejected':
        sw.channelTimer(ch, b.ringMs, () => this.remoteFailure(ch, b.sipCode));
        break;
      case 'no-answer':
        // Carriers give up eventually even when originate already returned on early media.
        sw.channelTimer(ch, 120_000, () => this.remoteFailure(ch, 480));
        break;
      default:
        sw.channelTimer(ch, b.ringMs, () => this.answer(ch));
    }
  }

  private driveAgent(ch: Channel): void {
    const phone = this.sw.world.agent(ch.agentExt ?? '');
    this.sw.channelTimer(ch, 50, () => {
      this.progress(ch);
      if (phone?.autoAnswer) this.sw.channelTimer(ch, phone.answerDelayMs, () => this.answer(ch));
    });
  }

  /** What the customer does once answered: talk, hang up during the intro, or be a machine. */
  private afterAnswer(ch: Channel): void {
    const b = ch.behaviour;
    if (!b) return;
    const sw = this.sw;
    if (b.kind === 'hangup-during-intro') {
      sw.channelTimer(ch, b.hangupAfterMs, () => this.remoteHangup(ch));
    } else if (b.kind === 'machine') {
      sw.channelTimer(ch, b.greetingMs, () => this.machineBeep(ch));
      sw.channelTimer(ch, b.greetingMs + b.talkMs, () => this.remoteHangup(ch));
    } else if (b.kind === 'answer') {
      sw.channelTimer(ch, b.talkMs, () => this.remoteHangup(ch));
    }
  }

  // ---------------------------------------------------------------- state changes

  setState(ch: Channel, state: ChannelState): void {
    ch.state = state;
    this.sw.fireChannel('CHANNEL_STATE', ch);
  }

  setCallState(ch: Channel, callState: CallState): void {
    const original = ch.callState;
    if (original === callState) return;
    ch.callState = callState;
    this.sw.fireChannel('CHANNEL_CALLSTATE', ch, [
      ['Original-Channel-Call-State', original],
      [
        'Channel-Call-State-Number',
        String(
          ['DOWN', 'DIALING', 'RINGING', 'EARLY', 'ACTIVE', 'HELD', 'RING_WAIT', 'HANGUP', 'UNHELD'].indexOf(
            callState,
          ),
        ),
      ],
    ]);
  }

  progress(ch: Channel): void {
    if (ch.hungUp || ch.ringReady || ch.answered) return;
    ch.ringReady = true;
    ch.profile.progressUs = nowMicros();
    this.sw.fireChannel('CHANNEL_PROGRESS', ch);
    this.setCallState(ch, 'RINGING');
    if (ch.pendingOriginate && ch.vars.get('return_ring_ready') === 'true') ch.pendingOriginate({ ok: true });
  }

  preAnswer(ch: Channel): void {
    if (ch.hungUp || ch.earlyMedia || ch.answered) return;
    ch.earlyMedia = true;
    ch.codecs = true;
    ch.profile.progressMediaUs = nowMicros();
    if (!ch.ringReady) {
      ch.ringReady = true;
      ch.profile.progressUs = ch.profile.progressMediaUs;
    }
    this.addMediaVars(ch);
    this.sw.fireChannel('CHANNEL_PROGRESS_MEDIA', ch);
    this.setCallState(ch, 'EARLY');
    if (ch.pendingOriginate && ch.originateReturnsOnEarly) ch.pendingOriginate({ ok: true });
  }

  /** The far end answered (200 OK). CHANNEL_ANSWER fires before the callstate becomes ACTIVE. */
  answer(ch: Channel): void {
    if (ch.hungUp || ch.answered) return;
    ch.answered = true;
    ch.codecs = true;
    ch.profile.answeredUs = nowMicros();
    if (!ch.earlyMedia) this.addMediaVars(ch);
    ch.setVar('endpoint_disposition', 'ANSWER');
    this.sw.fireChannel('CHANNEL_ANSWER', ch);
    this.setCallState(ch, 'ACTIVE');
    this.afterAnswer(ch);
    // Queued before originate returns, so it runs first once the session starts executing.
    const onAnswer = ch.vars.get('execute_on_answer');
    if (onAnswer) this.queueApp(ch, splitApp(onAnswer));
    if (ch.pendingOriginate) ch.pendingOriginate({ ok: true });
  }

  private addMediaVars(ch: Channel): void {
    ch.setVar('read_codec', 'PCMU');
    ch.setVar('read_rate', '8000');
    ch.setVar('write_codec', 'PCMU');
    ch.setVar('write_rate', '8000');
    ch.setVar('remote_media_ip', ch.profile.networkAddr ?? '198.51.100.20');
    ch.setVar('remote_media_port', String(16384 + (ch.sessionId % 16000) * 2));
  }

  /** The far end refused with a SIP final response before answering. */
  remoteFailure(ch: Channel, sipCode: number): void {
    if (ch.hungUp) return;
    ch.setVar('sip_term_status', String(sipCode));
    ch.setVar('proto_specific_hangup_cause', `sip:${sipCode}`);
    const cause = sipCodeToCause(sipCode);
    ch.setVar('sip_term_cause', String(q850(cause)));
    this.hangup(ch, cause, 'recv_refuse');
  }

  /** The person on the far end hangs up (BYE if answered, a 603 refusal while ringing). */
  remoteHangup(ch: Channel, cause = 'NORMAL_CLEARING'): void {
    if (ch.hungUp) return;
    if (ch.answered) this.hangup(ch, cause, 'recv_bye');
    // An inbound caller who gives up before the answer sends CANCEL.
    else if (ch.profile.direction === 'inbound') this.hangup(ch, 'ORIGINATOR_CANCEL', 'recv_cancel');
    else this.remoteFailure(ch, 603);
  }

  // ---------------------------------------------------------------- hangup

  hangup(ch: Channel, cause: string, disposition: string): void {
    if (ch.hungUp || ch.destroyed) return;
    const sw = this.sw;
    ch.hungUp = true;
    ch.hangupCause = cause;
    ch.profile.hangupUs = nowMicros();
    for (const t of ch.timers) t.cancel();
    ch.timers.clear();
    ch.onDtmf = undefined;
    ch.setVar('sip_hangup_disposition', disposition);
    ch.state = 'CS_HANGUP';
    sw.fireChannel('CHANNEL_HANGUP', ch);
    this.unwindApps(ch, 'hangup');
    for (const path of [...ch.recordings]) this.stopRecording(ch, path);
    if (ch.avmdRunning) this.avmdStop(ch);
    if (ch.bridgedTo) this.endBridge(ch, cause);
    if (ch.bridgeWaiter && !ch.bridgeWaiter.hungUp) ch.bridgeWaiter = undefined;
    sw.notifyChannelDown(ch.uuid);
    // The session thread finishes the teardown; the originate thread returns in parallel.
    sw.afterJitter(() => this.finishHangup(ch));
    if (ch.pendingOriginate) ch.pendingOriginate({ ok: false, cause });
  }

  private finishHangup(ch: Channel): void {
    if (ch.destroyed) return;
    const sw = this.sw;
    this.setState(ch, 'CS_HANGUP');
    this.setCallState(ch, 'HANGUP');
    this.setHangupVars(ch);
    ch.state = 'CS_REPORTING';
    sw.fireChannel('CHANNEL_STATE', ch);
    sw.fireChannel('CHANNEL_HANGUP_COMPLETE', ch, [['Hangup-Cause', ch.hangupCause ?? 'NORMAL_CLEARING']]);
    ch.state = 'CS_DESTROY';
    sw.fireChannel('CHANNEL_STATE', ch);
    sw.fireChannel('CHANNEL_DESTROY', ch);
    ch.destroyed = true;
    sw.channels.delete(ch.uuid);
  }

  private setHangupVars(ch: Channel): void {
    const p = ch.profile;
    const cause = ch.hangupCause ?? 'NORMAL_CLEARING';
    const end = p.hangupUs || nowMicros();
    const sec = (us: number) => String(Math.floor(us / 1_000_000));
    const since = (t: number) => (t ? end - t : 0);
    const after = (t: number) => (t ? t - p.createdUs : 0);
    ch.setVar('hangup_cause', cause);
    ch.setVar('hangup_cause_q850', String(q850(cause)));
    ch.setVar('start_stamp', stamp(p.createdUs));
    ch.setVar('profile_start_stamp', stamp(p.createdUs));
    if (p.answeredUs) ch.setVar('answer_stamp', stamp(p.answeredUs));
    if (p.bridgedUs) ch.setVar('bridge_stamp', stamp(p.bridgedUs));
    if (p.progressUs) ch.setVar('progress_stamp', stamp(p.progressUs));
    if (p.progressMediaUs) ch.setVar('progress_media_stamp', stamp(p.progressMediaUs));
    ch.setVar('end_stamp', stamp(end));
    ch.setVar('start_epoch', sec(p.createdUs));
    ch.setVar('start_uepoch', String(p.createdUs));
    ch.setVar('answer_epoch', sec(p.answeredUs));
    ch.setVar('answer_uepoch', String(p.answeredUs));
    ch.setVar('bridge_epoch', sec(p.bridgedUs));
    ch.setVar('bridge_uepoch', String(p.bridgedUs));
    ch.setVar('progress_epoch', sec(p.progressUs));
    ch.setVar('progress_uepoch', String(p.progressUs));
    ch.setVar('progress_media_epoch', sec(p.progressMediaUs));
    ch.setVar('progress_media_uepoch', String(p.progressMediaUs));
    ch.setVar('end_epoch', sec(end));
    ch.setVar('end_uepoch', String(end));
    const durations: Array<[string, number]> = [
      ['duration', end - p.createdUs],
      ['billsec', since(p.answeredUs)],
      ['progresssec', after(p.progressUs)],
      ['answersec', after(p.answeredUs)],
      ['waitsec', after(p.answeredUs)],
      ['progress_mediasec', after(p.progressMediaUs)],
      ['flow_billsec', end - p.createdUs],
    ];
    for (const [name, us] of durations) ch.setVar(name, String(Math.floor(us / 1_000_000)));
    for (const [name, us] of durations)
      ch.setVar(
        name.replace(/sec$|^duration$/, (m) => (m === 'duration' ? 'mduration' : 'msec')),
        String(Math.floor(us / 1000)),
      );
    for (const [name, us] of durations)
      ch.setVar(
        name.replace(/sec$|^duration$/, (m) => (m === 'duration' ? 'uduration' : 'usec')),
        String(us),
      );
  }

  // ---------------------------------------------------------------- applications

  /** Starts the originate/dialplan program once originate returned (the session thread). */
  startProgram(ch: Channel, program: QueuedApp[]): void {
    if (ch.hungUp) return;
    ch.program = program;
    this.setState(ch, 'CS_EXECUTE');
    this.pump(ch);
  }

  queueApp(ch: Channel, app: QueuedApp): void {
    const loops = Math.max(1, app.loops);
    for (let i = 0; i < loops; i++)
      ch.appQueue.push({ ...app, loops: 1, onComplete: i === loops - 1 ? app.onComplete : undefined });
    this.pump(ch);
  }

  /** Runs whatever should run next: queued (private) apps nest on park/bridge; then the program; then hangup. */
  pump(ch: Channel): void {
    if (
      ch.hungUp ||
      ch.pendingOriginate ||
      ch.state === 'CS_CONSUME_MEDIA' ||
      ch.state === 'CS_INIT' ||
      ch.state === 'CS_ROUTING'
    )
      return;
    const top = ch.appStack[ch.appStack.length - 1];
    if (top && !top.nestable) return;
    const queued = ch.appQueue.shift();
    if (queued) {
      this.execute(ch, queued);
      return;
    }
    if (top || ch.bridgedTo) return;
    const next = ch.program.shift();
    if (next) {
      this.execute(ch, next);
      return;
    }
    this.hangup(ch, 'NORMAL_CLEARING', localHangupDisposition(ch));
  }

  execute(ch: Channel, queued: QueuedApp): void {
    const impl = APPLICATIONS[queued.name.toLowerCase()];
    if (!impl) {
      // FreeSWITCH logs "Invalid Application" and moves on.
      queued.onComplete?.();
      queueMicrotask(() => this.pump(ch));
      return;
    }
    const app: RunningApp = {
      name: queued.name,
      data: queued.data,
      appUuid: queued.appUuid ?? randomUUID(),
      nestable: impl.nestable,
      stop: () => undefined,
      onComplete: queued.onComplete,
    };
    ch.appStack.push(app);
    ch.setVar('current_application', app.name);
    ch.setVar('current_application_data', app.data);
    this.sw.fireChannel('CHANNEL_EXECUTE', ch, undefined, [
      ['Application', app.name],
      ['Application-Data', app.data],
      ['Application-UUID', app.appUuid],
    ]);
    impl.start(this, ch, app);
  }

  /** An application finished: EXECUTE_COMPLETE, then whatever comes next. */
  completeApp(ch: Channel, app: RunningApp, response?: string, pump = true): void {
    const index = ch.appStack.indexOf(app);
    if (index < 0) return;
    ch.appStack.splice(index, 1);
    ch.setVar('last_app', app.name);
    ch.setVar('last_arg', app.data);
    if (response) ch.setVar('current_application_response', response);
    this.sw.fireChannel('CHANNEL_EXECUTE_COMPLETE', ch, undefined, [
      ['Application', app.name],
      ['Application-Data', app.data],
      ['Application-Response', response || '_none_'],
      ['Application-UUID', app.appUuid],
    ]);
    const onComplete = app.onComplete;
    app.onComplete = undefined;
    onComplete?.();
    if (pump && !ch.hungUp) this.pump(ch);
  }

  /** Unwinds the whole application stack, top first (hangup, transfer, uuid_bridge). */
  unwindApps(ch: Channel, reason: 'hangup' | 'transfer'): void {
    while (ch.appStack.length) {
      const app = ch.appStack[ch.appStack.length - 1]!;
      const response = app.stop(reason);
      this.completeApp(ch, app, response, false);
    }
  }

  /** uuid_break: stops the running media app (not park); `all` also drops queued apps. */
  breakMedia(ch: Channel, all: boolean): void {
    if (all) ch.appQueue.length = 0;
    const top = ch.appStack[ch.appStack.length - 1];
    if (top && !top.nestable) {
      const response = top.stop('break');
      this.completeApp(ch, top, response);
    }
  }

  // ---------------------------------------------------------------- bridge / transfer

  /** Bridges two legs; `a` is the originator (fires CHANNEL_BRIDGE/UNBRIDGE). */
  bridge(a: Channel, b: Channel): void {
    if (a.hungUp || b.hungUp) return;
    const now = nowMicros();
    a.bridgedTo = b;
    b.bridgedTo = a;
    a.bridgeOriginator = true;
    b.bridgeOriginator = false;
    a.otherLeg = { type: 'originatee', channel: b };
    b.otherLeg = { type: 'originator', channel: a };
    a.profile.bridgedUs = now;
    b.profile.bridgedUs = now;
    this.sw.world.amdTruth.bridged(a.uuid);
    this.sw.world.amdTruth.bridged(b.uuid);
    for (const [x, y] of [
      [a, b],
      [b, a],
    ] as const) {
      x.setVar('bridge_channel', y.name);
      x.setVar('bridge_uuid', y.uuid);
      x.setVar('signal_bond', y.uuid);
      x.setVar('last_bridge_to', y.uuid);
      x.setVar('call_uuid', a.uuid);
    }
    this.setState(a, 'CS_EXCHANGE_MEDIA');
    this.setState(b, 'CS_EXCHANGE_MEDIA');
    this.sw.fireChannel('CHANNEL_BRIDGE', a, [
      ['Bridge-A-Unique-ID', a.uuid],
      ['Bridge-B-Unique-ID', b.uuid],
    ]);
  }

  /** One side of a bridge went away (hangup or transfer): UNBRIDGE, then the survivor's fate. */
  endBridge(ch: Channel, cause: string): void {
    const other = ch.bridgedTo;
    if (!other) return;
    ch.bridgedTo = undefined;
    other.bridgedTo = undefined;
    const a = ch.bridgeOriginator ? ch : other;
    const b = a === ch ? other : ch;
    this.sw.fireChannel('CHANNEL_UNBRIDGE', a, [
      ['Bridge-A-Unique-ID', a.uuid],
      ['Bridge-B-Unique-ID', b.uuid],
    ]);
    if (ch.hungUp) other.setVar('last_bridge_hangup_cause', cause);
    this.afterBridge(other);
  }

  private afterBridge(survivor: Channel): void {
    if (survivor.hungUp) return;
    const bridgeApp = survivor.appStack.find((x) => x.name.toLowerCase() === 'bridge');
    if (bridgeApp) {
      this.completeApp(survivor, bridgeApp, undefined, false);
      if (TRUE(survivor.vars.get('hangup_after_bridge'))) {
        this.hangup(survivor, 'NORMAL_CLEARING', 'send_bye');
        return;
      }
      this.pump(survivor);
      return;
    }
    if (TRUE(survivor.vars.get('park_after_bridge'))) {
      this.setState(survivor, 'CS_EXECUTE');
      this.execute(survivor, { name: 'park', data: '', loops: 1 });
      return;
    }
    if (survivor.appStack.length || survivor.appQueue.length) {
      this.pump(survivor);
      return;
    }
    this.hangup(
      survivor,
      survivor.answered ? 'NORMAL_CLEARING' : 'ORIGINATOR_CANCEL',
      localHangupDisposition(survivor),
    );
  }

  /** uuid_bridge: both legs leave what they were doing, then meet. */
  uuidBridge(a: Channel, b: Channel): void {
    for (const leg of [a, b]) {
      const partner = leg.bridgedTo;
      if (partner && partner !== a && partner !== b) this.endBridge(leg, 'NORMAL_CLEARING');
      this.unwindApps(leg, 'transfer');
      leg.program = [];
    }
    this.sw.afterJitter(() => this.bridge(a, b));
  }

  /**
   * uuid_transfer / transfer app: leave the bridge and the current apps, run the new
   * destination. Without a context the channel stays in its own (switch_ivr_session_transfer),
   * so an inbound call transferred by extension alone stays in `public`.
   */
  transfer(ch: Channel, dest: string, dialplan = 'XML', context?: string): void {
    if (ch.hungUp) return;
    const partner = ch.bridgedTo;
    if (partner) {
      ch.bridgedTo = undefined;
      partner.bridgedTo = undefined;
      const a = ch.bridgeOriginator ? ch : partner;
      this.sw.fireChannel('CHANNEL_UNBRIDGE', a, [
        ['Bridge-A-Unique-ID', a.uuid],
        ['Bridge-B-Unique-ID', (a === ch ? partner : ch).uuid],
      ]);
    }
    this.unwindApps(ch, 'transfer');
    ch.profile.transferUs = nowMicros();
    ch.hitDialplan = true;
    if (dialplan === 'inline') {
      ch.program = parseInline(dest);
    } else {
      const target = context || ch.profile.context || 'default';
      ch.profile.destinationNumber = dest;
      ch.profile.context = target;
      ch.program = this.routeExtension(dest, target);
    }
    this.setState(ch, 'CS_ROUTING');
    this.setState(ch, 'CS_EXECUTE');
    this.pump(ch);
    if (partner) this.afterBridge(partner);
  }

  /**
   * The simulated dialplan: the scenario's `contexts` if it lists this context, else its
   * `dialplan` entry for the extension if there is one, else an agent extension is bridged
   * to the phone, anything else is parked.
   */
  routeExtension(exten: string, context = 'default'): QueuedApp[] {
    const routed = this.sw.world.scenario.contextRoute(context, exten);
    if (routed === null) return [{ name: 'hangup', data: 'NO_ROUTE_DESTINATION', loops: 1 }];
    if (routed) return routed.map((a) => ({ name: a.application, data: a.data, loops: 1 }));
    const inline = this.sw.world.scenario.dialplanFor(exten);
    if (inline) return parseInline(inline);
    const phone = this.sw.world.agent(exten);
    if (phone) return [{ name: 'bridge', data: `user/${exten}`, loops: 1 }];
    return [{ name: 'park', data: '', loops: 1 }];
  }

  /** bridge app: dial the B-leg from A and bridge when it answers. */
  bridgeOut(a: Channel, app: RunningApp, dialString: string): void {
    const dial = parseDialString(dialString);
    const req: OriginateRequest = { dial, dialplan: 'XML', context: 'default' };
    dial.vars.set('ignore_early_media', dial.vars.get('ignore_early_media') ?? 'true');
    let bLeg: Channel | undefined;
    app.stop = () => {
      if (bLeg && !bLeg.hungUp && !bLeg.answered) this.hangup(bLeg, 'ORIGINATOR_CANCEL', 'send_cancel');
      return undefined;
    };
    void this.originate(req, a).then((outcome) => {
      if (a.hungUp || !a.appStack.includes(app)) {
        if (outcome.ok && !outcome.channel.hungUp)
          this.hangup(outcome.channel, 'ORIGINATOR_CANCEL', 'send_bye');
        return;
      }
      if (!outcome.ok) {
        a.setVar('originate_disposition', outcome.cause);
        a.setVar('DIALSTATUS', outcome.cause);
        this.completeApp(a, app);
        return;
      }
      bLeg = outcome.channel;
      a.setVar('originate_disposition', 'SUCCESS');
      a.setVar('DIALSTATUS', 'SUCCESS');
      this.setState(bLeg, 'CS_EXECUTE');
      this.bridge(a, bLeg);
    });
  }

  // ---------------------------------------------------------------- media, DTMF, recording, hold, AMD

  receiveDtmf(ch: Channel, digits: string): void {
    for (const digit of digits) {
      if (ch.hungUp) return;
      this.sw.fireChannel('DTMF', ch, undefined, [
        ['DTMF-Digit', digit],
        ['DTMF-Duration', '2000'],
        ['DTMF-Source', 'RTP'],
      ]);
      ch.dtmfBuffer += digit;
      ch.onDtmf?.();
    }
  }

  startRecording(ch: Channel, path: string, limitSec?: number): void {
    ch.recordings.add(path);
    this.sw.fireChannel('RECORD_START', ch, undefined, [['Record-File-Path', path]]);
    if (limitSec && limitSec > 0)
      this.sw.channelTimer(ch, limitSec * 1000, () => this.stopRecording(ch, path));
  }

  stopRecording(ch: Channel, path: string): boolean {
    if (!ch.recordings.delete(path)) return false;
    this.sw.fireChannel('RECORD_STOP', ch, undefined, [['Record-File-Path', path]]);
    return true;
  }

  hold(ch: Channel, on: boolean): void {
    if (ch.held === on) return;
    ch.held = on;
    if (on) ch.profile.lastHoldUs = nowMicros();
    else ch.profile.holdAccumUs += nowMicros() - ch.profile.lastHoldUs;
    this.sw.fireChannel(on ? 'CHANNEL_HOLD' : 'CHANNEL_UNHOLD', ch);
    this.setCallState(ch, on ? 'HELD' : 'ACTIVE');
  }

  avmdStart(ch: Channel): void {
    ch.avmdRunning = true;
    ch.avmdStartedUs = nowMicros();
    this.fireAvmd(ch, 'avmd::start', [['Start-time', String(ch.avmdStartedUs)]]);
    this.amdTruthStarted(ch);
    // A person the detector errs on: something in their voice passes for a beep.
    const b = ch.behaviour;
    if (b?.amdFalsePositive && ch.vars.get('avmd_detect') !== 'TRUE')
      this.sw.channelTimer(ch, b.amdFalseBeepMs, () => this.avmdBeep(ch));
  }

  /** The ground truth of a customer call a detector runs on (control API `GET /amd`). */
  amdTruthStarted(ch: Channel): void {
    const b = ch.behaviour;
    if (ch.role !== 'customer' || !b || !['answer', 'hangup-during-intro', 'machine'].includes(b.kind))
      return;
    this.sw.world.amdTruth.started(
      {
        uuid: ch.uuid,
        node: this.sw.options.hostname,
        number: ch.profile.destinationNumber,
        truth: b.kind === 'machine' ? 'machine' : 'person',
      },
      new Date(),
    );
    if (ch.bridgedTo) this.sw.world.amdTruth.bridged(ch.uuid);
  }

  avmdStop(ch: Channel): void {
    if (!ch.avmdRunning) return;
    ch.avmdRunning = false;
    const detected = ch.vars.get('avmd_detect') === 'TRUE';
    this.fireAvmd(ch, 'avmd::stop', [
      ['Beep-Status', detected ? 'DETECTED' : 'NOTDETECTED'],
      ['Stop-status', 'SUCCESS'],
      ['Total-time', String(nowMicros() - ch.avmdStartedUs)],
    ]);
  }

  private machineBeep(ch: Channel): void {
    ch.setVar('machine_beep', 'true');
    if (!ch.avmdRunning) return;
    if (ch.behaviour?.amdFalseNegative) {
      this.sw.world.amdTruth.missedBeep(ch.uuid);
      return;
    }
    this.avmdBeep(ch);
  }

  /** mod_avmd hears a beep (a machine's, or a false positive on a person). */
  private avmdBeep(ch: Channel): void {
    if (!ch.avmdRunning || ch.vars.get('avmd_detect') === 'TRUE') return;
    this.sw.world.amdTruth.detectedMachine(ch.uuid);
    // mod_avmd (avmd_report_detection): variables first, then the event; Detection-time in µs
    // from the start of detection; it keeps listening (skipping the work) until stopped.
    const detectionUs = nowMicros() - ch.avmdStartedUs;
    ch.setVar('avmd_total_time', `[${Math.floor(detectionUs / 1000)}]`);
    ch.setVar('avmd_detect', 'TRUE');
    ch.setVar('avmd_detect_timestamp', String(nowMicros()));
    this.fireAvmd(ch, 'avmd::beep', [
      ['Beep-Status', 'DETECTED'],
      ['Frequency', '1000.000000'],
      ['Frequency-variance', '0.000000'],
      ['Amplitude', '0.250000'],
      ['Amplitude-variance', '0.000000'],
      ['Detection-time', String(detectionUs)],
      ['Detector-resolution', '0'],
      ['Detector-offset', '0'],
      ['Detector-index', '0'],
    ]);
  }

  /**
   * mod_avmd's events (`avmd_fire_event`): the channel's data and variables (so a dialer's
   * `filter variable_ats_dialer_id` lets them through), then Unique-ID, Call-command and
   * the event's own headers.
   */
  private fireAvmd(ch: Channel, subclass: string, headers: Array<[string, string]>): void {
    this.sw.fire(
      'CUSTOM',
      (ev) => {
        addChannelData(ev, ch, true);
        ev.add('Unique-ID', ch.uuid).add('Call-command', 'avmd');
        for (const [k, v] of headers) ev.add(k, v);
      },
      subclass,
    );
  }
}

function agentIp(ext: string): string {
  let n = 0;
  for (const c of ext) n = (n * 31 + c.charCodeAt(0)) % 250;
  return `10.0.1.${n + 2}`;
}

/**
 * What sofia sends when this side hangs a channel up (mod_sofia `sofia_on_hangup`): BYE
 * once answered; an unanswered call we placed is CANCELled; an unanswered call that came
 * in is refused with a final response to its INVITE (the cause's SIP code: CALL_REJECTED
 * is 603 Decline). FreeSWITCH sets no `sip_term_status` for a response it sends.
 */
export function localHangupDisposition(ch: Channel): 'send_bye' | 'send_cancel' | 'send_refuse' {
  if (ch.answered) return 'send_bye';
  return ch.profile.direction === 'inbound' ? 'send_refuse' : 'send_cancel';
}

/** An inline dialplan (`app:args,app2:args`) into the applications to run in order. */
export function parseInline(list: string): QueuedApp[] {
  return list
    .split(',')
    .filter((s) => s !== '')
    .map((s) => {
      const colon = s.indexOf(':');
      return colon < 0
        ? { name: s, data: '', loops: 1 }
        : { name: s.slice(0, colon), data: s.slice(colon + 1), loops: 1 };
    });
}

/** `app` or `app::args` / `app args` into a queued application. */
export function splitApp(text: string): QueuedApp {
  const sep = text.indexOf('::');
  if (sep >= 0) return { name: text.slice(0, sep), data: text.slice(sep + 2), loops: 1 };
  const space = text.indexOf(' ');
  if (space >= 0) return { name: text.slice(0, space), data: text.slice(space + 1), loops: 1 };
  return { name: text, data: '', loops: 1 };
}
