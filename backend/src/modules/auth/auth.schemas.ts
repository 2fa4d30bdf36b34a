import { z } from 'zod';
import { ROLES } from '../../http/permissions.ts';
import { EMBED_MAX_TTL_SECONDS } from './embed-tokens.service.ts';

export const Email = z.email('Enter a valid email address.').max(254);
export const Password = z.string().min(1, 'Enter a password.').max(200);
export const NewPassword = z.string().min(12, 'Password must be at least 12 characters.').max(200);
export const Role = z.enum(ROLES);
export const IdParam = z.object({ id: z.coerce.number().int().positive('Must be a positive id.') });

export const LoginBody = z.object({ email: Email, password: Password });
export const SetupBody = z.object({
  token: z.string().min(10).max(200),
  email: Email,
  password: NewPassword,
  name: z.string().max(120).default(''),
});
export const ChangePasswordBody = z.object({ currentPassword: Password, newPassword: NewPassword });

export const MeResponse = z.object({
  user: z.object({ id: z.number(), email: z.string(), name: z.string(), isSuperAdmin: z.boolean() }).nullable(),
  principal: z.object({ kind: z.string(), label: z.string() }),
  memberships: z.array(
    z.object({
      tenantId: z.number(),
      role: Role,
      tenant: z.object({ id: z.number(), name: z.string(), slug: z.string(), status: z.string() }),
    }),
  ),
});

export const ApiTokenCreateBody = z.object({
  name: z.string().trim().min(1, 'Give the token a name.').max(120),
  role: Role,
  expiresInDays: z.number().int().min(1).max(3650).nullable().optional(),
});
export const ApiTokenSchema = z.object({
  id: z.number(),
  name: z.string(),
  role: Role,
  prefix: z.string(),
  createdBy: z.number().nullable(),
  createdAt: z.string(),
  lastUsedAt: z.string().nullable(),
  expiresAt: z.string().nullable(),
  revokedAt: z.string().nullable(),
});
export const ApiTokenCreated = ApiTokenSchema.extend({ token: z.string() });

export const EmbedTokenCreateBody = z.object({
  origin: z.string().min(1).max(255),
  role: Role.optional(),
  userId: z.number().int().positive().optional(),
  ttlSeconds: z.number().int().min(30).max(EMBED_MAX_TTL_SECONDS).default(EMBED_MAX_TTL_SECONDS),
});
export const EmbedTokenCreated = z.object({ token: z.string(), expiresAt: z.string(), role: Role, origin: z.string() });

export const RealtimeTicket = z.object({ ticket: z.string(), expiresAt: z.string(), url: z.string() });

export const VisitorSessionBody = z.object({
  publishableKey: z.string().trim().min(8, 'Give the publishable key (wpk_…).').max(64),
  visitorId: z.string().max(64).optional(),
});
export const VisitorSessionCreated = z.object({
  token: z.string(),
  visitorId: z.string(),
  expiresAt: z.string(),
  tenant: z.object({ name: z.string() }),
});
export const VisitorSessionInfo = z.object({ visitorId: z.string(), origin: z.string(), tenant: z.object({ name: z.string() }) });
