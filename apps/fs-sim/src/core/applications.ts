import type { CallEngine } from './call-engine';
import { localHangupDisposition } from './call-engine';
import type { Channel, RunningApp } from './channel';
import { parseCause } from './hangup-causes';
import { createRng, hashString } from './rng';
import { drawDuration } from '../world/scenario';

/**
 * Dialplan applications the dialer drives. Each starts on a channel and calls
 * engine.completeApp when done; `stop` is what happens on hangup, transfer or uuid_break.
 * `nestable` apps (park, bridge, conference) let queued apps run on top of them.
 */
export interface ApplicationImpl {
  nestable: boolean;
  start(engine: CallEngine, ch: Channel, app: RunningApp): void;
}

const done = (engine: CallEngine, ch: Channel, app: RunningApp, response?: string) =>
  queueMicrotask(() => engine.completeApp(ch, app, response));

function playFile(engine: CallEngine, ch: Channel, app: RunningApp, file: string, then: () => void): void {
  const sw = engine.sw;
  const rng = createRng(hashString(`${ch.uuid}:${file}:${ch.appStack.length}`, sw.options.seed));
  const ms = sw.world.scenario.playbackMs(file, rng);
  sw.fireChannel('PLAYBACK_START', ch, undefined, [
    ['Playback-File-Path', file],
    ['Playback-File-Type', 'wav'],
  ]);
  let playing = true;
  const stopPlayback = (status: 'done' | 'break') => {
    if (!playing) return;
    playing = false;
    sw.fireChannel('PLAYBACK_STOP', ch, undefined, [
      ['Playback-File-Path', file],
      ['Playback-File-Type', 'wav'],
      ['Playback-Status', status],
    ]);
  };
  const timer = sw.channelTimer(ch, ms, () => {
    stopPlayback('done');
    then();
  });
  const previousStop = app.stop;
  app.stop = (reason) => {
    timer.cancel();
    stopPlayback('break');
    previousStop(reason);
    return 'FILE PLAYED';
  };
}

const park: ApplicationImpl = {
  nestable: true,
  start(engine, ch, app) {
    engine.sw.fireChannel('CHANNEL_PARK', ch);
    app.stop = () => {
      engine.sw.fireChannel('CHANNEL_UNPARK', ch);
      return undefined;
    };
  },
};

const playback: ApplicationImpl = {
  nestable: false,
  start(engine, ch, app) {
    playFile(engine, ch, app, app.data, () => done(engine, ch, app, 'FILE PLAYED'));
  },
};

/**
 * play_and_get_digits <min> <max> <tries> <timeout_ms> <terminators> <file> <invalid_file> <var> <regexp> [digit_timeout_ms]
 * The customer answers with the digits of its scenario behaviour (or what the control API injects).
 */
const playAndGetDigits: ApplicationImpl = {
  nestable: false,
  start(engine, ch, app) {
    const a = app.data.split(/\s+/);
    const min = Number(a[0] ?? 1) || 1;
    const max = Number(a[1] ?? 1) || 1;
    let tries = Number(a[2] ?? 1) || 1;
    const timeoutMs = Number(a[3] ?? 5000) || 5000;
    const terminators = a[4] ?? '#';
    const file = a[5] ?? '';
    const invalidFile = a[6] && a[6] !== 'silence_stream://250' ? a[6] : '';
    const varName = a[7] ?? 'pagd_result';
    const regexp = a[8] ?? '';
    const digitTimeoutMs = Number(a[9] ?? timeoutMs) || timeoutMs;
    const sw = engine.sw;
    let waitTimer: { cancel(): void } | undefined;
    let finished = false;
    const finish = (value: string | undefined) => {
      if (finished) return;
      finished = true;
      waitTimer?.cancel();
      ch.onDtmf = undefined;
      if (value !== undefined) ch.setVar(varName, value);
      ch.setVar('read_result', value !== undefined ? 'success' : 'failure');
      done(engine, ch, app);
    };
    const evaluate = (final: boolean) => {
      const buffer = ch.dtmfBuffer;
      const termIndex = [...buffer].findIndex((d) => terminators.includes(d));
      const entered = termIndex >= 0 ? buffer.slice(0, termIndex) : buffer;
      const complete = termIndex >= 0 || entered.length >= max || final;
      if (!complete) return false;
      ch.dtmfBuffer = '';
      if (termIndex >= 0) ch.setVar('read_terminator_used', buffer[termIndex]);
      const valid =
        entered.length >= min && entered.length <= max && (regexp === '' || safeRegex(regexp, entered));
      if (valid) {
        finish(entered);
      } else if (--tries > 0) {
        if (entered.length) ch.setVar(`${varName}_invalid`, entered);
        attempt(invalidFile && entered.length ? invalidFile : '');
      } else {
        if (entered.length) ch.setVar(`${varName}_invalid`, entered);
        finish(undefined);
      }
      return true;
    };
    const wait = (ms: number) => {
      waitTimer?.cancel();
      waitTimer = sw.channelTimer(ch, ms, () => evaluate(true));
    };
    const attempt = (prefixFile: string) => {
      const afterPrompt = () => {
        ch.onDtmf = () => {
          if (!evaluate(false)) wait(digitTimeoutMs);
        };
        if (!evaluate(false)) wait(timeoutMs);
        const digits = ch.behaviour?.digits;
        if (digits) {
          const delay = ch.behaviour?.digitDelayMs ?? 1000;
          [...digits].forEach((d, i) =>
            sw.channelTimer(ch, delay + i * 300, () => engine.receiveDtmf(ch, d)),
          );
        }
      };
      const playMain = () => (file ? playFile(engine, ch, app, file, afterPrompt) : afterPrompt());
      if (prefixFile) playFile(engine, ch, app, prefixFile, playMain);
      else playMain();
    };
    app.stop = () => {
      finished = true;
      waitTimer?.cancel();
      ch.onDtmf = undefined;
      return undefined;
    };
    ch.dtmfBuffer = '';
    attempt('');
  },
};

