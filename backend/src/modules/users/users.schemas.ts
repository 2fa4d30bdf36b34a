import { z } from 'zod';
import { ROLES } from '../../http/permissions.ts';

export const MemberSchema = z.object({
  userId: z.number(),
  email: z.string(),
  name: z.string(),
  role: z.enum(ROLES),
  lastLoginAt: z.string().nullable(),
  createdAt: z.string(),
});

export const MemberAddBody = z.object({
  email: z.email('Enter a valid email address.').max(254),
  name: z.string().trim().max(120).default(''),
  role: z.enum(ROLES),
  password: z.string().min(12, 'Password must be at least 12 characters.').max(200).optional(),
});
export const MemberUpdateBody = z.object({ role: z.enum(ROLES) });
export const UserIdParam = z.object({ userId: z.coerce.number().int().positive('Must be a positive id.') });

export const AdminUserListQuery = z.object({
  q: z
    .string()
    .max(120)
    .regex(/^\P{Cc}*$/u, 'Remove control characters.')
    .optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  before: z.coerce.number().int().positive().optional(),
});
export const AdminUserSchema = z.object({
  id: z.number(),
  email: z.string(),
  name: z.string(),
  isSuperAdmin: z.boolean(),
  lockedUntil: z.string().nullable(),
  lastLoginAt: z.string().nullable(),
  memberships: z.array(z.object({ tenantId: z.number(), role: z.enum(ROLES) })),
});
