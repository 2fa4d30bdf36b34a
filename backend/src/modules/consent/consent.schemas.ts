import { z } from 'zod';
import { idParam } from '../../http/params.ts';
import { CONSENT_ACTIONS } from './consent.models.ts';

const Id = idParam;

export const ContactIdParam = z.object({ id: Id('The contact id') });
export const AdminVerifyQuery = z.object({ tenant: Id('tenant') });

const Proof = z
  .object({
    url: z.string().trim().url('Must be a URL.').max(2048).optional(),
    note: z.string().trim().max(2000, 'At most 2000 characters.').optional(),
  })
  .catchall(z.union([z.string().max(2000), z.number(), z.boolean(), z.null()]))
  .refine((p) => Object.keys(p).length <= 20, 'At most 20 proof fields.');

export const RecordConsentBody = z.object({
  action: z.enum(CONSENT_ACTIONS, { message: 'Must be opt_in or opt_out.' }),
  /** How the consent was given; API-token callers are always recorded as 'api'. */
  source: z.enum(['agent', 'form'], { message: 'Must be agent or form.' }).optional(),
  proof: Proof.optional(),
});
export type RecordConsentInput = z.infer<typeof RecordConsentBody>;

const Language = z
  .string()
  .trim()
  .regex(/^[a-z]{2,3}([-_][A-Za-z]{2,4})?$/, 'A language code such as en, es, de or pt_BR.');
const Keywords = z
  .array(
    z.object({
      keyword: z.string().trim().min(1, 'A keyword must not be empty.').max(40, 'At most 40 characters.'),
      language: Language,
    }),
  )
  .max(100, 'At most 100 keywords.');
const Replies = z
  .record(Language, z.string().trim().min(1, 'A reply must not be empty.').max(1024, 'At most 1024 characters.'))
  .refine((r) => Object.keys(r).length <= 50, 'At most 50 languages.');

export const ConsentSettingsBody = z.object({
  optOutKeywords: Keywords.optional(),
  optInKeywords: Keywords.optional(),
  optOutReplies: Replies.optional(),
  optInReplies: Replies.optional(),
});
export type ConsentSettingsInput = z.infer<typeof ConsentSettingsBody>;

export const ConsentSettingsSchema = z.object({
  optOutKeywords: z.array(z.object({ keyword: z.string(), language: z.string() })),
  optInKeywords: z.array(z.object({ keyword: z.string(), language: z.string() })),
  optOutReplies: z.record(z.string(), z.string()),
  optInReplies: z.record(z.string(), z.string()),
  isDefault: z.boolean(),
});

export const ConsentEntrySchema = z.object({
  id: z.number(),
  seq: z.number(),
  contactId: z.number(),
  subject: z.string(),
  channel: z.string(),
  action: z.enum(CONSENT_ACTIONS),
  source: z.string(),
  proof: z.unknown(),
  actor: z.string(),
  occurredAt: z.string(),
  prevHash: z.string(),
  hash: z.string(),
  createdAt: z.string(),
});

export const ConsentHistorySchema = z.object({
  state: z.enum(['unknown', 'opted_in', 'opted_out']),
  changedAt: z.string().nullable(),
  items: z.array(ConsentEntrySchema),
});

export const VerifySchema = z.object({
  tenantId: z.number(),
  ok: z.boolean(),
  checked: z.number(),
  firstBroken: z.object({ seq: z.number(), id: z.number().nullable(), reason: z.string(), message: z.string() }).nullable(),
});
