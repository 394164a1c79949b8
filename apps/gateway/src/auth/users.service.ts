import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import {
  AtsError,
  GatewayRole,
  type CreateUserRequest,
  type UserLoginReply,
  type GatewayPage,
  type GatewayPageQuery,
  type UserView,
} from '@autotelesale/contracts';
import { GATEWAY_CONFIG, type GatewayConfig } from '../config/gateway-config';
import { PrismaService } from '../db/prisma.service';
import type { AppUser } from '../generated/prisma/client';
import { decodeCursor, encodeCursor } from '../http/cursor.util';
import { LoginThrottle } from './login-throttle.service';
import { DUMMY_PASSWORD_HASH, hashPassword, verifyPassword } from './password.util';
import { issueSessionToken } from './session-token.util';

export function toUserView(user: AppUser): UserView {
  return {
    id: user.id,
    email: user.email,
    role: GatewayRole.parse(user.role),
    agentId: user.agentId,
    createdAt: user.createdAt.toISOString(),
    disabled: user.disabledAt !== null,
  };
}

/** People who sign in: creation, login, and the first admin from the environment. */
@Injectable()
export class UsersService implements OnApplicationBootstrap {
  private readonly logger = new Logger('UsersService');

  constructor(
    private readonly prisma: PrismaService,
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
    private readonly throttle: LoginThrottle,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (this.config.tokenSecretGenerated) {
      this.logger.warn(
        'ATS_TOKEN_SECRET is not set: using a random one, so session tokens die with this process (set it in production)',
      );
    }
    await this.ensureFirstAdmin();
  }

  /** With no admin yet, ATS_ADMIN_EMAIL/ATS_ADMIN_PASSWORD make one; otherwise they are ignored. */
  async ensureFirstAdmin(): Promise<void> {
    const admin = this.config.firstAdmin;
    if (!admin) return;
    if ((await this.prisma.appUser.count({ where: { role: 'admin', disabledAt: null } })) > 0) return;
    try {
      await this.create({ email: admin.email, password: admin.password, role: 'admin' });
      this.logger.log('created the first admin from ATS_ADMIN_EMAIL');
    } catch (error) {
      // Another replica made it first.
      if (!(error instanceof AtsError && error.code === 'CONFLICT')) throw error;
    }
  }

  async create(request: CreateUserRequest): Promise<UserView> {
    const email = request.email.toLowerCase();
    const passwordHash = await hashPassword(request.password);
    const inserted = await this.prisma.appUser.createMany({
      data: [{ id: randomUUID(), email, passwordHash, role: request.role, agentId: request.agentId ?? null }],
      skipDuplicates: true,
    });
    if (inserted.count === 0) throw new AtsError('CONFLICT', 'a user with this email exists', { email });
    return toUserView((await this.prisma.appUser.findUnique({ where: { email } }))!);
  }

  async list(query: GatewayPageQuery): Promise<GatewayPage<UserView>> {
    const after = query.cursor ? decodeCursor(query.cursor) : undefined;
    const rows = await this.prisma.appUser.findMany({
      where: after ? { id: { gt: after } } : {},
      orderBy: { id: 'asc' },
      take: query.limit + 1,
    });
    const items = rows.slice(0, query.limit);
    return {
      items: items.map(toUserView),
      nextCursor: rows.length > query.limit ? encodeCursor(items[items.length - 1]!.id) : null,
    };
  }

  async setDisabled(id: string, disabled: boolean): Promise<UserView> {
    const updated = await this.prisma.appUser.updateMany({
      where: { id },
      data: { disabledAt: disabled ? new Date() : null },
    });
    if (updated.count === 0) throw new AtsError('NOT_FOUND', `user ${id} not found`);
    return toUserView((await this.prisma.appUser.findUnique({ where: { id } }))!);
  }

  /** Same answer, and about the same time, for an unknown email and a wrong password. */
  /**
   * A person's sign-in. Failures count against the account and the client address
   * (known or unknown email alike, so the answer tells nothing); a locked one is refused
   * with RATE_LIMITED before the password is checked.
   */
  async login(emailRaw: string, password: string, clientAddress?: string): Promise<UserLoginReply> {
    const throttleKeys = this.throttle.keysFor(emailRaw, clientAddress);
    await this.throttle.assertOpen(throttleKeys.map(({ key }) => key));
    const user = await this.prisma.appUser.findUnique({ where: { email: emailRaw.toLowerCase() } });
    const ok = await verifyPassword(password, user?.passwordHash ?? (await DUMMY_PASSWORD_HASH));
    if (!user || !ok || user.disabledAt) {
      await Promise.all(throttleKeys.map(({ key, policy }) => this.throttle.recordFailure(key, policy)));
      throw new AtsError('UNAUTHENTICATED', 'wrong email or password');
    }
    await this.throttle.clear(throttleKeys[0]!.key);
    const { token, expiresAt } = issueSessionToken(
      this.config.tokenSecret,
      { sub: user.id, role: GatewayRole.parse(user.role), agentId: user.agentId },
      this.config.tokenTtlSeconds,
    );
    return { token, tokenType: 'Bearer', expiresAt: expiresAt.toISOString(), user: toUserView(user) };
  }

  async get(id: string): Promise<UserView> {
    const user = await this.prisma.appUser.findUnique({ where: { id } });
    if (!user) throw new AtsError('NOT_FOUND', `user ${id} not found`);
    return toUserView(user);
  }
}
