import { pipeline } from 'node:stream/promises';
import { defineRoute, tenantOf, type RouteDef } from '../../http/route.ts';
import { contentDisposition } from '../media/index.ts';
import type { ImportsService } from './imports.service.ts';
import {
  ImportIdParam,
  ImportListSchema,
  ImportSchema,
  ListImportsQuery,
  StartImportBody,
  UploadedImportSchema,
} from './imports.schemas.ts';

// The upload's body is the CSV file itself, read as a stream by the service (the JSON parser ignores
// CSV types, and no raw parser buffers it first).
export function importsRoutes(imports: ImportsService): RouteDef[] {
  return [
    defineRoute({
      method: 'post',
      path: '/api/v1/contacts/imports',
      access: 'contacts.manage',
      summary:
        'Upload a CSV file of contacts (raw body, Content-Type text/csv, X-Filename its URI-encoded name; at most 50 MB, UTF-8): returns a preview and a suggested column mapping',
      tags: ['contacts'],
      response: UploadedImportSchema,
      status: 201,
      handler: async ({ ctx, req }) =>
        imports.upload(
          tenantOf(ctx),
          { contentType: req.get('content-type'), contentLength: req.get('content-length'), filename: req.get('x-filename') },
          req,
        ),
    }),
    defineRoute({
      method: 'get',
      path: '/api/v1/contacts/imports',
      access: 'contacts.manage',
      summary: 'Imports, newest first',
      tags: ['contacts'],
      query: ListImportsQuery,
      response: ImportListSchema,
      handler: async ({ ctx, query }) => imports.list(tenantOf(ctx), query.limit),
    }),
    defineRoute({
      method: 'get',
      path: '/api/v1/contacts/imports/:id',
      access: 'contacts.manage',
      summary: 'An import and its progress',
      tags: ['contacts'],
      params: ImportIdParam,
      response: ImportSchema,
      handler: async ({ ctx, params }) => imports.get(tenantOf(ctx), params.id),
    }),
    defineRoute({
      method: 'post',
      path: '/api/v1/contacts/imports/:id/start',
      access: 'contacts.manage',
      summary:
        'Start an uploaded import with a column mapping (phone, name, email, tags, consent, attribute:<key>, ignore), an optional default country and tags for every row',
      tags: ['contacts'],
      params: ImportIdParam,
      body: StartImportBody,
      response: ImportSchema,
      status: 202,
      handler: async ({ ctx, params, body }) => imports.start(tenantOf(ctx), params.id, body),
    }),
    defineRoute({
      method: 'get',
      path: '/api/v1/contacts/imports/:id/errors.csv',
      access: 'contacts.manage',
      summary: "The import's row errors as CSV: row (line of the file), column, value, message",
      tags: ['contacts'],
      params: ImportIdParam,
      status: 200,
      handler: async ({ ctx, params, res }) => {
        const { stream, filename } = await imports.errorsCsv(tenantOf(ctx), params.id);
        res.status(200).set({
          'Content-Type': 'text/csv; charset=utf-8',
          'Content-Disposition': contentDisposition('attachment', filename),
          'X-Content-Type-Options': 'nosniff',
          'Cache-Control': 'no-store',
        });
        await pipeline(stream, res);
      },
    }),
  ];
}
