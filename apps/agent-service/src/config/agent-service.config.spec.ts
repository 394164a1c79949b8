import { loadAgentServiceConfig } from './agent-service.config';

describe('loadAgentServiceConfig', () => {
  it('sweeps every second by default', () => {
    expect(loadAgentServiceConfig({})).toEqual({ sweepIntervalMs: 1_000 });
  });

  it('reads the sweep interval from the environment', () => {
    expect(loadAgentServiceConfig({ ATS_AGENT_SWEEP_INTERVAL_MS: '250' })).toEqual({ sweepIntervalMs: 250 });
  });

  it.each(['0', 'soon', '600000'])('refuses a sweep interval of %p, naming the variable', (value) => {
    expect(() => loadAgentServiceConfig({ ATS_AGENT_SWEEP_INTERVAL_MS: value })).toThrow(
      expect.objectContaining({
        code: 'VALIDATION_FAILED',
        details: [expect.objectContaining({ path: 'ATS_AGENT_SWEEP_INTERVAL_MS' })],
      }),
    );
  });
});
