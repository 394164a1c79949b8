import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import { AtsError } from '@autotelesale/contracts';
import type { AuthenticatedRequest } from './access.guard';
import type { Principal } from './principal';

/** The authenticated caller of a route that declares roles (the guard has set it). */
export const CurrentPrincipal = createParamDecorator(
  (_data: unknown, context: ExecutionContext): Principal => {
    const principal = context.switchToHttp().getRequest<AuthenticatedRequest>().principal;
    if (!principal) throw new AtsError('UNAUTHENTICATED', 'no authenticated caller');
    return principal;
  },
);
