import { defineRoute, tenantOf, type RouteDef } from '../../http/route.ts';
import type { ConsentService } from './consent.service.ts';
import {
  AdminVerifyQuery,
  ConsentEntrySchema,
  ConsentHistorySchema,
  ConsentSettingsBody,
  ConsentSettingsSchema,
  ContactIdParam,
  RecordConsentBody,
  VerifySchema,
} from './consent.schemas.ts';

export function consentRoutes(consent: ConsentService): RouteDef[] {
  return [
    defineRoute({
      method: 'get',
      path: '/api/v1/contacts/:id/consent',
      access: 'contacts.manage',
      summary: "A contact's consent state and history, newest first (including contacts merged into it)",
      tags: ['consent'],
      params: ContactIdParam,
      response: ConsentHistorySchema,
      handler: async ({ ctx, params }) => consent.history(tenantOf(ctx), params.id),
    }),
    defineRoute({
      method: 'post',
      path: '/api/v1/contacts/:id/consent',
      access: 'contacts.manage',
      summary: 'Record an opt-in or opt-out for a contact (appended to the tamper-evident registry)',
      tags: ['consent'],
      params: ContactIdParam,
      body: RecordConsentBody,
      response: ConsentEntrySchema,
      status: 201,
      handler: async ({ ctx, params, body }) => consent.recordManual(tenantOf(ctx), params.id, body),
    }),
    defineRoute({
      method: 'get',
      path: '/api/v1/consent/settings',
      access: 'contacts.manage',
      summary: 'STOP/START keywords and the replies sent to them',
      tags: ['consent'],
      response: ConsentSettingsSchema,
      handler: async ({ ctx }) => consent.settings(tenantOf(ctx)),
    }),
    defineRoute({
      method: 'put',
      path: '/api/v1/consent/settings',
      access: 'contacts.manage',
      summary: 'Change the STOP/START keywords or their replies',
      tags: ['consent'],
      body: ConsentSettingsBody,
      response: ConsentSettingsSchema,
      handler: async ({ ctx, body }) => consent.updateSettings(tenantOf(ctx), body),
    }),
    defineRoute({
      method: 'get',
      path: '/api/v1/consent/verify',
      access: 'audit.read',
      summary: "Check the tenant's consent registry for tampering (reports the first broken entry)",
      tags: ['consent'],
      response: VerifySchema,
      handler: async ({ ctx }) => consent.verify(tenantOf(ctx).tenantId),
    }),
    defineRoute({
      method: 'get',
      path: '/api/admin/consent/verify',
      access: 'platform.audit',
      summary: "Check one tenant's consent registry for tampering",
      tags: ['admin'],
      query: AdminVerifyQuery,
      response: VerifySchema,
      handler: async ({ query }) => consent.verifyTenant(query.tenant),
    }),
  ];
}
