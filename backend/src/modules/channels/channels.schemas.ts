import { z } from 'zod';

const GraphId = (what: string) =>
  z
    .string()
    .trim()
    .regex(/^\d{5,32}$/, `${what} is the numeric id from WhatsApp Manager (digits only).`);

export const ChannelIdParam = z.object({ id: z.coerce.number().int().positive('Must be a positive id.') });

export const ManualConnectBody = z
  .object({
    name: z.string().trim().min(1, 'Give the number a name your team will recognise.').max(120),
    phoneNumberId: GraphId('The phone number id'),
    wabaId: GraphId('The WhatsApp Business Account id'),
    accessToken: z.string().trim().min(20, 'Paste the full access token (a system-user token).').max(1024),
    /** Only when the tenant brings its own Meta app (its webhooks then come to this channel's URL). */
    appId: GraphId('The app id').optional(),
    appSecret: z.string().trim().min(16, 'Paste the app secret (App Dashboard → Settings → Basic).').max(256).optional(),
  })
  .refine((b) => Boolean(b.appId) === Boolean(b.appSecret), {
    message: 'Give both the app id and the app secret, or neither.',
    path: ['appSecret'],
  });

export const EmbeddedSignupBody = z.object({
  code: z.string().trim().min(4, 'The sign-up code is missing.').max(2048),
  phoneNumberId: GraphId('The phone number id'),
  wabaId: GraphId('The WhatsApp Business Account id'),
  name: z.string().trim().max(120).optional(),
});

export const TestMessageBody = z.object({
  to: z
    .string()
    .trim()
    .transform((s) => s.replace(/[\s()+-]/g, ''))
    .pipe(z.string().regex(/^\d{6,15}$/, 'Enter the phone number with its country code, e.g. +44 7700 900123.')),
  text: z.string().trim().min(1, 'Type a message.').max(4096, 'WhatsApp text messages are at most 4096 characters.'),
});

export const ChannelSchema = z.object({
  id: z.number(),
  name: z.string(),
  kind: z.string(),
  phoneNumberId: z.string(),
  wabaId: z.string(),
  displayPhoneNumber: z.string().nullable(),
  verifiedName: z.string().nullable(),
  ownApp: z.boolean(),
  status: z.string(),
  health: z.object({
    qualityRating: z.string().nullable(),
    messagingLimit: z.string().nullable(),
    throughputLevel: z.string().nullable(),
    numberStatus: z.string().nullable(),
    checkedAt: z.string().nullable(),
    error: z.string().nullable(),
  }),
  webhook: z.object({ callbackUrl: z.string(), verifyToken: z.string() }),
  createdAt: z.string(),
});

export const SignupConfig = z.object({
  mode: z.enum(['facebook', 'simulator', 'unavailable']),
  appId: z.string().nullable(),
  configId: z.string().nullable(),
  graphVersion: z.string(),
  /** The stand-in popup's URL when running on the built-in simulator. */
  simulatorUrl: z.string().nullable(),
});

export const WebhookEventSchema = z.object({
  id: z.number(),
  source: z.string(),
  status: z.string(),
  attempts: z.number(),
  lastError: z.string().nullable(),
  receivedAt: z.string(),
  processedAt: z.string().nullable(),
});
