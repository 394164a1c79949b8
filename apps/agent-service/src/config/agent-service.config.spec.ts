import { loadAgentServiceConfig } from './agent-service.config';

describe('loadAgentServiceConfig', () => {
  it('sweeps every second and keeps published events an hour by default', () => {
    expect(loadAgentServiceConfig({})).toEqual({ sweepIntervalMs: 1_000, outboxRetentionMinutes: 60 });
  });

  it('reads the sweep interval and the outbox retention from the environment', () => {
    expect(
      loadAgentServiceConfig({ ATS_AGENT_SWEEP_INTERVAL_MS: '250', ATS_AGENT_OUTBOX_RETENTION_MINUTES: '5' }),
    ).toEqual({ sweepIntervalMs: 250, outboxRetentionMinutes: 5 });
  });

  it.each(['0', 'an hour', '20000'])(
    'refuses an outbox retention of %p minutes, naming the variable',
    (value) => {
      expect(() => loadAgentServiceConfig({ ATS_AGENT_OUTBOX_RETENTION_MINUTES: value })).toThrow(
        expect.objectContaining({
          code: 'VALIDATION_FAILED',
          details: [expect.objectContaining({ path: 'ATS_AGENT_OUTBOX_RETENTION_MINUTES' })],
        }),
      );
    },
  );

  it.each(['0', 'soon', '600000'])('refuses a sweep interval of %p, naming the variable', (value) => {
    expect(() => loadAgentServiceConfig({ ATS_AGENT_SWEEP_INTERVAL_MS: value })).toThrow(
      expect.objectContaining({
        code: 'VALIDATION_FAILED',
        details: [expect.objectContaining({ path: 'ATS_AGENT_SWEEP_INTERVAL_MS' })],
      }),
    );
  });
});
