/**
 * The order contacts are worked in (alias `c` for the contact table): the callback lane
 * first, first in first out (seed 002: a callback's priority is when it fell due, not
 * the contact's priority); then the other lanes by priority, then due time. The index
 * `contact_queue_fifo_idx` (migration 20261123175000) has exactly these expressions, so a
 * lease reads the queue in index order.
 */
export const QUEUE_ORDER = 'c.lane, (CASE WHEN c.lane = 0 THEN 0 ELSE c.priority END) DESC, c.due_at, c.id';

/** QUEUE_ORDER in code, for rows a statement returns out of order (UPDATE ... RETURNING). */
export function compareQueueOrder(
  a: { lane: number; priority: number; due_at: Date | null; id: string },
  b: { lane: number; priority: number; due_at: Date | null; id: string },
): number {
  const rank = (r: { lane: number; priority: number }) => (r.lane === 0 ? 0 : r.priority);
  return (
    a.lane - b.lane ||
    rank(b) - rank(a) ||
    (a.due_at?.getTime() ?? 0) - (b.due_at?.getTime() ?? 0) ||
    (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)
  );
}
