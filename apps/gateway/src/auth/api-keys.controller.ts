import { Controller, Get, Post } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import {
  ApiKeyCreated,
  ApiKeyView,
  CreateApiKeyRequest,
  GatewayPage,
  GatewayPageQuery,
} from '@autotelesale/contracts';
import { ZodBody, ZodParam, ZodQuery, ZodResponse } from '../http/zod.decorators';
import { CurrentPrincipal } from './current-principal.decorator';
import type { Principal } from './principal';
import { Roles } from './roles.decorator';
import { ApiKeysService } from './api-keys.service';

@ApiTags('api-keys')
@Controller('api/v1/api-keys')
@Roles('admin')
export class ApiKeysController {
  constructor(private readonly keys: ApiKeysService) {}

  /** The answer holds the whole key, once: store it, the gateway cannot show it again. */
  // Not @Idempotent: a replay would need the whole key stored, and only its hash may be.
  @Post()
  @ZodResponse(201, ApiKeyCreated)
  create(
    @ZodBody(CreateApiKeyRequest) body: CreateApiKeyRequest,
    @CurrentPrincipal() principal: Principal,
  ): Promise<ApiKeyCreated> {
    return this.keys.create(body, principal.kind === 'user' ? principal.id : null);
  }

  @Get()
  @ZodResponse(200, GatewayPage(ApiKeyView))
  list(@ZodQuery(GatewayPageQuery) query: GatewayPageQuery) {
    return this.keys.list(query);
  }

  @Post(':keyId/revoke')
  @ZodResponse(201, ApiKeyView)
  revoke(@ZodParam('keyId', z.uuid()) keyId: string): Promise<ApiKeyView> {
    return this.keys.revoke(keyId);
  }
}
