import { z } from 'zod';

export const AuditListQuery = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  before: z.coerce.number().int().positive().optional(),
  action: z
    .string()
    .max(64)
    .regex(/^\P{Cc}*$/u, 'Remove control characters.')
    .optional(),
});

export const AdminAuditListQuery = AuditListQuery.extend({
  tenantId: z.coerce.number().int().positive().optional(),
});

export const AuditEntrySchema = z.object({
  id: z.number(),
  tenantId: z.number().nullable(),
  actor: z.object({ type: z.string(), id: z.number().nullable(), label: z.string().nullable() }),
  action: z.string(),
  target: z.object({ type: z.string(), id: z.string().nullable() }).nullable(),
  ip: z.string().nullable(),
  meta: z.record(z.string(), z.unknown()).nullable(),
  createdAt: z.string(),
});

export const AuditPage = z.object({ items: z.array(AuditEntrySchema), nextBefore: z.number().nullable() });
