import { SetMetadata, applyDecorators } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiDefaultResponse,
  ApiForbiddenResponse,
  ApiSecurity,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { z } from 'zod';
import { ErrorBody, type GatewayRole } from '@autotelesale/contracts';

export const ROLES_KEY = 'ats:roles';
export const PUBLIC_KEY = 'ats:public';

/** Every error body of the API: `{ code, message, details }`. */
const ERROR_SCHEMA = z.toJSONSchema(ErrorBody, { target: 'openapi-3.0', unrepresentable: 'any' }) as Record<
  string,
  unknown
>;

/** The roles that may call a route (or every route of a controller). Nothing else may. */
export function Roles(...roles: [GatewayRole, ...GatewayRole[]]): MethodDecorator & ClassDecorator {
  return applyDecorators(
    SetMetadata(ROLES_KEY, roles),
    ApiBearerAuth(),
    ApiSecurity('api-key'),
    ApiUnauthorizedResponse({
      description: 'UNAUTHENTICATED: no or invalid credentials',
      schema: ERROR_SCHEMA,
    }),
    ApiForbiddenResponse({ description: `FORBIDDEN: only ${roles.join(', ')}`, schema: ERROR_SCHEMA }),
    ApiDefaultResponse({ description: 'Any other error, typed by its code', schema: ERROR_SCHEMA }),
  );
}

/**
 * A route anyone may call, with a reason that ends up in the permission snapshot:
 * only login, the API document, and probes and scrapes.
 */
export function Public(reason: string): MethodDecorator & ClassDecorator {
  return SetMetadata(PUBLIC_KEY, reason);
}
