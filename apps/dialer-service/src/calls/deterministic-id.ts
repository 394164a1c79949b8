import { createHash } from 'node:crypto';

/**
 * A UUID derived from a name: the same call event gets the same envelope id whichever
 * replica publishes it (a take-over republishing `call.ended` is dropped by JetStream's
 * de-duplication, and consumers de-duplicate by id anyway).
 */
export function deterministicUuid(name: string): string {
  const h = createHash('sha256').update(name).digest('hex');
  const variant = ((parseInt(h[16]!, 16) & 0x3) | 0x8).toString(16);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}
