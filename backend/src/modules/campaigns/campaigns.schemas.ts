// Request and response shapes of the campaigns API: a campaign (template, per-recipient variables,
// audience, quiet hours, pace), launching it now or at a wall time in a time zone, its preview, its
// statistics and recipients, rendering a message for one contact, and the variable sources a builder
// offers. The TypeScript shapes live in campaigns.types.ts; the checks at the end keep both in step.
import { z } from 'zod';
import { idParam } from '../../http/params.ts';
import { SegmentDefinitionSchema } from '../contacts/segments.schemas.ts';
import { CAMPAIGN_STATUSES, RECIPIENT_STATES, SKIP_REASONS } from './campaigns.models.ts';
import type {
  CampaignAudience,
  CampaignInput,
  CampaignPreview,
  CampaignStats,
  CampaignVariables,
  CampaignView,
  LaunchInput,
  QuietHours,
  RecipientView,
  RenderedMessage,
  RenderInput,
  VariableSource,
} from './campaigns.types.ts';
import type { VariableSourceItem } from './campaigns.service.ts';

export const MAX_AUDIENCE_ENTRIES = 100_000;

const NoControl = /^\P{Cc}*$/u;
/** An id in a JSON body (a number, not a numeric string). */
const BodyId = (what: string) =>
  z
    .number({ error: `${what} is a number.` })
    .int(`${what} must be a whole number.`)
    .positive(`${what} must be a positive id.`)
    .max(2_147_483_647, `${what} is too large.`);

export const CampaignIdParam = z.object({ id: idParam('The campaign id') });

// ---------------------------------------------------------------------------------------------------
// The campaign

const CampaignName = z
  .string({ error: 'Give the campaign a name.' })
  .trim()
  .min(1, 'Give the campaign a name.')
  .max(120, 'Campaign names have at most 120 characters.')
  .regex(NoControl, 'Remove control characters from the name.');

export const TemplateRef = z.object(
  {
    name: z
      .string({ error: 'Name the template.' })
      .min(1, 'Name the template.')
      .max(512, 'Template names have at most 512 characters.')
      .regex(/^[a-z0-9_]+$/, 'Template names are lowercase letters, digits and underscores.'),
    language: z
      .string({ error: "Give the template's language, e.g. en_US." })
      .min(2, "Give the template's language, e.g. en_US.")
      .max(16, 'Language codes have at most 16 characters.')
      .regex(/^[A-Za-z]{2,3}([_-][A-Za-z0-9]{1,8})*$/, 'Give a language code such as en, en_US or pt_BR.'),
  },
  { error: 'template is an object {name, language}.' },
);

const Fallback = z
  .string({ error: 'A fallback is text.' })
  .max(200, 'Fallbacks have at most 200 characters.')
  .regex(NoControl, 'Remove control characters from the fallback.');

export const VariableSourceSchema = z.discriminatedUnion(
  'source',
  [
    z.object({
      source: z.literal('field'),
      field: z.enum(['name', 'first_name', 'phone', 'email'], {
        error: 'field is one of name, first_name, phone, email.',
      }),
      fallback: Fallback.optional(),
    }),
    z.object({
      source: z.literal('attribute'),
      key: z
        .string({ error: 'Name the attribute by its key.' })
        .min(1, 'Name the attribute by its key.')
        .max(64, 'Attribute keys have at most 64 characters.')
        .regex(/^[a-z][a-z0-9_]*$/, 'Attribute keys are lower_snake_case, e.g. shoe_size.'),
      fallback: Fallback.optional(),
    }),
    z.object({
      source: z.literal('text'),
      value: z
        .string({ error: 'A text variable needs its value.' })
        .min(1, 'A text variable needs its value.')
        .max(1024, 'Text values have at most 1024 characters.'),
    }),
  ],
  { error: 'Each variable has a source: field, attribute or text.' },
);

export const CampaignVariablesSchema = z.object(
  {
    header: z.array(VariableSourceSchema).max(1, 'A header has at most one variable.').optional(),
    body: z.array(VariableSourceSchema).max(100, 'A body has at most 100 variables.').optional(),
    buttons: z.array(VariableSourceSchema.nullable()).max(10, 'A template has at most 10 buttons.').optional(),
  },
  { error: 'variables is an object {header, body, buttons}.' },
);

