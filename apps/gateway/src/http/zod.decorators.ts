import { applyDecorators, createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';
import { ApiBody, ApiParam, ApiQuery, ApiResponse } from '@nestjs/swagger';
import { z } from 'zod';
import { BoundaryValidationError } from './ats-exception.filter';

type JsonSchema = Record<string, unknown>;

/** The OpenAPI 3.0 schema of a zod schema: the document and the validation share one source. */
export function openApiSchema(schema: z.ZodType, io: 'input' | 'output' = 'input'): JsonSchema {
  return z.toJSONSchema(schema, { target: 'openapi-3.0', unrepresentable: 'any', io }) as JsonSchema;
}

function validate(schema: z.ZodType, value: unknown, what: string): unknown {
  const parsed = schema.safeParse(value ?? {});
  if (parsed.success) return parsed.data;
  throw new BoundaryValidationError(
    `invalid ${what}`,
    parsed.error.issues.map((issue) => ({ path: issue.path.join('.'), message: issue.message })),
  );
}

/**
 * Our own parameter decorators rather than Nest's @Body/@Query/@Param with a pipe:
 * swagger would otherwise read the parameter's design type (a zod schema object) as a
 * class and fail; the document gets the zod schema's JSON schema instead.
 */
const RequestPart = createParamDecorator(
  (
    options: { part: 'body' | 'query' | 'params'; name?: string; schema: z.ZodType; what: string },
    context: ExecutionContext,
  ) => {
    const request = context.switchToHttp().getRequest<Request>();
    const container = request[options.part] as Record<string, unknown> | undefined;
    const value = options.name === undefined ? container : container?.[options.name];
    return validate(options.schema, value, options.what);
  },
);

function methodDescriptor(target: object, key: string | symbol | undefined): PropertyDescriptor {
  return Object.getOwnPropertyDescriptor(target, key!)!;
}

/** The request body, validated by the schema (400 with one detail per issue) and documented by it. */
export function ZodBody(schema: z.ZodType): ParameterDecorator {
  return (target, key, index) => {
    ApiBody({ schema: openApiSchema(schema) })(target, key!, methodDescriptor(target, key));
    RequestPart({ part: 'body', schema, what: 'request body' })(target, key, index);
  };
}

/** The query string, validated and documented property by property. */
export function ZodQuery(schema: z.ZodObject): ParameterDecorator {
  return (target, key, index) => {
    const json = openApiSchema(schema) as { properties?: Record<string, JsonSchema>; required?: string[] };
    for (const [name, property] of Object.entries(json.properties ?? {})) {
      ApiQuery({ name, required: json.required?.includes(name) ?? false, schema: property })(
        target,
        key!,
        methodDescriptor(target, key),
      );
    }
    RequestPart({ part: 'query', schema, what: 'query' })(target, key, index);
  };
}

/** A path parameter, validated (an id too long or empty is a 400, not a lookup). */
export function ZodParam(name: string, schema: z.ZodType = z.string().min(1).max(200)): ParameterDecorator {
  return (target, key, index) => {
    ApiParam({ name, schema: openApiSchema(schema) })(target, key!, methodDescriptor(target, key));
    RequestPart({ part: 'params', name, schema, what: `path parameter ${name}` })(target, key, index);
  };
}

/** Documents a success response by its zod schema. */
export function ZodResponse(status: number, schema: z.ZodType, description = 'OK'): MethodDecorator {
  return applyDecorators(ApiResponse({ status, description, schema: openApiSchema(schema, 'output') }));
}
