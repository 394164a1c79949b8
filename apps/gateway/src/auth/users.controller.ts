import { Controller, Get, Post } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { CreateUserRequest, GatewayPage, GatewayPageQuery, UserView } from '@autotelesale/contracts';
import { Idempotent } from '../http/idempotency.interceptor';
import { ZodBody, ZodParam, ZodQuery, ZodResponse } from '../http/zod.decorators';
import { Roles } from './roles.decorator';
import { UsersService } from './users.service';

@ApiTags('users')
@Controller('api/v1/users')
@Roles('admin')
export class UsersController {
  constructor(private readonly users: UsersService) {}

  @Post()
  @Idempotent()
  @ZodResponse(201, UserView)
  create(@ZodBody(CreateUserRequest) body: CreateUserRequest): Promise<UserView> {
    return this.users.create(body);
  }

  @Get()
  @ZodResponse(200, GatewayPage(UserView))
  list(@ZodQuery(GatewayPageQuery) query: GatewayPageQuery) {
    return this.users.list(query);
  }

  @Post(':userId/disable')
  @ZodResponse(201, UserView)
  disable(@ZodParam('userId', z.uuid()) userId: string): Promise<UserView> {
    return this.users.setDisabled(userId, true);
  }

  @Post(':userId/enable')
  @ZodResponse(201, UserView)
  enable(@ZodParam('userId', z.uuid()) userId: string): Promise<UserView> {
    return this.users.setDisabled(userId, false);
  }
}
