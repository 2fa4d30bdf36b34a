// Request and response shapes of the shared inbox's collaboration API: conversation state and
// assignment, labels, teams, canned responses, presence, agents, settings and notifications.
import { z } from 'zod';
import { AGENT_VISIBILITY, PRESENCE, PRIORITIES, TEAM_ASSIGNMENT } from './collaboration.models.ts';
import { CONVERSATION_STATUSES } from './conversation.model.ts';
import { ACTIVITY_KINDS } from './viewers.ts';

const Id = (what: string) =>
  z.coerce.number().int(`${what} must be a whole number.`).positive(`${what} must be a positive id.`).max(2_147_483_647);
const UserId = z.number().int('Use a user id.').positive('Use a user id.').max(2_147_483_647);

export const IdParam = z.object({ id: Id('The id') });
export const UserIdParam = z.object({ userId: Id('The user id') });

// ---------------------------------------------------------------------------------------------------
// Conversations

export const UpdateConversationBody = z
  .object({
    status: z.enum(CONVERSATION_STATUSES).optional(),
    snoozedUntil: z.iso
      .datetime({ offset: true, error: 'Give snoozedUntil as an ISO 8601 date and time, e.g. 2030-01-31T09:00:00Z.' })
      .nullable()
      .optional(),
    priority: z.enum(PRIORITIES).optional(),
  })
  .refine((b) => b.status !== undefined || b.snoozedUntil !== undefined || b.priority !== undefined, {
    message: 'Send at least one of status, snoozedUntil or priority.',
  });
export type UpdateConversationInput = z.infer<typeof UpdateConversationBody>;

export const AssignBody = z.object({
  assigneeUserId: z
    .number({ error: 'Give assigneeUserId: a user id, or null to unassign.' })
    .int('Use a user id.')
    .positive('Use a user id.')
    .max(2_147_483_647)
    .nullable(),
  teamId: z.number().int('Use a team id.').positive('Use a team id.').max(2_147_483_647).nullable().optional(),
});
export type AssignInput = z.infer<typeof AssignBody>;

export const ConversationLabelsBody = z.object({
  labelIds: z
    .array(z.number().int('Use label ids.').positive('Use label ids.').max(2_147_483_647))
    .max(50, 'A conversation can carry at most 50 labels.'),
});

export const ActivityBody = z.object({
  kind: z.enum(ACTIVITY_KINDS, { error: "kind is 'viewing', 'typing' or 'left'." }),
});
export const ViewersSchema = z.object({
  viewers: z.array(z.object({ userId: z.number(), name: z.string(), typing: z.boolean() })),
});

// ---------------------------------------------------------------------------------------------------
// Labels

