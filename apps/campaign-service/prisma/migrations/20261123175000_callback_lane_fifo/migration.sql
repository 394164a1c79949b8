-- Callbacks are worked first in, first out (seed 002): within the callback lane (0) the
-- contact's priority no longer counts, only when the callback fell due. Other lanes keep
-- priority, then due time. The queue index follows the new order (QUEUE_ORDER in
-- src/contacts/queue-order.ts) so a lease still reads it in index order.
CREATE INDEX contact_queue_fifo_idx
    ON contact (campaign_id, lane, (CASE WHEN lane = 0 THEN 0 ELSE priority END) DESC, due_at, id)
 WHERE status = 'pending';
DROP INDEX contact_queue_idx;
