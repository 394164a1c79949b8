import { RequestMethod, type Type } from '@nestjs/common';
import { METHOD_METADATA, MODULE_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { Reflector } from '@nestjs/core';
import { declaredAccess } from './route-access';

/** One line of the permission table: `GET /api/v1/campaigns -> admin, supervisor`. */
export interface RoutePermission {
  route: string;
  access: string;
}

function joinPath(...parts: string[]): string {
  return `/${parts
    .flatMap((p) => p.split('/'))
    .filter(Boolean)
    .join('/')}`;
}

/**
 * Who may call what, read from the controllers' decorators exactly as the guard reads
 * them: the reviewed permission snapshot is built from this.
 */
export function routePermissions(controllers: Type[], kitControllers: Type[]): RoutePermission[] {
  const reflector = new Reflector();
  const kit = new Set<unknown>(kitControllers);
  const rows: RoutePermission[] = [];
  for (const controller of [...controllers, ...kitControllers]) {
    const base = (Reflect.getMetadata(PATH_METADATA, controller) as string | undefined) ?? '';
    for (const name of Object.getOwnPropertyNames(controller.prototype)) {
      const handler = (controller.prototype as Record<string, unknown>)[name];
      if (name === 'constructor' || typeof handler !== 'function') continue;
      const path = Reflect.getMetadata(PATH_METADATA, handler) as string | undefined;
      const method = Reflect.getMetadata(METHOD_METADATA, handler) as RequestMethod | undefined;
      if (path === undefined || method === undefined) continue;
      const access = declaredAccess(reflector, controller, handler, kit);
      rows.push({
        route: `${RequestMethod[method]} ${joinPath(base, path)}`,
        access:
          'public' in access
            ? `public (${access.public})`
            : 'roles' in access
              ? [...access.roles].sort().join(', ')
              : 'UNDECLARED (denied)',
      });
    }
  }
  return rows.sort((a, b) => a.route.localeCompare(b.route));
}

/** The controllers a module declares (not those of the modules it imports). */
export function controllersOf(module: object): Type[] {
  return (Reflect.getMetadata(MODULE_METADATA.CONTROLLERS, module) as Type[] | undefined) ?? [];
}
