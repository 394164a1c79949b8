import { Inject, Injectable, Logger } from '@nestjs/common';
import type { Registry } from 'prom-client';
import { CHANNEL_VARS, parseRecordingMark, recordingDue, recordingPath } from '@autotelesale/dialer-domain';
import { METRICS_REGISTRY } from '@autotelesale/service-kit';
import { createCounter, type CounterMetric } from '@autotelesale/telemetry';
import { DIALER_SERVICE_CONFIG, type DialerServiceConfig } from '../config/dialer-service.config';
import { FsNodesService } from '../telephony/fs-nodes.service';
import type { LiveCall } from './live-call';

/** A recording command that has not answered by then is taken as failed (the call goes on). */
const COMMAND_TIMEOUT_MS = 10_000;

type RecordingResult = 'started' | 'kept' | 'refused' | 'failed';

/**
 * Call recording (issue 7, seed 003; campaign setting `recording`): starts
 * `uuid_record <uuid> start <path>` on the customer leg when the call reaches the
 * campaign's moment (`answer`, or `bridge`: connected to its agent), and gives the path
 * to `call.ended` only when the switch said `+OK`.
 *
 * Never on the bridge's path: `follow` is called after a transition's effects were sent
 * (so an `uuid_bridge` goes out first) and the command is a `bgapi`, acknowledged at once
 * and run beside the connection's `api`s. A refusal or a timeout is logged and counted
 * (`autotelesale_dialer_recordings_total{result}`); the call goes on unrecorded.
 *
 * Take-over: the path is marked on the leg (`ats_recording_path`, a `bgapi uuid_setvar`
 * after the `+OK`), so a replica that adopts the call reads it back and reports it. A call
 * found past its moment with no mark is recorded from then on, into a file of its own
 * (`<callId>.takeover.wav`), never over one the dead owner may have started.
 */
@Injectable()
export class CallRecording {
  private readonly logger = new Logger(CallRecording.name);
  /** Per call: the recording's path once the switch answered (null: not recorded). Never rejects. */
  private readonly recordings = new Map<string, Promise<string | null>>();
  /** Calls this replica took over, and whether they were past their moment then. */
  private readonly adoptedCalls = new Map<string, boolean>();
  private readonly counter: CounterMetric<'campaign_id' | 'result'>;

  constructor(
    @Inject(DIALER_SERVICE_CONFIG) private readonly config: DialerServiceConfig,
    private readonly nodes: FsNodesService,
    @Inject(METRICS_REGISTRY) registry: Registry,
  ) {
    this.counter = createCounter(registry, {
      name: 'autotelesale_dialer_recordings_total',
      help: 'Call recordings by campaign and result: started, kept (found on a call taken over), refused by the switch, failed (no answer, connection lost)',
      labelNames: ['campaign_id', 'result'] as const,
    });
  }

  /** A call this replica took over, before its first transition here. */
  adopted(call: LiveCall): void {
    const settings = call.campaign.recording;
    if (!settings?.enabled) return;
    this.adoptedCalls.set(call.callId, recordingDue(call.state, settings.from));
  }

  /** After each transition of a call: starts its recording the first time it is due. Never waits, never throws. */
  follow(call: LiveCall): void {
    const settings = call.campaign.recording;
    if (!settings?.enabled || this.recordings.has(call.callId)) return;
    if (!recordingDue(call.state, settings.from)) return;
    this.recordings.set(call.callId, this.start(call, settings.directory ?? this.config.recordingsDir));
  }

  /** The path for `call.ended` (the recording really started, else null); forgets the call. */
  async pathAtEnd(call: LiveCall): Promise<string | null> {
    const recording = this.recordings.get(call.callId);
    this.recordings.delete(call.callId);
    this.adoptedCalls.delete(call.callId);
    return recording ?? null;
  }

  private async start(call: LiveCall, directory: string): Promise<string | null> {
    const { callId } = call;
    const adoptedPastMoment = this.adoptedCalls.get(callId);
    try {
      const esl = this.nodes.connection(call.nodeId);
      if (adoptedPastMoment !== undefined) {
        const mark = await esl.bgapi(`uuid_getvar ${callId} ${CHANNEL_VARS.recordingPath}`, {
          timeoutMs: COMMAND_TIMEOUT_MS,
        });
        const kept = parseRecordingMark(mark.body);
        if (kept) {
          this.count(call, 'kept');
          return kept;
        }
      }
      const path = recordingPath({
        directory,
        campaignId: call.campaign.id,
        callId,
        at: Date.now(),
        takenOver: adoptedPastMoment === true,
      });
      const job = await esl.bgapi(`uuid_record ${callId} start ${path}`, { timeoutMs: COMMAND_TIMEOUT_MS });
      const reply = job.body.trim();
      if (!reply.startsWith('+OK')) {
        this.logger.warn({ msg: 'switch refused to record the call', callId, node: call.nodeId, reply });
        this.count(call, 'refused');
        return null;
      }
      this.count(call, 'started');
      this.mark(call, path);
      return path;
    } catch (error) {
      this.logger.warn({
        msg: 'could not start the recording',
        callId,
        node: call.nodeId,
        error: String(error),
      });
      this.count(call, 'failed');
      return null;
    }
  }

  /** `ats_recording_path` on the leg, for a replica that may take the call over. Not awaited. */
  private mark(call: LiveCall, path: string): void {
    this.nodes
      .connection(call.nodeId)
      .bgapi(`uuid_setvar ${call.callId} ${CHANNEL_VARS.recordingPath} ${path}`, {
        timeoutMs: COMMAND_TIMEOUT_MS,
      })
      .then((job) => {
        if (!job.body.startsWith('+OK'))
          this.logger.warn({
            msg: 'could not mark the recording',
            callId: call.callId,
            reply: job.body.trim(),
          });
      })
      .catch((error: unknown) =>
        this.logger.warn({ msg: 'could not mark the recording', callId: call.callId, error: String(error) }),
      );
  }

  private count(call: LiveCall, result: RecordingResult): void {
    this.counter.inc({ campaign_id: call.campaign.id, result });
  }
}