const LabelName = z.string().trim().min(1, 'Give the label a name.').max(50, 'Label names are at most 50 characters.');
const Color = z
  .string()
  .trim()
  .regex(/^#[0-9a-fA-F]{6}$/, 'Give the colour as #rrggbb, e.g. #22c55e.')
  .transform((c) => c.toLowerCase());

export const CreateLabelBody = z.object({ name: LabelName, color: Color.optional() });
export const UpdateLabelBody = z
  .object({ name: LabelName.optional(), color: Color.optional() })
  .refine((b) => b.name !== undefined || b.color !== undefined, { message: 'Send a new name or color.' });
export const LabelSchema = z.object({ id: z.number(), name: z.string(), color: z.string() });

// ---------------------------------------------------------------------------------------------------
// Teams

const TeamName = z.string().trim().min(1, 'Give the team a name.').max(100, 'Team names are at most 100 characters.');
const MemberIds = z.array(UserId).max(500, 'A team can have at most 500 members.');
export const CreateTeamBody = z.object({
  name: TeamName,
  assignment: z.enum(TEAM_ASSIGNMENT, { error: "assignment is 'manual' or 'round_robin'." }).default('manual'),
  memberIds: MemberIds.default([]),
});
export const UpdateTeamBody = z
  .object({
    name: TeamName.optional(),
    assignment: z.enum(TEAM_ASSIGNMENT, { error: "assignment is 'manual' or 'round_robin'." }).optional(),
    memberIds: MemberIds.optional(),
  })
  .refine((b) => b.name !== undefined || b.assignment !== undefined || b.memberIds !== undefined, {
    message: 'Send a new name, assignment or memberIds.',
  });
export const TeamSchema = z.object({
  id: z.number(),
  name: z.string(),
  assignment: z.enum(TEAM_ASSIGNMENT),
  memberIds: z.array(z.number()),
});

// ---------------------------------------------------------------------------------------------------
// Canned responses

const Shortcode = z
  .string()
  .trim()
  .regex(/^[A-Za-z0-9_-]{1,50}$/, 'A shortcode is 1–50 letters, digits, - or _ (it is typed after a slash).')
  .transform((s) => s.toLowerCase());
const CannedTitle = z.string().trim().min(1, 'Give the response a title.').max(120, 'Titles are at most 120 characters.');
const CannedText = z.string().trim().min(1, 'Write the response text.').max(4096, 'WhatsApp texts are at most 4096 characters.');
export const CreateCannedBody = z.object({ shortcode: Shortcode, title: CannedTitle, body: CannedText });
export const UpdateCannedBody = z
  .object({ shortcode: Shortcode.optional(), title: CannedTitle.optional(), body: CannedText.optional() })
  .refine((b) => b.shortcode !== undefined || b.title !== undefined || b.body !== undefined, {
    message: 'Send a new shortcode, title or body.',
  });
export const CannedListQuery = z.object({ q: z.string().trim().max(100).optional() });
export const RenderCannedBody = z.object({
  conversationId: z.number().int('Use a conversation id.').positive('Use a conversation id.'),
  values: z.record(z.string().max(100), z.string().max(1024, 'Values are at most 1024 characters.')).optional(),
});
export const CannedSchema = z.object({
  id: z.number(),
  shortcode: z.string(),
  title: z.string(),
  body: z.string(),
  variables: z.array(z.string()),
});

// ---------------------------------------------------------------------------------------------------
// Presence, agents and settings

export const PresenceBody = z.object({
  status: z.enum(PRESENCE, { error: "status is 'online', 'away' or 'offline'." }),
});
export const CapacityBody = z.object({
  capacity: z
    .number({ error: 'Give capacity: a number, or null for no limit.' })
    .int('Capacity is a whole number.')
    .min(0, 'Capacity cannot be negative.')
    .max(1000, 'Capacity is at most 1000.')
    .nullable(),
});
export const AgentSchema = z.object({
  id: z.number(),
  name: z.string(),
  email: z.string(),
  role: z.string(),
  presence: z.enum(PRESENCE),
  capacity: z.number().nullable(),
  openCount: z.number(),
  teamIds: z.array(z.number()),
});
export const SettingsBody = z
  .object({
    agentVisibility: z
      .enum(AGENT_VISIBILITY, { error: "agentVisibility is 'all', 'mine_team_unassigned', 'mine_team' or 'mine'." })
      .optional(),
    autoAssign: z.boolean({ error: 'autoAssign is true or false.' }).optional(),
  })
  .refine((b) => b.agentVisibility !== undefined || b.autoAssign !== undefined, {
    message: 'Send agentVisibility or autoAssign.',
  });
export const SettingsSchema = z.object({ agentVisibility: z.enum(AGENT_VISIBILITY), autoAssign: z.boolean() });

// ---------------------------------------------------------------------------------------------------
// Notifications

export const NotificationListQuery = z.object({
  unread: z.enum(['true', 'false'], { error: 'unread is true or false.' }).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(50),
  before: z.coerce.number().int().positive().optional(),
});
export const ReadNotificationsBody = z.object({
  ids: z.array(z.number().int().positive()).max(500, 'Mark at most 500 at once (or send no ids for all).').optional(),
});
export const NotificationSchema = z.object({
  id: z.number(),
  kind: z.string(),
  conversationId: z.number().nullable(),
  messageId: z.number().nullable(),
  actor: z.object({ id: z.number(), name: z.string().nullable() }).nullable(),
  text: z.string().nullable(),
  readAt: z.string().nullable(),
  createdAt: z.string(),
});
