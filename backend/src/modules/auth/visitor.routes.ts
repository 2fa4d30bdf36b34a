// Visitor-facing endpoints: a site visitor's browser trades the tenant's publishable key for a
// short visitor session. Later modules (the chat bubble) add their visitor routes beside these.
import type { RequestHandler } from 'express';
import { defineRoute, type RouteDef } from '../../http/route.ts';
import { unauthenticated } from '../../http/errors.ts';
import type { TenantsService } from '../tenants/index.ts';
import type { VisitorSessions } from './visitor-sessions.ts';
import { VisitorSessionBody, VisitorSessionCreated, VisitorSessionInfo } from './auth.schemas.ts';

export function visitorRoutes(d: { visitors: VisitorSessions; tenants: TenantsService; limiter: RequestHandler }): RouteDef[] {
  return [
    defineRoute({
      method: 'post',
      path: '/api/v1/visitor/sessions',
      access: 'public',
      summary: "Start a site visitor's session from the tenant's publishable key (the page's Origin must be allowed)",
      tags: ['visitor'],
      before: [d.limiter],
      body: VisitorSessionBody,
      response: VisitorSessionCreated,
      status: 201,
      handler: async ({ body, req }) => d.visitors.start(body, req.get('origin')),
    }),
    defineRoute({
      method: 'get',
      path: '/api/v1/visitor/session',
      access: 'visitor',
      summary: 'The current visitor session: visitor id, site and workspace name',
      tags: ['visitor'],
      response: VisitorSessionInfo,
      handler: async ({ ctx }) => {
        const p = ctx.principal!;
        const t = await d.tenants.find(p.tenantId!);
        if (!t) throw unauthenticated();
        return { visitorId: p.visitorId!, origin: p.embedOrigin!, tenant: { name: t.name } };
      },
    }),
  ];
}
