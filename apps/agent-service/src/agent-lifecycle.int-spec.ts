import {
  addGroupMembersRpc,
  callEndedRpc,
  completeWrapUpRpc,
  confirmReservationRpc,
  createAgentRpc,
  createGroupRpc,
  deleteAgentRpc,
  extendWrapUpRpc,
  getAgentRpc,
  getAgentStatusRpc,
  listAgentsRpc,
  loginRpc,
  logoutRpc,
  notReadyRpc,
  queryIntervalsRpc,
  readyRpc,
  removeGroupMembersRpc,
  reserveAgentRpc,
  updateAgentRpc,
} from '@autotelesale/contracts';
import { expectEventually } from '@autotelesale/testing';
import { startAgentCluster, type AgentCluster } from '../test/agent-cluster';
import { createAgent, createReadyAgent, errorOf, newId } from '../test/agent-fixtures';

let cluster: AgentCluster;

beforeAll(async () => {
  cluster = await startAgentCluster(['agent-a']);
});

afterAll(async () => {
  await cluster?.stop();
});

describe('agents, groups and extensions', () => {
  it('creates an agent logged out at version 1, and a retried create with the same id returns it', async () => {
    const agentId = newId();
    const request = { agentId, name: 'Lan', extension: '2001', skills: ['sales', 'vietnamese'] };
    const agent = await cluster.bus.request(createAgentRpc, request);
    expect(agent).toMatchObject({ agentId, name: 'Lan', extension: '2001', skills: ['sales', 'vietnamese'] });
    expect(agent.status).toMatchObject({ state: 'logged_out', version: 1, sessionExtension: null });
    expect(await cluster.bus.request(createAgentRpc, request)).toEqual(agent);
  });

  it('refuses a second agent on a taken extension, and bad input, with typed errors', async () => {
    await cluster.bus.request(createAgentRpc, { name: 'First', extension: '2002' });
    expect(
      await errorOf(cluster.bus.request(createAgentRpc, { name: 'Second', extension: '2002' })),
    ).toMatchObject({
      code: 'CONFLICT',
      details: { reason: 'EXTENSION_TAKEN' },
    });
    // Sent raw, as a client that skips our schemas would: the service itself refuses it.
    const reply = await cluster.bus.nc.request(
      cluster.topology.rpc.subject(createAgentRpc),
      JSON.stringify({ name: '', extension: 'x1' }),
    );
    expect(reply.json()).toMatchObject({
      ok: false,
      error: {
        code: 'VALIDATION_FAILED',
        details: expect.arrayContaining([expect.objectContaining({ path: 'extension' })]),
      },
    });
    expect(await errorOf(cluster.bus.request(getAgentRpc, { agentId: newId() }))).toMatchObject({
      code: 'NOT_FOUND',
    });
  });

  it('keeps group membership on both sides and announces it as new versions of the agents', async () => {
    const a = await createAgent(cluster.bus);
    const b = await createAgent(cluster.bus);
    const watch = await cluster.watchAgentEvents(a.agentId);
    const group = await cluster.bus.request(createGroupRpc, { name: 'Morning shift', agentIds: [a.agentId] });
    expect(group.agentIds).toEqual([a.agentId]);
    const both = await cluster.bus.request(addGroupMembersRpc, {
      groupId: group.groupId,
      agentIds: [b.agentId],
    });
    expect(both.agentIds).toEqual([a.agentId, b.agentId].sort());
    expect((await cluster.bus.request(getAgentRpc, { agentId: b.agentId })).groupIds).toEqual([
      group.groupId,
    ]);
    const listed = await cluster.bus.request(listAgentsRpc, { groupId: group.groupId, limit: 10 });
    expect(listed.items.map((agent) => agent.agentId).sort()).toEqual([a.agentId, b.agentId].sort());

    await cluster.bus.request(removeGroupMembersRpc, { groupId: group.groupId, agentIds: [a.agentId] });
    const after = await cluster.bus.request(getAgentRpc, { agentId: a.agentId });
    expect(after).toMatchObject({ groupIds: [], status: { version: 3 } });
    await expectEventually(() =>
      expect(watch.events.map((e) => [e.type, e.aggregateVersion])).toEqual([
        ['agent.created', 1],
        ['agent.updated', 2],
        ['agent.updated', 3],
      ]),
    );
  });

  it('pages through agents with a cursor', async () => {
    const first = await cluster.bus.request(listAgentsRpc, { limit: 2 });
    expect(first.items).toHaveLength(2);
    const second = await cluster.bus.request(listAgentsRpc, { limit: 2, cursor: first.nextCursor! });
    expect(second.items[0]!.agentId > first.items[1]!.agentId).toBe(true);
  });

  it('updates a profile at the expected version only, and deletes only a logged-out agent', async () => {
    const agent = await createAgent(cluster.bus);
    const renamed = await cluster.bus.request(updateAgentRpc, {
      agentId: agent.agentId,
      expectedVersion: 1,
      name: 'Renamed',
    });
    expect(renamed).toMatchObject({ name: 'Renamed', status: { version: 2 } });
    expect(
      await errorOf(
        cluster.bus.request(updateAgentRpc, { agentId: agent.agentId, expectedVersion: 1, name: 'X' }),
      ),
    ).toMatchObject({ code: 'CONFLICT', details: { reason: 'VERSION_MISMATCH' } });

    await cluster.bus.request(loginRpc, { agentId: agent.agentId });
    expect(await errorOf(cluster.bus.request(deleteAgentRpc, { agentId: agent.agentId }))).toMatchObject({
      code: 'CONFLICT',
    });
    await cluster.bus.request(logoutRpc, { agentId: agent.agentId });
    await cluster.bus.request(deleteAgentRpc, { agentId: agent.agentId });
    expect((await errorOf(cluster.bus.request(getAgentRpc, { agentId: agent.agentId }))).code).toBe(
      'NOT_FOUND',
    );
  });
});

