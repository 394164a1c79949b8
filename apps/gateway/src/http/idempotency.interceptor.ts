import {
  HttpStatus,
  Injectable,
  SetMetadata,
  applyDecorators,
  createParamDecorator,
  type CallHandler,
  type ExecutionContext,
  type NestInterceptor,
} from '@nestjs/common';
import { HTTP_CODE_METADATA } from '@nestjs/common/constants';
import { Reflector } from '@nestjs/core';
import { ApiHeader } from '@nestjs/swagger';
import { createHash } from 'node:crypto';
import type { Response } from 'express';
import { catchError, from, mergeMap, of, type Observable } from 'rxjs';
import type { AuthenticatedRequest } from '../auth/access.guard';
import { principalKey, type Principal } from '../auth/principal';
import { BoundaryValidationError } from './ats-exception.filter';
import { IdempotencyStore } from './idempotency.store';

const IDEMPOTENT_KEY = 'ats:idempotent';
const KEY_PATTERN = /^[\x21-\x7e]{1,200}$/;

/** A creating POST that honours `Idempotency-Key`. */
export function Idempotent(): MethodDecorator {
  return applyDecorators(
    SetMetadata(IDEMPOTENT_KEY, true),
    ApiHeader({
      name: 'Idempotency-Key',
      required: false,
      description:
        'Retry-safe creation: the same key with the same body replays the first response; with another body it is a 409.',
    }),
  );
}

/** Key order does not change what a body means, so it must not change its hash. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/** What makes two requests "the same": method, path with query, and the body's meaning. */
export function requestHash(method: string, url: string, body: unknown): string {
  return createHash('sha256')
    .update(`${method} ${url}\n${canonicalJson(body)}`)
    .digest('hex');
}

@Injectable()
export class IdempotencyInterceptor implements NestInterceptor {
  constructor(
    private readonly reflector: Reflector,
    private readonly store: IdempotencyStore,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'http' || !this.reflector.get<boolean>(IDEMPOTENT_KEY, context.getHandler())) {
      return next.handle();
    }
    const http = context.switchToHttp();
    const request = http.getRequest<AuthenticatedRequest>();
    const raw = request.headers['idempotency-key'];
    if (raw === undefined) return next.handle();
    const key = Array.isArray(raw) ? raw[0]! : raw;
    if (!KEY_PATTERN.test(key)) {
      throw new BoundaryValidationError('Idempotency-Key must be 1-200 printable ASCII characters');
    }
    const principal = principalKey(request.principal!);
    const hash = requestHash(request.method, request.originalUrl, request.body);
    const status = this.reflector.get<number>(HTTP_CODE_METADATA, context.getHandler()) ?? HttpStatus.CREATED;
    return from(this.store.claim(principal, key, hash)).pipe(
      mergeMap((claim) => {
        if (claim.kind === 'replay') {
          http.getResponse<Response>().setHeader('Idempotent-Replayed', 'true');
          return of(claim.body);
        }
        return next.handle().pipe(
          mergeMap(async (body: unknown) => {
            await this.store.complete(principal, key, status, body);
            return body;
          }),
          catchError(async (error: unknown) => {
            await this.store.release(principal, key);
            throw error;
          }),
        );
      }),
    );
  }
}

/**
 * The Idempotency-Key to hand a service that de-duplicates creations itself, scoped to
 * the caller (two callers may pick the same key) and hashed to fit the service's limit.
 * It covers the window where the service created the thing but the gateway died before
 * storing the response.
 */
export const ForwardedIdempotencyKey = createParamDecorator(
  (_data: unknown, context: ExecutionContext): string | undefined => {
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const raw = request.headers['idempotency-key'];
    const key = Array.isArray(raw) ? raw[0] : raw;
    if (!key || !request.principal) return undefined;
    return scopedIdempotencyKey(request.principal, key);
  },
);

export function scopedIdempotencyKey(principal: Principal, key: string): string {
  return createHash('sha256')
    .update(`${principalKey(principal)}\n${key}`)
    .digest('hex');
}
