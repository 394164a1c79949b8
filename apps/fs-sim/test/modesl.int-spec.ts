/**
 * The real client: modesl 1.2.1 connects, authenticates, subscribes and originates with
 * bgapi, and sees the sequences of reference 4.4 (answered) and 4.5 (unanswered), in the
 * json and the plain format.
 */
import { Connection, type Event } from 'modesl';
import { expectEventually, waitFor } from '@autotelesale/testing';
import { gw, NUMBERS, PASSWORD, useTestSim } from './test-sim';
import { ANSWERED_SEQUENCE, UNANSWERED_SEQUENCE } from './expected-sequences';

interface Seen {
  name: string;
  uuid?: string;
  state?: string;
  callState?: string;
  answerState?: string;
  body: string;
  headers: Event;
}

function open(port: number): Promise<{ conn: Connection; seen: Seen[] }> {
  return new Promise((resolve, reject) => {
    const seen: Seen[] = [];
    const conn = new Connection('127.0.0.1', port, PASSWORD, () => resolve({ conn, seen }));
    conn.on('error', reject);
    conn.on('esl::event::**', (evt: Event) => {
      const name = evt.getHeader('Event-Name');
      if (!name) return;
      seen.push({
        name,
        uuid: evt.getHeader('Unique-ID'),
        state: evt.getHeader('Channel-State'),
        callState: evt.getHeader('Channel-Call-State'),
        answerState: evt.getHeader('Answer-State'),
        body: evt.getBody(),
        headers: evt,
      });
    });
  });
}

const label = (s: Seen) =>
  s.name === 'CHANNEL_STATE'
    ? `STATE ${s.state}`
    : s.name === 'CHANNEL_CALLSTATE'
      ? `CALLSTATE ${s.callState}`
      : s.name;

describe.each(['json', 'plain'] as const)('modesl with event %s', (format) => {
  const env = useTestSim();
  let conn: Connection;
  let seen: Seen[];

  beforeAll(async () => {
    ({ conn, seen } = await open(env.port()));
    await new Promise<void>((resolve) => conn.events(format, 'ALL', () => resolve()));
  });
  afterAll(() => conn.disconnect());

  const forCall = (uuid: string) =>
    seen.filter(
      (s) =>
        s.uuid === uuid ||
        (s.name === 'BACKGROUND_JOB' && s.headers.getHeader('Job-Command-Arg')?.includes(uuid)) ||
        (s.name === 'API' && s.headers.getHeader('API-Command-Argument')?.includes(uuid)),
    );

  it('sees the answered sequence of 4.4 and a +OK job result', async () => {
    const uuid = `mod-${format}-ok`;
    const job = await new Promise<Event>((resolve) =>
      conn.bgapi(
        'originate',
        `{origination_uuid=${uuid},ignore_early_media=true,campaign_id=42}${gw(NUMBERS.answersShort)} &park()`,
        resolve,
      ),
    );
    expect(job.getBody()).toBe(`+OK ${uuid}\n`);
    await waitFor(() => forCall(uuid).some((s) => s.name === 'CHANNEL_DESTROY'), {
      description: 'CHANNEL_DESTROY',
    });
    expect(forCall(uuid).map(label)).toEqual(ANSWERED_SEQUENCE);
    const answer = forCall(uuid).find((s) => s.name === 'CHANNEL_ANSWER')!;
    expect(answer.answerState).toBe('answered');
    expect(answer.headers.getHeader('variable_campaign_id')).toBe('42');
  });

  it('sees the unanswered sequence of 4.5 and an -ERR job result', async () => {
    const uuid = `mod-${format}-busy`;
    const job = await new Promise<Event>((resolve) =>
      conn.bgapi(
        'originate',
        `{origination_uuid=${uuid},ignore_early_media=true}${gw(NUMBERS.busy)} &park()`,
        resolve,
      ),
    );
    expect(job.getBody()).toBe('-ERR USER_BUSY\n');
    await expectEventually(() => expect(forCall(uuid).map(label)).toEqual(UNANSWERED_SEQUENCE));
    const complete = forCall(uuid).find((s) => s.name === 'CHANNEL_HANGUP_COMPLETE')!;
    expect(complete.headers.getHeader('variable_hangup_cause')).toBe('USER_BUSY');
  });

  it('answers api calls in order', async () => {
    const bodies = await Promise.all(
      ['uuid_exists nope', 'status', 'uuid_getvar nope x'].map(
        (cmd) => new Promise<string>((resolve) => conn.api(cmd, (res) => resolve(res.getBody()))),
      ),
    );
    expect(bodies[0]).toBe('false');
    expect(bodies[1]).toMatch(/^UP /);
    expect(bodies[2]).toBe('-ERR No such channel!\n');
  });
});
