import { context, trace, type Context, type Link } from '@opentelemetry/api';
import { AtsError, type ErrorBody } from '@autotelesale/contracts';
import { isNoResponders } from './nats-bus';

/** One item's answer in a batch reply: what its own request answers, or the error it throws. */
export type BatchAnswer<T> = { ok: T } | { error: ErrorBody };

export interface RequestBatcherOptions<TItem, TOk> {
  /** How long the first item waits for others before the request goes. */
  windowMs: number;
  /** The most items one request may carry: that many waiting go at once. */
  max: number;
  /**
   * Sends one request; answers one `BatchAnswer` per item, in the items' order. It runs in
   * the first item's trace context; `links` are the others' spans (for the request's span).
   */
  send: (items: TItem[], trace: { links: Link[] }) => Promise<Array<BatchAnswer<TOk>>>;
  /**
   * Sends one item by its own request, for when nothing serves the batch request (NATS "no
   * responders": every replica of the service predates it, as in a rolling upgrade). The
   * items of that batch then go one by one, in order, each in its caller's trace. Without
   * it, they fail with the batch request's error.
   */
  alone?: (item: TItem) => Promise<TOk>;
}

interface Waiting<TItem, TOk> {
  item: TItem;
  resolve: (ok: TOk) => void;
  reject: (error: unknown) => void;
  /** Where the item was added: its caller's trace. */
  context: Context;
}

/**
 * Requests of one kind gathered over a short window into one (e.g. one transaction for
 * many instead of one each). Each caller gets its own item's answer, or its own typed
 * error (`AtsError`); a request that fails as a whole (timeout, lost connection) fails
 * each of its items with that error, so a caller retries as it would have alone. One that
 * nothing serves goes item by item through `alone`, where given. Items are sent
 * in the order they were added. The request belongs to the first item's trace and links
 * the others', so each caller's trace still finds it.
 */
export class RequestBatcher<TItem, TOk> {
  private queue: Array<Waiting<TItem, TOk>> = [];
  private timer: NodeJS.Timeout | undefined;
  private readonly inFlight = new Set<Promise<void>>();

  constructor(private readonly options: RequestBatcherOptions<TItem, TOk>) {}

  add(item: TItem): Promise<TOk> {
    return new Promise((resolve, reject) => {
      this.queue.push({ item, resolve, reject, context: context.active() });
      if (this.queue.length >= this.options.max) void this.flush();
      else if (!this.timer) this.timer = setTimeout(() => void this.flush(), this.options.windowMs);
    });
  }

  /** Sends what is waiting now; resolves once every request sent has its answer (at shutdown). */
  async flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const waiting = this.queue;
    this.queue = [];
    for (let i = 0; i < waiting.length; i += this.options.max) {
      const sent = this.send(waiting.slice(i, i + this.options.max));
      this.inFlight.add(sent);
      void sent.finally(() => this.inFlight.delete(sent));
    }
    await Promise.all([...this.inFlight]);
  }

  private async send(waiting: Array<Waiting<TItem, TOk>>): Promise<void> {
    let answers: Array<BatchAnswer<TOk>>;
    const links = waiting.slice(1).flatMap((w) => {
      const span = trace.getSpanContext(w.context);
      return span ? [{ context: span }] : [];
    });
    try {
      answers = await context.with(waiting[0]!.context, () =>
        this.options.send(
          waiting.map((w) => w.item),
          { links },
        ),
      );
    } catch (error) {
      if (this.options.alone && isNoResponders(error)) return this.sendAlone(waiting, this.options.alone);
      for (const w of waiting) w.reject(error);
      return;
    }
    for (const [i, w] of waiting.entries()) {
      const answer = answers[i];
      if (!answer) w.reject(new AtsError('INTERNAL', `no answer for item ${i} of ${waiting.length}`));
      else if ('ok' in answer) w.resolve(answer.ok);
      else w.reject(AtsError.fromBody(answer.error));
    }
  }

  /** One request per item, one after the other: two items of one thing keep their order. */
  private async sendAlone(waiting: Array<Waiting<TItem, TOk>>, alone: (item: TItem) => Promise<TOk>) {
    for (const w of waiting) {
      await context.with(w.context, () => alone(w.item)).then(w.resolve, w.reject);
    }
  }
}
