// Segment definitions (the JSON a segment builder sends and a saved segment stores), the segments
// API and the contact list's query. Attribute conditions are checked again once the attribute's type
// is known (segments-sql.ts), because which operators and values fit depends on it.
import { z } from 'zod';
import { ATTRIBUTE_TYPES, CONSENT_STATES, CONTACT_SOURCES, type AttributeType } from './contacts.models.ts';

export const MAX_CONDITIONS = 20;

/** Operators of attribute conditions by the attribute's type. */
export const ATTRIBUTE_OPS = {
  text: ['eq', 'neq', 'contains', 'starts_with', 'in', 'is_set', 'is_not_set'],
  list: ['eq', 'neq', 'contains', 'starts_with', 'in', 'is_set', 'is_not_set'],
  number: ['eq', 'neq', 'gt', 'gte', 'lt', 'lte', 'between', 'is_set', 'is_not_set'],
  date: ['on', 'before', 'after', 'between', 'within_last_days', 'is_set', 'is_not_set'],
  boolean: ['is_true', 'is_false', 'is_set', 'is_not_set'],
} as const satisfies Record<AttributeType, readonly string[]>;
const ALL_ATTRIBUTE_OPS = [...new Set(ATTRIBUTE_TYPES.flatMap((t) => ATTRIBUTE_OPS[t]))] as [string, ...string[]];

const Days = z
  .number({ error: 'Give a whole number of days.' })
  .int('Give a whole number of days.')
  .min(1, 'Give at least 1 day.')
  .max(36_500, 'Give at most 36500 days.');
/** A day (YYYY-MM-DD) or an instant (ISO 8601 with a time). */
export const DateText = z
  .string({ error: 'Give a date as YYYY-MM-DD.' })
  .regex(
    /^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:?\d{2})?)?$/,
    'Give a date as YYYY-MM-DD (or an ISO 8601 date and time).',
  )
  .refine((s) => !Number.isNaN(new Date(s.length === 10 ? `${s}T00:00:00Z` : s).getTime()), 'Not a real date.');

const TagName = z.string().trim().min(1, 'Tag names are not empty.').max(64, 'Tag names have at most 64 characters.');

export const TagsCondition = z.object({
  field: z.literal('tags'),
  op: z.enum(['any', 'all', 'none'], { error: 'Tags conditions use op any, all or none.' }),
  tags: z.array(TagName).min(1, 'Name at least one tag.').max(50, 'Name at most 50 tags.'),
});
export const AttributeCondition = z.object({
  field: z.literal('attribute'),
  key: z.string({ error: 'Name the attribute by its key.' }).min(1, 'Name the attribute by its key.').max(64),
  op: z.enum(ALL_ATTRIBUTE_OPS, {
    error: `Attribute conditions use one of: ${ALL_ATTRIBUTE_OPS.join(', ')} (which ones depends on the attribute's type).`,
  }),
  /** Checked against the attribute's type when the definition is compiled. */
  value: z.unknown().optional(),
});
export const ConsentCondition = z.object({
  field: z.literal('consent'),
  op: z.enum(['is', 'is_not'], { error: 'Consent conditions use op is or is_not.' }),
  value: z.enum(CONSENT_STATES, { error: `Consent is one of: ${CONSENT_STATES.join(', ')}.` }),
});
export const LastSeenCondition = z
  .object({
    field: z.literal('last_seen'),
    op: z.enum(['within_last_days', 'not_within_last_days', 'never'], {
      error: 'last_seen conditions use op within_last_days, not_within_last_days or never.',
    }),
    value: Days.optional(),
  })
  .refine((c) => c.op === 'never' || c.value !== undefined, {
    message: 'Give value: the number of days.',
    path: ['value'],
  });
export const ConversationCondition = z.object({
  field: z.literal('conversation'),
  /** "Open" means not resolved: open, pending or snoozed. */
  op: z.enum(['has_open', 'has_none_open', 'has_any', 'has_none'], {
    error: 'Conversation conditions use op has_open, has_none_open, has_any or has_none.',
  }),
});
export const CreatedCondition = z
  .object({
    field: z.literal('created'),
    op: z.enum(['within_last_days', 'before', 'after'], {
      error: 'created conditions use op within_last_days, before or after.',
    }),
    value: z.union([Days, DateText], { error: 'Give value: a number of days, or a date as YYYY-MM-DD.' }),
  })
  .refine((c) => (c.op === 'within_last_days') === (typeof c.value === 'number'), {
    message: 'within_last_days takes a number of days; before and after take a date as YYYY-MM-DD.',
    path: ['value'],
  });
