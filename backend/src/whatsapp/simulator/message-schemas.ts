// Request bodies of POST /{phone-number-id}/messages, one zod schema per message type, and the mapping
// from zod issues to Meta's codes: unknown key or wrong JSON type → 100, missing → 131008, bad value → 131009.
import { z } from 'zod';
import { graphError, type GraphError } from './errors.ts';

export const MESSAGE_TYPES = [
  'text',
  'image',
  'video',
  'audio',
  'document',
  'sticker',
  'location',
  'contacts',
  'reaction',
  'template',
  'interactive',
] as const;
export type MessageType = (typeof MESSAGE_TYPES)[number];
export const MEDIA_TYPES = ['image', 'video', 'audio', 'document', 'sticker'] as const;
export type MediaType = (typeof MEDIA_TYPES)[number];
export const INTERACTIVE_TYPES = [
  'button',
  'list',
  'cta_url',
  'product',
  'product_list',
  'catalog_message',
  'flow',
  'location_request_message',
] as const;

/** Carries a Meta code on custom issues so refinements can pick 131008/131009/100 themselves. */
function issue(ctx: z.RefinementCtx, code: number, message: string, path: (string | number)[]): void {
  ctx.addIssue({ code: 'custom', message, path, params: { metaCode: code } });
}

function isHttpUrl(value: string): boolean {
  try {
    const u = new URL(value);
    return u.protocol === 'http:' || u.protocol === 'https:';
  } catch {
    return false;
  }
}

const url = z.string().refine(isHttpUrl, { message: 'must be a valid http(s) URL' });

function mediaObject(opts: { caption: boolean; filename: boolean }) {
  const shape: Record<string, z.ZodType> = { id: z.string().min(1).optional(), link: url.optional() };
  if (opts.caption) shape.caption = z.string().max(1024).optional();
  if (opts.filename) shape.filename = z.string().max(240).optional();
  return z.strictObject(shape).superRefine((v, ctx) => {
    if (v.id === undefined && v.link === undefined) issue(ctx, 131008, 'requires one of id or link', []);
    if (v.id !== undefined && v.link !== undefined) issue(ctx, 131009, 'must contain exactly one of id or link', []);
  });
}

const coordinate = (max: number) =>
  z.union([z.number(), z.string()]).refine((v) => {
    const n = typeof v === 'number' ? v : Number(v);
    return v !== '' && Number.isFinite(n) && Math.abs(n) <= max;
  }, `must be a number between -${max} and ${max}`);

const location = z.strictObject({
  latitude: coordinate(90),
  longitude: coordinate(180),
  name: z.string().max(1000).optional(),
  address: z.string().max(1000).optional(),
});

const contactCard = z.looseObject({
  name: z.looseObject({ formatted_name: z.string().min(1) }),
  phones: z
    .array(z.looseObject({ phone: z.string().optional(), wa_id: z.string().optional(), type: z.string().optional() }))
    .optional(),
  emails: z.array(z.looseObject({ email: z.string() })).optional(),
  addresses: z.array(z.looseObject({})).optional(),
  org: z.looseObject({}).optional(),
  urls: z.array(z.looseObject({ url: z.string() })).optional(),
  birthday: z.string().optional(),
});

const templateParameter = z.looseObject({
  type: z.enum([
    'text',
    'currency',
    'date_time',
    'image',
    'video',
    'document',
    'location',
    'payload',
    'coupon_code',
    'action',
    'product',
  ]),
  parameter_name: z.string().optional(),
});

const templateComponent = z.looseObject({
  type: z.enum(['header', 'body', 'button', 'carousel', 'limited_time_offer']),
  sub_type: z.enum(['quick_reply', 'url', 'copy_code', 'flow', 'otp', 'catalog', 'mpm', 'voice_call']).optional(),
  index: z.union([z.string(), z.number()]).optional(),
  parameters: z.array(templateParameter).optional(),
});

const template = z.strictObject({
  name: z.string().min(1).max(512),
  language: z.strictObject({ code: z.string().min(2), policy: z.literal('deterministic').optional() }),
  components: z.array(templateComponent).optional(),
});

