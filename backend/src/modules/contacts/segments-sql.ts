// Compiles a segment definition to one SQL condition over `contacts` with bound replacements, the
// same text on SQLite and MySQL/MariaDB. Tags, attribute values and conversations are tested with
// `id IN (SELECT contact_id …)` semi-joins (MariaDB drives the whole count from the most selective
// index) and negations with NOT EXISTS on a primary or (tenant, contact) key, so nothing is ever
// loaded into memory. Tag names and attribute keys are resolved to ids first, in one query each.
import { QueryTypes, type Sequelize } from 'sequelize';
import { AppError } from '../../http/errors.ts';
import { sqlDate } from '../../db/sequelize.ts';
import type { AttributeType } from './contacts.models.ts';
import { ATTRIBUTE_OPS, type Condition, type SegmentDefinition } from './segments.schemas.ts';

export interface CompiledSql {
  /** A boolean SQL expression over the contacts table aliased as `alias`. */
  where: string;
  /** Positional replacements for its `?` placeholders, in order. */
  replacements: unknown[];
}

interface AttributeDef {
  id: number;
  key: string;
  type: AttributeType;
  options: string[] | null;
}

const DAY = 24 * 3600_000;

/** Escapes LIKE wildcards; use with `ESCAPE '!'` (a backslash means different things to the two dialects). */
export const escapeLike = (s: string) => s.replace(/[!%_]/g, (m) => `!${m}`);

const unknownAttribute = (key: string) =>
  new AppError(400, 'unknown_attribute', `There is no contact attribute "${key}"; create it first or fix the key.`, { key });
const invalidValue = (message: string, details?: unknown) => new AppError(400, 'invalid_value', message, details);

/** A day (YYYY-MM-DD) as its first instant, or an instant; `day` tells which. */
function parseDate(s: string): { at: Date; day: boolean } {
  const day = s.length === 10;
  const at = new Date(
    day ? `${s}T00:00:00Z` : /[zZ]|[+-]\d{2}:?\d{2}$/.test(s) ? s.replace(' ', 'T') : `${s.replace(' ', 'T')}Z`,
  );
  if (Number.isNaN(at.getTime())) throw invalidValue(`"${s}" is not a date; write it as YYYY-MM-DD.`);
  return { at, day };
}

export class SegmentCompiler {
  readonly #sequelize: Sequelize;
  constructor(sequelize: Sequelize) {
    this.#sequelize = sequelize;
  }

  #date(d: Date): string {
    return sqlDate(this.#sequelize, d);
  }

