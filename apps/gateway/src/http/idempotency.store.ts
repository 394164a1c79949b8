import { Injectable } from '@nestjs/common';
import { AtsError } from '@autotelesale/contracts';
import { PrismaService } from '../db/prisma.service';
import type { Prisma } from '../generated/prisma/client';

export type IdempotencyClaim = { kind: 'new' } | { kind: 'replay'; status: number; body: unknown };

/**
 * Idempotency keys per caller in the gateway schema. The first request with a key
 * claims it by inserting the row (the primary key makes that a race only one wins);
 * its successful response is stored and replayed to every retry with the same body.
 */
@Injectable()
export class IdempotencyStore {
  constructor(private readonly prisma: PrismaService) {}

  async claim(principal: string, key: string, requestHash: string): Promise<IdempotencyClaim> {
    const inserted = await this.prisma.idempotencyKey.createMany({
      data: [{ principal, key, requestHash }],
      skipDuplicates: true,
    });
    if (inserted.count === 1) return { kind: 'new' };
    const row = await this.prisma.idempotencyKey.findUnique({ where: { principal_key: { principal, key } } });
    if (!row) return this.claim(principal, key, requestHash); // released meanwhile: claim again
    if (row.requestHash !== requestHash) {
      throw new AtsError('CONFLICT', 'this Idempotency-Key was used with a different request', { key });
    }
    if (row.completedAt === null || row.responseStatus === null) {
      throw new AtsError('CONFLICT', 'a request with this Idempotency-Key is still in progress', { key });
    }
    return { kind: 'replay', status: row.responseStatus, body: row.responseBody };
  }

  async complete(principal: string, key: string, status: number, body: unknown): Promise<void> {
    await this.prisma.idempotencyKey.update({
      where: { principal_key: { principal, key } },
      data: {
        responseStatus: status,
        responseBody: (body ?? null) as Prisma.InputJsonValue,
        completedAt: new Date(),
      },
    });
  }

  /** A failed request leaves nothing behind: the same key may be retried. */
  async release(principal: string, key: string): Promise<void> {
    await this.prisma.idempotencyKey.deleteMany({ where: { principal, key, completedAt: null } });
  }
}
