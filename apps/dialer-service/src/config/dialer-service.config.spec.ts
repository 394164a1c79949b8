import { loadDialerServiceConfig } from './dialer-service.config';

const NODES = 'fs1=127.0.0.1:8021:ClueCon,fs2=127.0.0.1:8022:ClueCon';

describe('loadDialerServiceConfig', () => {
  it('reads the nodes and defaults the rest', () => {
    expect(loadDialerServiceConfig({ ATS_FS_NODES: NODES, ATS_INSTANCE_ID: 'dialer-a' })).toEqual({
      nodes: [
        { id: 'fs1', host: '127.0.0.1', port: 8021, password: 'ClueCon' },
        { id: 'fs2', host: '127.0.0.1', port: 8022, password: 'ClueCon' },
      ],
      dialerId: 'dialer-a',
      gateway: 'gw1',
      ownershipLeaseMs: 15_000,
      heartbeatIntervalMs: 20_000,
      drainTimeoutMs: 600_000,
      recordingsDir: '/var/lib/freeswitch/recordings',
      standbyAgents: true,
      reportBatchMs: 20,
    });
  });

  it('gathers reservation changes for ATS_DIALER_REPORT_BATCH_MS, and refuses a negative or fractional one', () => {
    expect(
      loadDialerServiceConfig({ ATS_FS_NODES: NODES, ATS_DIALER_REPORT_BATCH_MS: '0' }).reportBatchMs,
    ).toBe(0);
    for (const bad of ['-1', '2.5', 'soon'])
      expect(() => loadDialerServiceConfig({ ATS_FS_NODES: NODES, ATS_DIALER_REPORT_BATCH_MS: bad })).toThrow(
        expect.objectContaining({
          code: 'VALIDATION_FAILED',
          details: [expect.objectContaining({ path: 'ATS_DIALER_REPORT_BATCH_MS' })],
        }),
      );
  });

  it('turns standby agents off with ATS_DIALER_STANDBY_AGENTS=off, and refuses any other word', () => {
    expect(
      loadDialerServiceConfig({ ATS_FS_NODES: NODES, ATS_DIALER_STANDBY_AGENTS: 'off' }).standbyAgents,
    ).toBe(false);
    expect(() => loadDialerServiceConfig({ ATS_FS_NODES: NODES, ATS_DIALER_STANDBY_AGENTS: 'no' })).toThrow(
      expect.objectContaining({
        code: 'VALIDATION_FAILED',
        details: [expect.objectContaining({ path: 'ATS_DIALER_STANDBY_AGENTS' })],
      }),
    );
  });

  it('takes the recordings directory of ATS_RECORDINGS_DIR, and refuses an unsafe one', () => {
    expect(
      loadDialerServiceConfig({ ATS_FS_NODES: NODES, ATS_RECORDINGS_DIR: '/srv/rec' }).recordingsDir,
    ).toBe('/srv/rec');
    for (const bad of ['rec', '/srv/../etc', '/srv/my rec'])
      expect(() => loadDialerServiceConfig({ ATS_FS_NODES: NODES, ATS_RECORDINGS_DIR: bad })).toThrow(
        expect.objectContaining({
          code: 'VALIDATION_FAILED',
          details: [expect.objectContaining({ path: 'ATS_RECORDINGS_DIR' })],
        }),
      );
  });

  it('refuses the removed dialer-wide preview timeout setting, naming what replaced it', () => {
    expect(() =>
      loadDialerServiceConfig({ ATS_FS_NODES: NODES, ATS_DIALER_PREVIEW_ON_TIMEOUT: 'skip' }),
    ).toThrow(
      expect.objectContaining({
        code: 'VALIDATION_FAILED',
        details: [
          expect.objectContaining({
            path: 'ATS_DIALER_PREVIEW_ON_TIMEOUT',
            message: expect.stringContaining('pacing.previewTimeoutAction'),
          }),
        ],
      }),
    );
  });

  it('refuses to start without nodes, naming the variable', () => {
    expect(() => loadDialerServiceConfig({})).toThrow(
      expect.objectContaining({
        code: 'VALIDATION_FAILED',
        details: [expect.objectContaining({ path: 'ATS_FS_NODES' })],
      }),
    );
  });

  it('refuses a lease too short to renew over NATS', () => {
    expect(() =>
      loadDialerServiceConfig({ ATS_FS_NODES: NODES, ATS_DIALER_OWNERSHIP_LEASE_MS: '10' }),
    ).toThrow(
      expect.objectContaining({
        code: 'VALIDATION_FAILED',
        details: [expect.objectContaining({ path: 'ATS_DIALER_OWNERSHIP_LEASE_MS' })],
      }),
    );
  });
});
