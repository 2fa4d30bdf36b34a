import { z } from 'zod';
import { defineRoute, tenantOf, type RouteDef } from '../../http/route.ts';
import type { UsersService } from '../users/index.ts';
import { type TenantsService } from './tenants.service.ts';
import {
  TenantCreateBody,
  TenantIdParam,
  TenantListQuery,
  TenantSchema,
  TenantStatusBody,
  TenantUpdateBody,
} from './tenants.schemas.ts';

export function tenantsRoutes(tenants: TenantsService, users: UsersService): RouteDef[] {
  const page = z.object({ items: z.array(TenantSchema), nextBefore: z.number().nullable() });
  return [
    defineRoute({
      method: 'get',
      path: '/api/v1/tenant',
      access: 'tenant.read',
      summary: 'The current tenant',
      tags: ['tenant'],
      response: TenantSchema,
      handler: async ({ ctx }) => tenants.get(tenantOf(ctx)),
    }),
    defineRoute({
      method: 'patch',
      path: '/api/v1/tenant',
      access: 'tenant.manage',
      summary: 'Rename the tenant or change the origins its widgets may be embedded on',
      tags: ['tenant'],
      body: TenantUpdateBody,
      response: TenantSchema,
      handler: async ({ ctx, body }) => tenants.update(tenantOf(ctx), body),
    }),
    defineRoute({
      method: 'post',
      path: '/api/v1/tenant/publishable-key',
      access: 'tenant.manage',
      principals: ['session', 'api_token'],
      summary: 'Replace the publishable key used by visitor-facing widgets',
      tags: ['tenant'],
      response: TenantSchema,
      handler: async ({ ctx }) => tenants.rotatePublishableKey(tenantOf(ctx)),
    }),
    defineRoute({
      method: 'get',
      path: '/api/admin/tenants',
      access: 'platform.tenants',
      summary: 'All tenants, newest first',
      tags: ['admin'],
      query: TenantListQuery,
      response: page,
      handler: async ({ query }) => tenants.list(query),
    }),
    defineRoute({
      method: 'post',
      path: '/api/admin/tenants',
      access: 'platform.tenants',
      summary: 'Create a tenant, optionally with its first admin',
      tags: ['admin'],
      body: TenantCreateBody,
      response: TenantSchema,
      status: 201,
      handler: async ({ body, ctx, req }) => {
        const t = await tenants.create(ctx.principal!, body, req.ip ?? null);
        if (body.admin) {
          await users.addMember(
            { tenantId: t.id, role: 'super_admin', principal: ctx.principal!, ip: req.ip ?? null },
            { email: body.admin.email, name: body.admin.name, role: 'admin', password: body.admin.password },
          );
        }
        return tenants.get({ tenantId: t.id, role: 'super_admin', principal: ctx.principal!, ip: null });
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/admin/tenants/:id/suspend',
      access: 'platform.tenants',
      summary: 'Suspend a tenant: its users, tokens and widgets stop working at once',
      tags: ['admin'],
      params: TenantIdParam,
      body: TenantStatusBody,
      response: TenantSchema,
      handler: async ({ params, body, ctx, req }) =>
        tenants.setStatus(ctx.principal!, params.id, 'suspended', req.ip ?? null, body.reason),
    }),
    defineRoute({
      method: 'post',
      path: '/api/admin/tenants/:id/resume',
      access: 'platform.tenants',
      summary: 'Resume a suspended tenant',
      tags: ['admin'],
      params: TenantIdParam,
      body: TenantStatusBody,
      response: TenantSchema,
      handler: async ({ params, body, ctx, req }) =>
        tenants.setStatus(ctx.principal!, params.id, 'active', req.ip ?? null, body.reason),
    }),
  ];
}
