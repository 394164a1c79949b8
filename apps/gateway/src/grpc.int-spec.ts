import { randomUUID } from 'node:crypto';
import { status, type ServiceError } from '@grpc/grpc-js';
import {
  callAgentConnectedEvent,
  callEndedEvent,
  campaignEvents,
  createEvent,
} from '@autotelesale/contracts';
import { startServiceForTest, type ServiceUnderTest } from '@autotelesale/service-testing';
import { collect, grpcClients } from '../test/grpc-client';
import { restClient } from '../test/http-client';
import { AppModule, SERVICE_OPTIONS } from './app.module';
import { atsErrorOf } from './grpc/grpc-errors';
import { GatewayGrpcServer } from './grpc/gateway-grpc.server';

const ADMIN = { email: 'grpc-admin@example.test', password: 'first-admin-password' };

let gateway: ServiceUnderTest;
let grpc: ReturnType<typeof grpcClients>;
let supervisorKey: string;
let agentToken: string;
const agentId = randomUUID();

async function rejection(promise: Promise<unknown>): Promise<ServiceError> {
  try {
    await promise;
  } catch (error) {
    return error as ServiceError;
  }
  throw new Error('expected the call to fail');
}

beforeAll(async () => {
  gateway = await startServiceForTest(AppModule, SERVICE_OPTIONS, {
    env: { ATS_ADMIN_EMAIL: ADMIN.email, ATS_ADMIN_PASSWORD: ADMIN.password, ATS_GRPC_PORT: '0' },
  });
  const api = restClient(`http://127.0.0.1:${gateway.httpPort}`);
  const admin = { token: (await api('POST', '/api/v1/auth/login', { body: ADMIN })).body.token };
  supervisorKey = (
    await api('POST', '/api/v1/api-keys', { as: admin, body: { name: 'crm', role: 'supervisor' } })
  ).body.key;
  await api('POST', '/api/v1/users', {
    as: admin,
    body: { email: 'agent@example.test', password: 'agent-password-1', role: 'agent', agentId },
  });
  agentToken = (
    await api('POST', '/api/v1/auth/login', {
      body: { email: 'agent@example.test', password: 'agent-password-1' },
    })
  ).body.token;
  grpc = grpcClients(gateway.app.get(GatewayGrpcServer).port);
});

afterAll(async () => {
  grpc?.close();
  await gateway?.stop();
});

describe('authentication and roles over gRPC', () => {
  it('refuses a call without credentials: UNAUTHENTICATED, with the typed error in trailing metadata', async () => {
    const error = await rejection(grpc.call('campaigns', 'GetCampaign', { campaignId: randomUUID() }, {}));
    expect(error.code).toBe(status.UNAUTHENTICATED);
    expect(error.metadata.get('ats-error-code')).toEqual(['UNAUTHENTICATED']);
    expect(atsErrorOf(error)).toMatchObject({ code: 'UNAUTHENTICATED' });
  });

  it('refuses an agent the supervisor operations: PERMISSION_DENIED', async () => {
    for (const [client, method] of [
      ['campaigns', 'CreateCampaign'],
      ['contacts', 'LeaseContacts'],
      ['events', 'WatchCallResults'],
    ] as const) {
      const request = { name: 'x', mode: 'manual' };
      const error =
        method === 'WatchCallResults'
          ? await new Promise<ServiceError>((resolve) =>
              grpc.clients.events
                .WatchCallResults({}, grpc.metadataOf({ token: agentToken }))
                .on('error', resolve)
                .on('data', () => undefined),
            )
          : await rejection(grpc.call(client, method, request, { token: agentToken }));
      expect([method, error.code]).toEqual([method, status.PERMISSION_DENIED]);
      expect(atsErrorOf(error)?.code).toBe('FORBIDDEN');
    }
  });

  it("answers NOT_FOUND when an agent reaches for another agent's session", async () => {
    const error = await rejection(
      grpc.call('agents', 'Ready', { agentId: randomUUID() }, { token: agentToken }),
    );
    expect(error.code).toBe(status.NOT_FOUND);
  });
});

describe('errors over gRPC', () => {
  it('names the bad fields of a request: INVALID_ARGUMENT with details', async () => {
    const error = await rejection(
      grpc.call('campaigns', 'CreateCampaign', { name: 'x', mode: 'telepathic' }, { apiKey: supervisorKey }),
    );
    expect(error.code).toBe(status.INVALID_ARGUMENT);
    expect(atsErrorOf(error)).toMatchObject({ code: 'VALIDATION_FAILED', details: [{ path: 'mode' }] });
  });

  it('maps a service that does not answer to UNAVAILABLE, and counts it', async () => {
    const error = await rejection(
      grpc.call('campaigns', 'GetCampaign', { campaignId: randomUUID() }, { apiKey: supervisorKey }),
    );
    expect(error.code).toBe(status.UNAVAILABLE);
    expect(atsErrorOf(error)?.code).toBe('UNAVAILABLE');
    const metrics = await (await fetch(`http://127.0.0.1:${gateway.httpPort}/metrics`)).text();
    expect(metrics).toMatch(
      /autotelesale_gateway_grpc_calls_total\{[^}]*method="CampaignService\/GetCampaign"[^}]*code="UNAVAILABLE"/,
    );
  });
});

