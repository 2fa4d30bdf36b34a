// The API form of contacts, shared by every contacts endpoint (list, detail, segments, export):
// tags and attribute values are loaded for a whole page in two queries.
import { z } from 'zod';
import { Op } from 'sequelize';
import type { Models } from '../../db/models.ts';
import { CONSENT_STATES, CONTACT_SOURCES, type AttributeType, type ContactInstance } from './contacts.models.ts';
import { readValue, type AttributeValue } from './attributes.ts';

export const ContactSchema = z.object({
  id: z.number(),
  phone: z.string().nullable(),
  waId: z.string().nullable(),
  bsuid: z.string().nullable(),
  name: z.string().nullable(),
  email: z.string().nullable(),
  source: z.enum(CONTACT_SOURCES),
  consent: z.object({ state: z.enum(CONSENT_STATES), changedAt: z.string().nullable() }),
  tags: z.array(z.string()),
  attributes: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])),
  lastSeenAt: z.string().nullable(),
  mergedIntoId: z.number().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type Contact = z.infer<typeof ContactSchema>;

const iso = (d: Date | null) => (d ? new Date(d).toISOString() : null);

export async function serializeContacts(models: Models, rows: ContactInstance[]): Promise<Contact[]> {
  if (rows.length === 0) return [];
  const ids = rows.map((r) => r.id);
  const tenantId = rows[0].tenantId;
  const [tagRows, valueRows, defs] = await Promise.all([
    models.ContactTag.findAll({ where: { contactId: { [Op.in]: ids } }, attributes: ['contactId', 'tagId'] }),
    models.ContactAttributeValue.findAll({ where: { contactId: { [Op.in]: ids } } }),
    models.ContactAttribute.findAll({ where: { tenantId }, attributes: ['id', 'key', 'type'] }),
  ]);
  const tagIds = [...new Set(tagRows.map((t) => t.tagId))];
  const tags = tagIds.length ? await models.Tag.findAll({ where: { id: { [Op.in]: tagIds } }, attributes: ['id', 'name'] }) : [];
  const tagName = new Map(tags.map((t) => [t.id, t.name]));
  const defById = new Map(defs.map((d) => [d.id, d]));
  const tagsOf = new Map<number, string[]>();
  for (const t of tagRows) {
    const name = tagName.get(t.tagId);
    if (name) tagsOf.set(Number(t.contactId), [...(tagsOf.get(Number(t.contactId)) ?? []), name]);
  }
  const attrsOf = new Map<number, Record<string, AttributeValue>>();
  for (const v of valueRows) {
    const def = defById.get(v.attributeId);
    if (!def) continue;
    const rec = attrsOf.get(Number(v.contactId)) ?? {};
    rec[def.key] = readValue(def.type as AttributeType, v);
    attrsOf.set(Number(v.contactId), rec);
  }
  return rows.map((r) => ({
    id: Number(r.id),
    phone: r.phone,
    waId: r.waId,
    bsuid: r.bsuid,
    name: r.name,
    email: r.email,
    source: r.source,
    consent: { state: r.consentState, changedAt: iso(r.consentChangedAt) },
    tags: (tagsOf.get(Number(r.id)) ?? []).sort((a, b) => a.localeCompare(b)),
    attributes: attrsOf.get(Number(r.id)) ?? {},
    lastSeenAt: iso(r.lastSeenAt),
    mergedIntoId: r.mergedIntoId === null ? null : Number(r.mergedIntoId),
    createdAt: iso(r.createdAt)!,
    updatedAt: iso(r.updatedAt)!,
  }));
}

export async function serializeContact(models: Models, row: ContactInstance): Promise<Contact> {
  return (await serializeContacts(models, [row]))[0];
}
