// What one CSV row means once the columns are mapped: the suggested mapping for a header, and the
// checks that turn a row's cells into a contact's fields (or into errors naming the column). Pure
// functions, so a resumed import can replay the rows it already applied without touching the database.
import type { ConsentAction } from '../consent/consent.models.ts';
import { coerceAttribute, type AttributeValue } from './attributes.ts';
import type { AttributeType } from './contacts.models.ts';
import { normalisePhone } from './phone.ts';

export type BuiltInTarget = 'phone' | 'name' | 'email' | 'tags' | 'consent' | 'ignore';
export type MappingTarget = BuiltInTarget | `attribute:${string}`;

export interface AttributeDef {
  id: number;
  key: string;
  label: string;
  type: AttributeType;
  options: string[] | null;
}

const fold = (s: string) =>
  s
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]/g, '');

const SYNONYMS: Record<Exclude<BuiltInTarget, 'ignore'>, string[]> = {
  phone: [
    'phone',
    'phonenumber',
    'phoneno',
    'mobile',
    'mobilephone',
    'mobilenumber',
    'cell',
    'cellphone',
    'whatsapp',
    'whatsappnumber',
    'whatsappphone',
    'wanumber',
    'waid',
    'msisdn',
    'tel',
    'telephone',
    'telefon',
    'telefonnummer',
    'telefono',
    'telephonenumber',
    'handy',
    'handynummer',
    'mobil',
    'celular',
    'portable',
  ],
  name: ['name', 'fullname', 'contactname', 'customername', 'displayname', 'nombre', 'nom'],
  email: ['email', 'emailaddress', 'mail', 'emailadresse', 'correo', 'courriel'],
  tags: ['tags', 'tag', 'labels', 'label', 'segments', 'groups'],
  consent: [
    'consent',
    'optin',
    'optedin',
    'optinstatus',
    'whatsappoptin',
    'whatsappconsent',
    'marketingconsent',
    'subscribed',
    'einwilligung',
  ],
};

/** A first guess the wizard shows: built-in fields by common names, then attributes by key or label. */
export function suggestMapping(columns: string[], attributes: AttributeDef[]): Record<string, MappingTarget> {
  const out: Record<string, MappingTarget> = {};
  const used = new Set<string>();
  for (const column of columns) {
    const f = fold(column);
    let target: MappingTarget = 'ignore';
    for (const [t, names] of Object.entries(SYNONYMS) as [Exclude<BuiltInTarget, 'ignore'>, string[]][]) {
      if (!used.has(t) && names.includes(f)) {
        target = t;
        break;
      }
    }
    if (target === 'ignore') {
      const attr = attributes.find((a) => fold(a.key) === f || fold(a.label) === f);
      if (attr && !used.has(`attribute:${attr.key}`)) target = `attribute:${attr.key}`;
    }
    if (target !== 'ignore' && target !== 'tags') used.add(target);
    out[column] = target;
  }
  return out;
}

const CONSENT_YES = new Set(['yes', 'y', 'true', '1', 'optedin', 'optin', 'in', 'subscribed', 'ja', 'si', 'oui', 'sim', 'x']);
const CONSENT_NO = new Set(['no', 'n', 'false', '0', 'optedout', 'optout', 'out', 'unsubscribed', 'nein', 'non', 'nao']);
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** How the mapped columns are read, resolved once per import. */
export interface RowPlan {
  phone: number;
  phoneColumn: string;
  name: number | null;
  email: number | null;
  tags: number[];
  consent: number | null;
  attributes: { index: number; column: string; def: AttributeDef }[];
  columns: string[];
  defaultCountry: string | null;
  /** Tags added to every row. */
  extraTags: string[];
}

export interface RowError {
  line: number;
  column: string | null;
  value: string | null;
  message: string;
}

export interface GoodRow {
  ok: true;
  line: number;
  phone: string;
  waId: string;
  name: string | null;
  email: string | null;
  /** Tag names (original case), without duplicates. */
  tags: string[];
  consent: ConsentAction | null;
  attributes: { def: AttributeDef; value: Exclude<AttributeValue, null> }[];
}
export type RowResult = GoodRow | { ok: false; line: number; errors: RowError[] };

export function splitTags(cell: string): string[] {
  return cell
    .split(/[,;|]/)
    .map((t) => t.trim())
    .filter(Boolean);
}

/** Checks one row; `seen` (phone → line of the row that set it) is read and updated for duplicates. */
export function readRow(plan: RowPlan, cells: string[], line: number, seen: Map<string, number>): RowResult {
  const errors: RowError[] = [];
  const cell = (i: number) => (cells[i] ?? '').trim();
  const fail = (column: string, value: string, message: string) =>
    errors.push({ line, column, value: value.slice(0, 255), message: message.slice(0, 500) });

  const rawPhone = cell(plan.phone);
  const phone = normalisePhone(rawPhone, plan.defaultCountry);
  if (!phone.ok) fail(plan.phoneColumn, rawPhone, phone.reason);

  let name: string | null = null;
  if (plan.name !== null) {
    name = cell(plan.name) || null;
    if (name && name.length > 255) fail(plan.columns[plan.name], name, 'Names are at most 255 characters.');
  }
  let email: string | null = null;
  if (plan.email !== null) {
    const v = cell(plan.email);
    if (v) {
      if (v.length > 255 || !EMAIL.test(v)) fail(plan.columns[plan.email], v, `"${v.slice(0, 100)}" is not an email address.`);
      else email = v.toLowerCase();
    }
  }
  const tags = new Map<string, string>();
  for (const t of plan.extraTags) tags.set(t.toLowerCase(), t);
  for (const i of plan.tags) {
    for (const t of splitTags(cell(i))) {
      if (t.length > 64) fail(plan.columns[i], t, `Tag names are at most 64 characters ("${t.slice(0, 40)}…").`);
      else if (!tags.has(t.toLowerCase())) tags.set(t.toLowerCase(), t);
    }
  }
  let consent: ConsentAction | null = null;
  if (plan.consent !== null) {
    const v = cell(plan.consent);
    const f = fold(v);
    if (CONSENT_YES.has(f)) consent = 'opt_in';
    else if (CONSENT_NO.has(f)) consent = 'opt_out';
    else if (v !== '')
      fail(
        plan.columns[plan.consent],
        v,
        `"${v.slice(0, 100)}" is not a consent answer: write yes or no (or opted_in / opted_out).`,
      );
  }
  const attributes: GoodRow['attributes'] = [];
  for (const a of plan.attributes) {
    const v = cell(a.index);
    const r = coerceAttribute(a.def.type, v, a.def.options);
    if (!r.ok) fail(a.column, v, r.reason);
    else if (r.value !== null) attributes.push({ def: a.def, value: r.value });
  }
  if (errors.length || !phone.ok) {
    const at = (e: RowError) => (e.column === null ? -1 : plan.columns.indexOf(e.column));
    return { ok: false, line, errors: errors.sort((x, y) => at(x) - at(y)) };
  }
  const first = seen.get(phone.e164);
  if (first !== undefined) {
    return {
      ok: false,
      line,
      errors: [
        { line, column: plan.phoneColumn, value: rawPhone, message: `Same phone number as line ${first}; this row was skipped.` },
      ],
    };
  }
  seen.set(phone.e164, line);
  return { ok: true, line, phone: phone.e164, waId: phone.waId, name, email, tags: [...tags.values()], consent, attributes };
}
