import { z } from 'zod';
import { defineRoute, tenantOf, type RouteDef } from '../../http/route.ts';
import { ConversationIdParam, ConversationSchema } from './inbox.schemas.ts';
import type { MessagesService } from './messages.service.ts';
import {
  ChannelIdParam,
  MessageIdParam,
  MessageSchema,
  SearchQuery,
  SendMessageBody,
  TemplateSchema,
} from './messages.schemas.ts';

export function messagesRoutes(messages: MessagesService): RouteDef[] {
  return [
    defineRoute({
      method: 'post',
      path: '/api/v1/conversations/:id/messages',
      access: 'inbox.use',
      summary:
        'Send a message (text, note, media, template, buttons/list, reaction; replies by replyToMessageId); a clientRef makes it idempotent',
      tags: ['inbox'],
      params: ConversationIdParam,
      body: SendMessageBody,
      response: MessageSchema,
      status: 201,
      handler: async ({ ctx, params, body, res }) => {
        const { message, created } = await messages.send(tenantOf(ctx), params.id, body);
        // A replayed clientRef answers with the message it already made.
        if (!created) res.status(200).json(message);
        return message;
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/v1/messages/:id/retry',
      access: 'inbox.use',
      summary: 'Send a failed outbound message again (the 24-hour rule applies again)',
      tags: ['inbox'],
      params: MessageIdParam,
      response: MessageSchema,
      handler: async ({ ctx, params }) => messages.retry(tenantOf(ctx), params.id),
    }),
    defineRoute({
      method: 'get',
      path: '/api/v1/messages/search',
      access: 'inbox.use',
      summary: 'Messages containing the words, newest first, in conversations the caller may see',
      tags: ['inbox'],
      query: SearchQuery,
      response: z.object({ items: z.array(z.object({ message: MessageSchema, conversation: ConversationSchema })) }),
      handler: async ({ ctx, query }) => messages.search(tenantOf(ctx), query),
    }),
    defineRoute({
      method: 'get',
      path: '/api/v1/channels/:id/templates',
      access: 'inbox.use',
      summary: "A number's approved message templates, for the composer's picker",
      tags: ['inbox'],
      params: ChannelIdParam,
      response: z.object({ items: z.array(TemplateSchema) }),
      handler: async ({ ctx, params }) => messages.templates(tenantOf(ctx), params.id),
    }),
  ];
}
