// Custom attribute values: how a value of each type is read from text (a CSV cell, a form field, a
// JSON body) and stored in the one-row-per-value table, and how it reads back.
import type { AttributeType, ContactAttributeValueAttrs } from './contacts.models.ts';

export type AttributeValue = string | number | boolean | null;
export type Coerced = { ok: true; value: AttributeValue } | { ok: false; reason: string };

const TRUE = new Set(['true', 'yes', 'y', '1', 'ja', 'sí', 'si', 'oui', 'sim', 'x']);
const FALSE = new Set(['false', 'no', 'n', '0', 'nein', 'non', 'não', 'nao', '']);

/** Reads a value for an attribute of `type`; empty input means "no value" (null). */
export function coerceAttribute(type: AttributeType, input: unknown, options: string[] | null = null): Coerced {
  if (input === null || input === undefined || (typeof input === 'string' && input.trim() === '')) {
    return { ok: true, value: null };
  }
  const text = typeof input === 'string' ? input.trim() : input;
  switch (type) {
    case 'text': {
      const s = String(text);
      if (s.length > 255) return { ok: false, reason: 'Text attributes hold at most 255 characters.' };
      return { ok: true, value: s };
    }
    case 'number': {
      if (typeof text === 'number')
        return Number.isFinite(text) ? { ok: true, value: text } : { ok: false, reason: 'Not a number.' };
      // Accept "1 234,5" and "1,234.5": the last separator is the decimal one.
      const s = String(text).replace(/[\s']/g, '');
      const lastComma = s.lastIndexOf(',');
      const lastDot = s.lastIndexOf('.');
      const normal = lastComma > lastDot ? s.replace(/\./g, '').replace(',', '.') : s.replace(/,/g, '');
      const n = Number(normal);
      if (!/^[-+]?\d*\.?\d+(e[-+]?\d+)?$/i.test(normal) || !Number.isFinite(n)) {
        return { ok: false, reason: `"${String(text)}" is not a number.` };
      }
      return { ok: true, value: n };
    }
    case 'boolean': {
      if (typeof text === 'boolean') return { ok: true, value: text };
      const s = String(text).toLowerCase();
      if (TRUE.has(s)) return { ok: true, value: true };
      if (FALSE.has(s)) return { ok: true, value: false };
      return { ok: false, reason: `"${String(text)}" is not yes or no.` };
    }
    case 'date': {
      const s = String(text);
      // ISO dates (2026-11-25, or with a time); a day is stored as midnight UTC.
      const m = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/.exec(s);
      const d = m ? new Date(m[4] ? (m[7] ? s.replace(' ', 'T') : `${s.replace(' ', 'T')}Z`) : `${s}T00:00:00Z`) : null;
      if (!d || Number.isNaN(d.getTime())) return { ok: false, reason: `"${s}" is not a date; write it as YYYY-MM-DD.` };
      return { ok: true, value: d.toISOString() };
    }
    case 'list': {
      const s = String(text);
      const hit = (options ?? []).find((o) => o.toLowerCase() === s.toLowerCase());
      if (!hit) return { ok: false, reason: `"${s}" is not one of: ${(options ?? []).join(', ')}.` };
      return { ok: true, value: hit };
    }
  }
}

/** The stored columns of a coerced value. */
export function valueColumns(
  type: AttributeType,
  value: Exclude<AttributeValue, null>,
): Pick<ContactAttributeValueAttrs, 'valueText' | 'valueNumber' | 'valueDate'> {
  switch (type) {
    case 'number':
      return { valueText: null, valueNumber: Number(value), valueDate: null };
    case 'boolean':
      return { valueText: null, valueNumber: value ? 1 : 0, valueDate: null };
    case 'date':
      return { valueText: null, valueNumber: null, valueDate: new Date(String(value)) };
    default:
      return { valueText: String(value), valueNumber: null, valueDate: null };
  }
}

/** The API form of a stored value. */
export function readValue(
  type: AttributeType,
  row: Pick<ContactAttributeValueAttrs, 'valueText' | 'valueNumber' | 'valueDate'>,
): AttributeValue {
  switch (type) {
    case 'number':
      return row.valueNumber === null ? null : Number(row.valueNumber);
    case 'boolean':
      return row.valueNumber === null ? null : Number(row.valueNumber) !== 0;
    case 'date':
      return row.valueDate === null ? null : new Date(row.valueDate).toISOString().slice(0, 10);
    default:
      return row.valueText;
  }
}