const interactiveHeader = z
  .strictObject({
    type: z.enum(['text', 'image', 'video', 'document']),
    text: z.string().min(1).max(60).optional(),
    image: mediaObject({ caption: false, filename: false }).optional(),
    video: mediaObject({ caption: false, filename: false }).optional(),
    document: mediaObject({ caption: false, filename: true }).optional(),
  })
  .superRefine((v, ctx) => {
    if (v[v.type] === undefined) issue(ctx, 131008, `requires ${v.type} for a ${v.type} header`, []);
  });
const body = z.strictObject({ text: z.string().min(1).max(1024) });
const footer = z.strictObject({ text: z.string().min(1).max(60) });

const replyButtons = z
  .strictObject({
    buttons: z
      .array(
        z.strictObject({
          type: z.literal('reply'),
          reply: z.strictObject({ id: z.string().min(1).max(256), title: z.string().min(1).max(20) }),
        }),
      )
      .min(1)
      .max(3),
  })
  .superRefine((v, ctx) => {
    const ids = v.buttons.map((b) => b.reply.id);
    const titles = v.buttons.map((b) => b.reply.title);
    if (new Set(ids).size !== ids.length || new Set(titles).size !== titles.length)
      issue(ctx, 131009, 'buttons must have unique ids and titles', ['buttons']);
  });

