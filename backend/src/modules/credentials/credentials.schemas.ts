import { z } from 'zod';

export const CredentialName = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[a-z0-9][a-z0-9._-]*$/, 'Use lowercase letters, digits, dots, dashes and underscores.');
export const CredentialNameParam = z.object({ name: CredentialName });
export const CredentialSetBody = z.object({ value: z.string().min(1, 'The secret is empty.').max(8192) });
export const CredentialSchema = z.object({
  name: z.string(),
  configured: z.literal(true),
  keyId: z.string(),
  updatedBy: z.number().nullable(),
  updatedAt: z.string(),
});
