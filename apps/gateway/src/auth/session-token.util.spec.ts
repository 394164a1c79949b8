import { randomUUID } from 'node:crypto';
import { issueSessionToken, verifySessionToken } from './session-token.util';

const secret = Buffer.from('a-test-secret-that-is-long-enough-to-sign');
const claims = { sub: randomUUID(), role: 'agent' as const, agentId: 'agent-7' };

describe('session tokens', () => {
  it('verifies a token it issued, until it expires', () => {
    const now = Date.now();
    const { token, expiresAt } = issueSessionToken(secret, claims, 900, now);
    expect(verifySessionToken(secret, token, now + 1_000)).toMatchObject(claims);
    expect(expiresAt.getTime()).toBe(Math.floor(now / 1000) * 1000 + 900_000);
    expect(verifySessionToken(secret, token, expiresAt.getTime())).toBeUndefined();
  });

  it('refuses a token signed with another secret', () => {
    const { token } = issueSessionToken(Buffer.from('another-secret-of-enough-length-000'), claims, 900);
    expect(verifySessionToken(secret, token)).toBeUndefined();
  });

  it.each([
    ['an empty string', ''],
    ['two parts', 'v1.abc'],
    ['four parts', 'v1.a.b.c'],
    ['another version', 'v2.a.b'],
  ])('refuses %s', (_label, token) => {
    expect(verifySessionToken(secret, token)).toBeUndefined();
  });

  it('refuses claims changed after signing (a raised role)', () => {
    const { token } = issueSessionToken(secret, claims, 900);
    const [prefix, body, signature] = token.split('.');
    const raised = Buffer.from(
      JSON.stringify({ ...JSON.parse(Buffer.from(body!, 'base64url').toString()), role: 'admin' }),
    ).toString('base64url');
    expect(verifySessionToken(secret, `${prefix}.${raised}.${signature}`)).toBeUndefined();
  });
});
