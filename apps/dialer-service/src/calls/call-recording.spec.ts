import { Registry } from 'prom-client';
import { CAMPAIGN_DEFAULTS, type Campaign, type RecordingSettings } from '@autotelesale/contracts';
import type { CallState } from '@autotelesale/dialer-domain';
import { EslError } from '@autotelesale/esl';
import type { DialerServiceConfig } from '../config/dialer-service.config';
import type { FsNodesService } from '../telephony/fs-nodes.service';
import { CallRecording } from './call-recording';
import type { LiveCall } from './live-call';

/**
 * The recording's rules that no switch can be made to show on demand: a switch that
 * refuses or never answers leaves the call unrecorded (null, counted), never failed.
 * The switch here is a script of replies; the real one is in apps/e2e
 * (dialer-recording*.int-spec.ts).
 */
const CAMPAIGN_ID = '8a3c2f4e-1b6d-4c1e-9f3a-2d5e7b9c0a11';
const CALL_ID = '0b7e9f2a-5c4d-4e3f-8a1b-9c8d7e6f5a4b';

type Reply = string | Error;

function setUp(replies: Record<string, Reply>) {
  const sent: string[] = [];
  const connection = {
    bgapi: async (command: string) => {
      sent.push(command);
      const verb = command.split(' ')[0]!;
      const reply = replies[verb] ?? '+OK\n';
      if (reply instanceof Error) throw reply;
      return { jobUuid: 'j', body: reply, coreUuid: 'c' };
    },
  };
  const nodes = { connection: () => connection } as unknown as FsNodesService;
  const config = { recordingsDir: '/var/lib/freeswitch/recordings' } as DialerServiceConfig;
  const registry = new Registry();
  const recording = new CallRecording(config, nodes, registry);
  const counted = async () =>
    Object.fromEntries(
      (await registry.getSingleMetric('autotelesale_dialer_recordings_total')!.get()).values.map((v) => [
        v.labels['result'],
        v.value,
      ]),
    );
  return { recording, sent, counted };
}

function liveCall(recording: Partial<RecordingSettings> | undefined, state: Partial<CallState>): LiveCall {
  const campaign = {
    ...CAMPAIGN_DEFAULTS,
    id: CAMPAIGN_ID,
    recording: recording === undefined ? undefined : { enabled: true, from: 'bridge', ...recording },
  } as unknown as Campaign;
  return {
    callId: CALL_ID,
    campaign,
    mode: 'progressive',
    contact: { id: 'c', attemptId: 'a', phone: '+84961166133' },
    nodeId: 'fs1',
    state: { phase: 'connected', answeredAt: 1, connectedAt: 2, ...state } as CallState,
    eventVersion: 1,
    reserveAttempts: 0,
    agentHungUp: false,
    outcomeRecorded: false,
    timer: undefined,
  };
}

const day = new Date().toISOString().slice(0, 10);
const file = `/var/lib/freeswitch/recordings/${CAMPAIGN_ID}/${day}/${CALL_ID}.wav`;

describe('CallRecording', () => {
  it('records once at the moment, marks the leg, and names the file at the end', async () => {
    const { recording, sent, counted } = setUp({});
    const call = liveCall({}, { phase: 'waiting', connectedAt: null });
    recording.follow(call);
    expect(sent).toEqual([]); // from the bridge: not yet
    call.state = { ...call.state, phase: 'connected', connectedAt: 2 };
    recording.follow(call);
    recording.follow(call);
    expect(await recording.pathAtEnd(call)).toBe(file);
    expect(sent).toEqual([
      `uuid_record ${CALL_ID} start ${file}`,
      `uuid_setvar ${CALL_ID} ats_recording_path ${file}`,
    ]);
    expect(await counted()).toEqual({ started: 1 });
  });

  it('takes the campaign directory over the dialer one', async () => {
    const { recording, sent } = setUp({});
    const call = liveCall({ directory: '/srv/rec', from: 'answer' }, { phase: 'waiting', connectedAt: null });
    recording.follow(call);
    expect(await recording.pathAtEnd(call)).toBe(`/srv/rec/${CAMPAIGN_ID}/${day}/${CALL_ID}.wav`);
    expect(sent[0]).toBe(`uuid_record ${CALL_ID} start /srv/rec/${CAMPAIGN_ID}/${day}/${CALL_ID}.wav`);
  });

  it('a switch that refuses: no path, counted, no mark, nothing thrown', async () => {
    const { recording, sent, counted } = setUp({ uuid_record: '-ERR Cannot record session!\n' });
    const call = liveCall({}, {});
    recording.follow(call);
    expect(await recording.pathAtEnd(call)).toBeNull();
    expect(sent).toEqual([`uuid_record ${CALL_ID} start ${file}`]);
    expect(await counted()).toEqual({ refused: 1 });
  });

  it('a switch that does not answer: no path, counted as failed', async () => {
    const { recording, counted } = setUp({ uuid_record: new EslError('ESL_TIMEOUT', 'bgapi timed out') });
    const call = liveCall({}, {});
    recording.follow(call);
    expect(await recording.pathAtEnd(call)).toBeNull();
    expect(await counted()).toEqual({ failed: 1 });
  });

  it('a campaign not recorded (or stored before the setting) sends nothing', async () => {
    for (const settings of [undefined, { enabled: false }]) {
      const { recording, sent } = setUp({});
      const call = liveCall(settings, {});
      recording.follow(call);
      expect(await recording.pathAtEnd(call)).toBeNull();
      expect(sent).toEqual([]);
    }
  });

  it('never starts for a call that ended before its moment', async () => {
    const { recording, sent } = setUp({});
    const call = liveCall({ from: 'answer' }, { phase: 'ended', answeredAt: null, connectedAt: null });
    recording.follow(call);
    expect(await recording.pathAtEnd(call)).toBeNull();
    expect(sent).toEqual([]);
  });

  it('a call taken over keeps the recording marked on its leg, and records one without a mark into its own file', async () => {
    const marked = setUp({ uuid_getvar: file });
    const call = liveCall({}, {});
    marked.recording.adopted(call);
    marked.recording.follow(call);
    expect(await marked.recording.pathAtEnd(call)).toBe(file);
    expect(marked.sent).toEqual([`uuid_getvar ${CALL_ID} ats_recording_path`]);
    expect(await marked.counted()).toEqual({ kept: 1 });

    const unmarked = setUp({ uuid_getvar: '_undef_' });
    unmarked.recording.adopted(call);
    unmarked.recording.follow(call);
    const own = file.replace(/\.wav$/, '.takeover.wav');
    expect(await unmarked.recording.pathAtEnd(call)).toBe(own);
    expect(unmarked.sent.slice(0, 2)).toEqual([
      `uuid_getvar ${CALL_ID} ats_recording_path`,
      `uuid_record ${CALL_ID} start ${own}`,
    ]);
  });
});