  /**
   * The contacts of `tenantId`, not merged away, matching every one of `definitions` (each with its
   * own all/any). `alias` names the contacts table in the surrounding query.
   */
  async compile(tenantId: number, definitions: SegmentDefinition[], alias = 'c', now = new Date()): Promise<CompiledSql> {
    const conditions = definitions.flatMap((d) => d.conditions);
    const tagNames = [...new Set(conditions.flatMap((c) => (c.field === 'tags' ? c.tags.map((t) => t.toLowerCase()) : [])))];
    const keys = [...new Set(conditions.flatMap((c) => (c.field === 'attribute' ? [c.key] : [])))];
    const [tags, attrs] = await Promise.all([this.#tags(tenantId, tagNames), this.#attributes(tenantId, keys)]);

    const parts: string[] = [`${alias}.tenant_id = ?`, `${alias}.merged_into_id IS NULL`];
    const replacements: unknown[] = [tenantId];
    for (const def of definitions) {
      if (def.conditions.length === 0) continue;
      const sub: CompiledSql[] = def.conditions.map((c) => this.#condition(c, alias, tenantId, tags, attrs, now));
      const joiner = def.match === 'all' ? ' AND ' : ' OR ';
      parts.push(`(${sub.map((s) => `(${s.where})`).join(joiner)})`);
      for (const s of sub) replacements.push(...s.replacements);
    }
    return { where: parts.join(' AND '), replacements };
  }

  async #tags(tenantId: number, lowered: string[]): Promise<Map<string, number>> {
    if (lowered.length === 0) return new Map();
    const rows = await this.#sequelize.query<{ id: number; name: string }>(
      'SELECT id, name FROM tags WHERE tenant_id = ? AND LOWER(name) IN (?)',
      { replacements: [tenantId, lowered], type: QueryTypes.SELECT },
    );
    return new Map(rows.map((r) => [r.name.toLowerCase(), Number(r.id)]));
  }

  async #attributes(tenantId: number, keys: string[]): Promise<Map<string, AttributeDef>> {
    if (keys.length === 0) return new Map();
    const rows = await this.#sequelize.query<{ id: number; key: string; type: AttributeType; options: string | null }>(
      'SELECT id, `key`, type, options FROM contact_attributes WHERE tenant_id = ? AND `key` IN (?)',
      { replacements: [tenantId, keys], type: QueryTypes.SELECT },
    );
    const out = new Map<string, AttributeDef>();
    for (const r of rows) {
      let options: string[] | null;
      try {
        options = r.options ? (JSON.parse(r.options) as string[]) : null;
      } catch {
        options = null;
      }
      out.set(r.key, { id: Number(r.id), key: r.key, type: r.type, options });
    }
    return out;
  }

  #condition(
    c: Condition,
    a: string,
    tenantId: number,
    tags: Map<string, number>,
    attrs: Map<string, AttributeDef>,
    now: Date,
  ): CompiledSql {
    switch (c.field) {
      case 'tags': {
        const found = c.tags.map((t) => tags.get(t.toLowerCase()));
        const ids = [...new Set(found.filter((id): id is number => id !== undefined))];
        if (c.op === 'none') {
          if (ids.length === 0) return { where: '1=1', replacements: [] };
          return {
            where: `NOT EXISTS (SELECT 1 FROM contact_tags ct WHERE ct.contact_id = ${a}.id AND ct.tag_id IN (?))`,
            replacements: [ids],
          };
        }
        // A tag nobody has ever been given matches nobody (and so does 'all' when any is missing).
        if (ids.length === 0 || (c.op === 'all' && found.includes(undefined))) return { where: '1=0', replacements: [] };
        if (c.op === 'any') {
          return { where: `${a}.id IN (SELECT ct.contact_id FROM contact_tags ct WHERE ct.tag_id IN (?))`, replacements: [ids] };
        }
        return {
          where: ids.map(() => `${a}.id IN (SELECT ct.contact_id FROM contact_tags ct WHERE ct.tag_id = ?)`).join(' AND '),
          replacements: ids,
        };
      }
      case 'attribute':
        return this.#attribute(c, a, attrs, now);
      case 'consent':
        return { where: `${a}.consent_state ${c.op === 'is' ? '=' : '<>'} ?`, replacements: [c.value] };
      case 'last_seen': {
        if (c.op === 'never') return { where: `${a}.last_seen_at IS NULL`, replacements: [] };
        const since = this.#date(new Date(now.getTime() - c.value! * DAY));
        if (c.op === 'within_last_days') return { where: `${a}.last_seen_at >= ?`, replacements: [since] };
        // Never seen is not seen within the last n days either.
        return { where: `(${a}.last_seen_at IS NULL OR ${a}.last_seen_at < ?)`, replacements: [since] };
      }
      case 'conversation': {
        const open = c.op === 'has_open' || c.op === 'has_none_open' ? ` AND cv.status <> 'resolved'` : '';
        if (c.op === 'has_any' || c.op === 'has_open') {
          return {
            where: `${a}.id IN (SELECT cv.contact_id FROM conversations cv WHERE cv.tenant_id = ? AND cv.contact_id IS NOT NULL${open})`,
            replacements: [tenantId],
          };
        }
        return {
          where: `NOT EXISTS (SELECT 1 FROM conversations cv WHERE cv.tenant_id = ? AND cv.contact_id = ${a}.id${open})`,
          replacements: [tenantId],
        };
      }
      case 'created': {
        if (c.op === 'within_last_days') {
          return { where: `${a}.created_at >= ?`, replacements: [this.#date(new Date(now.getTime() - Number(c.value) * DAY))] };
        }
        const { at, day } = parseDate(String(c.value));
        if (c.op === 'before') return { where: `${a}.created_at < ?`, replacements: [this.#date(at)] };
        return day
          ? { where: `${a}.created_at >= ?`, replacements: [this.#date(new Date(at.getTime() + DAY))] }
          : { where: `${a}.created_at > ?`, replacements: [this.#date(at)] };
      }
      case 'source':
        return { where: `${a}.source = ?`, replacements: [c.value] };
    }
  }

  #attribute(c: Extract<Condition, { field: 'attribute' }>, a: string, attrs: Map<string, AttributeDef>, now: Date): CompiledSql {
    const def = attrs.get(c.key);
    if (!def) throw unknownAttribute(c.key);
    const allowed: readonly string[] = ATTRIBUTE_OPS[def.type] ?? [];
    if (!allowed.includes(c.op)) {
      throw new AppError(
        400,
        'invalid_operator',
        `"${c.key}" is a ${def.type} attribute; its operators are: ${allowed.join(', ')}.`,
        { key: c.key, type: def.type, operators: allowed },
      );
    }
    const has = (pred: string, replacements: unknown[]): CompiledSql => ({
      where: `${a}.id IN (SELECT v.contact_id FROM contact_attribute_values v WHERE v.attribute_id = ? AND ${pred})`,
      replacements: [def.id, ...replacements],
    });
    const hasNot = (pred: string, replacements: unknown[]): CompiledSql => ({
      where: `NOT EXISTS (SELECT 1 FROM contact_attribute_values v WHERE v.contact_id = ${a}.id AND v.attribute_id = ? AND ${pred})`,
      replacements: [def.id, ...replacements],
    });
    const column =
      def.type === 'date' ? 'v.value_date' : def.type === 'number' || def.type === 'boolean' ? 'v.value_number' : 'v.value_text';
    if (c.op === 'is_set') return has(`${column} IS NOT NULL`, []);
    if (c.op === 'is_not_set') return hasNot(`${column} IS NOT NULL`, []);

    switch (def.type) {
      case 'text':
      case 'list': {
        // Text compares without regard to case on both dialects (MySQL's _ci collation; NOCASE on SQLite).
        const nocase = this.#sequelize.getDialect() === 'sqlite' ? ' COLLATE NOCASE' : '';
        if (c.op === 'in') {
          const list = this.#textList(c, def);
          return has(`v.value_text${nocase} IN (?)`, [list]);
        }
        const text = this.#text(c, def, c.op === 'eq' || c.op === 'neq');
        if (c.op === 'eq') return has(`v.value_text = ?${nocase}`, [text]);
        if (c.op === 'neq') return hasNot(`v.value_text = ?${nocase}`, [text]);
        if (c.op === 'contains') return has(`v.value_text LIKE ? ESCAPE '!'`, [`%${escapeLike(text)}%`]);
        return has(`v.value_text LIKE ? ESCAPE '!'`, [`${escapeLike(text)}%`]);
      }
      case 'number': {
        if (c.op === 'between') {
          const [lo, hi] = this.#pair(c, (v) => this.#number(c.key, v)).sort((x, y) => x - y);
          return has('v.value_number >= ? AND v.value_number <= ?', [lo, hi]);
        }
        const n = this.#number(c.key, c.value);
        const sign = { eq: '=', neq: '=', gt: '>', gte: '>=', lt: '<', lte: '<=' }[c.op as 'eq'];
        if (c.op === 'neq') return hasNot('v.value_number = ?', [n]);
        return has(`v.value_number ${sign} ?`, [n]);
      }
      case 'boolean':
        return has('v.value_number = ?', [c.op === 'is_true' ? 1 : 0]);
      case 'date': {
        if (c.op === 'within_last_days') {
          const days = c.value;
          if (typeof days !== 'number' || !Number.isInteger(days) || days < 1 || days > 36_500) {
            throw invalidValue(`within_last_days on "${c.key}" takes a whole number of days (1 to 36500).`, { key: c.key });
          }
          return has('v.value_date >= ? AND v.value_date <= ?', [
            this.#date(new Date(now.getTime() - days * DAY)),
            this.#date(now),
          ]);
        }
        if (c.op === 'between') {
          const [x, y] = this.#pair(c, (v) => this.#day(c.key, v)).sort((p, q) => p.at.getTime() - q.at.getTime());
          const end = y.day ? new Date(y.at.getTime() + DAY) : y.at;
          return has(`v.value_date >= ? AND v.value_date ${y.day ? '<' : '<='} ?`, [this.#date(x.at), this.#date(end)]);
        }
        const d = this.#day(c.key, c.value);
        const dayStart = d.day ? d.at : new Date(Math.floor(d.at.getTime() / DAY) * DAY);
        if (c.op === 'on') {
          return has('v.value_date >= ? AND v.value_date < ?', [
            this.#date(dayStart),
            this.#date(new Date(dayStart.getTime() + DAY)),
          ]);
        }
        if (c.op === 'before') return has('v.value_date < ?', [this.#date(d.at)]);
        return d.day
          ? has('v.value_date >= ?', [this.#date(new Date(d.at.getTime() + DAY))])
          : has('v.value_date > ?', [this.#date(d.at)]);
      }
    }
  }

  #text(c: Extract<Condition, { field: 'attribute' }>, def: AttributeDef, exactOption: boolean): string {
    const v = typeof c.value === 'number' ? String(c.value) : c.value;
    if (typeof v !== 'string' || v.length === 0 || v.length > 255) {
      throw invalidValue(`${c.op} on "${c.key}" takes a text value (1 to 255 characters).`, { key: c.key });
    }
    if (def.type === 'list' && exactOption) return this.#option(c.key, def, v);
    return v;
  }

  #textList(c: Extract<Condition, { field: 'attribute' }>, def: AttributeDef): string[] {
    const v = c.value;
    if (!Array.isArray(v) || v.length === 0 || v.length > 100 || !v.every((s) => typeof s === 'string' && s.length <= 255)) {
      throw invalidValue(`in on "${c.key}" takes a list of 1 to 100 text values.`, { key: c.key });
    }
    return def.type === 'list' ? v.map((s: string) => this.#option(c.key, def, s)) : (v as string[]);
  }

  #option(key: string, def: AttributeDef, v: string): string {
    const hit = (def.options ?? []).find((o) => o.toLowerCase() === v.toLowerCase());
    if (hit === undefined) {
      throw invalidValue(`"${v}" is not an option of "${key}"; its options are: ${(def.options ?? []).join(', ')}.`, {
        key,
        options: def.options ?? [],
      });
    }
    return hit;
  }

  #number(key: string, v: unknown): number {
    const n = typeof v === 'string' && v.trim() !== '' ? Number(v) : v;
    if (typeof n !== 'number' || !Number.isFinite(n))
      throw invalidValue(`"${key}" is a number attribute; give a number.`, { key });
    return n;
  }

  #day(key: string, v: unknown): { at: Date; day: boolean } {
    if (typeof v !== 'string' || !/^\d{4}-\d{2}-\d{2}([T ][0-9:.]+(Z|[+-]\d{2}:?\d{2})?)?$/.test(v)) {
      throw invalidValue(`"${key}" is a date attribute; give a date as YYYY-MM-DD.`, { key });
    }
    return parseDate(v);
  }

  #pair<T>(c: Extract<Condition, { field: 'attribute' }>, each: (v: unknown) => T): [T, T] {
    if (!Array.isArray(c.value) || c.value.length !== 2) {
      throw invalidValue(`between on "${c.key}" takes two values: [from, to].`, { key: c.key });
    }
    return [each(c.value[0]), each(c.value[1])];
  }
}