describe('sessions and states', () => {
  it('logs in not ready, goes ready, takes a break with a reason, and logs out', async () => {
    const agent = await createAgent(cluster.bus);
    const id = { agentId: agent.agentId };
    expect(await cluster.bus.request(loginRpc, { ...id, extension: '3999' })).toMatchObject({
      state: 'not_ready',
      sessionExtension: '3999',
      version: 2,
    });
    expect(await cluster.bus.request(readyRpc, id)).toMatchObject({ state: 'ready', version: 3 });
    // Ready again is no change: same version, no event.
    expect(await cluster.bus.request(readyRpc, id)).toMatchObject({ state: 'ready', version: 3 });
    expect(await cluster.bus.request(notReadyRpc, { ...id, reasonCode: 'lunch' })).toMatchObject({
      state: 'not_ready',
      reasonCode: 'lunch',
      version: 4,
    });
    expect(await cluster.bus.request(logoutRpc, id)).toMatchObject({
      state: 'logged_out',
      sessionExtension: null,
      version: 5,
    });
  });

  it('refuses an illegal transition with a typed error and changes nothing', async () => {
    const agent = await createAgent(cluster.bus);
    const error = await errorOf(cluster.bus.request(readyRpc, { agentId: agent.agentId }));
    expect(error).toMatchObject({
      code: 'CONFLICT',
      details: { reason: 'ILLEGAL_TRANSITION', state: 'logged_out', command: 'ready' },
    });
    expect(await cluster.bus.request(getAgentStatusRpc, { agentId: agent.agentId })).toMatchObject({
      state: 'logged_out',
      version: 1,
    });
  });

  it('refuses a login at an extension another session is using', async () => {
    const first = await createAgent(cluster.bus);
    const second = await createAgent(cluster.bus);
    await cluster.bus.request(loginRpc, { agentId: first.agentId, extension: '4444' });
    expect(
      await errorOf(cluster.bus.request(loginRpc, { agentId: second.agentId, extension: '4444' })),
    ).toMatchObject({ code: 'CONFLICT', details: { reason: 'EXTENSION_TAKEN' } });
    expect((await cluster.bus.request(getAgentStatusRpc, { agentId: second.agentId })).state).toBe(
      'logged_out',
    );
  });

  it('wraps up for the campaign time, extendable, and completable early', async () => {
    const agent = await createReadyAgent(cluster.bus);
    const reserve = await cluster.bus.request(reserveAgentRpc, {
      campaignId: 'c-wrap',
      eligibleAgentIds: [agent.agentId],
    });
    if (reserve.outcome !== 'reserved') throw new Error('expected a reservation');
    const { reservationId } = reserve.reservation;
    await cluster.bus.request(confirmReservationRpc, { reservationId, callId: 'call-w1' });
    const ended = await cluster.bus.request(callEndedRpc, { reservationId, wrapUpSeconds: 60 });
    expect(ended.agent).toMatchObject({ state: 'wrap_up', campaignId: 'c-wrap' });
    const endsAt = Date.parse(ended.agent.wrapUpEndsAt!);
    const extended = await cluster.bus.request(extendWrapUpRpc, { agentId: agent.agentId, seconds: 30 });
    expect(Date.parse(extended.wrapUpEndsAt!) - endsAt).toBe(30_000);
    expect(await cluster.bus.request(completeWrapUpRpc, { agentId: agent.agentId })).toMatchObject({
      state: 'ready',
      campaignId: null,
      wrapUpEndsAt: null,
    });
  });

  it('ends wrap-up by itself when its timer runs out', async () => {
    const agent = await createReadyAgent(cluster.bus);
    const reserve = await cluster.bus.request(reserveAgentRpc, {
      campaignId: 'c-wrap',
      eligibleAgentIds: [agent.agentId],
    });
    if (reserve.outcome !== 'reserved') throw new Error('expected a reservation');
    const { reservationId } = reserve.reservation;
    await cluster.bus.request(confirmReservationRpc, { reservationId, callId: 'call-w2' });
    await cluster.bus.request(callEndedRpc, { reservationId, wrapUpSeconds: 0.2 });
    await expectEventually(async () =>
      expect(await cluster.bus.request(getAgentStatusRpc, { agentId: agent.agentId })).toMatchObject({
        state: 'ready',
      }),
    );
  });
});

