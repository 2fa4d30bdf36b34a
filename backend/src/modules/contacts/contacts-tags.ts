// Tags by name: trimmed, reused whatever their case ("VIP" and "vip" are one tag), created on the
// fly. Shared by the contacts API and anything else that tags contacts in bulk (imports).
import { Op, col, fn, where as sqlWhere, type Transaction } from 'sequelize';
import type { Models } from '../../db/models.ts';
import type { TagInstance } from './contacts.models.ts';

export const TAG_MAX_LENGTH = 64;

/** The distinct names (first spelling wins), trimmed; empty names dropped. */
export function distinctTagNames(names: string[]): string[] {
  const seen = new Map<string, string>();
  for (const raw of names) {
    const name = raw.trim();
    if (name && !seen.has(name.toLowerCase())) seen.set(name.toLowerCase(), name);
  }
  return [...seen.values()];
}

/** The tenant's existing tags with these names, compared without case. */
export async function findTags(models: Models, tenantId: number, names: string[], transaction?: Transaction) {
  const lower = [...new Set(names.map((n) => n.trim().toLowerCase()).filter(Boolean))];
  if (lower.length === 0) return [];
  return models.Tag.findAll({
    where: { tenantId, [Op.and]: [sqlWhere(fn('lower', col('name')), { [Op.in]: lower })] },
    transaction,
  });
}

/** Finds or creates the tenant's tags with these names; the same tag for every spelling of a name. */
export async function ensureTags(
  models: Models,
  tenantId: number,
  names: string[],
  transaction?: Transaction,
): Promise<TagInstance[]> {
  const wanted = distinctTagNames(names);
  if (wanted.length === 0) return [];
  for (const n of wanted) if (n.length > TAG_MAX_LENGTH) throw new Error(`Tag "${n}" is longer than ${TAG_MAX_LENGTH}.`);
  let found = await findTags(models, tenantId, wanted, transaction);
  const have = new Set(found.map((t) => t.name.toLowerCase()));
  const missing = wanted.filter((n) => !have.has(n.toLowerCase()));
  if (missing.length) {
    // Another request may create the same tag meanwhile: the unique index keeps one.
    await models.Tag.bulkCreate(
      missing.map((name) => ({ tenantId, name })),
      { ignoreDuplicates: true, transaction },
    );
    found = await findTags(models, tenantId, wanted, transaction);
  }
  // One tag per lower-cased name, the oldest when two spellings exist (SQLite compares with case).
  const byName = new Map<string, TagInstance>();
  for (const t of found.sort((a, b) => a.id - b.id)) if (!byName.has(t.name.toLowerCase())) byName.set(t.name.toLowerCase(), t);
  return [...byName.values()];
}
