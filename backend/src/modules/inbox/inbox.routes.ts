import { z } from 'zod';
import { defineRoute, tenantOf, type RouteDef } from '../../http/route.ts';
import type { InboxService } from './inbox.service.ts';
import {
  ConversationIdParam,
  ConversationListQuery,
  ConversationSchema,
  MessageListQuery,
  MessageSchema,
} from './inbox.schemas.ts';

export function inboxRoutes(inbox: InboxService): RouteDef[] {
  return [
    defineRoute({
      method: 'get',
      path: '/api/v1/conversations',
      access: 'inbox.use',
      summary: 'Conversations, most recent activity first; filter by status, unread, window, number; keyset pages',
      tags: ['inbox'],
      query: ConversationListQuery,
      response: z.object({ items: z.array(ConversationSchema), nextCursor: z.string().nullable() }),
      handler: async ({ ctx, query }) => inbox.list(tenantOf(ctx), query),
    }),
    defineRoute({
      method: 'get',
      path: '/api/v1/conversations/:id',
      access: 'inbox.use',
      summary: 'One conversation, with its customer service window',
      tags: ['inbox'],
      params: ConversationIdParam,
      response: ConversationSchema,
      handler: async ({ ctx, params }) => inbox.get(tenantOf(ctx), params.id),
    }),
    defineRoute({
      method: 'get',
      path: '/api/v1/conversations/:id/messages',
      access: 'inbox.use',
      summary: "A conversation's messages, newest first; `before` pages back through history",
      tags: ['inbox'],
      params: ConversationIdParam,
      query: MessageListQuery,
      response: z.object({ items: z.array(MessageSchema), nextCursor: z.string().nullable() }),
      handler: async ({ ctx, params, query }) => inbox.messages(tenantOf(ctx), params.id, query),
    }),
    defineRoute({
      method: 'post',
      path: '/api/v1/conversations/:id/read',
      access: 'inbox.use',
      summary: 'Mark a conversation read (unread count back to zero)',
      tags: ['inbox'],
      params: ConversationIdParam,
      response: ConversationSchema,
      handler: async ({ ctx, params }) => inbox.markRead(tenantOf(ctx), params.id),
    }),
  ];
}
