import { defineRoute, tenantOf, type RouteDef } from '../../http/route.ts';
import type { AuditService } from './audit.service.ts';
import { AdminAuditListQuery, AuditListQuery, AuditPage } from './audit.schemas.ts';

export function auditRoutes(audit: AuditService): RouteDef[] {
  return [
    defineRoute({
      method: 'get',
      path: '/api/v1/audit-logs',
      access: 'audit.read',
      summary: "The tenant's audit log, newest first",
      tags: ['audit'],
      query: AuditListQuery,
      response: AuditPage,
      handler: async ({ query, ctx }) => audit.list({ ...query, tenantId: tenantOf(ctx).tenantId }),
    }),
    defineRoute({
      method: 'get',
      path: '/api/admin/audit-logs',
      access: 'platform.audit',
      summary: 'The audit log across all tenants, newest first',
      tags: ['admin'],
      query: AdminAuditListQuery,
      response: AuditPage,
      handler: async ({ query }) => audit.list(query),
    }),
  ];
}
