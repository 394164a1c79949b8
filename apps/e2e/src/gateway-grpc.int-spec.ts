import { randomUUID } from 'node:crypto';
import { status, type ServiceError } from '@grpc/grpc-js';
import { callAgentConnectedEvent, createEvent } from '@autotelesale/contracts';
import type { StackUnderTest } from '@autotelesale/service-testing';
import { waitFor } from '@autotelesale/testing';
import {
  GRPC_METHOD_ROLES,
  GatewayGrpcServer,
  atsErrorOf,
  collect,
  grpcClients,
  type Caller,
} from './gateway-app';
import {
  ADMIN,
  ALWAYS_OPEN,
  apiKeyOf,
  gatewayApi,
  generateList,
  login,
  personOf,
  startGatewayStack,
  type Api,
} from './gateway-fixtures';

/* eslint-disable @typescript-eslint/no-explicit-any -- gRPC replies are read loosely */

/**
 * The same flows as the REST suite, through the gateway's gRPC services with a real
 * grpc-js client, as a CRM would: API key in metadata, a client-streamed import, and the
 * server streams of call results and screen-pops fed by the services' events.
 */

let stack: StackUnderTest;
let api: Api;
let grpc: ReturnType<typeof grpcClients>;
let crm: Caller;
let campaignId: string;
const agents: Array<{ agentId: string; caller: Caller }> = [];

async function rejection(promise: Promise<unknown>): Promise<ServiceError> {
  try {
    await promise;
  } catch (error) {
    return error as ServiceError;
  }
  throw new Error('expected the call to fail');
}

beforeAll(async () => {
  stack = await startGatewayStack();
  api = gatewayApi(stack);
  const admin = await login(api, ADMIN.email, ADMIN.password);
  crm = await apiKeyOf(api, admin, 'supervisor');
  grpc = grpcClients(stack.services.gateway!.app.get(GatewayGrpcServer).port);
  for (const extension of ['2001', '2002']) {
    const created = await api('POST', '/api/v1/agents', {
      as: admin,
      body: { name: `Agent ${extension}`, extension },
    });
    agents.push({
      agentId: created.body.agentId,
      caller: await personOf(api, admin, 'agent', created.body.agentId),
    });
  }
}, 120_000);

afterAll(async () => {
  grpc?.close();
  await stack?.stop();
});

it('creates a campaign over gRPC, once for a retried request with the same idempotency key', async () => {
  const request = {
    name: 'CRM campaign',
    mode: 'progressive',
    settings: { fields: {} as Record<string, unknown> },
    idempotencyKey: 'crm-1',
  };
  // Settings travel as a google.protobuf.Struct.
  request.settings = {
    fields: {
      wrapUpSeconds: { numberValue: 0 },
      callingHours: {
        structValue: {
          fields: {
            timeZone: { stringValue: ALWAYS_OPEN.timeZone },
            timeZonePolicy: { stringValue: ALWAYS_OPEN.timeZonePolicy },
            windows: {
              listValue: {
                values: [
                  {
                    structValue: {
                      fields: {
                        days: {
                          listValue: {
                            values: ALWAYS_OPEN.windows[0]!.days.map((d) => ({ stringValue: d })),
                          },
                        },
                        start: { stringValue: '00:00' },
                        end: { stringValue: '24:00' },
                      },
                    },
                  },
                ],
              },
            },
          },
        },
      },
    },
  };
  const first = await grpc.call('campaigns', 'CreateCampaign', request, crm);
  expect(first).toMatchObject({ name: 'CRM campaign', mode: 'progressive', status: 'draft', version: 1 });
  expect(first.document.fields.callingHours.structValue.fields.timeZonePolicy.stringValue).toBe('campaign');
  const retry = await grpc.call('campaigns', 'CreateCampaign', request, crm);
  expect(retry.id).toBe(first.id);
  campaignId = first.id;
  expect((await grpc.call('campaigns', 'GetCampaign', { campaignId }, crm)).id).toBe(campaignId);
});