function safeRegex(pattern: string, value: string): boolean {
  try {
    return new RegExp(`^(?:${pattern})$`).test(value);
  } catch {
    return false;
  }
}

const recordSession: ApplicationImpl = {
  nestable: false,
  start(engine, ch, app) {
    const [path = '', limit] = app.data.split(/\s+/);
    engine.startRecording(ch, path, limit?.startsWith('+') ? Number(limit.slice(1)) : undefined);
    done(engine, ch, app);
  },
};

const stopRecordSession: ApplicationImpl = {
  nestable: false,
  start(engine, ch, app) {
    const path = app.data.trim();
    for (const p of [...ch.recordings]) if (path === 'all' || p === path) engine.stopRecording(ch, p);
    done(engine, ch, app);
  },
};

const bridge: ApplicationImpl = {
  nestable: true,
  start(engine, ch, app) {
    engine.bridgeOut(ch, app, app.data);
  },
};

const conference: ApplicationImpl = {
  nestable: true,
  start(engine, ch, app) {
    engine.conferences.join(ch, app);
  },
};

/**
 * answer / pre_answer / ring_ready: they answer (183, 180) an inbound call; an originated
 * B-leg's answer is the far end's, so there they only return.
 */
const answerLike = (mark: (engine: CallEngine, ch: Channel) => void): ApplicationImpl => ({
  nestable: false,
  start(engine, ch, app) {
    if (ch.profile.direction === 'inbound') mark(engine, ch);
    done(engine, ch, app);
  },
});
const answer = answerLike((engine, ch) => engine.answer(ch));
const preAnswer = answerLike((engine, ch) => engine.preAnswer(ch));
const ringReady = answerLike((engine, ch) => engine.progress(ch));

const hangup: ApplicationImpl = {
  nestable: false,
  start(engine, ch, app) {
    queueMicrotask(() =>
      engine.hangup(ch, parseCause(app.data.trim() || undefined), localHangupDisposition(ch)),
    );
  },
};

const sleep: ApplicationImpl = {
  nestable: false,
  start(engine, ch, app) {
    const timer = engine.sw.channelTimer(ch, Number(app.data) || 0, () => done(engine, ch, app));
    app.stop = () => {
      timer.cancel();
      return undefined;
    };
  },
};

const set: ApplicationImpl = {
  nestable: false,
  start(engine, ch, app) {
    const eq = app.data.indexOf('=');
    if (eq > 0) ch.setVar(app.data.slice(0, eq), app.data.slice(eq + 1));
    done(engine, ch, app);
  },
};

const transfer: ApplicationImpl = {
  nestable: false,
  start(engine, ch, app) {
    const [dest = '', dialplan, context] = app.data.split(/\s+/);
    queueMicrotask(() => engine.transfer(ch, dest, dialplan, context));
  },
};