const listAction = z
  .strictObject({
    button: z.string().min(1).max(20),
    sections: z
      .array(
        z.strictObject({
          title: z.string().min(1).max(24).optional(),
          rows: z
            .array(
              z.strictObject({
                id: z.string().min(1).max(200),
                title: z.string().min(1).max(24),
                description: z.string().max(72).optional(),
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
    if (rows.length > 10) issue(ctx, 131009, 'must have at most 10 rows in total', ['sections']);
    if (new Set(rows.map((r) => r.id)).size !== rows.length) issue(ctx, 131009, 'rows must have unique ids', ['sections']);
    if (v.sections.length > 1 && v.sections.some((s) => !s.title))
      issue(ctx, 131008, 'requires a title on every section when there is more than one', ['sections']);
  });

const productListAction = z
  .strictObject({
    catalog_id: z.string().min(1),
    sections: z
      .array(
        z.strictObject({
          title: z.string().min(1).max(24),
          product_items: z.array(z.strictObject({ product_retailer_id: z.string().min(1) })).min(1),
        }),
      )
      .min(1)
      .max(10),
  })
  .superRefine((v, ctx) => {
    if (v.sections.flatMap((s) => s.product_items).length > 30)
      issue(ctx, 131009, 'must have at most 30 products in total', ['sections']);
  });

const flowAction = z.strictObject({
  name: z.literal('flow'),
  parameters: z
    .strictObject({
      flow_message_version: z.literal('3'),
      flow_id: z.string().min(1).optional(),
      flow_name: z.string().min(1).optional(),
      flow_token: z.string().optional(),
      flow_cta: z.string().min(1).max(30),
      mode: z.enum(['draft', 'published']).optional(),
      flow_action: z.enum(['navigate', 'data_exchange']).optional(),
      flow_action_payload: z.looseObject({ screen: z.string() }).optional(),
    })
    .superRefine((v, ctx) => {
      if ((v.flow_id === undefined) === (v.flow_name === undefined))
        issue(ctx, 131009, 'requires exactly one of flow_id or flow_name', []);
    }),
});

function interactiveSchema(type: string) {
  const common = { type: z.literal(type), footer: footer.optional() };
  switch (type) {
    case 'button':
      return z.strictObject({ ...common, header: interactiveHeader.optional(), body, action: replyButtons });
    case 'list':
      return z.strictObject({
        ...common,
        header: z.strictObject({ type: z.literal('text'), text: z.string().min(1).max(60) }).optional(),
        body,
        action: listAction,
      });
    case 'cta_url':
      return z.strictObject({
        ...common,
        header: interactiveHeader.optional(),
        body,
        action: z.strictObject({
          name: z.literal('cta_url'),
          parameters: z.strictObject({ display_text: z.string().min(1).max(20), url }),
        }),
      });
    case 'product':
      return z.strictObject({
        ...common,
        body: body.optional(),
        action: z.strictObject({ catalog_id: z.string().min(1), product_retailer_id: z.string().min(1) }),
      });
    case 'product_list':
      return z.strictObject({
        ...common,
        header: z.strictObject({ type: z.literal('text'), text: z.string().min(1).max(60) }),
        body,
        action: productListAction,
      });
    case 'catalog_message':
      return z.strictObject({
        ...common,
        body,
        action: z.strictObject({
          name: z.literal('catalog_message'),
          parameters: z.strictObject({ thumbnail_product_retailer_id: z.string().min(1).optional() }).optional(),
        }),
      });
    case 'flow':
      return z.strictObject({ ...common, header: interactiveHeader.optional(), body, action: flowAction });
    default:
      return z.strictObject({ ...common, body, action: z.strictObject({ name: z.literal('send_location') }) });
  }
}

function contentSchema(type: MessageType, interactiveType: string | undefined): z.ZodType {
  switch (type) {
    case 'text':
      return z.strictObject({ body: z.string().min(1).max(4096), preview_url: z.boolean().optional() });
    case 'image':
    case 'video':
      return mediaObject({ caption: true, filename: false });
    case 'document':
      return mediaObject({ caption: true, filename: true });
    case 'audio':
    case 'sticker':
      return mediaObject({ caption: false, filename: false });
    case 'location':
      return location;
    case 'contacts':
      return z.array(contactCard).min(1);
    case 'reaction':
      return z.strictObject({ message_id: z.string().min(1), emoji: z.string() });
    case 'template':
      return template;
    case 'interactive':
      return interactiveSchema(interactiveType ?? '');
  }
}

const ENVELOPE = {
  messaging_product: z.literal('whatsapp'),
  recipient_type: z.literal('individual').optional(),
  to: z.string().min(1),
  context: z.strictObject({ message_id: z.string().min(1) }).optional(),
  biz_opaque_callback_data: z.string().max(512).optional(),
  type: z.string().optional(),
};

/** Shapes of the content objects once validated (the schemas above guarantee them). */
export interface MediaContent {
  id?: string;
  link?: string;
  caption?: string;
  filename?: string;
}
export interface TextContent {
  body: string;
  preview_url?: boolean;
}
export interface LocationContent {
  latitude: number | string;
  longitude: number | string;
  name?: string;
  address?: string;
}
export interface ContactCard {
  name: { formatted_name: string };
}
export interface ReactionContent {
  message_id: string;
  emoji: string;
}
export interface TemplateSendParam {
  type: string;
  parameter_name?: string;
  [key: string]: unknown;
}
export interface TemplateSendComponent {
  type: string;
  sub_type?: string;
  index?: string | number;
  parameters?: TemplateSendParam[];
}
export interface TemplateContent {
  name: string;
  language: { code: string };
  components?: TemplateSendComponent[];
}
export interface InteractiveHeader {
  type: 'text' | 'image' | 'video' | 'document';
  text?: string;
  image?: MediaContent;
  video?: MediaContent;
  document?: MediaContent;
}
export interface InteractiveContent {
  type: string;
  header?: InteractiveHeader;
  body?: { text: string };
  footer?: { text: string };
  action: {
    buttons?: { reply: { id: string; title: string } }[];
    button?: string;
    sections?: {
      title?: string;
      rows?: { id: string; title: string; description?: string }[];
      product_items?: { product_retailer_id: string }[];
    }[];
    name?: string;
    parameters?: {
      display_text?: string;
      url?: string;
      flow_cta?: string;
      flow_token?: string;
      flow_id?: string;
      thumbnail_product_retailer_id?: string;
    };
    catalog_id?: string;
    product_retailer_id?: string;
  };
}

/** The media object of a non-text interactive header. */
export function headerMedia(header: InteractiveHeader | undefined): MediaContent | undefined {
  return header && header.type !== 'text' ? header[header.type] : undefined;
}

export interface ValidMessage {
  type: MessageType;
  to: string;
  /** One of the *Content shapes above, matching `type` (an array of ContactCard for contacts). */
  content: unknown;
  contextMessageId: string | null;
  bizOpaqueCallbackData: string | null;
}

function describePath(path: PropertyKey[]): string {
  if (path.length === 0) return 'message';
  const [head, ...rest] = path;
  return String(head) + rest.map((p) => (typeof p === 'number' ? `[${p}]` : `['${String(p)}']`)).join('');
}

const PRIORITY: Record<number, number> = { 100: 0, 131008: 1, 131009: 2 };

/** Turns the most telling zod issue into the error Graph would answer with. */
export function issuesToGraphError(issues: z.core.$ZodIssue[], prefix: PropertyKey[] = []): GraphError {
  const mapped = issues.map((i) => {
    const path = describePath([...prefix, ...i.path]);
    const input = (i as { input?: unknown }).input;
    switch (i.code) {
      case 'unrecognized_keys':
        return { code: 100, details: `Unexpected key "${i.keys[0]}" on param "${path}".` };
      case 'invalid_type':
        return input === undefined
          ? { code: 131008, details: `The parameter ${path} is required.` }
          : { code: 100, details: `Param ${path} must be a ${i.expected}.` };
      case 'too_big':
        return {
          code: 131009,
          details: `Param ${path} must be at most ${String(i.maximum)} ${i.origin === 'array' ? 'items' : 'characters long'}.`,
        };
      case 'too_small':
        return {
          code: 131009,
          details: `Param ${path} must be at least ${String(i.minimum)} ${i.origin === 'array' ? 'items' : 'characters long'}.`,
        };
      case 'invalid_value':
        return { code: 131009, details: `Param ${path} must be one of {${i.values.map(String).join(', ')}}.` };
      case 'custom': {
        const metaCode = (i.params as { metaCode?: number } | undefined)?.metaCode ?? 131009;
        return { code: metaCode, details: `Param ${path} ${i.message}.` };
      }
      default:
        return { code: 131009, details: `Param ${path} is not valid: ${i.message}.` };
    }
  });
  mapped.sort((a, b) => (PRIORITY[a.code] ?? 3) - (PRIORITY[b.code] ?? 3));
  return graphError(mapped[0].code, mapped[0].details);
}

/** Checks the envelope and the one content object that matches `type`; throws a GraphError. */
export function validateMessage(body: Record<string, unknown>): ValidMessage {
  const rawType = body.type ?? 'text';
  if (typeof rawType !== 'string') throw graphError(100, 'Param type must be a string.');
  if (!(MESSAGE_TYPES as readonly string[]).includes(rawType)) {
    throw graphError(131009, `Param type must be one of {${MESSAGE_TYPES.join(', ')}}.`);
  }
  const type = rawType as MessageType;
  let interactiveType: string | undefined;
  if (type === 'interactive') {
    const it = (body.interactive as { type?: unknown } | undefined)?.type;
    if (it === undefined && body.interactive !== undefined)
      throw graphError(131008, "The parameter interactive['type'] is required.");
    if (it !== undefined && !(INTERACTIVE_TYPES as readonly unknown[]).includes(it))
      throw graphError(131009, `Param interactive['type'] must be one of {${INTERACTIVE_TYPES.join(', ')}}.`);
    interactiveType = it as string | undefined;
  }
  const schema = z.strictObject({ ...ENVELOPE, [type]: contentSchema(type, interactiveType) });
  const parsed = schema.safeParse(body, { reportInput: true });
  if (!parsed.success) throw issuesToGraphError(parsed.error.issues);
  const v = parsed.data as Record<string, unknown>;
  return {
    type,
    to: v.to as string,
    content: v[type],
    contextMessageId: (v.context as { message_id: string } | undefined)?.message_id ?? null,
    bizOpaqueCallbackData: (v.biz_opaque_callback_data as string | undefined) ?? null,
  };
}

const markRead = z.strictObject({
  messaging_product: z.literal('whatsapp'),
  status: z.literal('read'),
  message_id: z.string().min(1),
  typing_indicator: z.strictObject({ type: z.literal('text') }).optional(),
});

export function validateMarkRead(body: Record<string, unknown>): { messageId: string; typing: boolean } {
  const parsed = markRead.safeParse(body, { reportInput: true });
  if (!parsed.success) throw issuesToGraphError(parsed.error.issues);
  return { messageId: parsed.data.message_id, typing: parsed.data.typing_indicator !== undefined };
}
