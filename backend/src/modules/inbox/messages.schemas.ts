import { z } from 'zod';

const Id = z.coerce.number().int().positive('Must be a positive id.');
const Text = (max: number) => z.string().trim().min(1, 'Must not be empty.').max(max, `At most ${max} characters.`);

const Common = {
  /** The composer's idempotency key: the same key in the same conversation never sends twice. */
  clientRef: z
    .string()
    .min(1)
    .max(64)
    .regex(/^[\x21-\x7e]+$/, 'Printable ASCII without spaces.')
    .optional(),
  /** The newest message the composer had seen (for the reply-collision warning). */
  afterMessageId: Id.optional(),
  /** Send even though a colleague replied in the meantime. */
  force: z.boolean().optional(),
  /** Quote this message of the conversation (WhatsApp reply context). */
  replyToMessageId: Id.optional(),
};

const TextBody = z.object({ type: z.literal('text'), text: Text(4096), ...Common });
const NoteBody = z.object({
  type: z.literal('note'),
  text: Text(4096),
  mentions: z.array(Id).max(50).optional(),
  ...Common,
});
const mediaBody = <T extends 'image' | 'video' | 'audio' | 'document' | 'sticker'>(type: T, caption: boolean) =>
  z.object({
    type: z.literal(type),
    /** A blob id from POST /media. */
    mediaId: Id,
    ...(caption ? { caption: z.string().trim().max(1024, 'At most 1024 characters.').optional() } : {}),
    ...Common,
  });

const Param = z.string().min(1, 'Must not be empty.').max(1024);
const TemplateBody = z.object({
  type: z.literal('template'),
  template: z.object({
    name: z
      .string()
      .min(1)
      .max(512)
      .regex(/^[a-z0-9_]+$/, 'Lowercase letters, digits and underscores.'),
    language: z
      .string()
      .min(2)
      .max(15)
      .regex(/^[A-Za-z]{2,3}(_[A-Za-z]{2,4})?$/, 'A language code such as en or en_US.'),
    headerMediaId: Id.optional(),
    headerParams: z.array(Param).max(10).optional(),
    bodyParams: z.array(Param).max(100).optional(),
    /** By button position; an empty string leaves that button without a parameter. */
    buttonParams: z.array(z.string().max(2000)).max(10).optional(),
  }),
  ...Common,
});

const Buttons = z.object({
  kind: z.literal('buttons'),
  header: z.string().trim().min(1).max(60).optional(),
  body: Text(1024),
  footer: z.string().trim().min(1).max(60).optional(),
  buttons: z
    .array(
      z.object({
        id: z.string().min(1).max(256),
        title: z.string().trim().min(1).max(20, 'Button titles: at most 20 characters.'),
      }),
    )
    .min(1, 'At least one button.')
    .max(3, 'At most 3 buttons.'),
});
const List = z
  .object({
    kind: z.literal('list'),
    header: z.string().trim().min(1).max(60).optional(),
    body: Text(4096),
    footer: z.string().trim().min(1).max(60).optional(),
    button: z.string().trim().min(1).max(20, 'The list button label: at most 20 characters.'),
    sections: z
      .array(
        z.object({
          title: z.string().trim().min(1).max(24).optional(),
          rows: z
            .array(
              z.object({
                id: z.string().min(1).max(200),
                title: z.string().trim().min(1).max(24, 'Row titles: at most 24 characters.'),
                description: z.string().trim().min(1).max(72).optional(),
              }),
            )
            .min(1),
        }),
      )
      .min(1)
      .max(10),
  })
  .superRefine((v, ctx) => {
    const rows = v.sections.flatMap((s) => s.rows);
    if (rows.length > 10) ctx.addIssue({ code: 'custom', path: ['sections'], message: 'At most 10 rows in all sections.' });
    if (new Set(rows.map((r) => r.id)).size !== rows.length)
      ctx.addIssue({ code: 'custom', path: ['sections'], message: 'Row ids must be unique.' });
    if (v.sections.length > 1 && v.sections.some((s) => !s.title))
      ctx.addIssue({ code: 'custom', path: ['sections'], message: 'With several sections, each needs a title.' });
  });
const InteractiveBody = z.object({
  type: z.literal('interactive'),
  interactive: z.discriminatedUnion('kind', [Buttons, List]),
  ...Common,
});
const ReactionBody = z.object({
  type: z.literal('reaction'),
  /** The message of this conversation to react to. */
  messageId: Id,
  /** One emoji; an empty string removes the reaction. */
  emoji: z.string().max(32),
  ...Common,
});

export const SendMessageBody = z.discriminatedUnion('type', [
  TextBody,
  NoteBody,
  mediaBody('image', true),
  mediaBody('video', true),
  mediaBody('audio', false),
  mediaBody('document', true),
  mediaBody('sticker', false),
  TemplateBody,
  InteractiveBody,
  ReactionBody,
]);
export type SendMessageInput = z.infer<typeof SendMessageBody>;
export type TemplateInput = z.infer<typeof TemplateBody>['template'];
export type InteractiveInput = z.infer<typeof InteractiveBody>['interactive'];

export const MessageIdParam = z.object({ id: Id });
export const ChannelIdParam = z.object({ id: Id });

export const SearchQuery = z.object({
  q: z
    .string()
    .trim()
    .min(2, 'Search for at least 2 characters.')
    .max(100, 'At most 100 characters.')
    // eslint-disable-next-line no-control-regex
    .regex(/^[^\u0000-\u001f\u007f]*$/, 'Control characters are not allowed.'),
  limit: z.coerce.number().int().min(1).max(50).default(20),
});

export const MessageSchema = z.object({
  id: z.number(),
  wamid: z.string().nullable(),
  direction: z.enum(['in', 'out']),
  type: z.string(),
  status: z.string(),
  statusAt: z.string().nullable(),
  error: z.object({ code: z.number().nullable(), reason: z.string(), hint: z.string().nullable() }).nullable(),
  occurredAt: z.string(),
  content: z.record(z.string(), z.unknown()),
  text: z.string().nullable(),
  note: z.boolean(),
  sender: z.object({ id: z.number(), name: z.string() }).nullable(),
  replyTo: z.object({ id: z.number().nullable(), wamid: z.string(), text: z.string().nullable() }).nullable(),
  media: z
    .object({
      id: z.number().nullable(),
      mime: z.string().nullable(),
      size: z.number().nullable(),
      filename: z.string().nullable(),
      state: z.enum(['pending', 'stored', 'failed']),
      url: z.string().nullable(),
      error: z.string().nullable(),
    })
    .nullable(),
  clientRef: z.string().nullable(),
  campaign: z
    .object({ id: z.number().int(), name: z.string() })
    .nullable()
    .describe('The campaign this message went out in; it joins the thread when the customer replies.'),
});

export const TemplateSchema = z.object({
  name: z.string(),
  language: z.string(),
  category: z.string(),
  status: z.string(),
  parameterFormat: z.string().nullable(),
  components: z.array(z.record(z.string(), z.unknown())),
});
