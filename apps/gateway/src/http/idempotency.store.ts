import { Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { AtsError } from '@autotelesale/contracts';
import { PrismaService } from '../db/prisma.service';
import type { Prisma } from '../generated/prisma/client';

export type IdempotencyClaim = { kind: 'new' } | { kind: 'replay'; status: number; body: unknown };

/** A claim this old with no response belongs to a gateway that died mid-request: it may be taken over. */
export const ABANDONED_CLAIM_MS = 5 * 60_000;
/** How long a key is remembered: retries come within minutes, a day is plenty. */
export const IDEMPOTENCY_RETENTION_MS = 24 * 3_600_000;
const PURGE_INTERVAL_MS = 10 * 60_000;

/**
 * Idempotency keys per caller in the gateway schema. The first request with a key
 * claims it by inserting the row (the primary key makes that a race only one wins);
 * its successful response is stored and replayed to every retry with the same body.
 */
@Injectable()
export class IdempotencyStore implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger('IdempotencyStore');
  private purgeTimer?: NodeJS.Timeout;

  constructor(private readonly prisma: PrismaService) {}

  onModuleInit(): void {
    this.purgeTimer = setInterval(() => {
      this.purgeExpired().catch((error: unknown) => this.logger.warn({ err: String(error) }, 'purge failed'));
    }, PURGE_INTERVAL_MS);
    this.purgeTimer.unref();
  }

  onModuleDestroy(): void {
    clearInterval(this.purgeTimer);
  }

  async purgeExpired(now = Date.now()): Promise<number> {
    const { count } = await this.prisma.idempotencyKey.deleteMany({
      where: { createdAt: { lt: new Date(now - IDEMPOTENCY_RETENTION_MS) } },
    });
    return count;
  }

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
      const takenOver = await this.prisma.idempotencyKey.updateMany({
        where: {
          principal,
          key,
          completedAt: null,
          createdAt: { lt: new Date(Date.now() - ABANDONED_CLAIM_MS) },
        },
        data: { createdAt: new Date() },
      });
      if (takenOver.count === 1) return { kind: 'new' };
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
