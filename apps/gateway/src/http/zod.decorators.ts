import { Body, Param, Query, applyDecorators, type PipeTransform } from '@nestjs/common';
import { ApiBody, ApiParam, ApiQuery, ApiResponse } from '@nestjs/swagger';
import { z } from 'zod';
import { BoundaryValidationError } from './ats-exception.filter';

type JsonSchema = Record<string, unknown>;

/** The OpenAPI 3.0 schema of a zod schema: the document and the validation share one source. */
export function openApiSchema(schema: z.ZodType, io: 'input' | 'output' = 'input'): JsonSchema {
  return z.toJSONSchema(schema, { target: 'openapi-3.0', unrepresentable: 'any', io }) as JsonSchema;
}

class ZodPipe implements PipeTransform {
  constructor(
    private readonly schema: z.ZodType,
    private readonly what: string,
  ) {}

  transform(value: unknown): unknown {
    const parsed = this.schema.safeParse(value ?? {});
    if (parsed.success) return parsed.data;
    throw new BoundaryValidationError(
      `invalid ${this.what}`,
      parsed.error.issues.map((issue) => ({ path: issue.path.join('.'), message: issue.message })),
    );
  }
}

function methodDescriptor(target: object, key: string | symbol | undefined): PropertyDescriptor {
  return Object.getOwnPropertyDescriptor(target, key!)!;
}

/** The request body, validated by the schema (400 with one detail per issue) and documented by it. */
export function ZodBody(schema: z.ZodType): ParameterDecorator {
  return (target, key, index) => {
    ApiBody({ schema: openApiSchema(schema) })(target, key!, methodDescriptor(target, key));
    Body(new ZodPipe(schema, 'request body'))(target, key, index);
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
    Query(new ZodPipe(schema, 'query'))(target, key, index);
  };
}

/** A path parameter, validated (an id too long or empty is a 400, not a lookup). */
export function ZodParam(name: string, schema: z.ZodType = z.string().min(1).max(200)): ParameterDecorator {
  return (target, key, index) => {
    ApiParam({ name, schema: openApiSchema(schema) })(target, key!, methodDescriptor(target, key));
    Param(name, new ZodPipe(schema, `path parameter ${name}`))(target, key, index);
  };
}

/** Documents a success response by its zod schema. */
export function ZodResponse(status: number, schema: z.ZodType, description = 'OK'): MethodDecorator {
  return applyDecorators(ApiResponse({ status, description, schema: openApiSchema(schema, 'output') }));
}