/** mod_amd-style blocking analysis: amd_result / amd_cause are set before EXECUTE_COMPLETE. */
const amd: ApplicationImpl = {
  nestable: false,
  start(engine, ch, app) {
    const b = ch.behaviour;
    const sw = engine.sw;
    const rng = createRng(hashString(`amd:${ch.uuid}`, sw.options.seed));
    const humanMs = drawDuration(sw.world.scenario.spec.amd?.humanDecisionMs, rng, 1500);
    const machine = b?.kind === 'machine';
    const decideAfter = machine ? Math.min(b.greetingMs, 5000) : humanMs;
    // The scenario's detection errors: a person taken for a machine, a machine for a person.
    const saysMachine = machine ? !b.amdFalseNegative : b?.amdFalsePositive === true;
    engine.amdTruthStarted(ch);
    const timer = sw.channelTimer(ch, decideAfter, () => {
      ch.setVar('amd_result', saysMachine ? 'MACHINE' : 'HUMAN');
      ch.setVar(
        'amd_cause',
        !saysMachine ? 'HUMAN' : machine && b.greetingMs >= 5000 ? 'TOOLONG' : 'LONGGREETING',
      );
      if (saysMachine) sw.world.amdTruth.detectedMachine(ch.uuid);
      else if (machine) sw.world.amdTruth.missedBeep(ch.uuid);
      done(engine, ch, app);
    });
    app.stop = () => {
      timer.cancel();
      return undefined;
    };
  },
};

const avmdStart: ApplicationImpl = {
  nestable: false,
  start(engine, ch, app) {
    engine.avmdStart(ch);
    done(engine, ch, app);
  },
};

const avmdStop: ApplicationImpl = {
  nestable: false,
  start(engine, ch, app) {
    engine.avmdStop(ch);
    done(engine, ch, app);
  },
};

/**
 * socket <host[:port][/path]>[|<host2:port>...] [async] [full] (mod_event_socket): connects
 * out (default port 8084, next target on failure) and hands the session to that
 * controller. `async` parks the channel while the controller's sendmsgs are queued; when
 * the controller closes the socket the channel hangs up unless it said `resume`. No target
 * reachable: the application just returns and the dialplan goes on ("Socket Error!").
 */
const socketApp: ApplicationImpl = {
  nestable: true,
  start(engine, ch, app) {
    const argv = app.data.split(' ').filter((w) => w !== '');
    const sw = engine.sw;
    const targets: Array<{ host: string; port: number }> = [];
    for (const spec of (argv[0] ?? '').split('|')) {
      if (!spec) continue;
      const slash = spec.indexOf('/');
      const hostPort = slash < 0 ? spec : spec.slice(0, slash);
      if (slash >= 0 && targets.length === 0) ch.setVar('socket_path', spec.slice(slash + 1));
      const colon = hostPort.lastIndexOf(':');
      const host = colon < 0 ? hostPort : hostPort.slice(0, colon);
      const port = colon < 0 ? 8084 : Number(hostPort.slice(colon + 1));
      if (host && Number.isInteger(port) && port > 0 && port < 65536) targets.push({ host, port });
    }
    const connector = sw.outboundConnector;
    if (targets.length === 0 || !connector) {
      done(engine, ch, app);
      return;
    }
    ch.setVar('socket_host', targets[0]!.host);
    const flags = new Set(argv.slice(1).map((w) => w.toLowerCase()));
    const isAsync = flags.has('async');
    let parked = false;
    const unpark = () => {
      if (!parked) return;
      parked = false;
      sw.fireChannel('CHANNEL_UNPARK', ch);
    };
    app.stop = () => {
      unpark();
      return undefined;
    };
    const running = () => !ch.hungUp && ch.appStack.includes(app);
    connector({
      channel: ch,
      targets,
      async: isAsync,
      full: flags.has('full'),
      connected: () => {
        if (!running() || !isAsync) return;
        parked = true;
        sw.fireChannel('CHANNEL_PARK', ch);
      },
      failed: () => {
        if (running()) engine.completeApp(ch, app);
      },
      closed: () => {
        if (!running()) return;
        if (/^(true|yes|on|1)$/i.test(ch.vars.get('socket_resume') ?? '')) {
          unpark();
          engine.completeApp(ch, app);
          return;
        }
        engine.hangup(ch, 'NORMAL_CLEARING', localHangupDisposition(ch));
      },
    });
  },
};

/** Media loops that only end with the call (echo, endless playback placeholders). */
const untilHangup: ApplicationImpl = { nestable: false, start: () => undefined };

export const APPLICATIONS: Record<string, ApplicationImpl> = {
  park,
  playback,
  play_and_get_digits: playAndGetDigits,
  record_session: recordSession,
  stop_record_session: stopRecordSession,
  bridge,
  conference,
  answer,
  pre_answer: preAnswer,
  ring_ready: ringReady,
  hangup,
  sleep,
  set,
  export: set,
  transfer,
  amd,
  avmd_start: avmdStart,
  avmd_stop: avmdStop,
  echo: untilHangup,
  socket: socketApp,
};