export const CampaignAudienceSchema = z.discriminatedUnion(
  'type',
  [
    z.object({ type: z.literal('segment'), segmentId: BodyId('segmentId') }),
    z.object({ type: z.literal('filter'), definition: SegmentDefinitionSchema }),
    z.object({
      type: z.literal('contacts'),
      contactIds: z
        .array(BodyId('Each contact id'), { error: 'contactIds is a list of contact ids.' })
        .min(1, 'Pick at least one contact.')
        .max(MAX_AUDIENCE_ENTRIES, 'An audience lists at most 100,000 contacts.'),
    }),
    z.object({
      type: z.literal('phones'),
      phones: z
        .array(
          z
            .string({ error: 'Phone numbers are text, e.g. +4915112345678.' })
            .max(40, 'A phone number has at most 40 characters.'),
          { error: 'phones is a list of phone numbers.' },
        )
        .min(1, 'List at least one phone number.')
        .max(MAX_AUDIENCE_ENTRIES, 'An audience lists at most 100,000 phone numbers.'),
    }),
  ],
  { error: 'The audience type is one of segment, filter, contacts or phones.' },
);

const Clock = z
  .string({ error: 'Give a time as HH:MM (24 h).' })
  .regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'Give a time as HH:MM (24 h), e.g. 21:00.');
export const QuietHoursSchema = z
  .object({ start: Clock, end: Clock }, { error: 'quietHours is an object {start, end} or null.' })
  .refine((q) => q.start !== q.end, { message: 'Quiet hours start and end at different times.', path: ['end'] });

const Rate = z
  .number({ error: 'ratePerSecond is a number of messages per second.' })
  .int('ratePerSecond is a whole number.')
  .min(1, 'Send at least 1 message per second.')
  .max(1000, 'Send at most 1000 messages per second.');

const campaignFields = {
  name: CampaignName,
  channelId: BodyId('channelId'),
  template: TemplateRef,
  variables: CampaignVariablesSchema.optional(),
  headerMediaId: BodyId('headerMediaId').nullable().optional(),
  audience: CampaignAudienceSchema,
  quietHours: QuietHoursSchema.nullable().optional(),
  ratePerSecond: Rate.nullable().optional(),
};

export const CampaignBody = z.object(campaignFields);
export const CampaignUpdateBody = z
  .object(campaignFields)
  .partial()
  .refine((b) => Object.values(b).some((v) => v !== undefined), 'Change at least one field.');

export const LaunchBody = z.discriminatedUnion(
  'when',
  [
    z.object({ when: z.literal('now') }),
    z.object({
      when: z.literal('schedule'),
      at: z
        .string({ error: 'Give at: a wall time as YYYY-MM-DDTHH:MM.' })
        .regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?$/, 'Give at as a wall time YYYY-MM-DDTHH:MM (no offset).'),
      timezone: z
        .string({ error: 'Give the time zone, e.g. Europe/Berlin.' })
        .min(1, 'Give the time zone, e.g. Europe/Berlin.')
        .max(64, 'Time zones have at most 64 characters.')
        .regex(NoControl, 'Remove control characters from the time zone.'),
    }),
  ],
  { error: 'when is now or schedule.' },
);

export const RenderBody = z.object({
  channelId: BodyId('channelId'),
  template: TemplateRef,
  variables: CampaignVariablesSchema.optional(),
  headerMediaId: BodyId('headerMediaId').nullable().optional(),
  contactId: BodyId('contactId').nullable().optional(),
});

const Cursor = z
  .string()
  .max(200)
  .regex(/^[A-Za-z0-9_-]+$/, 'Use the nextCursor value from the previous page.');

export const CampaignListQuery = z.object({
  status: z.enum(CAMPAIGN_STATUSES, { error: `status is one of: ${CAMPAIGN_STATUSES.join(', ')}.` }).optional(),
  cursor: Cursor.optional(),
  limit: z.coerce.number().int().min(1).max(100).default(25),
});
export type CampaignListQuery = z.infer<typeof CampaignListQuery>;

export const RecipientListQuery = z.object({
  state: z.enum(RECIPIENT_STATES, { error: `state is one of: ${RECIPIENT_STATES.join(', ')}.` }).optional(),
  cursor: Cursor.optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});
export type RecipientListQuery = z.infer<typeof RecipientListQuery>;

// ---------------------------------------------------------------------------------------------------
// Responses

export const CampaignStatsSchema = z.object({
  total: z.number(),
  queued: z.number(),
  reconciling: z.number(),
  skipped: z.number(),
  sent: z.number(),
  delivered: z.number(),
  read: z.number(),
  replied: z.number(),
  failed: z.number(),
  cancelled: z.number(),
  failedByReason: z.array(z.object({ code: z.number().nullable(), reason: z.string(), count: z.number() })),
  skippedByReason: z.array(z.object({ reason: z.enum(SKIP_REASONS), count: z.number() })),
  cost: z.object({ currency: z.string(), amountMicros: z.number() }),
  progress: z.number(),
  timeline: z.array(z.object({ at: z.string(), sent: z.number(), failed: z.number() })),
});