describe('server streams', () => {
  const campaignId = randomUUID();

  function outcomeEvent(contactId: string) {
    return createEvent(campaignEvents.contactOutcomeRecorded, {
      aggregateId: contactId,
      aggregateVersion: 2,
      producer: 'test',
      payload: {
        campaignId,
        contactId,
        attemptId: randomUUID(),
        dialerId: 'dialer-1',
        callId: `call-${contactId.slice(0, 8)}`,
        outcome: 'busy',
        attemptNumber: 1,
        hangupCause: 'USER_BUSY',
        occurredAt: new Date().toISOString(),
        applied: true,
        late: false,
        contactStatus: 'pending',
        nextDueAt: new Date(Date.now() + 600_000).toISOString(),
        finalReason: null,
      },
    });
  }

  it('streams call results of a campaign from the campaigns stream, resuming after a sequence and then live', async () => {
    const topology = gateway.topology;
    const first = outcomeEvent(randomUUID());
    const ack = await gateway.bus.publishEvent(topology.events.campaign(campaignId), first);
    // Another campaign's result must not reach this stream.
    await gateway.bus.publishEvent(topology.events.campaign(randomUUID()), outcomeEvent(randomUUID()));

    const stream = grpc.clients.events.WatchCallResults(
      { campaignId, afterSequence: ack.seq - 1 },
      grpc.metadataOf({ apiKey: supervisorKey }),
    );
    const received: Array<Record<string, unknown>> = [];
    const arrived = (n: number) =>
      new Promise<void>((resolve, reject) => {
        const check = () => received.length >= n && resolve();
        stream.on('data', (m: Record<string, unknown>) => {
          received.push(m);
          check();
        });
        stream.on('error', reject);
        check();
      });
    await arrived(1);
    expect(received[0]).toMatchObject({
      sequence: ack.seq,
      eventId: first.id,
      kind: 'outcome',
      campaignId,
      outcome: 'busy',
      contactId: first.payload.contactId,
    });

    const second = outcomeEvent(randomUUID());
    await gateway.bus.publishEvent(topology.events.campaign(campaignId), second);
    await arrived(2);
    expect(received[1]).toMatchObject({ eventId: second.id, kind: 'outcome' });
    stream.cancel();
  });

  it('streams the call records the dialer publishes on the calls stream, for one campaign', async () => {
    const topology = gateway.topology;
    const ended = (forCampaign: string) => {
      const callId = randomUUID();
      const at = new Date().toISOString();
      return createEvent(callEndedEvent, {
        aggregateId: callId,
        aggregateVersion: 4,
        producer: 'test-dialer',
        payload: {
          callId,
          campaignId: forCampaign,
          attemptId: randomUUID(),
          contactId: randomUUID(),
          dialerId: 'dialer-1',
          node: 'fs-1',
          mode: 'predictive',
          phone: '+84961166133',
          outcome: 'answered',
          liveAnswer: true,
          abandoned: false,
          abandonReason: null,
          amd: 'human',
          agentId: agentId,
          extension: '1001',
          dialedAt: at,
          answeredAt: at,
          connectedAt: at,
          endedAt: at,
          ringSeconds: 4.5,
          holdSeconds: 0.4,
          talkSeconds: 95,
          hangupCause: 'NORMAL_CLEARING',
          hangupBy: 'customer',
          recordingPath: '/recordings/call.wav',
        },
      });
    };
    const elsewhere = ended(randomUUID());
    const ours = ended(campaignId);
    const ack = await gateway.bus.publishEvent(topology.events.call(elsewhere.payload.callId), elsewhere);
    await gateway.bus.publishEvent(topology.events.call(ours.payload.callId), ours);
    const stream = grpc.clients.events.WatchCallRecords(
      { campaignId, afterSequence: ack.seq - 1 },
      grpc.metadataOf({ apiKey: supervisorKey }),
    );
    const [record] = await collect(stream, 1);
    stream.cancel();
    expect(record).toMatchObject({
      eventId: ours.id,
      callId: ours.payload.callId,
      phone: '+84961166133',
      extension: '1001',
      talkSeconds: 95,
      hangupCause: 'NORMAL_CLEARING',
      recordingPath: '/recordings/call.wav',
    });
  });

  it("pops an agent's screen with its own calls only", async () => {
    const topology = gateway.topology;
    const connected = (forAgent: string) =>
      createEvent(callAgentConnectedEvent, {
        aggregateId: `call-${randomUUID()}`,
        aggregateVersion: 1,
        producer: 'test',
        payload: {
          callId: `call-${randomUUID()}`,
          campaignId,
          contactId: randomUUID(),
          agentId: forAgent,
          extension: '1001',
          phone: '+84961166133',
          connectedAt: new Date().toISOString(),
        },
      });
    const other = connected(randomUUID());
    const mine = connected(agentId);
    const ackOther = await gateway.bus.publishEvent(topology.events.call(other.payload.callId), other);
    await gateway.bus.publishEvent(topology.events.call(mine.payload.callId), mine);

    const stream = grpc.clients.events.WatchScreenPops(
      { afterSequence: ackOther.seq - 1 },
      grpc.metadataOf({ token: agentToken }),
    );
    const [pop] = await collect(stream, 1);
    stream.cancel();
    expect(pop).toMatchObject({
      eventId: mine.id,
      agentId,
      callId: mine.payload.callId,
      phone: '+84961166133',
      extension: '1001',
    });
    // campaign-service does not run here: the pop goes out without the contact.
    expect(pop.contact).toBeUndefined();

    const denied = await new Promise<ServiceError>((resolve) =>
      grpc.clients.events
        .WatchScreenPops({ agentId: randomUUID() }, grpc.metadataOf({ token: agentToken }))
        .on('error', resolve)
        .on('data', () => undefined),
    );
    expect(denied.code).toBe(status.NOT_FOUND);
  });
});