it('imports a 10,000-row list streamed by the client, with an exact report and every reject by line', async () => {
  const list = await grpc.call(
    'lists',
    'CreateList',
    { campaignId, name: 'CRM export', defaultRegion: 'VN' },
    crm,
  );
  const file = generateList(10_000, 1);
  const status = await new Promise<any>((resolve, reject) => {
    const call = grpc.clients.lists.ImportContacts(
      grpc.metadataOf(crm),
      (error: ServiceError | null, reply: any) => (error ? reject(error) : resolve(reply)),
    );
    call.write({
      header: { listId: list.id, format: 'csv', fileName: 'crm.csv', totalBytes: file.csv.length },
    });
    // Pieces of any size, cut anywhere (mid-line, mid-character): the gateway re-chunks them.
    for (let offset = 0; offset < file.csv.length; offset += 100_003) {
      call.write({ data: file.csv.subarray(offset, offset + 100_003) });
    }
    call.end();
  });
  expect(status).toMatchObject({
    state: 'completed',
    rowsIn: 10_000,
    accepted: file.accepted,
    merged: file.merged,
    rejected: file.rejects.length,
    bytesReceived: file.csv.length,
  });

  const rejects: Array<{ line: number; code: string }> = [];
  let cursor: string | undefined;
  do {
    const page = await grpc.call(
      'lists',
      'ListImportRejects',
      { importId: status.importId, limit: 9, cursor },
      crm,
    );
    expect(page.totalRejected).toBe(file.rejects.length);
    rejects.push(...(page.items ?? []).map((r: any) => ({ line: r.line, code: r.code })));
    cursor = page.nextCursor;
  } while (cursor);
  expect(rejects).toEqual(file.rejects);
});

it('logs agents in and sets them ready over gRPC with their own credentials, and reserves each once', async () => {
  for (const agent of agents) {
    await grpc.call('agents', 'Login', { agentId: agent.agentId }, agent.caller);
    expect(await grpc.call('agents', 'Ready', { agentId: agent.agentId }, agent.caller)).toMatchObject({
      state: 'ready',
    });
  }
  const intruder = await rejection(
    grpc.call('agents', 'Ready', { agentId: agents[1]!.agentId }, agents[0]!.caller),
  );
  expect(intruder.code).toBe(status.NOT_FOUND);

  const eligibleAgentIds = agents.map((a) => a.agentId);
  const replies = await Promise.all(
    Array.from({ length: 8 }, (_, i) =>
      grpc.call(
        'agents',
        'Reserve',
        { campaignId, callId: `g-${i}`, eligibleAgentIds, timeoutMs: 60_000 },
        crm,
      ),
    ),
  );
  const won = replies.filter((r) => r.outcome === 'reserved').map((r) => r.reservation);
  expect(won).toHaveLength(2);
  expect(new Set(won.map((r: any) => r.agentId)).size).toBe(2);
  for (const reservation of won) {
    const change = await grpc.call(
      'agents',
      'ReleaseReservation',
      { reservationId: reservation.reservationId },
      crm,
    );
    expect(change.agent.state).toBe('ready');
  }
});

it('leases to 8 concurrent dialers without a double lease, records outcomes once, and streams the results', async () => {
  await grpc.call('campaigns', 'TransitionCampaign', { campaignId, action: 'start' }, crm);
  // From the start of the stream (after sequence 0), filtered to this campaign: nothing can be missed.
  const results = grpc.clients.events.WatchCallResults(
    { campaignId, afterSequence: 0 },
    grpc.metadataOf(crm),
  );
  const received: any[] = [];
  const streamErrors: ServiceError[] = [];
  results.on('data', (result: any) => received.push(result));
  results.on('error', (error: ServiceError) => {
    if (error.code !== status.CANCELLED) streamErrors.push(error);
  });

  const leased = (
    await Promise.all(
      Array.from({ length: 8 }, async (_, i) => {
        const mine: any[] = [];
        for (let round = 0; round < 3; round++) {
          const reply = await grpc.call(
            'contacts',
            'LeaseContacts',
            { campaignId, dialerId: `g-dialer-${i}`, count: 25, leaseSeconds: 300 },
            crm,
          );
          mine.push(...(reply.contacts ?? []).map((c: any) => ({ ...c, dialerId: `g-dialer-${i}` })));
        }
        return mine;
      }),
    )
  ).flat();
  expect(leased).toHaveLength(8 * 3 * 25);
  expect(new Set(leased.map((c) => c.contact.id)).size).toBe(leased.length);

  const reported = leased.slice(0, 20);
  const outcomes = await Promise.all(
    reported.flatMap((c) =>
      [1, 2].map(() =>
        grpc.call(
          'contacts',
          'RecordOutcome',
          {
            attemptId: c.attemptId,
            dialerId: c.dialerId,
            outcome: 'noAnswer',
            callId: `call-${c.attemptId}`,
          },
          crm,
        ),
      ),
    ),
  );
  expect(new Set(outcomes.map((o) => `${o.attemptId} ${o.recordedAt}`)).size).toBe(20);
  const conflict = await rejection(
    grpc.call(
      'contacts',
      'RecordOutcome',
      { attemptId: reported[0].attemptId, dialerId: reported[0].dialerId, outcome: 'busy' },
      crm,
    ),
  );
  expect(conflict.code).toBe(status.ABORTED);
  expect(atsErrorOf(conflict)?.code).toBe('CONFLICT');

  // Each outcome reaches the CRM's stream once.
  await waitFor(() => received.filter((r) => r.kind === 'outcome').length >= 20, {
    description: '20 call results on the stream',
  });
  const streamed = received.filter((r) => r.kind === 'outcome');
  expect(streamed.map((r) => r.attemptId).sort()).toEqual(reported.map((c) => c.attemptId).sort());
  expect(streamed.every((r) => r.outcome === 'noAnswer' && r.campaignId === campaignId)).toBe(true);

  // An agent's disposition is a call result too.
  const [agent] = agents;
  const contactId = leased[30].contact.id;
  const disposition = await grpc.call(
    'dispositions',
    'RecordDisposition',
    {
      campaignId,
      contactId,
      callId: `call-${randomUUID()}`,
      agentId: agent!.agentId,
      code: 'SALE',
      saleValue: 1_500_000,
      currency: 'VND',
    },
    agent!.caller,
  );
  expect(disposition).toMatchObject({ code: 'SALE', sale: true, saleValue: 1_500_000 });
  await waitFor(() => received.find((r) => r.kind === 'disposition' && r.contactId === contactId), {
    description: 'the disposition on the stream',
  });
  results.cancel();
  expect(streamErrors).toEqual([]);
});

