/**
 * Wire conformance with a raw TCP client, one block per item of the fidelity checklist
 * (esl-reference.md section 9). Assertions are on bytes as a client receives them.
 */
import { expectEventually } from '@autotelesale/testing';
import { eventName, header, plainEvent, RawEslClient, type WireMessage } from './raw-esl-client';
import { gw, NUMBERS, PASSWORD, startTestSim, useTestSim } from './test-sim';
import { ANSWERED_SEQUENCE, UNANSWERED_SEQUENCE } from './expected-sequences';

const GOODBYE_BYTES =
  'Content-Type: text/disconnect-notice\nContent-Length: 67\n\nDisconnected, goodbye.\nSee you at ClueCon! http://www.cluecon.com/\n';

const json = (m: WireMessage) => JSON.parse(m.body) as Record<string, string>;

describe('ESL conformance (reference section 9)', () => {
  const env = useTestSim({ authTimeoutMs: 300 });
  const client = () => env.client();

  describe('1. greeting, auth and the first-command timeout', () => {
    it('greets with exactly auth/request and accepts the password', async () => {
      const c = await env.connect();
      expect((await c.next()).raw.toString()).toBe('Content-Type: auth/request\n\n');
      c.send(`auth ${PASSWORD}`);
      expect((await c.next()).raw.toString()).toBe(
        'Content-Type: command/reply\nReply-Text: +OK accepted\n\n',
      );
    });

    it('answers a bad password with -ERR invalid, the 67-byte goodbye, and closes', async () => {
      const c = await env.connect();
      await c.next();
      c.send('auth ClueCon');
      await c.waitClosed();
      expect(Buffer.concat(c.allBytes).toString()).toBe(
        'Content-Type: auth/request\n\nContent-Type: command/reply\nReply-Text: -ERR invalid\n\n' +
          GOODBYE_BYTES,
      );
    });

    it('refuses other commands before auth but keeps the connection open', async () => {
      const c = await env.connect();
      await c.next();
      c.send('api status');
      expect((await c.next()).raw.toString()).toBe(
        'Content-Type: command/reply\nReply-Text: -ERR command not found\n\n',
      );
      c.send(`auth ${PASSWORD}`);
      expect(header(await c.next(), 'Reply-Text')).toBe('+OK accepted');
    });

    it('says goodbye and closes when no first command arrives in time', async () => {
      const c = await env.connect();
      await c.waitClosed();
      expect(Buffer.concat(c.allBytes).toString()).toBe('Content-Type: auth/request\n\n' + GOODBYE_BYTES);
    });
  });

  describe('2. message layouts and byte-counted bodies', () => {
    it('puts Content-Type first in api/response and counts UTF-8 bytes', async () => {
      const c = await client();
      c.send('api echo héllo');
      const m = await c.nextApi();
      expect(m.raw.toString()).toBe('Content-Type: api/response\nContent-Length: 6\n\nhéllo');
      expect(m.raw.length).toBe(Buffer.byteLength('Content-Type: api/response\nContent-Length: 6\n\n') + 6);
    });

    it('puts Content-Length first in events and command/reply carries no length', async () => {
      const c = await client();
      c.send('event json CHANNEL_CREATE');
      const reply = await c.nextReply();
      expect(reply.raw.toString()).toBe(
        'Content-Type: command/reply\nReply-Text: +OK event listener enabled json\n\n',
      );
      c.send(
        `bgapi originate {origination_uuid=bytes-1,customer_name='José Müller'}${gw(NUMBERS.answersShort)} &park()`,
      );
      const ev = await c.nextEvent('CHANNEL_CREATE');
      expect(ev.head).toBe(`Content-Length: ${Buffer.byteLength(ev.body)}\nContent-Type: text/event-json`);
      expect(json(ev)['variable_customer_name']).toBe('José Müller');
    });
  });

  describe('3. api is serialised and pauses events; bgapi runs aside', () => {
    it('holds the connection during a blocking api: later commands and events wait for it', async () => {
      const c = await client();
      c.send('event plain ALL');
      await c.nextReply();
      c.send(
        `api originate {origination_uuid=api-block-1,ignore_early_media=true}${gw(NUMBERS.answersAndStays)} &park()`,
      );
      c.send('api uuid_exists api-block-1');
      const first = await c.nextApi();
      expect(first.body).toBe('+OK api-block-1\n');
      const second = await c.nextApi();
      expect(second.body).toBe('true');
      const kinds = c.messages.map((m) =>
        header(m, 'Content-Type') === 'api/response' ? `api:${m.body}` : eventName(m),
      );
      await c.nextEvent('CHANNEL_CREATE');
      // Nothing about the new channel was delivered before originate returned.
      expect(kinds.indexOf('api:+OK api-block-1\n')).toBeLessThan(kinds.indexOf('CHANNEL_CREATE'));
      c.send('api uuid_kill api-block-1');
      expect((await c.nextApi()).body).toBe('+OK\n');
    });

    it('replies to bgapi at once with the client Job-UUID, and jobs finish in their own order', async () => {
      const c = await client();
      c.send('event plain BACKGROUND_JOB');
      await c.nextReply();
      c.send(`bgapi originate {origination_uuid=bg-slow}${gw(NUMBERS.busy)} &park()`, {
        'Job-UUID': 'job-slow',
      });
      c.send('bgapi status', { 'Job-UUID': 'job-fast' });
      expect((await c.nextReply()).raw.toString()).toBe(
        'Content-Type: command/reply\nReply-Text: +OK Job-UUID: job-slow\nJob-UUID: job-slow\n\n',
      );
      expect(header(await c.nextReply(), 'Job-UUID')).toBe('job-fast');
      const fast = plainEvent((await c.nextEvent('BACKGROUND_JOB')).body);
      expect(fast.headers.find(([n]) => n === 'Job-UUID')?.[1]).toBe('job-fast');
      expect(fast.body).toMatch(/^UP 0 years/);
      const slow = plainEvent((await c.nextEvent('BACKGROUND_JOB')).body);
      expect(Object.fromEntries(slow.headers)).toMatchObject({
        'Job-UUID': 'job-slow',
        'Job-Command': 'originate',
      });
      expect(slow.headers.map(([n]) => n)).not.toContain('Job-Owner-UUID');
      expect(slow.body).toBe('-ERR USER_BUSY\n');
    });

    it('generates a Job-UUID when the client gives none', async () => {
      const c = await client();
      c.send('bgapi status');
      expect(header(await c.nextReply(), 'Reply-Text')).toMatch(
        /^\+OK Job-UUID: [0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
      );
    });
  });

  describe('4. subscriptions and filters', () => {
    it('answers each subscription command with FreeSWITCH text', async () => {
      const c = await client();
      const replies: string[] = [];
      for (const cmd of [
        'event json',
        'event NOT_AN_EVENT',
        'event CHANNEL_ANSWER',
        'nixevent CHANNEL_ANSWER',
        'filter Unique-ID abc',
        'filter add Event-Name CHANNEL_HANGUP',
        'filter Unique-ID',
        'filter delete Unique-ID abc',
        'filter delete all',
        'noevents',
        'noevents',
        'myevents',
      ]) {
        c.send(cmd);
        replies.push(header(await c.nextReply(), 'Reply-Text')!);
      }
      expect(replies).toEqual([
        '-ERR no keywords supplied',
        '-ERR no keywords supplied',
        '+OK event listener enabled json',
        '+OK events nixed',
        '+OK filter added. [Unique-ID]=[abc]',
        '+OK filter added. [Event-Name]=[CHANNEL_HANGUP]',
        '-ERR invalid syntax',
        '+OK filter deleted. [Unique-ID][abc]',
        '+OK filter deleted. [all][]',
        '+OK no longer listening for events',
        '-ERR not listening for events',
        '-ERR command not found',
      ]);
    });

    it('hides BACKGROUND_JOB behind a Unique-ID filter until the job is filtered in', async () => {
      const c = await client();
      c.send('event json BACKGROUND_JOB CHANNEL_CREATE');
      await c.nextReply();
      c.send('filter Unique-ID filt-1');
      await c.nextReply();
      c.send(`bgapi originate {origination_uuid=filt-1}${gw(NUMBERS.invalid)} &park()`, {
        'Job-UUID': 'job-filtered',
      });
      await c.nextEvent('CHANNEL_CREATE');
      c.send(`bgapi originate {origination_uuid=filt-2}${gw(NUMBERS.invalid)} &park()`, {
        'Job-UUID': 'job-2',
      });
      c.send('filter Job-UUID job-3');
      c.send(`bgapi originate {origination_uuid=filt-3}${gw(NUMBERS.invalid)} &park()`, {
        'Job-UUID': 'job-3',
      });
      const job = await c.nextEvent('BACKGROUND_JOB');
      expect(json(job)['Job-UUID']).toBe('job-3');
      const seen = c.messages
        .filter((m) => eventName(m))
        .map((m) => json(m)['Unique-ID'] ?? json(m)['Job-UUID']);
      expect(seen).toEqual(['filt-1', 'job-3']);
    });

    it('delivers CUSTOM subclasses only when named after CUSTOM', async () => {
      const a = await client();
      const b = await client();
      a.send('event plain CUSTOM sim::one');
      b.send('event plain CUSTOM');
      await a.nextReply();
      await b.nextReply();
      const sender = await client();
      sender.send('sendevent CUSTOM', { 'Event-Subclass': 'sim::one', 'X-Mark': 'one' });
      expect(header(await sender.nextReply(), 'Reply-Text')).toMatch(/^\+OK [0-9a-f-]{36}$/);
      const got = plainEvent((await a.nextEvent('CUSTOM')).body);
      expect(Object.fromEntries(got.headers)).toMatchObject({
        'Event-Subclass': 'sim::one',
        'X-Mark': 'one',
      });
      sender.send('api status');
      await sender.nextApi();
      expect(b.eventNames()).toEqual([]);
    });
  });

  describe('5. serialisers', () => {
    it('url-encodes plain values, keeps JSON values as raw strings, and carries bodies', async () => {
      const plain = await client();
      const asJson = await client();
      const asXml = await client();
      plain.send('event plain BACKGROUND_JOB');
      asJson.send('event json BACKGROUND_JOB');
      asXml.send('event xml BACKGROUND_JOB');
      await Promise.all([plain.nextReply(), asJson.nextReply(), asXml.nextReply()]);
      plain.send('bgapi echo a b:c', { 'Job-UUID': 'ser-1' });
      const p = await plain.nextEvent('BACKGROUND_JOB');
      expect(p.body).toContain('\nFreeSWITCH-IPv6: %3A%3A1\n');
      expect(p.body).toMatch(/\nEvent-Date-Local: \d{4}-\d\d-\d\d%20\d\d%3A\d\d%3A\d\d\n/);
      expect(p.body).toContain('\nJob-Command-Arg: a%20b%3Ac\nContent-Length: 5\n\na b:c');
      const j = await asJson.nextEvent('BACKGROUND_JOB');
      const parsed = json(j);
      expect(Object.values(parsed).every((v) => typeof v === 'string')).toBe(true);
      expect(parsed).toMatchObject({
        'FreeSWITCH-IPv6': '::1',
        'Job-Command-Arg': 'a b:c',
        'Content-Length': '5',
        _body: 'a b:c',
      });
      expect(j.body.endsWith('"Content-Length":"5","_body":"a b:c"}')).toBe(true);
      const x = await asXml.nextEvent('BACKGROUND_JOB');
      expect(x.body).toMatch(/^<event>\n {2}<headers>\n {4}<Event-Name>BACKGROUND_JOB<\/Event-Name>\n/);
      expect(x.body).toContain('<body>a b:c</body>');
    });

    it('repeats Hangup-Cause in CHANNEL_HANGUP_COMPLETE, in plain and in JSON', async () => {
      const plain = await client();
      const asJson = await client();
      plain.send('event plain CHANNEL_HANGUP_COMPLETE');
      asJson.send('event json CHANNEL_HANGUP_COMPLETE');
      await Promise.all([plain.nextReply(), asJson.nextReply()]);
      plain.send(`bgapi originate {origination_uuid=dup-1}${gw(NUMBERS.busy)} &park()`);
      const p = plainEvent((await plain.nextEvent('CHANNEL_HANGUP_COMPLETE')).body);
      expect(p.headers.filter(([n]) => n === 'Hangup-Cause').map(([, v]) => v)).toEqual([
        'USER_BUSY',
        'USER_BUSY',
      ]);
      const j = await asJson.nextEvent('CHANNEL_HANGUP_COMPLETE');
      expect(j.body.match(/"Hangup-Cause":"USER_BUSY"/g)).toHaveLength(2);
    });
  });

  describe('6. common headers, channel data and variables', () => {
    it('orders the common headers, and adds variables only where FreeSWITCH does', async () => {
      const c = await client();
      c.send('event plain ALL');
      await c.nextReply();
      c.send(
        `bgapi originate {origination_uuid=data-1,campaign_id=42,ignore_early_media=true}${gw(NUMBERS.answersShort)} &park()`,
      );
      await c.nextEvent('CHANNEL_DESTROY', 10_000);
      const events = c.messages.filter((m) => eventName(m)).map((m) => plainEvent(m.body).headers);
      const first13 = events[0]!.slice(0, 13).map(([n]) => n);
      expect(first13).toEqual([
        'Event-Name',
        'Core-UUID',
        'FreeSWITCH-Hostname',
        'FreeSWITCH-Switchname',
        'FreeSWITCH-IPv4',
        'FreeSWITCH-IPv6',
        'Event-Date-Local',
        'Event-Date-GMT',
        'Event-Date-Timestamp',
        'Event-Calling-File',
        'Event-Calling-Function',
        'Event-Calling-Line-Number',
        'Event-Sequence',
      ]);
      const byName = (name: string) => Object.fromEntries(events.find((h) => h[0]![1] === name)!);
      expect(byName('CHANNEL_CREATE')['variable_campaign_id']).toBe('42');
      expect(byName('CHANNEL_STATE')['variable_campaign_id']).toBeUndefined();
      expect(byName('CHANNEL_CALLSTATE')['variable_campaign_id']).toBeUndefined();
      expect(byName('CHANNEL_OUTGOING')['variable_campaign_id']).toBeUndefined();
      expect(byName('CHANNEL_ANSWER')).toMatchObject({
        'Answer-State': 'answered',
        'Channel-Call-State': 'RINGING',
        'Unique-ID': 'data-1',
      });
      expect(byName('CHANNEL_HANGUP_COMPLETE')).toMatchObject({
        variable_hangup_cause: 'NORMAL_CLEARING',
        variable_hangup_cause_q850: '16',
        'Answer-State': 'hangup',
      });
      const seqs = events.map((h) => Number(Object.fromEntries(h)['Event-Sequence']));
      expect([...seqs].sort((a, b) => a - b)).toEqual(seqs);
    });
  });

  describe('7. originate', () => {
    const api = async (c: RawEslClient, cmd: string) => {
      c.send(`api ${cmd}`);
      return (await c.nextApi(10_000)).body;
    };

    it('returns on early media unless ignore_early_media=true', async () => {
      const c = await client();
      c.send('event json CHANNEL_ANSWER BACKGROUND_JOB CHANNEL_PROGRESS_MEDIA');
      await c.nextReply();
      c.send(`bgapi originate {origination_uuid=early-1}${gw(NUMBERS.earlyMedia)} &park()`);
      const job = await c.nextEvent('BACKGROUND_JOB');
      expect(json(job)['_body']).toBe('+OK early-1\n');
      expect(c.eventNames()).toEqual(['CHANNEL_PROGRESS_MEDIA', 'BACKGROUND_JOB']);
      await api(c, 'uuid_kill early-1');
    });

    it('maps causes and refusals to FreeSWITCH bodies', async () => {
      const c = await client();
      expect(await api(c, `originate {originate_timeout=2}${gw(NUMBERS.noAnswer)} &park()`)).toBe(
        '-ERR NO_ANSWER\n',
      );
      expect(await api(c, `originate ${gw(NUMBERS.busy)} &park()`)).toBe('-ERR USER_BUSY\n');
      expect(await api(c, `originate ${gw(NUMBERS.invalid)} &park()`)).toBe('-ERR UNALLOCATED_NUMBER\n');
      expect(await api(c, `originate sofia/gateway/nope/${NUMBERS.busy} &park()`)).toBe(
        '-ERR INVALID_GATEWAY\n',
      );
      expect(await api(c, `originate sofia/gateway/gwdown/${NUMBERS.busy} &park()`)).toBe(
        '-ERR GATEWAY_DOWN\n',
      );
      expect(await api(c, 'originate user/1003 &park()')).toBe('-ERR USER_NOT_REGISTERED\n');
      expect(await api(c, 'originate sofia/gateway/gw1/1')).toMatch(
        /^-USAGE: <call url> <exten>\|&<application_name>/,
      );
    });

    it('refuses a duplicate origination_uuid, and enforces max-sessions and sps', async () => {
      const c = await client();
      c.send(`bgapi originate {origination_uuid=dup-uuid}${gw(NUMBERS.answersAndStays)} &park()`);
      await expectEventually(async () => expect(await api(c, 'uuid_exists dup-uuid')).toBe('true'));
      expect(
        await api(c, `originate {origination_uuid=dup-uuid}${gw(NUMBERS.answersAndStays)} &park()`),
      ).toBe('-ERR DESTINATION_OUT_OF_ORDER\n');
      expect(await api(c, 'fsctl max_sessions 1')).toBe('+OK max sessions: 1\n');
      expect(await api(c, `originate ${gw(NUMBERS.busy)} &park()`)).toBe('-ERR DESTINATION_OUT_OF_ORDER\n');
      expect(await api(c, 'fsctl max_sessions 1000')).toBe('+OK max sessions: 1000\n');
      await api(c, 'uuid_kill dup-uuid');
      expect(await api(c, 'fsctl sps 1')).toBe('+OK sessions per second: 1\n');
      const bodies: string[] = [];
      for (let i = 0; i < 5; i++) bodies.push(await api(c, `originate ${gw(NUMBERS.invalid)} &park()`));
      expect(bodies.filter((b) => b === '-ERR DESTINATION_OUT_OF_ORDER\n').length).toBeGreaterThanOrEqual(3);
      await api(c, 'fsctl sps 1000');
    });
  });

  describe('8. event sequences and races', () => {
    const channelSeq = (c: RawEslClient, uuid: string) =>
      c.messages
        .filter((m) => eventName(m))
        .map((m) => json(m))
        .filter(
          (e) =>
            e['Unique-ID'] === uuid ||
            e['Job-UUID'] === `job-${uuid}` ||
            (e['Event-Name'] === 'API' && e['API-Command'] === 'originate'),
        )
        .map((e) =>
          e['Event-Name'] === 'CHANNEL_STATE'
            ? `STATE ${e['Channel-State']}`
            : e['Event-Name'] === 'CHANNEL_CALLSTATE'
              ? `CALLSTATE ${e['Channel-Call-State']}`
              : e['Event-Name']!,
        );

    it('follows 4.4 for an answered call and 4.5 for an unanswered one', async () => {
      const c = await client();
      c.send('event json ALL');
      await c.nextReply();
      c.send(
        `bgapi originate {origination_uuid=seq-ok,ignore_early_media=true}${gw(NUMBERS.answersShort)} &park()`,
        { 'Job-UUID': 'job-seq-ok' },
      );
      await c.nextMatching(
        (m) => eventName(m) === 'CHANNEL_DESTROY' && json(m)['Unique-ID'] === 'seq-ok',
        10_000,
      );
      expect(channelSeq(c, 'seq-ok')).toEqual(ANSWERED_SEQUENCE);
      c.messages.length = 0;
      (c as unknown as { cursor: number }).cursor = 0;
      c.send(
        `bgapi originate {origination_uuid=seq-busy,ignore_early_media=true}${gw(NUMBERS.busy)} &park()`,
        { 'Job-UUID': 'job-seq-busy' },
      );
      await c.nextMatching((m) => eventName(m) === 'BACKGROUND_JOB', 10_000);
      expect(channelSeq(c, 'seq-busy')).toEqual(UNANSWERED_SEQUENCE);
      const complete = c.messages
        .filter((m) => eventName(m))
        .map(json)
        .find((e) => e['Event-Name'] === 'CHANNEL_HANGUP_COMPLETE')!;
      expect(complete).toMatchObject({
        variable_sip_term_status: '486',
        variable_billsec: '0',
        variable_answer_epoch: '0',
        variable_sip_hangup_disposition: 'recv_refuse',
      });
    });

    it('with jitter, BACKGROUND_JOB races the session thread both ways', async () => {
      const racy = await startTestSim({ jitterMs: 15 });
      try {
        const c = await RawEslClient.authed(racy.nodes[0]!.port, PASSWORD);
        c.send('event json CHANNEL_PARK BACKGROUND_JOB');
        await c.nextReply();
        for (let i = 0; i < 16; i++) {
          c.send(
            `bgapi originate {origination_uuid=race-${i},ignore_early_media=true}${gw(NUMBERS.answersAndStays)} &park()`,
            { 'Job-UUID': `job-race-${i}` },
          );
        }
        await expectEventually(() => expect(c.eventNames()).toHaveLength(32), { timeoutMs: 10_000 });
        const order = new Set<string>();
        const events = c.messages.filter((m) => eventName(m)).map(json);
        for (let i = 0; i < 16; i++) {
          const park = events.findIndex((e) => e['Unique-ID'] === `race-${i}`);
          const job = events.findIndex((e) => e['Job-UUID'] === `job-race-${i}`);
          order.add(park < job ? 'park-first' : 'job-first');
        }
        expect(order).toEqual(new Set(['park-first', 'job-first']));
        c.close();
      } finally {
        await racy.stop();
      }
    });
  });

  describe('9. uuid_* and show outputs', () => {
    const api = async (c: RawEslClient, cmd: string) => {
      c.send(`api ${cmd}`);
      return (await c.nextApi()).body;
    };

    it('prints FreeSWITCH strings, newline quirks included', async () => {
      const c = await client();
      expect(await api(c, 'show channels as json')).toBe('{"row_count": 0}\n');
      expect(await api(c, 'uuid_exists nope')).toBe('false');
      expect(await api(c, 'uuid_getvar nope x')).toBe('-ERR No such channel!\n');
      expect(await api(c, 'uuid_kill nope')).toBe('-ERR No such channel!\n');
      expect(await api(c, 'uuid_bridge nope nope2')).toBe('-ERR Invalid uuid\n');
      expect(await api(c, 'no_such_command arg')).toBe('-ERR no_such_command Command not found!\n');
      expect(await api(c, 'echo')).toBe('-ERR no reply\n');
      expect(
        await api(
          c,
          `originate {origination_uuid=u9,ignore_early_media=true,lead=7}${gw(NUMBERS.answersAndStays)} &park()`,
        ),
      ).toBe('+OK u9\n');
      expect(await api(c, 'uuid_exists u9')).toBe('true');
      expect(await api(c, 'uuid_getvar u9 lead')).toBe('7');
      expect(await api(c, 'uuid_getvar u9 unset_var')).toBe('_undef_');
      expect(await api(c, 'uuid_setvar u9 lead 8')).toBe('+OK\n');
      expect(await api(c, 'uuid_getvar u9 lead')).toBe('8');
      const shown = JSON.parse(await api(c, 'show channels as json')) as {
        row_count: number;
        rows: Array<Record<string, string>>;
      };
      expect(shown.row_count).toBe(1);
      expect(shown.rows[0]).toMatchObject({
        uuid: 'u9',
        direction: 'outbound',
        state: 'CS_EXECUTE',
        callstate: 'ACTIVE',
        application: 'park',
        dest: NUMBERS.answersAndStays,
      });
      expect(await api(c, 'show channels')).toMatch(
        /^uuid,direction,created,created_epoch,name,state,.*\nu9,outbound,.*\n\n1 total\.\n$/s,
      );
      expect(await api(c, 'uuid_hold u9')).toBe('+OK Success\n');
      expect(await api(c, 'uuid_record u9 start /tmp/u9.wav')).toBe('+OK Success\n');
      expect(await api(c, 'uuid_record u9 stop /tmp/other.wav')).toBe('-ERR Cannot stop record session!\n');
      expect(await api(c, 'uuid_broadcast u9 /tmp/hello.wav aleg')).toBe('+OK Message sent\n');
      expect(await api(c, 'uuid_break u9 all')).toBe('+OK\n');
      expect(await api(c, 'hupall NORMAL_CLEARING lead 8')).toBe(
        '+OK hangup all channels matching [lead]=[8] with cause: NORMAL_CLEARING\n',
      );
      await expectEventually(async () => expect(await api(c, 'uuid_exists u9')).toBe('false'));
      expect(await api(c, 'status')).toMatch(
        /^UP 0 years, 0 days, 0 hours, \d+ minutes, \d+ seconds, \d+ milliseconds, \d+ microseconds\nFreeSWITCH \(Version 1\.10\.\d+[^)]*\) is ready\n\d+ session\(s\) since startup\n/,
      );
      expect(await api(c, 'sofia status')).toMatch(/external::gw1\tgateway\t.*\tREGED\n/);
    });

    it('bridges two legs with uuid_bridge and hangs up the survivor when one side leaves', async () => {
      const c = await client();
      c.send('event json CHANNEL_BRIDGE CHANNEL_UNBRIDGE CHANNEL_HANGUP_COMPLETE');
      await c.nextReply();
      await api(
        c,
        `originate {origination_uuid=br-a,ignore_early_media=true}${gw(NUMBERS.answersAndStays)} &park()`,
      );
      await api(c, `originate {origination_uuid=br-b}user/1001 &park()`);
      expect(await api(c, 'uuid_bridge br-a br-b')).toBe('+OK br-b\n');
      const bridge = json(await c.nextEvent('CHANNEL_BRIDGE'));
      expect(bridge).toMatchObject({
        'Unique-ID': 'br-a',
        'Bridge-A-Unique-ID': 'br-a',
        'Bridge-B-Unique-ID': 'br-b',
        'Other-Type': 'originatee',
        'Other-Leg-Unique-ID': 'br-b',
      });
      await api(c, 'uuid_kill br-b');
      expect(json(await c.nextEvent('CHANNEL_UNBRIDGE'))['Unique-ID']).toBe('br-a');
      const ends = [
        json(await c.nextEvent('CHANNEL_HANGUP_COMPLETE')),
        json(await c.nextEvent('CHANNEL_HANGUP_COMPLETE')),
      ];
      expect(ends.map((e) => e['Unique-ID']).sort()).toEqual(['br-a', 'br-b']);
      expect(ends.find((e) => e['Unique-ID'] === 'br-a')!['variable_last_bridge_hangup_cause']).toBe(
        'NORMAL_CLEARING',
      );
    });

    it('executes applications sent with sendmsg, echoing Event-UUID as Application-UUID', async () => {
      const c = await client();
      c.send('event json CHANNEL_EXECUTE CHANNEL_EXECUTE_COMPLETE PLAYBACK_START PLAYBACK_STOP DTMF');
      await c.nextReply();
      await api(
        c,
        `originate {origination_uuid=msg-1,ignore_early_media=true}${gw(NUMBERS.pressesThree)} &park()`,
      );
      c.send('sendmsg msg-1', {
        'call-command': 'execute',
        'execute-app-name': 'play_and_get_digits',
        'execute-app-arg': '1 1 3 5000 # /snd/q1.wav /snd/invalid.wav survey_q1 \\d',
        'Event-UUID': 'app-uuid-1',
      });
      expect(header(await c.nextReply(), 'Reply-Text')).toBe('+OK');
      const done = await c.nextMatching(
        (m) =>
          eventName(m) === 'CHANNEL_EXECUTE_COMPLETE' && json(m)['Application'] === 'play_and_get_digits',
        10_000,
      );
      expect(json(done)).toMatchObject({
        'Application-UUID': 'app-uuid-1',
        variable_survey_q1: '3',
        'Application-Response': '_none_',
      });
      expect(c.eventNames()).toEqual([
        'CHANNEL_EXECUTE',
        'CHANNEL_EXECUTE',
        'PLAYBACK_START',
        'PLAYBACK_STOP',
        'DTMF',
        'CHANNEL_EXECUTE_COMPLETE',
      ]);
      c.send('sendmsg nope', { 'call-command': 'execute', 'execute-app-name': 'park' });
      expect(header(await c.nextReply(), 'Reply-Text')).toBe('-ERR invalid session id [nope]');
      await api(c, 'uuid_kill msg-1');
    });
  });

  describe('4b. myevents', () => {
    it('binds a connection to one channel and closes it when that channel hangs up', async () => {
      const control = await client();
      control.send(
        `api originate {origination_uuid=my-1,ignore_early_media=true}${gw(NUMBERS.answersAndStays)} &park()`,
      );
      await control.nextApi();
      control.send(
        `api originate {origination_uuid=my-2,ignore_early_media=true}${gw(NUMBERS.answersAndStays)} &park()`,
      );
      await control.nextApi();
      const bound = await client();
      bound.send('myevents my-1 json');
      expect(header(await bound.nextReply(), 'Reply-Text')).toBe('+OK Events Enabled');
      bound.send('myevents my-1 json');
      expect(header(await bound.nextReply(), 'Reply-Text')).toBe('-ERR aready enabled.');
      bound.send('linger');
      expect(header(await bound.nextReply(), 'Reply-Text')).toBe('+OK will linger');
      bound.send('nolinger');
      expect(header(await bound.nextReply(), 'Reply-Text')).toBe('+OK will not linger');
      control.send('api uuid_kill my-2');
      control.send('api uuid_kill my-1');
      await bound.waitClosed();
      const names = bound.messages
        .filter((m) => eventName(m))
        .map((m) => [eventName(m), json(m)['Unique-ID']]);
      expect(names[0]).toEqual(['CHANNEL_HANGUP', 'my-1']);
      expect(names.every(([, uuid]) => uuid === 'my-1')).toBe(true);
      expect(Buffer.concat(bound.allBytes).toString()).toContain(
        'Content-Type: text/disconnect-notice\nControlled-Session-UUID: my-1\nContent-Disposition: disconnect\nContent-Length: 67\n\n',
      );
      const other = await client();
      other.send('myevents not-a-channel json');
      expect(header(await other.nextReply(), 'Reply-Text')).toBe('-ERR invalid uuid');
    });
  });

  describe('10. queues, heartbeat, restart', () => {
    it('sends HEARTBEAT on its interval with the real header set', async () => {
      const beating = await startTestSim({ heartbeatMs: 100 });
      try {
        const c = await RawEslClient.authed(beating.nodes[0]!.port, PASSWORD);
        c.send('event json HEARTBEAT');
        await c.nextReply();
        const hb = json(await c.nextEvent('HEARTBEAT', 2000));
        expect(hb).toMatchObject({
          'Event-Info': 'System Ready',
          'Session-Count': '0',
          'Max-Sessions': '1000',
          'Session-Per-Sec': '1000',
        });
        expect(hb['Up-Time']).toMatch(
          /^0 years, 0 days, 0 hours, 0 minutes, \d+ seconds, \d+ milliseconds, \d+ microseconds$/,
        );
        expect(Object.keys(hb)).not.toContain('Heartbeat-Interval');
        c.close();
      } finally {
        await beating.stop();
      }
    });

    it('on restart says the system is shutting down and comes back with a new Core-UUID', async () => {
      const restarting = await startTestSim();
      try {
        const before = restarting.nodes[0]!;
        const c = await RawEslClient.authed(before.port, PASSWORD);
        c.send('api global_getvar core_uuid');
        expect((await c.nextApi()).raw.toString()).toBe(
          `Content-Type: api/response\nContent-Length: 36\n\n${before.coreUuid}`,
        );
        await restarting.node(0).restart();
        await c.waitClosed();
        expect(Buffer.concat(c.allBytes).toString()).toContain(
          'Content-Type: text/disconnect-notice\nContent-Length: 31\n\nThe system is being shut down.\n',
        );
        expect(restarting.nodes[0]!.coreUuid).not.toBe(before.coreUuid);
        const again = await RawEslClient.authed(before.port, PASSWORD);
        again.send('api global_getvar core_uuid');
        expect((await again.nextApi()).body).toBe(restarting.nodes[0]!.coreUuid);
        again.close();
      } finally {
        await restarting.stop();
      }
    });
  });

  describe('10b. global variables', () => {
    it('answers global_getvar with the node identity a dialer reads, without a newline', async () => {
      const c = await client();
      const get = async (name: string) => {
        c.send(`api global_getvar ${name}`);
        return (await c.nextApi()).body;
      };
      expect(await get('core_uuid')).toBe(env.sim.nodes[0]!.coreUuid);
      expect(await get('hostname')).toBe('fs-sim-1');
      expect(await get('local_ip_v4')).toBe('127.0.0.1');
      expect(await get('switch_serial')).toMatch(/^7f000001[0-9a-f]{4}$/);
      expect(await get('no_such_global')).toBe('-ERR no reply\n');
      c.send('api global_setvar campaign_mode=predictive');
      expect((await c.nextApi()).body).toBe('+OK');
      expect(await get('campaign_mode')).toBe('predictive');
      const dump = await get('');
      expect(dump.split('\n')).toEqual(
        expect.arrayContaining([
          `core_uuid=${env.sim.nodes[0]!.coreUuid}`,
          'hostname=fs-sim-1',
          'campaign_mode=predictive',
        ]),
      );
      expect(dump.endsWith('\n')).toBe(true);
    });
  });

  describe('11. exit', () => {
    it('answers +OK bye, sends the goodbye notice and closes', async () => {
      const c = await client();
      c.send('exit');
      await c.waitClosed();
      const all = Buffer.concat(c.allBytes).toString();
      expect(all.endsWith('Content-Type: command/reply\nReply-Text: +OK bye\n\n' + GOODBYE_BYTES)).toBe(true);
    });
  });
});
