import { z } from 'zod';
import { CONVERSATION_STATUSES } from './conversation.model.ts';

const Cursor = z
  .string()
  .max(200)
  .regex(/^[A-Za-z0-9_-]+$/, 'Use the nextCursor value from the previous page.');

export const ConversationListQuery = z.object({
  status: z.enum(CONVERSATION_STATUSES).optional(),
  unread: z.enum(['true', 'false']).optional(),
  window: z.enum(['open', 'closed']).optional(),
  channel: z.coerce.number().int().positive().optional(),
  limit: z.coerce.number().int().min(1).max(100).default(25),
  cursor: Cursor.optional(),
});

export const MessageListQuery = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  before: Cursor.optional(),
});

export const ConversationIdParam = z.object({ id: z.coerce.number().int().positive('Must be a positive id.') });

export const ConversationSchema = z.object({
  id: z.number(),
  channelId: z.number(),
  customer: z.object({ waId: z.string().nullable(), userId: z.string().nullable(), name: z.string().nullable() }),
  status: z.enum(CONVERSATION_STATUSES),
  unreadCount: z.number(),
  lastMessageAt: z.string(),
  preview: z.string().nullable(),
  window: z.object({ open: z.boolean(), expiresAt: z.string().nullable() }),
});

export const MessageSchema = z.object({
  id: z.number(),
  wamid: z.string(),
  direction: z.enum(['in', 'out']),
  type: z.string(),
  status: z.string(),
  statusAt: z.string().nullable(),
  error: z.object({ code: z.number().nullable(), reason: z.string().nullable() }).nullable(),
  occurredAt: z.string(),
  content: z.record(z.string(), z.unknown()),
});
