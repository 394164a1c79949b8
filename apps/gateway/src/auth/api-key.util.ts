import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * An API key is `ats_<prefix>_<secret>`: the prefix finds the row, the secret (32 random
 * bytes) is compared with the stored SHA-256. A slow hash buys nothing against a
 * random 256-bit secret, and a fast one keeps every request cheap.
 */
const KEY_PATTERN = /^ats_([0-9a-f]{16})_([A-Za-z0-9_-]{43})$/;

export function newApiKey(): { key: string; prefix: string; secretHash: string } {
  const prefix = randomBytes(8).toString('hex');
  const secret = randomBytes(32).toString('base64url');
  return { key: `ats_${prefix}_${secret}`, prefix, secretHash: hashSecret(secret) };
}

export function parseApiKey(key: string): { prefix: string; secret: string } | undefined {
  const match = KEY_PATTERN.exec(key);
  return match ? { prefix: match[1]!, secret: match[2]! } : undefined;
}

export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

export function secretMatches(secret: string, storedHash: string): boolean {
  const a = Buffer.from(hashSecret(secret), 'hex');
  const b = Buffer.from(storedHash, 'hex');
  return a.length === b.length && timingSafeEqual(a, b);
}
