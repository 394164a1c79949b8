import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import {
  ApiKeyRole,
  AtsError,
  type ApiKeyCreated,
  type ApiKeyView,
  type CreateApiKeyRequest,
  type GatewayPage,
  type GatewayPageQuery,
} from '@autotelesale/contracts';
import { PrismaService } from '../db/prisma.service';
import type { ApiKey } from '../generated/prisma/client';
import { decodeCursor, encodeCursor } from '../http/cursor.util';
import { newApiKey } from './api-key.util';

function toView(row: ApiKey): ApiKeyView {
  return {
    id: row.id,
    name: row.name,
    prefix: row.prefix,
    role: ApiKeyRole.parse(row.role),
    createdAt: row.createdAt.toISOString(),
    revoked: row.revokedAt !== null,
    lastUsedAt: row.lastUsedAt?.toISOString() ?? null,
  };
}

/** Keys for systems: created by admins, shown once, revoked for good. */
@Injectable()
export class ApiKeysService {
  constructor(private readonly prisma: PrismaService) {}

  async create(request: CreateApiKeyRequest, createdBy: string | null): Promise<ApiKeyCreated> {
    const { key, prefix, secretHash } = newApiKey();
    const row = await this.prisma.apiKey.create({
      data: { id: randomUUID(), name: request.name, role: request.role, prefix, secretHash, createdBy },
    });
    return { ...toView(row), key };
  }

  async list(query: GatewayPageQuery): Promise<GatewayPage<ApiKeyView>> {
    const after = query.cursor ? decodeCursor(query.cursor) : undefined;
    const rows = await this.prisma.apiKey.findMany({
      where: after ? { id: { gt: after } } : {},
      orderBy: { id: 'asc' },
      take: query.limit + 1,
    });
    const items = rows.slice(0, query.limit);
    return {
      items: items.map(toView),
      nextCursor: rows.length > query.limit ? encodeCursor(items[items.length - 1]!.id) : null,
    };
  }

  async revoke(id: string): Promise<ApiKeyView> {
    await this.prisma.apiKey.updateMany({ where: { id, revokedAt: null }, data: { revokedAt: new Date() } });
    const row = await this.prisma.apiKey.findUnique({ where: { id } });
    if (!row) throw new AtsError('NOT_FOUND', `API key ${id} not found`);
    return toView(row);
  }
}