it("pops the agent's screen with the customer's record when a call is connected to it", async () => {
  const [agent] = agents;
  const contact = (
    await grpc.call('contacts', 'ListContacts', { campaignId, status: ['pending'], limit: 1 }, crm)
  ).items[0];
  const event = createEvent(callAgentConnectedEvent, {
    aggregateId: 'call-pop-1',
    aggregateVersion: 1,
    producer: 'test-dialer',
    payload: {
      callId: 'call-pop-1',
      campaignId,
      contactId: contact.id,
      agentId: agent!.agentId,
      extension: '2001',
      phone: contact.phone,
      connectedAt: new Date().toISOString(),
    },
  });
  const ack = await stack.bus.publishEvent(stack.topology.events.call('call-pop-1'), event);
  const pops = grpc.clients.events.WatchScreenPops(
    { afterSequence: ack.seq - 1 },
    grpc.metadataOf(agent!.caller),
  );
  const [pop] = await collect(pops, 1);
  pops.cancel();
  expect(pop).toMatchObject({ callId: 'call-pop-1', agentId: agent!.agentId, phone: contact.phone });
  expect(pop.contact).toMatchObject({ id: contact.id, phone: contact.phone, campaignId });
});

it('refuses an agent every method it is not listed for, and a caller without credentials every method', async () => {
  const clientOf: Record<string, keyof typeof grpc.clients> = {
    CampaignService: 'campaigns',
    ListService: 'lists',
    ContactService: 'contacts',
    DispositionService: 'dispositions',
    AgentService: 'agents',
    EventService: 'events',
  };
  // Whatever the kind of method (unary, client stream, server stream), the refusal is its status.
  const statusOf = (service: string, method: string, as: Caller) =>
    new Promise<number>((resolve) => {
      const client = grpc.clients[clientOf[service]!];
      const metadata = grpc.metadataOf(as);
      const done = (error: ServiceError | null) => resolve(error ? error.code : status.OK);
      if (method === 'ImportContacts') client[method](metadata, done).end();
      else if (method.startsWith('Watch'))
        client[method]({}, metadata)
          .on('error', done)
          .on('data', () => resolve(status.OK));
      else client[method]({}, metadata, done);
    });
  const wrong: string[] = [];
  for (const [name, roles] of Object.entries(GRPC_METHOD_ROLES)) {
    const [service, method] = name.split('/') as [string, string];
    if (!roles.includes('agent')) {
      const code = await statusOf(service, method, agents[0]!.caller);
      if (code !== status.PERMISSION_DENIED) wrong.push(`agent ${name}: ${code}`);
    }
    const anonymous = await statusOf(service, method, {});
    if (anonymous !== status.UNAUTHENTICATED) wrong.push(`anonymous ${name}: ${anonymous}`);
  }
  expect(wrong).toEqual([]);
});