export const SourceCondition = z.object({
  field: z.literal('source'),
  op: z.literal('is', { error: 'Source conditions use op is.' }),
  value: z.enum(CONTACT_SOURCES, { error: `Source is one of: ${CONTACT_SOURCES.join(', ')}.` }),
});

const FIELDS = ['tags', 'attribute', 'consent', 'last_seen', 'conversation', 'created', 'source'] as const;

export const ConditionSchema = z.discriminatedUnion(
  'field',
  [
    TagsCondition,
    AttributeCondition,
    ConsentCondition,
    LastSeenCondition,
    ConversationCondition,
    CreatedCondition,
    SourceCondition,
  ],
  { error: `Each condition has a field: one of ${FIELDS.join(', ')}.` },
);
export type Condition = z.infer<typeof ConditionSchema>;

export const SegmentDefinitionSchema = z
  .object(
    {
      match: z.enum(['all', 'any'], { error: 'match is all or any.' }),
      conditions: z
        .array(ConditionSchema, { error: 'conditions is a list of conditions.' })
        .max(MAX_CONDITIONS, `A segment has at most ${MAX_CONDITIONS} conditions.`),
    },
    { error: 'A definition is an object {match, conditions}.' },
  )
  // No stored text holds a NUL, and the SQLite driver cannot bind one.
  .refine((d) => !JSON.stringify(d).includes('\\u0000'), 'Remove NUL characters from the definition.');
export type SegmentDefinition = z.infer<typeof SegmentDefinitionSchema>;

const Cursor = z
  .string()
  .max(200)
  .regex(/^[A-Za-z0-9_-]+$/, 'Use the nextCursor value from the previous page.');

const NoControl = /^\P{Cc}*$/u;
const Search = z
  .string()
  .max(100, 'Search for at most 100 characters.')
  .regex(NoControl, 'Remove control characters from the search.');

export const ContactListQuery = z.object({
  q: Search.optional(),
  segment: z.coerce.number().int().positive('Use a segment id.').max(2_147_483_647).optional(),
  filter: z.string().max(20_000, 'The filter is too long.').optional(),
  tag: z.string().max(64).regex(NoControl, 'Remove control characters from the tag.').optional(),
  consent: z.enum(CONSENT_STATES, { error: `consent is one of: ${CONSENT_STATES.join(', ')}.` }).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(25),
  cursor: Cursor.optional(),
});
export type ContactListQuery = z.infer<typeof ContactListQuery>;

export const ExportQuery = z.object({
  segment: z.coerce.number().int().positive('Use a segment id.').max(2_147_483_647).optional(),
  filter: z.string().max(20_000, 'The filter is too long.').optional(),
  q: Search.optional(),
  tag: z.string().max(64).regex(NoControl, 'Remove control characters from the tag.').optional(),
  consent: z.enum(CONSENT_STATES).optional(),
});
export type ExportQuery = z.infer<typeof ExportQuery>;

const SegmentName = z.string().trim().min(1, 'Give the segment a name.').max(100, 'Segment names have at most 100 characters.');

export const SegmentCreateBody = z.object({ name: SegmentName, definition: SegmentDefinitionSchema });
export const SegmentUpdateBody = z
  .object({ name: SegmentName.optional(), definition: SegmentDefinitionSchema.optional() })
  .refine((b) => b.name !== undefined || b.definition !== undefined, 'Change the name, the definition or both.');
export const SegmentCountBody = z.object({ definition: SegmentDefinitionSchema });
export const SegmentIdParam = z.object({ id: z.coerce.number().int().positive('Must be a positive id.').max(2_147_483_647) });
export const SegmentListQuery = z.object({ counts: z.enum(['true', 'false']).optional() });

export const SegmentSchema = z.object({
  id: z.number(),
  name: z.string(),
  definition: SegmentDefinitionSchema,
  createdAt: z.string(),
  updatedAt: z.string(),
  /** Present on a single segment, and in lists with ?counts=true; null when the definition no longer compiles. */
  count: z.number().nullable().optional(),
});
export type Segment = z.infer<typeof SegmentSchema>;
export const SegmentCountSchema = z.object({ count: z.number(), tookMs: z.number() });
