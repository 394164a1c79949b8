import { SetMetadata, applyDecorators } from '@nestjs/common';
import { ApiBearerAuth, ApiSecurity } from '@nestjs/swagger';
import type { GatewayRole } from '@autotelesale/contracts';

export const ROLES_KEY = 'ats:roles';
export const PUBLIC_KEY = 'ats:public';

/** The roles that may call a route (or every route of a controller). Nothing else may. */
export function Roles(...roles: [GatewayRole, ...GatewayRole[]]): MethodDecorator & ClassDecorator {
  return applyDecorators(SetMetadata(ROLES_KEY, roles), ApiBearerAuth(), ApiSecurity('api-key'));
}

/**
 * A route anyone may call, with a reason that ends up in the permission snapshot:
 * only login, the API document, and probes and scrapes.
 */
export function Public(reason: string): MethodDecorator & ClassDecorator {
  return SetMetadata(PUBLIC_KEY, reason);
}
