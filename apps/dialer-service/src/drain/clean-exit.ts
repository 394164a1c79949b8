import { Injectable, type OnApplicationShutdown } from '@nestjs/common';

/**
 * After a graceful shutdown on a signal, Nest raises the signal again so the process ends
 * as "killed by SIGTERM". A dialer that got this far has drained (its live calls ended,
 * or the drain timeout passed and was logged): it exits 0, so that the orchestrator and
 * the operator see a clean stop. Shutdown hooks run last-registered-first after the
 * others, so this listener is in place before Nest re-raises the signal.
 */
@Injectable()
export class CleanExit implements OnApplicationShutdown {
  onApplicationShutdown(signal?: string): void {
    if (signal === 'SIGTERM' || signal === 'SIGINT') process.once(signal, () => process.exit(0));
  }
}
