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
});
