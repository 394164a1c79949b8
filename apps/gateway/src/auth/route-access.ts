import { Injectable, type OnModuleInit } from '@nestjs/common';
import { DiscoveryService, Reflector } from '@nestjs/core';
import { ServiceKitModule } from '@autotelesale/service-kit';
import type { GatewayRole } from '@autotelesale/contracts';
import { PUBLIC_KEY, ROLES_KEY } from './roles.decorator';

/** What a route declares: public (with why), the roles allowed, or nothing (then it is denied). */
export type RouteAccess = { public: string } | { roles: GatewayRole[] } | { undeclared: true };

/** Why the service kit's controllers are public, since we cannot decorate them there. */
export const KIT_PUBLIC_REASON = 'probe or scrape (service kit: /health/*, /metrics)';

/**
 * The access a route declares, read from its decorators. The service kit's controllers
 * (health probes, Prometheus scrape) live in a shared lib that knows nothing of our
 * roles: they are declared public here, by their module, and show so in the permission
 * snapshot. Used by the guard and by the snapshot test alike.
 */
export function declaredAccess(
  reflector: Reflector,
  controller: object,
  handler: object,
  kitControllers: ReadonlySet<unknown>,
): RouteAccess {
  const targets = [handler as () => void, controller as () => void];
  const reason = reflector.getAllAndOverride<string | undefined>(PUBLIC_KEY, targets);
  if (reason) return { public: reason };
  const roles = reflector.getAllAndOverride<GatewayRole[] | undefined>(ROLES_KEY, targets);
  if (roles?.length) return { roles };
  if (kitControllers.has(controller)) return { public: KIT_PUBLIC_REASON };
  return { undeclared: true };
}

@Injectable()
export class RouteAccessReader implements OnModuleInit {
  private readonly kitControllers = new Set<unknown>();

  constructor(
    private readonly reflector: Reflector,
    private readonly discovery: DiscoveryService,
  ) {}

  onModuleInit(): void {
    for (const wrapper of this.discovery.getControllers({ include: [ServiceKitModule] })) {
      this.kitControllers.add(wrapper.metatype);
    }
  }

  accessOf(controller: object, handler: object): RouteAccess {
    return declaredAccess(this.reflector, controller, handler, this.kitControllers);
  }
}
