// The OpenAPI 3.1 document is generated from the same route declarations and zod schemas that
// validate requests, so the published contract cannot drift from what the server enforces.
import { createDocument } from 'zod-openapi';
import { z } from 'zod';
import { openApiPath, type RouteDef } from './route.ts';

const ErrorBody = z
  .object({
    error: z.object({ code: z.string(), message: z.string(), details: z.unknown().optional() }),
    requestId: z.string().optional(),
  })
  .meta({ id: 'Error' });

export function buildOpenApi(routes: RouteDef[], opts: { version: string; serverUrl: string }) {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const r of routes) {
    const p = openApiPath(r.path);
    const errorResponse = (description: string) => ({ description, content: { 'application/json': { schema: ErrorBody } } });
    const responses: Record<string, unknown> = {
      [String(r.status ?? (r.response ? 200 : 204))]: r.response
        ? { description: 'Success', content: { 'application/json': { schema: r.response } } }
        : { description: 'Success' },
      '400': errorResponse('Invalid input'),
    };
    if (r.access !== 'public') {
      responses['401'] = errorResponse('Not signed in, or the token is invalid');
      responses['403'] = errorResponse('Signed in, but the role does not allow this');
    }
    paths[p] ??= {};
    paths[p][r.method] = {
      summary: r.summary,
      tags: r.tags,
      ...(r.access === 'public' ? { security: [] } : {}),
      'x-permission': r.access,
      ...(r.params || r.query
        ? { requestParams: { ...(r.params ? { path: r.params } : {}), ...(r.query ? { query: r.query } : {}) } }
        : {}),
      ...(r.body ? { requestBody: { required: true, content: { 'application/json': { schema: r.body } } } } : {}),
      responses,
    };
  }
  return createDocument({
    openapi: '3.1.0',
    info: {
      title: 'WhatsApp Business platform API',
      version: opts.version,
      description:
        'Tenant-scoped endpoints live under /api/v1 and platform-operator endpoints under /api/admin. Authenticate with the console session cookie, an API token (`Authorization: Bearer wat_…`) or a widget embed token. Session users pick a tenant with `X-Tenant-Id`.',
    },
    servers: [{ url: opts.serverUrl }],
    components: {
      securitySchemes: {
        bearer: { type: 'http', scheme: 'bearer', description: 'API token (wat_…) or embed token (JWT)' },
        session: { type: 'apiKey', in: 'cookie', name: 'wa_session' },
      },
    },
    security: [{ bearer: [] }, { session: [] }],
    paths: paths as never,
  });
}
