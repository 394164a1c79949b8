import { Inject, Injectable } from '@nestjs/common';
import { AtsError } from '@autotelesale/contracts';
import { PrismaService } from '../db/prisma.service';
import { GATEWAY_CONFIG, type GatewayConfig } from '../config/gateway-config';
import { parseApiKey, secretMatches } from './api-key.util';
import type { Principal } from './principal';
import { verifySessionToken } from './session-token.util';
import { GatewayRole } from '@autotelesale/contracts';

/** Credentials as they arrive over HTTP headers or gRPC metadata. */
export interface Credentials {
  authorization?: string;
  apiKey?: string;
}

/**
 * Turns credentials into a principal, for REST and gRPC alike. Every failure is the same
 * UNAUTHENTICATED, so a caller learns nothing about which part was wrong.
 */
@Injectable()
export class Authenticator {
  constructor(
    private readonly prisma: PrismaService,
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
  ) {}

  async authenticate(credentials: Credentials): Promise<Principal> {
    if (credentials.apiKey) return this.fromApiKey(credentials.apiKey);
    const bearer = /^Bearer\s+(\S+)$/i.exec(credentials.authorization ?? '');
    if (bearer) return this.fromSessionToken(bearer[1]!);
    throw new AtsError(
      'UNAUTHENTICATED',
      'send a session token (Authorization: Bearer) or an API key (X-Api-Key)',
    );
  }

  private async fromApiKey(key: string): Promise<Principal> {
    const parsed = parseApiKey(key);
    const row = parsed ? await this.prisma.apiKey.findUnique({ where: { prefix: parsed.prefix } }) : null;
    if (!parsed || !row || row.revokedAt || !secretMatches(parsed.secret, row.secretHash)) {
      throw new AtsError('UNAUTHENTICATED', 'invalid or revoked API key');
    }
    // Best effort, at most once a minute per key (a busy CRM must not write a row per
    // request); a lost update of last_used_at never fails the request.
    const now = new Date();
    if (!row.lastUsedAt || now.getTime() - row.lastUsedAt.getTime() > 60_000) {
      void this.prisma.apiKey
        .updateMany({
          where: {
            id: row.id,
            OR: [{ lastUsedAt: null }, { lastUsedAt: { lt: new Date(now.getTime() - 60_000) } }],
          },
          data: { lastUsedAt: now },
        })
        .catch(() => undefined);
    }
    return { kind: 'apiKey', id: row.id, role: GatewayRole.parse(row.role), agentId: null };
  }

  private async fromSessionToken(token: string): Promise<Principal> {
    const claims = verifySessionToken(this.config.tokenSecret, token);
    // A disabled account loses access at once, not when its token expires.
    const user = claims ? await this.prisma.appUser.findUnique({ where: { id: claims.sub } }) : null;
    if (!claims || !user || user.disabledAt) {
      throw new AtsError('UNAUTHENTICATED', 'invalid or expired session token');
    }
    return { kind: 'user', id: user.id, role: GatewayRole.parse(user.role), agentId: user.agentId };
  }
}
