// Routes are declared as data: method, path, permission, zod schemas and a handler. The same
// declarations drive validation, the RBAC middleware, the route × role test and the OpenAPI document.
import express, { type Request, type RequestHandler, type Response } from 'express';
import type { ZodType, z } from 'zod';
import type { Permission } from './permissions.ts';
import type { PrincipalKind, RequestContext, TenantContext } from './context.ts';
import { authorize, type AuthorizeDeps } from './rbac.ts';
import { unauthenticated } from './errors.ts';

export type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';
/** `visitor`: only visitor sessions (site visitors of a tenant) may call it; nobody else. */
export type Access = Permission | 'public' | 'authenticated' | 'visitor';

type Infer<S> = S extends ZodType ? z.infer<S> : undefined;

export interface HandlerInput<B, Q, P> {
  body: B;
  query: Q;
  params: P;
  ctx: RequestContext;
  req: Request;
  res: Response;
}

export interface RouteDef<
  B extends ZodType | undefined = ZodType | undefined,
  Q extends ZodType | undefined = ZodType | undefined,
  P extends ZodType | undefined = ZodType | undefined,
> {
  method: Method;
  path: string;
  access: Access;
  summary: string;
  tags: string[];
  /** Principal kinds allowed on this route (default: all). */
  principals?: PrincipalKind[];
  body?: B;
  query?: Q;
  params?: P;
  response?: ZodType;
  status?: number;
  /** Extra middleware run before validation (rate limits). */
  before?: RequestHandler[];
  handler: (input: HandlerInput<Infer<B>, Infer<Q>, Infer<P>>) => Promise<unknown>;
}

export function defineRoute<
  B extends ZodType | undefined = undefined,
  Q extends ZodType | undefined = undefined,
  P extends ZodType | undefined = undefined,
>(def: RouteDef<B, Q, P>): RouteDef {
  return def as unknown as RouteDef;
}

/** Requires a tenant context inside a handler of a tenant-scoped route. */
export function tenantOf(ctx: RequestContext): TenantContext {
  if (!ctx.tenant) throw unauthenticated();
  return ctx.tenant;
}

export function buildRouter(routes: RouteDef[], deps: AuthorizeDeps): express.Router {
  const router = express.Router();
  for (const def of routes) {
    const run: RequestHandler = async (req, res) => {
      const body = def.body ? await def.body.parseAsync(req.body ?? {}) : undefined;
      const query = def.query ? await def.query.parseAsync(req.query) : undefined;
      const params = def.params ? await def.params.parseAsync(req.params) : undefined;
      const result = await def.handler({ body, query, params, ctx: req.ctx, req, res });
      if (res.headersSent) return;
      if (result === undefined) res.status(204).end();
      else res.status(def.status ?? 200).json(result);
    };
    router[def.method](def.path, authorize(def, deps), ...(def.before ?? []), run);
  }
  return router;
}

/** Converts an Express path (`/a/:id`) to an OpenAPI path (`/a/{id}`). */
export function openApiPath(path: string): string {
  return path.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
}
