import { applyDecorators } from '@nestjs/common';
import { ApiBody } from '@nestjs/swagger';
import { z } from 'zod';
import { BoundaryValidationError } from './ats-exception.filter';
import { openApiSchema } from './zod.decorators';

/**
 * Validates what a caller sent (body merged with path parameters) against the contract
 * schema of the operation, before it travels: a bad request is the gateway's 400 with
 * one detail per issue, never a round trip to a service.
 */
export function boundary<T extends z.ZodType>(schema: T, input: unknown, what = 'request'): z.output<T> {
  const parsed = schema.safeParse(input);
  if (parsed.success) return parsed.data;
  throw new BoundaryValidationError(
    `invalid ${what}`,
    parsed.error.issues.map((issue) => ({ path: issue.path.join('.'), message: issue.message })),
  );
}

/** A JSON body must be an object; anything else (an array, a string) is refused before merging. */
export function bodyObject(body: unknown): Record<string, unknown> {
  if (body === undefined || body === null) return {};
  if (typeof body !== 'object' || Array.isArray(body)) {
    throw new BoundaryValidationError('the request body must be a JSON object');
  }
  return body as Record<string, unknown>;
}

/**
 * Documents a body by its contract schema, without the fields that come from the path.
 * (A schema with refinements cannot be narrowed; it is then shown whole.)
 */
export function ApiZodBody(schema: z.ZodType, fromPath: string[] = []): MethodDecorator {
  let shown: z.ZodType = schema;
  if (fromPath.length && schema instanceof z.ZodObject) {
    try {
      shown = schema.omit(Object.fromEntries(fromPath.map((k) => [k, true])) as never);
    } catch {
      shown = schema;
    }
  }
  return applyDecorators(ApiBody({ schema: openApiSchema(shown) }));
}