export const CampaignViewSchema = z.object({
  id: z.number(),
  name: z.string(),
  status: z.enum(CAMPAIGN_STATUSES),
  channelId: z.number(),
  template: z.object({ name: z.string(), language: z.string(), category: z.string() }),
  variables: CampaignVariablesSchema,
  headerMediaId: z.number().nullable(),
  audience: CampaignAudienceSchema,
  scheduledAt: z.string().nullable(),
  timezone: z.string(),
  quietHours: z.object({ start: z.string(), end: z.string() }).nullable(),
  ratePerSecond: z.number().nullable(),
  effectiveRatePerSecond: z.number(),
  stopCode: z.number().nullable(),
  stopReason: z.string().nullable(),
  createdAt: z.string(),
  startedAt: z.string().nullable(),
  completedAt: z.string().nullable(),
  stats: CampaignStatsSchema,
});
export const CampaignListSchema = z.object({ items: z.array(CampaignViewSchema), nextCursor: z.string().nullable() });

export const CampaignPreviewSchema = z.object({
  category: z.string(),
  audience: z.number(),
  eligible: z.number(),
  excluded: z.object({ optedOut: z.number(), invalid: z.number(), noPhone: z.number(), duplicate: z.number() }),
  cost: z.object({
    currency: z.string(),
    totalMicros: z.number(),
    lines: z.array(
      z.object({
        country: z.string(),
        category: z.string(),
        count: z.number(),
        unitMicros: z.number(),
        totalMicros: z.number(),
      }),
    ),
  }),
  balance: z.object({
    currency: z.string(),
    beforeMicros: z.number(),
    afterMicros: z.number(),
    sufficient: z.boolean(),
  }),
});

export const RecipientViewSchema = z.object({
  id: z.number(),
  contactId: z.number().nullable(),
  phone: z.string(),
  state: z.enum(RECIPIENT_STATES),
  skipReason: z.enum(SKIP_REASONS).nullable(),
  attempts: z.number(),
  wamid: z.string().nullable(),
  sentAt: z.string().nullable(),
  deliveredAt: z.string().nullable(),
  readAt: z.string().nullable(),
  repliedAt: z.string().nullable(),
  failedAt: z.string().nullable(),
  errorCode: z.number().nullable(),
  errorReason: z.string().nullable(),
  priceMicros: z.number().nullable(),
});
export const RecipientListSchema = z.object({ items: z.array(RecipientViewSchema), nextCursor: z.string().nullable() });

export const RenderedMessageSchema = z.object({
  header: z
    .object({
      type: z.enum(['text', 'image', 'video', 'document', 'location']),
      text: z.string().optional(),
      mediaUrl: z.string().optional(),
    })
    .nullable(),
  body: z.string(),
  footer: z.string().nullable(),
  buttons: z.array(z.object({ type: z.string(), text: z.string() })),
  fallbacks: z.array(z.string()),
});

export const VariableSourceItemSchema = z.object({
  key: z.string(),
  label: z.string(),
  source: z.enum(['field', 'attribute']),
  type: z.string(),
});
export const VariableSourcesSchema = z.object({ items: z.array(VariableSourceItemSchema) });

// ---------------------------------------------------------------------------------------------------
// Compile-time checks: each schema and its TypeScript shape accept the same values, both ways.

type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
type Check<T extends true> = T;
export type _SchemasMatchTypes = [
  Check<Same<z.infer<typeof VariableSourceSchema>, VariableSource>>,
  Check<Same<z.infer<typeof CampaignVariablesSchema>, CampaignVariables>>,
  Check<Same<z.infer<typeof CampaignAudienceSchema>, CampaignAudience>>,
  Check<Same<z.infer<typeof QuietHoursSchema>, QuietHours>>,
  Check<Same<z.infer<typeof CampaignBody>, CampaignInput>>,
  Check<Same<z.infer<typeof CampaignUpdateBody>, Partial<CampaignInput>>>,
  Check<Same<z.infer<typeof LaunchBody>, LaunchInput>>,
  Check<Same<z.infer<typeof RenderBody>, RenderInput>>,
  Check<Same<z.infer<typeof CampaignStatsSchema>, CampaignStats>>,
  Check<Same<z.infer<typeof CampaignViewSchema>, CampaignView>>,
  Check<Same<z.infer<typeof CampaignPreviewSchema>, CampaignPreview>>,
  Check<Same<z.infer<typeof RecipientViewSchema>, RecipientView>>,
  Check<Same<z.infer<typeof RenderedMessageSchema>, RenderedMessage>>,
  Check<Same<z.infer<typeof VariableSourceItemSchema>, VariableSourceItem>>,
];
