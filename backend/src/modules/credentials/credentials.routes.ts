import { z } from 'zod';
import { defineRoute, tenantOf, type RouteDef } from '../../http/route.ts';
import type { CredentialsService } from './credentials.service.ts';
import { CredentialNameParam, CredentialSchema, CredentialSetBody } from './credentials.schemas.ts';

export function credentialsRoutes(credentials: CredentialsService): RouteDef[] {
  return [
    defineRoute({
      method: 'get',
      path: '/api/v1/credentials',
      access: 'credentials.manage',
      summary: 'Which secrets are configured (names only; values are never returned)',
      tags: ['credentials'],
      response: z.object({ items: z.array(CredentialSchema) }),
      handler: async ({ ctx }) => credentials.list(tenantOf(ctx)),
    }),
    defineRoute({
      method: 'put',
      path: '/api/v1/credentials/:name',
      access: 'credentials.manage',
      principals: ['session', 'api_token'],
      summary: 'Store or replace a secret; it is encrypted at rest',
      tags: ['credentials'],
      params: CredentialNameParam,
      body: CredentialSetBody,
      response: CredentialSchema,
      handler: async ({ ctx, params, body }) => credentials.set(tenantOf(ctx), params.name, body.value),
    }),
    defineRoute({
      method: 'delete',
      path: '/api/v1/credentials/:name',
      access: 'credentials.manage',
      principals: ['session', 'api_token'],
      summary: 'Delete a secret',
      tags: ['credentials'],
      params: CredentialNameParam,
      handler: async ({ ctx, params }) => credentials.remove(tenantOf(ctx), params.name),
    }),
  ];
}
