// Request and response shapes of CSV imports: the uploaded file's preview with a suggested mapping,
// the start request (column mapping, default country, tags for every row) and an import's progress.
import { z } from 'zod';
import { isSupportedCountry } from 'libphonenumber-js';
import { IMPORT_STATUSES } from './contacts.models.ts';

export const ImportIdParam = z.object({
  id: z.coerce
    .number()
    .int('The import id must be a whole number.')
    .positive('The import id must be positive.')
    .max(2 ** 31 - 1),
});

export const MappingTargetSchema = z.union(
  [z.enum(['phone', 'name', 'email', 'tags', 'consent', 'ignore']), z.templateLiteral(['attribute:', z.string().min(1).max(64)])],
  { error: 'Map each column to phone, name, email, tags, consent, attribute:<key> or ignore.' },
);

export const StartImportBody = z.object({
  mapping: z
    .record(z.string().max(255), MappingTargetSchema, { error: 'mapping is an object: { "<column>": "<target>" }.' })
    .refine((m) => Object.keys(m).length <= 500, 'Map at most 500 columns.'),
  defaultCountry: z
    .string()
    .trim()
    .regex(/^[A-Za-z]{2}$/, 'defaultCountry is a two-letter country code, e.g. DE.')
    .transform((s) => s.toUpperCase())
    .refine((s) => isSupportedCountry(s), 'defaultCountry is not a country code we know (ISO 3166, e.g. DE, ES, GB).')
    .nullable()
    .optional(),
  tags: z
    .array(z.string().trim().min(1, 'A tag needs a name.').max(64, 'Tag names are at most 64 characters.'))
    .max(20, 'Add at most 20 tags to every row.')
    .optional(),
});
export type StartImportInput = z.infer<typeof StartImportBody>;

export const ListImportsQuery = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(25),
});

export const ImportSchema = z.object({
  id: z.number(),
  filename: z.string(),
  status: z.enum(IMPORT_STATUSES),
  sizeBytes: z.number(),
  totalRows: z.number().nullable(),
  processedRows: z.number(),
  createdCount: z.number(),
  updatedCount: z.number(),
  unchangedCount: z.number(),
  errorCount: z.number(),
  failure: z.string().nullable(),
  mapping: z.record(z.string(), z.string()).nullable(),
  defaultCountry: z.string().nullable(),
  tags: z.array(z.string()),
  startedAt: z.string().nullable(),
  finishedAt: z.string().nullable(),
  createdAt: z.string(),
});
export type ImportView = z.infer<typeof ImportSchema>;

export const ImportPreviewSchema = z.object({
  columns: z.array(z.string()),
  rows: z.array(z.array(z.string())),
  suggestedMapping: z.record(z.string(), z.string()),
  delimiter: z.string(),
  totalRowsEstimate: z.number(),
});

export const UploadedImportSchema = ImportSchema.extend({ preview: ImportPreviewSchema });
export const ImportListSchema = z.object({ items: z.array(ImportSchema) });
