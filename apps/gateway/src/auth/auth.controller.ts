import { Controller, Get, HttpCode, Post, Req } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
import { z } from 'zod';
import { ApiKeyRole, UserLoginReply, UserLoginRequest, UserView } from '@autotelesale/contracts';
import { ZodBody, ZodResponse } from '../http/zod.decorators';
import { CurrentPrincipal } from './current-principal.decorator';
import type { Principal } from './principal';
import { Public, Roles } from './roles.decorator';
import { UsersService } from './users.service';

@ApiTags('auth')
@Controller('api/v1/auth')
export class AuthController {
  constructor(private readonly users: UsersService) {}

  /**
   * A person's short-lived session token. Repeated failures lock the account (and the
   * client address) for a while: 429 RATE_LIMITED with Retry-After.
   */
  @Post('login')
  @HttpCode(200)
  @Public('signing in is how a person gets credentials')
  @ZodResponse(200, UserLoginReply)
  login(@ZodBody(UserLoginRequest) body: UserLoginRequest, @Req() request: Request): Promise<UserLoginReply> {
    return this.users.login(body.email, body.password, request.ip);
  }

  /** Who the credentials belong to (a person; an API key has no user). */
  @Get('me')
  @Roles('admin', 'supervisor', 'agent')
  @ZodResponse(
    200,
    z.union([UserView, z.object({ kind: z.literal('apiKey'), id: z.uuid(), role: ApiKeyRole })]),
  )
  async me(
    @CurrentPrincipal() principal: Principal,
  ): Promise<UserView | { kind: 'apiKey'; id: string; role: string }> {
    if (principal.kind === 'apiKey') return { kind: 'apiKey', id: principal.id, role: principal.role };
    return this.users.get(principal.id);
  }
}
