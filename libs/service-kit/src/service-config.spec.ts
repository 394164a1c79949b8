import { loadServiceConfig } from './service-config';

describe('loadServiceConfig', () => {
  it('has working defaults for a local machine', () => {
    expect(loadServiceConfig('dialer', {})).toMatchObject({
      service: 'dialer',
      natsUrl: 'nats://127.0.0.1:4222',
      namespace: 'ats',
      httpPort: 3102,
      migrateOnStart: true,
    });
  });

  it('stops a service that owns tables when it has no database URL', () => {
    expect(() => loadServiceConfig('campaign', {}, true)).toThrow(/ATS_DATABASE_URL/);
  });

  it.each([
    [{ ATS_HTTP_PORT: 'eighty' }, 'ATS_HTTP_PORT'],
    [{ ATS_NAMESPACE: 'bad.name' }, 'ATS_NAMESPACE'],
    [{ ATS_DATABASE_URL: 'not a url' }, 'ATS_DATABASE_URL'],
    [{ ATS_MIGRATE_ON_START: 'yes' }, 'ATS_MIGRATE_ON_START'],
  ])('names the bad variable in %p', (env, variable) => {
    expect(() => loadServiceConfig('agent', env)).toThrow(
      expect.objectContaining({
        code: 'VALIDATION_FAILED',
        details: [expect.objectContaining({ path: variable })],
      }),
    );
  });
});
