import { loadGatewayConfig } from './gateway-config';

describe('loadGatewayConfig', () => {
  it('refuses to start in production without ATS_TOKEN_SECRET', () => {
    expect(() => loadGatewayConfig({ NODE_ENV: 'production' })).toThrow(/ATS_TOKEN_SECRET/);
  });

  it('generates a secret elsewhere, and says so', () => {
    const config = loadGatewayConfig({});
    expect(config.tokenSecretGenerated).toBe(true);
    expect(config.tokenSecret.length).toBe(32);
  });

  it('refuses a secret too short to sign with', () => {
    expect(() => loadGatewayConfig({ ATS_TOKEN_SECRET: 'short' })).toThrow(
      expect.objectContaining({ details: [expect.objectContaining({ path: 'ATS_TOKEN_SECRET' })] }),
    );
  });

  it('wants both first-admin variables or neither', () => {
    expect(() => loadGatewayConfig({ ATS_ADMIN_EMAIL: 'a@example.test' })).toThrow(/ATS_ADMIN_PASSWORD/);
    expect(
      loadGatewayConfig({ ATS_ADMIN_EMAIL: 'A@Example.test', ATS_ADMIN_PASSWORD: 'long-enough-1' })
        .firstAdmin,
    ).toEqual({
      email: 'a@example.test',
      password: 'long-enough-1',
    });
  });

  it('serves gRPC on 50051 by default, on the HTTP host', () => {
    expect(loadGatewayConfig({ ATS_HTTP_HOST: '127.0.0.1' })).toMatchObject({
      grpcPort: 50051,
      grpcHost: '127.0.0.1',
    });
  });
  it('throttles failed sign-ins by default, and reads the limits and trusted proxies', () => {
    expect(loadGatewayConfig({}).loginThrottle).toEqual({
      accountMaxFailures: 5,
      ipMaxFailures: 50,
      windowMs: 900_000,
      lockMs: 300_000,
    });
    const config = loadGatewayConfig({
      ATS_LOGIN_MAX_FAILURES: '3',
      ATS_LOGIN_IP_MAX_FAILURES: '0',
      ATS_LOGIN_LOCK_SECONDS: '60',
      ATS_HTTP_TRUST_PROXY: '10.0.0.0/8, 127.0.0.1',
    });
    expect(config.loginThrottle).toMatchObject({ accountMaxFailures: 3, ipMaxFailures: 0, lockMs: 60_000 });
    expect(config.trustProxy).toBe('10.0.0.0/8, 127.0.0.1');
    expect(loadGatewayConfig({ ATS_HTTP_TRUST_PROXY: '1' }).trustProxy).toBe(1);
    expect(loadGatewayConfig({ ATS_HTTP_TRUST_PROXY: 'true' }).trustProxy).toBe(true);
    expect(() => loadGatewayConfig({ ATS_LOGIN_MAX_FAILURES: '0' })).toThrow(
      expect.objectContaining({ details: [expect.objectContaining({ path: 'ATS_LOGIN_MAX_FAILURES' })] }),
    );
    expect(() => loadGatewayConfig({ ATS_HTTP_TRUST_PROXY: 'everyone; DROP' })).toThrow(
      /ATS_HTTP_TRUST_PROXY|gateway environment/,
    );
  });
});