describe('events', () => {
  it('announces every change once, versions 1, 2, 3 ... with no gap, and a re-published event is stored once', async () => {
    const agent = await createAgent(cluster.bus);
    const watch = await cluster.watchAgentEvents(agent.agentId);
    await cluster.bus.request(loginRpc, { agentId: agent.agentId });
    await cluster.bus.request(readyRpc, { agentId: agent.agentId });
    await cluster.bus.request(notReadyRpc, { agentId: agent.agentId, reasonCode: 'training' });
    await cluster.bus.request(logoutRpc, { agentId: agent.agentId });
    await expectEventually(() =>
      expect(watch.events.map((e) => e.aggregateVersion)).toEqual([1, 2, 3, 4, 5]),
    );
    expect(watch.events.map((e) => (e.payload as { to?: string }).to ?? e.type)).toEqual([
      'agent.created',
      'not_ready',
      'ready',
      'not_ready',
      'logged_out',
    ]);

    // As after a crash between publishing and marking published: the relay sends them again.
    await cluster.pg.query(`UPDATE agent_event_outbox SET published_at = NULL WHERE agent_id = $1`, [
      agent.agentId,
    ]);
    await expectEventually(async () => {
      const { rows } = await cluster.pg.query(
        `SELECT count(*)::int AS n FROM agent_event_outbox WHERE agent_id = $1 AND published_at IS NULL`,
        [agent.agentId],
      );
      expect(rows[0].n).toBe(0);
    });
    const info = await cluster.bus.jsm.streams.info(cluster.topology.streams.agents.name, {
      subjects_filter: cluster.topology.events.agent(agent.agentId),
    });
    expect(info.state.subjects).toEqual({ [cluster.topology.events.agent(agent.agentId)]: 5 });
    expect(watch.events).toHaveLength(5);
  });

  it('deletes the events published longer than the retention ago (an hour by default), keeps the recent ones, and the stream keeps them all', async () => {
    const [old, recent] = [await createReadyAgent(cluster.bus), await createReadyAgent(cluster.bus)];
    const rowsOf = async (agentId: string) =>
      (
        await cluster.pg.query<{ n: number; waiting: number }>(
          `SELECT count(*)::int AS n, count(*) FILTER (WHERE published_at IS NULL)::int AS waiting
             FROM agent_event_outbox WHERE agent_id = $1`,
          [agentId],
        )
      ).rows[0]!;
    await expectEventually(async () => {
      expect([(await rowsOf(old.agentId)).waiting, (await rowsOf(recent.agentId)).waiting]).toEqual([0, 0]);
    });
    const [oldRows, recentRows] = [(await rowsOf(old.agentId)).n, (await rowsOf(recent.agentId)).n];
    expect(Math.min(oldRows, recentRows)).toBeGreaterThan(0);
    await cluster.pg.query(
      `UPDATE agent_event_outbox SET published_at = now() - interval '61 minutes' WHERE agent_id = $1`,
      [old.agentId],
    );

    // The purge runs at start-up (and every minute): a restarted instance deletes them.
    await cluster.stopInstance('agent-a');
    await cluster.startInstance('agent-a');
    await expectEventually(async () => expect((await rowsOf(old.agentId)).n).toBe(0));
    expect((await rowsOf(recent.agentId)).n).toBe(recentRows);
    const subject = cluster.topology.events.agent(old.agentId);
    const info = await cluster.bus.jsm.streams.info(cluster.topology.streams.agents.name, {
      subjects_filter: subject,
    });
    expect(info.state.subjects).toEqual({ [subject]: oldRows });
  });
});

