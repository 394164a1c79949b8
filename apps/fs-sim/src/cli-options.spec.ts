import { CliUsageError, parseCliOptions } from './cli-options';

describe('parseCliOptions', () => {
  it('reads the connection limits: event queue, lost-events kill and first-command timeout', () => {
    expect(
      parseCliOptions([
        '--event-queue-limit',
        '500',
        '--max-missed-events=20',
        '--auth-timeout-ms',
        '3000',
        '--port',
        '0',
      ]),
    ).toEqual({ eventQueueLimit: 500, maxMissedEvents: 20, authTimeoutMs: 3000, port: 0 });
  });

  it('refuses a zero queue or auth timeout, a negative value and an unknown flag with a usage error', () => {
    expect(() => parseCliOptions(['--event-queue-limit', '0'])).toThrow(/at least 1/);
    expect(() => parseCliOptions(['--auth-timeout-ms', '0'])).toThrow(CliUsageError);
    expect(() => parseCliOptions(['--max-missed-events', '-1'])).toThrow(/non-negative/);
    expect(() => parseCliOptions(['--max-missed-events'])).toThrow(/needs a value/);
    expect(() => parseCliOptions(['--queue', '1'])).toThrow(/unknown option --queue/);
  });
});
