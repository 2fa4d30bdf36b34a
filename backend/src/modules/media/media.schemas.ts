import { z } from 'zod';

export const MediaIdParam = z.object({ id: z.coerce.number().int().positive('Must be a positive id.') });

export const MediaSchema = z.object({
  id: z.number(),
  mime: z.string(),
  size: z.number(),
  filename: z.string().nullable(),
});
