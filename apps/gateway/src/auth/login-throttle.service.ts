import { createHash } from 'node:crypto';
import { Inject, Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { AtsError } from '@autotelesale/contracts';
import { GATEWAY_CONFIG, type GatewayConfig } from '../config/gateway-config';
import { PrismaService } from '../db/prisma.service';
import {
  afterFailure,
  retryAfterSeconds,
  type LoginThrottlePolicy,
  type ThrottleState,
} from './login-throttle.policy';

const PURGE_INTERVAL_MS = 10 * 60_000;
const CAS_ATTEMPTS = 20;

/**
 * Failed sign-ins counted per account and per client address in the gateway schema, so
 * every replica sees the same count. A locked key answers RATE_LIMITED (HTTP 429 with
 * Retry-After) before the password is even checked.
 */
@Injectable()
export class LoginThrottle implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger('LoginThrottle');
  private purgeTimer?: NodeJS.Timeout;

  constructor(
    private readonly prisma: PrismaService,
    private readonly adapterHost: HttpAdapterHost,
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
  ) {}

  onModuleInit(): void {
    // The client address the per-address limit counts is only right when the proxies in
    // front of the gateway are trusted to say it (X-Forwarded-For).
    const trustProxy = this.config.trustProxy;
    const instance = this.adapterHost.httpAdapter?.getInstance() as
      { set?: (name: string, value: unknown) => void } | undefined;
    if (trustProxy !== undefined && typeof instance?.set === 'function')
      instance.set('trust proxy', trustProxy);
    this.purgeTimer = setInterval(() => {
      this.purgeExpired().catch((error: unknown) => this.logger.warn({ err: String(error) }, 'purge failed'));
    }, PURGE_INTERVAL_MS);
    this.purgeTimer.unref();
  }

  onModuleDestroy(): void {
    clearInterval(this.purgeTimer);
  }

  /** The keys a sign-in attempt counts against, each with its policy. */
  keysFor(
    email: string,
    clientAddress: string | undefined,
  ): Array<{ key: string; policy: LoginThrottlePolicy }> {
    const { accountMaxFailures, ipMaxFailures, windowMs, lockMs } = this.config.loginThrottle;
    const keys = [
      {
        key: `account:${createHash('sha256').update(email.toLowerCase()).digest('hex')}`,
        policy: { maxFailures: accountMaxFailures, windowMs, lockMs },
      },
    ];
    if (ipMaxFailures > 0 && clientAddress) {
      keys.push({ key: `ip:${clientAddress}`, policy: { maxFailures: ipMaxFailures, windowMs, lockMs } });
    }
    return keys;
  }

  /** Throws RATE_LIMITED when any of the keys is locked now. */
  async assertOpen(keys: string[], now = new Date()): Promise<void> {
    const rows = await this.prisma.loginThrottle.findMany({
      where: { key: { in: keys }, lockedUntil: { gt: now } },
    });
    const wait = Math.max(0, ...rows.map((row) => retryAfterSeconds(row, now)));
    if (wait > 0) {
      throw new AtsError('RATE_LIMITED', `too many failed sign-ins: try again in ${wait} s`, {
        retryAfterSeconds: wait,
      });
    }
  }

  /** Counts one failure against the key (compare-and-set, so concurrent failures all count). */
  async recordFailure(key: string, policy: LoginThrottlePolicy, now = new Date()): Promise<ThrottleState> {
    for (let attempt = 0; attempt < CAS_ATTEMPTS; attempt += 1) {
      const current = await this.prisma.loginThrottle.findUnique({ where: { key } });
      const next = afterFailure(current, now, policy);
      if (current === null) {
        const inserted = await this.prisma.loginThrottle.createMany({
          data: [{ key, ...next }],
          skipDuplicates: true,
        });
        if (inserted.count === 1) return next;
        continue; // another failure created it first: count on top of it
      }
      const updated = await this.prisma.loginThrottle.updateMany({
        where: { key, failures: current.failures, windowStartedAt: current.windowStartedAt },
        data: next,
      });
      if (updated.count === 1) return next;
    }
    throw new AtsError('UNAVAILABLE', 'sign-in is too contended right now: try again');
  }

  /** A successful sign-in forgets the account's failures. */
  async clear(key: string): Promise<void> {
    await this.prisma.loginThrottle.deleteMany({ where: { key } });
  }

  async purgeExpired(now = new Date()): Promise<number> {
    const { windowMs } = this.config.loginThrottle;
    const { count } = await this.prisma.loginThrottle.deleteMany({
      where: {
        windowStartedAt: { lt: new Date(now.getTime() - windowMs) },
        OR: [{ lockedUntil: null }, { lockedUntil: { lt: now } }],
      },
    });
    return count;
  }
}
