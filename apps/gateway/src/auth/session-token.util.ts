import { createHmac, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { GatewayRole } from '@autotelesale/contracts';

/** What a session token says: who, with which role, acting as which agent, until when. */
const TokenClaims = z.object({
  sub: z.uuid(),
  role: GatewayRole,
  agentId: z.string().nullable(),
  iat: z.number().int(),
  exp: z.number().int(),
});
export type TokenClaims = z.infer<typeof TokenClaims>;

const PREFIX = 'v1';

function sign(secret: Buffer, body: string): string {
  return createHmac('sha256', secret).update(`${PREFIX}.${body}`).digest('base64url');
}

/** `v1.<claims as base64url JSON>.<HMAC-SHA256>`: short-lived, verified without a lookup of the token. */
export function issueSessionToken(
  secret: Buffer,
  claims: Omit<TokenClaims, 'iat' | 'exp'>,
  ttlSeconds: number,
  now = Date.now(),
): { token: string; expiresAt: Date } {
  const iat = Math.floor(now / 1000);
  const full: TokenClaims = { ...claims, iat, exp: iat + ttlSeconds };
  const body = Buffer.from(JSON.stringify(full)).toString('base64url');
  return { token: `${PREFIX}.${body}.${sign(secret, body)}`, expiresAt: new Date(full.exp * 1000) };
}

/** The claims of a valid, unexpired token; undefined for anything else (forged, expired, garbled). */
export function verifySessionToken(secret: Buffer, token: string, now = Date.now()): TokenClaims | undefined {
  const [prefix, body, signature, extra] = token.split('.');
  if (prefix !== PREFIX || !body || !signature || extra !== undefined) return undefined;
  const expected = Buffer.from(sign(secret, body));
  const given = Buffer.from(signature);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return undefined;
  let raw: unknown;
  try {
    raw = JSON.parse(Buffer.from(body, 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
  const claims = TokenClaims.safeParse(raw);
  if (!claims.success || claims.data.exp * 1000 <= now) return undefined;
  return claims.data;
}
