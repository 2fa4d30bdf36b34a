import { z } from 'zod';
import { defineRoute, tenantOf, type RouteDef } from '../../http/route.ts';
import { ContactSchema } from './contacts.serialize.ts';
import type { SegmentsService } from './segments.service.ts';
import {
  ContactListQuery,
  ExportQuery,
  SegmentCountBody,
  SegmentCountSchema,
  SegmentCreateBody,
  SegmentIdParam,
  SegmentListQuery,
  SegmentSchema,
  SegmentUpdateBody,
} from './segments.schemas.ts';

export function segmentsRoutes(segments: SegmentsService): RouteDef[] {
  return [
    defineRoute({
      method: 'get',
      path: '/api/v1/contacts',
      access: 'contacts.manage',
      summary:
        'Contacts, newest first; search (q), a saved segment, an ad-hoc filter (URL-encoded definition JSON), tag and consent; keyset pages',
      tags: ['contacts'],
      query: ContactListQuery,
      response: z.object({ items: z.array(ContactSchema), nextCursor: z.string().nullable() }),
      handler: async ({ ctx, query }) => segments.list(tenantOf(ctx), query),
    }),
    defineRoute({
      method: 'get',
      path: '/api/v1/contacts/export.csv',
      access: 'contacts.manage',
      summary: 'The selected contacts as CSV (streamed; one column per custom attribute), merged contacts excluded',
      tags: ['contacts'],
      query: ExportQuery,
      handler: async ({ ctx, query, res }) => segments.exportCsv(tenantOf(ctx), query, res),
    }),
    defineRoute({
      method: 'post',
      path: '/api/v1/segments/count',
      access: 'contacts.manage',
      summary: 'How many contacts a definition matches now (the segment builder’s live count)',
      tags: ['segments'],
      body: SegmentCountBody,
      response: SegmentCountSchema,
      handler: async ({ ctx, body }) => segments.count(tenantOf(ctx), body.definition),
    }),
    defineRoute({
      method: 'get',
      path: '/api/v1/segments',
      access: 'contacts.manage',
      summary: 'Saved segments by name; with ?counts=true each carries its current count',
      tags: ['segments'],
      query: SegmentListQuery,
      response: z.object({ items: z.array(SegmentSchema) }),
      handler: async ({ ctx, query }) => segments.listSegments(tenantOf(ctx), query.counts === 'true'),
    }),
    defineRoute({
      method: 'post',
      path: '/api/v1/segments',
      access: 'contacts.manage',
      summary: 'Save a segment (names are unique per tenant)',
      tags: ['segments'],
      body: SegmentCreateBody,
      response: SegmentSchema,
      status: 201,
      handler: async ({ ctx, body }) => segments.createSegment(tenantOf(ctx), body),
    }),
    defineRoute({
      method: 'get',
      path: '/api/v1/segments/:id',
      access: 'contacts.manage',
      summary: 'One saved segment with its current count',
      tags: ['segments'],
      params: SegmentIdParam,
      response: SegmentSchema,
      handler: async ({ ctx, params }) => segments.getSegment(tenantOf(ctx), params.id),
    }),
    defineRoute({
      method: 'patch',
      path: '/api/v1/segments/:id',
      access: 'contacts.manage',
      summary: 'Rename a segment or change its definition',
      tags: ['segments'],
      params: SegmentIdParam,
      body: SegmentUpdateBody,
      response: SegmentSchema,
      handler: async ({ ctx, params, body }) => segments.updateSegment(tenantOf(ctx), params.id, body),
    }),
    defineRoute({
      method: 'delete',
      path: '/api/v1/segments/:id',
      access: 'contacts.manage',
      summary: 'Delete a saved segment',
      tags: ['segments'],
      params: SegmentIdParam,
      handler: async ({ ctx, params }) => segments.deleteSegment(tenantOf(ctx), params.id),
    }),
  ];
}
