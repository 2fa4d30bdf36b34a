import { pipeline } from 'node:stream/promises';
import { defineRoute, tenantOf, type RouteDef } from '../../http/route.ts';
import type { MediaService } from './media.service.ts';
import { MediaIdParam, MediaSchema } from './media.schemas.ts';

// The upload's body is the file itself (Content-Type = its MIME type), read as a stream by the
// service: the JSON parser ignores non-JSON types, and no raw parser buffers it first.
export function mediaRoutes(media: MediaService): RouteDef[] {
  return [
    defineRoute({
      method: 'post',
      path: '/api/v1/media',
      access: 'inbox.use',
      summary:
        'Upload a file to send (raw body; Content-Type is its MIME type, X-Filename its URI-encoded name); WhatsApp limits apply',
      tags: ['media'],
      response: MediaSchema,
      status: 201,
      handler: async ({ ctx, req }) =>
        media.upload(
          tenantOf(ctx),
          { contentType: req.get('content-type'), contentLength: req.get('content-length'), filename: req.get('x-filename') },
          req,
        ),
    }),
    defineRoute({
      method: 'get',
      path: '/api/v1/media/:id',
      access: 'inbox.use',
      summary: 'The bytes of a stored file (images, audio and video inline; everything else as a download)',
      tags: ['media'],
      params: MediaIdParam,
      handler: async ({ ctx, params, res }) => {
        const { stream, headers } = await media.open(tenantOf(ctx), params.id);
        res.status(200).set(headers);
        await pipeline(stream, res);
      },
    }),
  ];
}
