import type { AgentStatus } from '@autotelesale/contracts';
import { AgentStateFeed } from '../campaigns/agent-state-feed';
import { AgentStatusView, DELTA_OVERLAP_MS, FULL_READ_EVERY_MS } from './agent-status-view';

const T0 = Date.parse('2026-11-23T12:00:00.000Z');
const A = '00000000-0000-4000-8000-00000000000a';
const B = '00000000-0000-4000-8000-00000000000b';
const C = '00000000-0000-4000-8000-00000000000c';
const FILTER = '["campaign agents"]';

function status(
  agentId: string,
  version: number,
  state: AgentStatus['state'] = 'ready',
  sinceMs = 0,
): AgentStatus {
  return {
    agentId,
    version,
    state,
    stateSince: new Date(T0 + sinceMs).toISOString(),
    sessionExtension: '3001',
    reasonCode: null,
    campaignId: null,
    reservationId: null,
    callId: null,
    reservationExpiresAt: null,
    wrapUpEndsAt: null,
  };
}

const at = (ms: number) => new Date(T0 + ms).toISOString();
const ids = (view: AgentStatusView) => view.all().map((s) => `${s.agentId.slice(-1)}@${s.version}`);

/** A view after a first full read of A and B at `asOf` T0. */
function primed(): AgentStatusView {
  const view = new AgentStatusView();
  const read = view.nextRead(FILTER, 0);
  view.apply(read, { items: [status(A, 1), status(B, 1)], asOf: at(0) }, 0);
  return view;
}

describe('AgentStatusView', () => {
  it('reads in full first, then only what changed since the last reply, less the overlap', () => {
    const view = new AgentStatusView();
    expect(view.nextRead(FILTER, 0)).toEqual({ filterKey: FILTER, full: true });
    view.apply({ filterKey: FILTER, full: true }, { items: [status(A, 1), status(B, 1)], asOf: at(0) }, 0);
    const delta = view.nextRead(FILTER, 200);
    expect(delta).toEqual({ filterKey: FILTER, full: false, changedSince: at(-DELTA_OVERLAP_MS) });
    view.apply(delta, { items: [status(B, 2, 'reserved')], asOf: at(200) }, 200);
    expect(view.nextRead(FILTER, 400).changedSince).toBe(at(200 - DELTA_OVERLAP_MS));
    expect(ids(view)).toEqual(['a@1', 'b@2']);
  });

  it('merges by version: the overlap, a repeated reply or an older status change nothing and are not news', () => {
    const view = primed();
    const read = view.nextRead(FILTER, 200);
    expect(view.apply(read, { items: [status(A, 3, 'on_call'), status(B, 1)], asOf: at(200) }, 200)).toEqual([
      status(A, 3, 'on_call'),
    ]);
    // The next delta overlaps the last one: A at 3 again, and an older A (2) answered late.
    const next = view.nextRead(FILTER, 400);
    expect(
      view.apply(next, { items: [status(A, 2, 'reserved'), status(A, 3, 'on_call')], asOf: at(400) }, 400),
    ).toEqual([]);
    expect(view.all().find((s) => s.agentId === A)?.state).toBe('on_call');
  });

  it('keeps only the campaign’s own agents from a delta that answers for every agent that changed', () => {
    const members = new Set([A, B]);
    const view = new AgentStatusView();
    view.apply(view.nextRead(FILTER, 0), { items: [status(A, 1), status(B, 1)], asOf: at(0) }, 0, members);
    const delta = view.nextRead(FILTER, 200);
    expect(view.apply(delta, { items: [status(B, 2), status(C, 9)], asOf: at(200) }, 200, members)).toEqual([
      status(B, 2),
    ]);
    expect(ids(view)).toEqual(['a@1', 'b@2']);
  });

  it('keeps agents in agent id order whatever order the replies give them', () => {
    const view = primed();
    const read = view.nextRead(FILTER, 200);
    view.apply(read, { items: [status(C, 1), status(B, 2)], asOf: at(200) }, 200);
    expect(ids(view)).toEqual(['a@1', 'b@2', 'c@1']);
  });

  it('a delta adds an agent that joined; only a full read drops one that left', () => {
    const view = primed();
    const delta = view.nextRead(FILTER, 200);
    view.apply(delta, { items: [status(C, 4)], asOf: at(200) }, 200);
    expect(ids(view)).toEqual(['a@1', 'b@1', 'c@4']);
    // B left the campaign's group: a delta cannot say so; the next full read does.
    const later = view.nextRead(FILTER, 200 + FULL_READ_EVERY_MS);
    expect(later.full).toBe(true);
    expect(view.apply(later, { items: [status(A, 1), status(C, 4)], asOf: at(5_200) }, 5_200)).toEqual([]);
    expect(ids(view)).toEqual(['a@1', 'c@4']);
  });

  it('reads in full every few seconds, on a new filter, and while agent-service gives no cursor', () => {
    const view = primed();
    expect(view.nextRead(FILTER, FULL_READ_EVERY_MS - 1).full).toBe(false);
    expect(view.nextRead(FILTER, FULL_READ_EVERY_MS).full).toBe(true);
    expect(view.nextRead('["other agents"]', 1).full).toBe(true);
    const old = new AgentStatusView();
    const read = old.nextRead(FILTER, 0);
    old.apply(read, { items: [status(A, 1)] }, 0);
    expect(old.nextRead(FILTER, 200).full).toBe(true);
  });

  it('a full read keeps a newer status than the one it carries, and moves the cursor to its asOf', () => {
    const view = primed();
    const delta = view.nextRead(FILTER, 200);
    view.apply(delta, { items: [status(A, 5, 'wrap_up')], asOf: at(200) }, 200);
    const full = view.nextRead('["new filter"]', 300);
    view.apply(full, { items: [status(A, 4, 'on_call'), status(B, 1)], asOf: at(300) }, 300);
    expect(ids(view)).toEqual(['a@5', 'b@1']);
    expect(view.nextRead('["new filter"]', 400).changedSince).toBe(at(300 - DELTA_OVERLAP_MS));
  });

  it('ignores a delta answered for a filter that has since been read in full', () => {
    const view = primed();
    const stale = view.nextRead(FILTER, 200);
    const full = view.nextRead('["new filter"]', 200);
    view.apply(full, { items: [status(A, 1)], asOf: at(200) }, 200);
    expect(view.apply(stale, { items: [status(B, 2)], asOf: at(150) }, 250)).toEqual([]);
    expect(ids(view)).toEqual(['a@1']);
  });

  it('hands the wrap-up feed each change once, so wrap-ups are timed as with full reads', () => {
    const view = new AgentStatusView();
    const feed = new AgentStateFeed();
    const read = (nowMs: number, items: AgentStatus[]) =>
      feed.update(view.apply(view.nextRead(FILTER, nowMs), { items, asOf: at(nowMs) }, nowMs));
    read(0, [status(A, 6, 'wrap_up', 0), status(B, 1)]);
    // The overlap repeats A's wrap-up; then its end comes in the next delta.
    read(200, [status(A, 6, 'wrap_up', 0)]);
    expect(read(400, [status(A, 7, 'ready', 1_500), status(A, 6, 'wrap_up', 0)])).toEqual([
      { type: 'wrapEnded', at: (T0 + 1_500) / 1000, wrapSec: 1.5 },
    ]);
    expect(feed.counters).toEqual({ wrapsObserved: 1, wrapsSkipped: 0 });
  });
});
