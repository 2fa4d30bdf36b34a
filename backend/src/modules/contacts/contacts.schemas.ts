// Request and response shapes of the contacts API: a contact, its tags, attribute values and notes,
// the tenant's attribute definitions and tags, merging duplicates, and a contact's conversations.
import { z } from 'zod';
import { idParam } from '../../http/params.ts';
import { CONVERSATION_STATUSES } from '../inbox/conversation.model.ts';
import { ATTRIBUTE_TYPES } from './contacts.models.ts';

const Id = idParam;

export const ContactIdParam = z.object({ id: Id('The contact id') });
export const AttributeIdParam = z.object({ id: Id('The attribute id') });
export const ContactTagParam = z.object({
  id: Id('The contact id'),
  tag: z.string().trim().min(1, 'Name the tag to remove.').max(64, 'Tag names are at most 64 characters.'),
});

/** Tag names: trimmed, 1–64 characters; an existing tag is reused whatever its case. */
export const TagName = z
  .string({ error: 'Tags are strings.' })
  .trim()
  .min(1, 'A tag needs a name.')
  .max(64, 'Tag names are at most 64 characters.');
const TagList = z.array(TagName).max(100, 'Add at most 100 tags at once.');

const Name = z
  .string()
  .trim()
  .max(255, 'Names are at most 255 characters.')
  .transform((s) => s || null)
  .nullable();
const EmailFormat = z.email();
const Email = z
  .string()
  .trim()
  .max(255, 'Email addresses are at most 255 characters.')
  .refine((s) => s === '' || EmailFormat.safeParse(s).success, 'Give a valid email address, e.g. ana@example.com.')
  .transform((s) => s.toLowerCase() || null)
  .nullable();
const Phone = z.string({ error: 'Give the phone number as text, e.g. +4915112345678.' }).max(40, 'The phone number is too long.');
const Bsuid = z.string().trim().min(1).max(64, 'A BSUID is at most 64 characters.');
const Country = z
  .string()
  .trim()
  .regex(/^[A-Za-z]{2}$/, 'defaultCountry is a two-letter country code, e.g. DE.')
  .transform((s) => s.toUpperCase());
/** Values arrive as JSON scalars; each is read against its attribute's type by `coerceAttribute`. */
const AttributeInput = z.union([z.string().max(1000), z.number(), z.boolean(), z.null()], {
  error: 'Attribute values are text, numbers, true/false or null.',
});
const Attributes = z.record(z.string().max(64), AttributeInput).refine((r) => Object.keys(r).length <= 100, {
  message: 'Set at most 100 attributes at once.',
});

export const CreateContactBody = z
  .object({
    phone: Phone.optional(),
    bsuid: Bsuid.optional(),
    name: Name.optional(),
    email: Email.optional(),
    tags: TagList.optional(),
    attributes: Attributes.optional(),
    defaultCountry: Country.optional(),
  })
  .refine((b) => (b.phone !== undefined && b.phone.trim() !== '') || b.bsuid !== undefined, {
    message: 'Give the contact a phone number (or a WhatsApp BSUID).',
    path: ['phone'],
  });
export type CreateContactInput = z.infer<typeof CreateContactBody>;

export const UpdateContactBody = z
  .object({
    name: Name.optional(),
    email: Email.optional(),
    phone: Phone.nullable().optional(),
    attributes: Attributes.optional(),
    defaultCountry: Country.optional(),
  })
  .refine((b) => b.name !== undefined || b.email !== undefined || b.phone !== undefined || b.attributes !== undefined, {
    message: 'Send at least one of name, email, phone or attributes.',
  });
export type UpdateContactInput = z.infer<typeof UpdateContactBody>;

export const AddTagsBody = z.object({ tags: TagList.min(1, 'Send at least one tag.') });

export const TagSchema = z.object({ id: z.number(), name: z.string(), contacts: z.number() });

// ---------------------------------------------------------------------------------------------------
// Attribute definitions

const AttributeKey = z
  .string()
  .trim()
  .min(1, 'Give the attribute a key.')
  .max(64, 'Attribute keys are at most 64 characters.')
  .regex(/^[a-z][a-z0-9_]*$/, 'Keys are lower_snake_case: a letter, then letters, digits and underscores (e.g. shoe_size).');
const Label = z.string().trim().min(1, 'Give the attribute a label.').max(100, 'Labels are at most 100 characters.');
const Options = z
  .array(z.string().trim().min(1, 'List options cannot be empty.').max(255, 'List options are at most 255 characters.'))
  .min(1, 'A list attribute needs at least one option.')
  .max(200, 'A list attribute has at most 200 options.')
  .refine((o) => new Set(o.map((s) => s.toLowerCase())).size === o.length, { message: 'List options must be unique.' });

export const CreateAttributeBody = z
  .object({
    key: AttributeKey,
    label: Label,
    type: z.enum(ATTRIBUTE_TYPES, { error: `type is one of ${ATTRIBUTE_TYPES.join(', ')}.` }),
    options: Options.nullable().optional(),
  })
  .refine((b) => b.type !== 'list' || (b.options && b.options.length > 0), {
    message: 'A list attribute needs its options.',
    path: ['options'],
  })
  .refine((b) => b.type === 'list' || !b.options, {
    message: 'Only list attributes have options.',
    path: ['options'],
  });
export type CreateAttributeInput = z.infer<typeof CreateAttributeBody>;

export const UpdateAttributeBody = z
  .object({
    label: Label.optional(),
    options: Options.optional(),
    // Accepted only to say clearly that it cannot change.
    type: z.enum(ATTRIBUTE_TYPES).optional(),
  })
  .refine((b) => b.label !== undefined || b.options !== undefined || b.type !== undefined, {
    message: 'Send a new label or options.',
  });
export type UpdateAttributeInput = z.infer<typeof UpdateAttributeBody>;

export const AttributeSchema = z.object({
  id: z.number(),
  key: z.string(),
  label: z.string(),
  type: z.enum(ATTRIBUTE_TYPES),
  options: z.array(z.string()).nullable(),
});

// ---------------------------------------------------------------------------------------------------
// Notes, merge, conversations

export const CreateNoteBody = z.object({
  body: z.string().trim().min(1, 'A note needs some text.').max(10_000, 'Notes are at most 10,000 characters.'),
});
export const NoteSchema = z.object({
  id: z.number(),
  body: z.string(),
  author: z.object({ id: z.number(), name: z.string() }).nullable(),
  createdAt: z.string(),
});

export const MergeBody = z.object({
  otherId: z
    .number({ error: 'Give otherId: the id of the duplicate to merge into this contact.' })
    .int()
    .positive()
    .max(2 ** 53 - 1),
});

export const ContactConversationSchema = z.object({
  id: z.number(),
  channelId: z.number(),
  status: z.enum(CONVERSATION_STATUSES),
  lastMessageAt: z.string(),
  preview: z.string().nullable(),
  unreadCount: z.number(),
});
