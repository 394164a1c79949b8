import { Injectable, Logger, type CanActivate, type ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';
import { AtsError } from '@autotelesale/contracts';
import { Authenticator } from './authenticator.service';
import type { Principal } from './principal';
import { RouteAccessReader } from './route-access';

export interface AuthenticatedRequest extends Request {
  principal?: Principal;
}

/**
 * The one global guard of the REST API: a route that declares neither roles nor
 * `@Public()` is refused (deny by default), a caller without valid credentials gets
 * UNAUTHENTICATED, one whose role is not listed gets FORBIDDEN.
 */
@Injectable()
export class AccessGuard implements CanActivate {
  private readonly logger = new Logger('AccessGuard');

  constructor(
    private readonly routes: RouteAccessReader,
    private readonly authenticator: Authenticator,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    // gRPC is served outside Nest (GatewayGrpcServer, with its own table); any other
    // Nest transport added later is closed until it gets a check of its own.
    if (context.getType() !== 'http') throw new AtsError('FORBIDDEN', 'no access check for this transport');
    const access = this.routes.accessOf(context.getClass(), context.getHandler());
    if ('public' in access) return true;
    if ('undeclared' in access) {
      this.logger.error(`${context.getClass().name}.${context.getHandler().name} declares no roles: refused`);
      throw new AtsError('FORBIDDEN', 'this route declares no roles and is closed');
    }
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const principal = await this.authenticator.authenticate({
      authorization: request.headers.authorization,
      apiKey: headerValue(request.headers['x-api-key']),
    });
    if (!access.roles.includes(principal.role)) {
      throw new AtsError('FORBIDDEN', `the ${principal.role} role may not call this`);
    }
    request.principal = principal;
    return true;
  }
}

function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
