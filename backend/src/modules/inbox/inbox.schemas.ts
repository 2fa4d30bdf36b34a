import { z } from 'zod';
import { CONVERSATION_STATUSES } from './conversation.model.ts';
import { PRIORITIES } from './collaboration.models.ts';

const Cursor = z
  .string()
  .max(200)
  .regex(/^[A-Za-z0-9_-]+$/, 'Use the nextCursor value from the previous page.');

export const ConversationListQuery = z.object({
  status: z.enum(CONVERSATION_STATUSES).optional(),
  unread: z.enum(['true', 'false']).optional(),
  window: z.enum(['open', 'closed']).optional(),
  channel: z.coerce.number().int().positive().optional(),
  assignee: z
    .string()
    .regex(/^(me|none|[1-9][0-9]{0,9})$/, 'Use assignee=me, assignee=none or a user id.')
    .optional(),
  team: z
    .string()
    .regex(/^(none|[1-9][0-9]{0,9})$/, 'Use team=none or a team id.')
    .optional(),
  label: z.coerce.number().int().positive('Use a label id.').max(2_147_483_647).optional(),
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
  customer: z.object({
    waId: z.string().nullable(),
    userId: z.string().nullable(),
    name: z.string().nullable().describe("The linked contact's name in the CRM, else the WhatsApp profile name."),
    profileName: z.string().nullable().describe('The name the customer set on WhatsApp.'),
  }),
  status: z.enum(CONVERSATION_STATUSES),
  priority: z.enum(PRIORITIES),
  assignee: z.object({ id: z.number(), name: z.string().nullable() }).nullable(),
  team: z.object({ id: z.number(), name: z.string().nullable() }).nullable(),
  labels: z.array(z.object({ id: z.number(), name: z.string(), color: z.string() })),
  snoozedUntil: z.string().nullable(),
  unreadCount: z.number(),
  lastMessageAt: z.string(),
  preview: z.string().nullable(),
  window: z.object({ open: z.boolean(), expiresAt: z.string().nullable() }),
});

export { MessageSchema } from './messages.schemas.ts';