describe('state intervals', () => {
  it('reports the time in each state, per campaign for campaign states', async () => {
    const agent = await createReadyAgent(cluster.bus);
    const start = new Date(Date.now() - 60_000).toISOString();
    const reserve = await cluster.bus.request(reserveAgentRpc, {
      campaignId: 'c-int',
      eligibleAgentIds: [agent.agentId],
    });
    if (reserve.outcome !== 'reserved') throw new Error('expected a reservation');
    const { reservationId } = reserve.reservation;
    await cluster.bus.request(confirmReservationRpc, { reservationId, callId: 'call-i1' });
    await cluster.bus.request(callEndedRpc, { reservationId, wrapUpSeconds: 30 });
    await cluster.bus.request(completeWrapUpRpc, { agentId: agent.agentId, notReadyReasonCode: 'break' });
    const end = new Date(Date.now() + 60_000).toISOString();

    const report = await cluster.bus.request(queryIntervalsRpc, {
      agentId: agent.agentId,
      from: start,
      to: end,
    });
    expect(report.intervals.map((i) => [i.state, i.campaignId, i.reasonCode])).toEqual([
      ['not_ready', null, 'login'],
      ['ready', null, null],
      ['reserved', 'c-int', null],
      ['on_call', 'c-int', null],
      ['wrap_up', 'c-int', null],
      ['not_ready', null, 'break'],
    ]);
    expect(report.intervals.at(-1)!.endedAt).toBeNull();
    for (let i = 1; i < report.intervals.length; i += 1) {
      expect(report.intervals[i]!.startedAt).toBe(report.intervals[i - 1]!.endedAt);
    }
    expect(report.totals.map((t) => [t.state, t.campaignId])).toEqual([
      ['not_ready', null],
      ['on_call', 'c-int'],
      ['ready', null],
      ['reserved', 'c-int'],
      ['wrap_up', 'c-int'],
    ]);

    const campaignOnly = await cluster.bus.request(queryIntervalsRpc, {
      agentId: agent.agentId,
      from: start,
      to: end,
      campaignId: 'c-int',
    });
    expect(campaignOnly.intervals.map((i) => i.state)).toEqual(['reserved', 'on_call', 'wrap_up']);
  });
});

describe('metrics', () => {
  it('shows agents per state and no event left unpublished on /metrics', async () => {
    const agent = await createReadyAgent(cluster.bus);
    expect(agent).toBeDefined();
    const app = cluster.instances.get('agent-a')!;
    await expectEventually(async () => {
      const { rows } = await cluster.pg.query(`SELECT state, count(*)::int AS n FROM agent GROUP BY state`);
      const ready = rows.find((r) => r.state === 'ready')?.n ?? 0;
      const metrics = await (await fetch(`${await app.getUrl()}/metrics`)).text();
      expect(metrics).toMatch(
        new RegExp(`^autotelesale_agent_agents\\{[^}]*state="ready"[^}]*\\} ${ready}$`, 'm'),
      );
      expect(metrics).toMatch(/^autotelesale_agent_events_unpublished(\{[^}]*\})? 0$/m);
    });
  });
});
