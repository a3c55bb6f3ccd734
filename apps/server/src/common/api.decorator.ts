import {
  applyDecorators,
  createParamDecorator,
  Delete,
  type ExecutionContext,
  Get,
  Head,
  HttpCode,
  Options,
  Patch,
  Post,
  Put,
  SetMetadata,
} from '@nestjs/common';
import type { RouteDef } from '@mixroom/contract';
import type { Request } from 'express';
import type { z, ZodType } from 'zod';
import { AppError, badRequest } from './errors.js';

export const ROUTE_DEF = 'mixroom:route';

const methodDecorators = {
  get: Get,
  post: Post,
  put: Put,
  patch: Patch,
  delete: Delete,
  head: Head,
  options: Options,
};

/** Binds a controller method to a contract route: path, method, success status, and metadata for auth/validation. */
export const Api = (def: RouteDef) =>
  applyDecorators(methodDecorators[def.method](def.path), HttpCode(def.status), SetMetadata(ROUTE_DEF, def));

type Infer<T> = T extends ZodType ? z.infer<T> : undefined;
export interface Input<R extends RouteDef> {
  params: Infer<R['params']>;
  query: Infer<R['query']>;
  body: Infer<R['body']>;
}

function issuesToDetails(where: string, error: z.ZodError) {
  return error.issues.map((issue) => ({
    field: [where, ...issue.path.map(String)].join('.'),
    message: issue.message,
    code: issue.code,
  }));
}

/** Parses params, query and body against the route's schemas; 400 with per-field details otherwise. */
export function parseInput(def: RouteDef, req: Request): Input<RouteDef> {
  const details: ReturnType<typeof issuesToDetails> = [];
  const pick = (schema: ZodType | undefined, value: unknown, where: string) => {
    if (!schema) return undefined;
    const result = schema.safeParse(value ?? {});
    if (!result.success) {
      details.push(...issuesToDetails(where, result.error));
      return undefined;
    }
    return result.data;
  };
  const params = pick(def.params, req.params, 'params');
  const query = pick(def.query, req.query, 'query');
  const body = def.body ? pick(def.body, req.body, 'body') : undefined;
  if (details.length > 0) {
    // An unknown or malformed id under a session is indistinguishable from a session you cannot see.
    const onlyIds = details.every((d) => d.field.startsWith('params.') && /(^|\.)(id|\w+Id)$/.test(d.field));
    if (onlyIds && def.auth === 'user') throw new AppError(404, 'not_found', 'Not found.');
    throw badRequest('The request is invalid.', details);
  }
  return { params, query, body } as Input<RouteDef>;
}

/** The validated `{params, query, body}` of the current route (see {@link Api}). */
export const ApiInput = createParamDecorator((_data: unknown, ctx: ExecutionContext) => {
  const req = ctx.switchToHttp().getRequest<Request & { validatedInput?: Input<RouteDef> }>();
  if (req.validatedInput) return req.validatedInput;
  const def = Reflect.getMetadata(ROUTE_DEF, ctx.getHandler()) as RouteDef | undefined;
  if (!def) throw new Error(`${ctx.getClass().name}.${ctx.getHandler().name} has no @Api route`);
  req.validatedInput = parseInput(def, req);
  return req.validatedInput;
});
