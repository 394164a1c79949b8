import type { EventEnvelope } from '@autotelesale/contracts';

/** What a finished request, handled request, published event or consumed event tells an observer. */
export interface RequestObservation {
  /** The operation's name (`campaign.leaseContacts`), never an id. */
  rpc: string;
  /** `ok`, or the stable error code the caller got (`TIMEOUT`, `NOT_FOUND`, ...). */
  outcome: string;
  seconds: number;
}

export interface PublishObservation {
  type: string;
  /** The server already had this event id (a retried publish). */
  duplicate: boolean;
  /** The validated envelope, for observers that count facts from events (the dialer's metrics). */
  event: EventEnvelope;
}

export interface ConsumeObservation {
  durable: string;
  type: string;
  result: 'ack' | 'nak';
  seconds: number;
}

/**
 * Hooks the bus calls after each operation; every hook is optional. An observer that
 * throws is reported through the bus's `onError` and never breaks the operation.
 */
export interface NatsBusObserver {
  requestFinished?(observation: RequestObservation): void;
  handled?(observation: RequestObservation): void;
  published?(observation: PublishObservation): void;
  consumed?(observation: ConsumeObservation): void;
}

export function notifyObservers<K extends keyof NatsBusObserver>(
  observers: Iterable<NatsBusObserver>,
  hook: K,
  args: Parameters<NonNullable<NatsBusObserver[K]>>,
  onError: (error: unknown, context: Record<string, unknown>) => void,
): void {
  for (const observer of observers) {
    const fn = observer[hook] as ((...a: typeof args) => void) | undefined;
    if (!fn) continue;
    try {
      fn.apply(observer, args);
    } catch (error) {
      onError(error, { observer: hook });
    }
  }
}
