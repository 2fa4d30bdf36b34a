import { z } from 'zod';
import { TENANT_STATUSES } from './tenant.model.ts';

/** Lowercase letters, digits and inner dashes; at most 63 characters (the column's size). */
export const SLUG_PATTERN = /^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/;
export const SLUG_MAX = 63;

export const Slug = z.string().min(2).max(SLUG_MAX).regex(SLUG_PATTERN, 'Use lowercase letters, digits and dashes.');

export const TenantSchema = z.object({
  id: z.number(),
  name: z.string(),
  slug: z.string(),
  status: z.enum(TENANT_STATUSES),
  plan: z.string(),
  allowedOrigins: z.array(z.string()),
  publishableKey: z.string(),
  suspendedAt: z.string().nullable(),
  createdAt: z.string(),
});

export const TenantUpdateBody = z
  .object({
    name: z.string().trim().min(1).max(120).optional(),
    allowedOrigins: z.array(z.string().max(255)).max(50).optional(),
  })
  .refine((v) => v.name !== undefined || v.allowedOrigins !== undefined, 'Send name or allowedOrigins.');

export const TenantCreateBody = z.object({
  name: z.string().trim().min(1, 'Give the tenant a name.').max(120),
  slug: Slug.optional(),
  plan: z.string().trim().min(1).max(32).default('free'),
  admin: z
    .object({
      email: z.email(),
      name: z.string().max(120).default(''),
      password: z.string().min(12, 'Password must be at least 12 characters.').max(200).optional(),
    })
    .optional(),
});

export const TenantListQuery = z.object({
  status: z.enum(TENANT_STATUSES).optional(),
  q: z
    .string()
    .max(120)
    .regex(/^\P{Cc}*$/u, 'Remove control characters.')
    .optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  before: z.coerce.number().int().positive().optional(),
});

export const TenantIdParam = z.object({ id: z.coerce.number().int().positive('Must be a positive id.') });
export const TenantStatusBody = z.object({ reason: z.string().max(500).optional() });
