// The consent registry's rules: appending opt-ins and opt-outs to the tenant's hash chain (and the
// contact's derived state with them), verifying the chain, STOP/START keywords and their replies,
// and the server-side guard that keeps marketing away from opted-out contacts.
import crypto from 'node:crypto';
import { Op, QueryTypes, Transaction, UniqueConstraintError, type Sequelize } from 'sequelize';
import type { Models } from '../../db/models.ts';
import { sqlDate } from '../../db/sequelize.ts';
import type { TenantContext } from '../../http/context.ts';
import { AppError, notFound } from '../../http/errors.ts';
import type { Logger } from '../../logger.ts';
import type { EventBus } from '../../realtime/index.ts';
import type { AuditAction, AuditService } from '../audit/index.ts';
import type { ChannelsService, FreshInbound } from '../channels/index.ts';
import { phoneFromWaId } from '../contacts/phone.ts';
import { GraphApiError } from '../../whatsapp/index.ts';
import type { ConsentAction, ConsentEntryInstance, ConsentSource } from './consent.models.ts';
import { DEFAULT_SETTINGS, matchKeyword, replyFor, type ConsentSettingsView, type KeywordMatch } from './keywords.ts';

export const GENESIS_HASH = '0'.repeat(64);
export const CONSENT_ACK_JOB = 'consent.acknowledge';
const AUDIT_RECORDED: AuditAction = 'consent.recorded';
const AUDIT_SETTINGS: AuditAction = 'consent.settings_changed';
/** Entries shown in a contact's history (newest first). */
const HISTORY_LIMIT = 500;
const VERIFY_BATCH = 1000;

type Json = Record<string, unknown>;

export interface ConsentDeps {
  models: Models;
  sequelize: Sequelize;
  audit: AuditService;
  bus: EventBus;
  logger: Logger;
  channels: ChannelsService;
  /** Queues a background job (jobs.now); without it keyword replies are sent at once. */
  enqueue?: (name: string, data: Json) => Promise<unknown>;
}

export interface ConsentInput {
  contactId: number;
  action: ConsentAction;
  source: ConsentSource;
  /** Evidence: a keyword's message id and text, a form's URL, an import's file and line… */
  proof?: Json | null;
  /** user:<id>, api_token:<id>, contact, system. */
  actor: string;
  occurredAt?: Date;
}

export interface ChainBreak {
  seq: number;
  id: number | null;
  reason: 'hash_mismatch' | 'prev_hash_mismatch' | 'missing' | 'head_mismatch';
  message: string;
}

export interface VerifyResult {
  tenantId: number;
  ok: boolean;
  checked: number;
  firstBroken: ChainBreak | null;
}

/** A message a webhook batch stored for the first time (see WebhookProcessor's onInboundMessages). */
export type FreshInboundMessage = FreshInbound;

/** JSON with object keys sorted, so the same evidence always hashes the same. */
export function canonicalJson(value: unknown): string {
  const sort = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(sort);
    if (v instanceof Date) return v.toISOString();
    if (v && typeof v === 'object') {
      return Object.fromEntries(
        Object.keys(v as Json)
          .sort()
          .filter((k) => (v as Json)[k] !== undefined)
          .map((k) => [k, sort((v as Json)[k])]),
      );
    }
    return v;
  };
  return JSON.stringify(sort(value));
}

export interface HashedFields {
  tenantId: number;
  seq: number;
  contactId: number;
  subject: string;
  channel: string;
  action: string;
  source: string;
  proof: string | null;
  actor: string;
  occurredAt: Date;
  prevHash: string;
}

/** sha256 (hex) over the canonical JSON array of an entry's fields, in the contract's order. */
export function entryHash(e: HashedFields): string {
  const fields = [
    Number(e.tenantId),
    Number(e.seq),
    Number(e.contactId),
    e.subject,
    e.channel,
    e.action,
    e.source,
    e.proof ?? null,
    e.actor,
    new Date(e.occurredAt).toISOString(),
    e.prevHash,
  ];
  return crypto.createHash('sha256').update(JSON.stringify(fields)).digest('hex');
}

export function serializeEntry(e: ConsentEntryInstance) {
  let proof: unknown = null;
  if (e.proof) {
    try {
      proof = JSON.parse(e.proof);
    } catch {
      proof = e.proof;
    }
  }
  return {
    id: Number(e.id),
    seq: Number(e.seq),
    contactId: Number(e.contactId),
    subject: e.subject,
    channel: e.channel,
    action: e.action,
    source: e.source,
    proof,
    actor: e.actor,
    occurredAt: new Date(e.occurredAt).toISOString(),
    prevHash: e.prevHash,
    hash: e.hash,
    createdAt: new Date(e.createdAt).toISOString(),
  };
}
export type ConsentEntryView = ReturnType<typeof serializeEntry>;

const stateOf = (action: string) => (action === 'opt_out' ? 'opted_out' : 'opted_in');

/** user:<id> for people, api_token:<id> for integrations. */
export function actorOf(ctx: TenantContext): string {
  const p = ctx.principal;
  if (p.kind === 'api_token') return `api_token:${p.apiTokenId ?? 'unknown'}`;
  return p.userId !== null ? `user:${p.userId}` : `${p.kind}:${p.label}`.slice(0, 64);
}

/**
 * The contact a customer's inbound message belongs to: found by phone (E.164 from the wa_id) or
 * BSUID, created on the first message (source 'inbound'). Insert-ignore inside the caller's
 * transaction, so replays and two racing batches end with one contact. Shared with the inbox's
 * recordInbound, so both create contacts the same way.
 */
export async function ensureInboundContact(
  sequelize: Sequelize,
  models: Models,
  input: { tenantId: number; waId: string | null; userId: string | null; profileName: string | null },
  transaction?: Transaction,
): Promise<number | null> {
  const phone = input.waId ? phoneFromWaId(input.waId) : null;
  const bsuid = input.userId;
  if (!phone && !bsuid) return null;
  const C = models.Contact;
  const where = phone ? { tenantId: input.tenantId, phone } : { tenantId: input.tenantId, bsuid: bsuid! };
  const found = await C.findOne({ where, attributes: ['id', 'mergedIntoId'], transaction });
  if (found) return Number(found.id);
  const now = sqlDate(sequelize, new Date());
  const options = { ignoreDuplicates: true, transaction } as Parameters<
    ReturnType<Sequelize['getQueryInterface']>['bulkInsert']
  >[2];
  await sequelize.getQueryInterface().bulkInsert(
    'contacts',
    [
      {
        tenant_id: input.tenantId,
        phone,
        wa_id: input.waId,
        bsuid,
        name: input.profileName,
        email: null,
        source: 'inbound',
        consent_state: 'unknown',
        consent_changed_at: null,
        last_seen_at: null,
        merged_into_id: null,
        created_at: now,
        updated_at: now,
      },
    ],
    options,
  );
  // A locking read sees the row even when another transaction committed it after this one's snapshot (MySQL).
  const row = await C.findOne({ where, attributes: ['id'], transaction, ...(transaction ? { lock: true } : {}) });
  return row ? Number(row.id) : null;
}

/** Walks a tenant's chain in order and reports the first entry that does not hold. */
export async function verifyChain(d: { models: Models; sequelize: Sequelize }, tenantId: number): Promise<VerifyResult> {
  const M = d.models;
  let expected = 1;
  let prev = GENESIS_HASH;
  let checked = 0;
  const broken = (b: ChainBreak): VerifyResult => ({ tenantId, ok: false, checked, firstBroken: b });
  for (;;) {
    const rows = await M.ConsentEntry.findAll({
      where: { tenantId, seq: { [Op.gte]: expected } },
      order: [['seq', 'ASC']],
      limit: VERIFY_BATCH,
    });
    for (const row of rows) {
      const seq = Number(row.seq);
      if (seq !== expected) {
        return broken({
          seq: expected,
          id: null,
          reason: 'missing',
          message: `Entry ${expected} is missing: the chain jumps from ${expected - 1} to ${seq}.`,
        });
      }
      checked++;
      if (row.prevHash !== prev) {
        return broken({
          seq,
          id: Number(row.id),
          reason: 'prev_hash_mismatch',
          message: `Entry ${seq} does not follow entry ${seq - 1}: an entry before it was removed, replaced or reordered.`,
        });
      }
      if (entryHash(row) !== row.hash) {
        return broken({
          seq,
          id: Number(row.id),
          reason: 'hash_mismatch',
          message: `Entry ${seq} was changed after it was written: its fields no longer match its hash.`,
        });
      }
      prev = row.hash;
      expected = seq + 1;
    }
    if (rows.length < VERIFY_BATCH) break;
  }
  // The head remembers the last entry written, so entries cut off the end show too.
  const [head] = await d.sequelize.query<{ seq: number; hash: string }>(
    'SELECT seq, hash FROM consent_chain_heads WHERE tenant_id = ?',
    { replacements: [tenantId], type: QueryTypes.SELECT },
  );
  if (head && Number(head.seq) > expected - 1) {
    return broken({
      seq: expected,
      id: null,
      reason: 'missing',
      message: `Entries ${expected} to ${Number(head.seq)} are missing from the end of the chain.`,
    });
  }
  if (head && Number(head.seq) === expected - 1 && Number(head.seq) > 0 && head.hash !== prev) {
    return broken({
      seq: expected - 1,
      id: null,
      reason: 'head_mismatch',
      message: `Entry ${expected - 1} is not the entry that was last written.`,
    });
  }
  return { tenantId, ok: true, checked, firstBroken: null };
}

/** Every tenant, and any tenant id the registry names (for the CLI). */
export async function chainTenants(sequelize: Sequelize): Promise<number[]> {
  const rows = await sequelize.query<{ tenant_id: number }>(
    'SELECT id AS tenant_id FROM tenants UNION SELECT DISTINCT tenant_id FROM consent_entries ORDER BY 1',
    { type: QueryTypes.SELECT },
  );
  return rows.map((r) => Number(r.tenant_id));
}

export class ConsentService {
  readonly #d: ConsentDeps;
  #sqliteQueue: Promise<unknown> = Promise.resolve();
  /** Tenants whose chain head is known to exist. */
  readonly #heads = new Set<number>();

  constructor(deps: ConsentDeps) {
    this.#d = deps;
  }

  #mysql() {
    return this.#d.sequelize.getDialect() === 'mysql' || this.#d.sequelize.getDialect() === 'mariadb';
  }

  // -------------------------------------------------------------------------------------------------
  // Appending

  /**
   * Appends entries to the tenant's chain and moves each contact's derived state, in the caller's
   * transaction or its own. Entries of a merged contact are recorded against the contact it was
   * merged into. An entry older than the contact's last change is kept as history but leaves the
   * state alone.
   */
  async record(
    tenantId: number,
    inputs: ConsentInput[],
    opts: { transaction?: Transaction } = {},
  ): Promise<ConsentEntryInstance[]> {
    if (inputs.length === 0) return [];
    // MySQL: the head row is created in its own autocommit statement, once per tenant and process (a
    // caller's transaction that already appended holds its lock, so it must not be asked for again).
    if (this.#mysql() && !this.#heads.has(tenantId)) {
      await this.#ensureHead(tenantId);
      this.#heads.add(tenantId);
    }
    const run = async (transaction: Transaction) => {
      if (!this.#mysql()) await this.#ensureHead(tenantId, transaction);
      const entries = await this.#appendBatch(tenantId, inputs, transaction);
      const contactIds = [...new Set(entries.map((e) => Number(e.contactId)))];
      transaction.afterCommit(async () => {
        for (const contactId of contactIds) await this.#publish(tenantId, 'consent.changed', { contactId });
      });
      return entries;
    };
    if (opts.transaction) return run(opts.transaction);
    // IMMEDIATE on SQLite: the append reads the chain's tail before writing after it. Our own appends
    // also queue in-process there, rather than in SQLite's busy handler, which sleeps in coarse steps.
    const txn = () => this.#d.sequelize.transaction({ type: Transaction.TYPES.IMMEDIATE }, run);
    if (this.#mysql()) return txn();
    const turn = this.#sqliteQueue.then(txn);
    this.#sqliteQueue = turn.catch(() => undefined);
    return turn;
  }

  /** The chain's head row exists before anyone locks it (MySQL: created outside the caller's transaction). */
  async #ensureHead(tenantId: number, transaction?: Transaction) {
    const seq = this.#d.sequelize;
    const ignore = this.#mysql() ? 'INSERT IGNORE' : 'INSERT OR IGNORE';
    await seq.query(`${ignore} INTO consent_chain_heads (tenant_id, seq, hash, updated_at) VALUES (?, 0, ?, ?)`, {
      replacements: [tenantId, GENESIS_HASH, sqlDate(seq, new Date())],
      transaction,
    });
  }

  /**
   * Appends a batch to the chain in a fixed number of statements whatever its size (an import
   * appends up to a thousand at once): the head is locked and the tail read once, the hashes are
   * chained in memory, the entries go in with one multi-row INSERT, and each contact's derived state
   * moves with one UPDATE per (state, time).
   */
  async #appendBatch(tenantId: number, inputs: ConsentInput[], transaction: Transaction): Promise<ConsentEntryInstance[]> {
    const M = this.#d.models;
    const seq = this.#d.sequelize;
    const contacts = await this.#winners(
      tenantId,
      inputs.map((i) => i.contactId),
      transaction,
    );
    const now = new Date();
    const prepared = inputs.map((input) => {
      const contact = contacts.get(Number(input.contactId))!;
      const contactId = Number(contact.id);
      return {
        input,
        contactId,
        subject: (contact.phone ?? contact.bsuid ?? `contact:${contactId}`).slice(0, 64),
        occurredAt: input.occurredAt ?? now,
        proof: input.proof ? canonicalJson(input.proof) : null,
      };
    });
    for (let attempt = 0; ; attempt++) {
      // Every writer of this tenant's chain queues on its head row, then reads the latest tail
      // (a locking read on MySQL, which sees rows committed after this transaction's snapshot).
      const lock = this.#mysql() ? ' FOR UPDATE' : '';
      await seq.query(`SELECT seq FROM consent_chain_heads WHERE tenant_id = ?${lock}`, {
        replacements: [tenantId],
        type: QueryTypes.SELECT,
        transaction,
      });
      const [tail] = await seq.query<{ seq: number; hash: string }>(
        `SELECT seq, hash FROM consent_entries WHERE tenant_id = ? ORDER BY seq DESC LIMIT 1${lock}`,
        { replacements: [tenantId], type: QueryTypes.SELECT, transaction },
      );
      let prevSeq = tail ? Number(tail.seq) : 0;
      let prevHash = tail ? tail.hash : GENESIS_HASH;
      const rows = prepared.map((p) => {
        const fields: HashedFields = {
          tenantId,
          seq: ++prevSeq,
          contactId: p.contactId,
          subject: p.subject,
          channel: 'whatsapp',
          action: p.input.action,
          source: p.input.source,
          proof: p.proof,
          actor: p.input.actor.slice(0, 64),
          occurredAt: p.occurredAt,
          prevHash,
        };
        prevHash = entryHash(fields);
        return { ...fields, action: p.input.action, source: p.input.source, hash: prevHash, createdAt: now };
      });
      try {
        await M.ConsentEntry.bulkCreate(rows, { transaction });
      } catch (err) {
        // Another writer took these seqs (a writer that skipped the head lock): read the tail again.
        if (err instanceof UniqueConstraintError && attempt < 5) continue;
        throw err;
      }
      const last = rows[rows.length - 1];
      await seq.query('UPDATE consent_chain_heads SET seq = ?, hash = ?, updated_at = ? WHERE tenant_id = ?', {
        replacements: [last.seq, last.hash, sqlDate(seq, now), tenantId],
        transaction,
      });
      // The derived state follows each contact's newest change in this batch; an entry older than
      // the contact's last change (a late import row) is history only.
      const newest = new Map<number, { state: ReturnType<typeof stateOf>; at: Date }>();
      for (const r of rows) {
        const seen = newest.get(r.contactId);
        if (!seen || r.occurredAt >= seen.at) newest.set(r.contactId, { state: stateOf(r.action), at: r.occurredAt });
      }
      const groups = new Map<string, { state: ReturnType<typeof stateOf>; at: Date; ids: number[] }>();
      for (const [contactId, v] of newest) {
        const k = `${v.state}|${v.at.getTime()}`;
        const g = groups.get(k) ?? { ...v, ids: [] };
        g.ids.push(contactId);
        groups.set(k, g);
      }
      for (const g of groups.values()) {
        await M.Contact.update(
          { consentState: g.state, consentChangedAt: g.at },
          {
            where: {
              id: g.ids,
              tenantId,
              [Op.or]: [{ consentChangedAt: null }, { consentChangedAt: { [Op.lte]: g.at } }],
            },
            transaction,
          },
        );
      }
      // The stored rows, with their ids, in chain order.
      return M.ConsentEntry.findAll({
        where: { tenantId, seq: { [Op.between]: [rows[0].seq, last.seq] } },
        order: [['seq', 'ASC']],
        transaction,
      });
    }
  }

  /** Each contact id's contact, or the one it was (transitively) merged into: one query for the usual case. */
  async #winners(tenantId: number, contactIds: number[], transaction: Transaction) {
    const ids = [...new Set(contactIds.map(Number))];
    const found = await this.#d.models.Contact.findAll({ where: { tenantId, id: ids }, transaction });
    const byId = new Map(found.map((c) => [Number(c.id), c]));
    const out = new Map<number, (typeof found)[number]>();
    for (const id of ids) {
      const c = byId.get(id);
      if (!c) throw notFound('Contact');
      out.set(id, c.mergedIntoId ? await this.#winner(tenantId, id, transaction) : c);
    }
    return out;
  }

  /** The contact itself, or the one it was (transitively) merged into. */
  async #winner(tenantId: number, contactId: number, transaction?: Transaction) {
    const C = this.#d.models.Contact;
    let contact = await C.findOne({ where: { id: contactId, tenantId }, transaction });
    for (let hops = 0; contact?.mergedIntoId && hops < 20; hops++) {
      contact = await C.findOne({ where: { id: contact.mergedIntoId, tenantId }, transaction });
    }
    if (!contact) throw notFound('Contact');
    return contact;
  }

  /** The contact and every contact merged into it, transitively. */
  async historyIds(tenantId: number, contactId: number, transaction?: Transaction): Promise<number[]> {
    const ids = new Set<number>([Number(contactId)]);
    let frontier = [Number(contactId)];
    for (let depth = 0; frontier.length && depth < 20; depth++) {
      const rows = await this.#d.models.Contact.findAll({
        where: { tenantId, mergedIntoId: frontier },
        attributes: ['id'],
        transaction,
      });
      frontier = rows.map((r) => Number(r.id)).filter((id) => !ids.has(id));
      for (const id of frontier) ids.add(id);
    }
    return [...ids];
  }

  /** The source of each contact's newest entry (contacts without entries are left out). */
  async latestSources(tenantId: number, contactIds: number[], transaction?: Transaction): Promise<Map<number, ConsentSource>> {
    const out = new Map<number, ConsentSource>();
    if (contactIds.length === 0) return out;
    const rows = await this.#d.sequelize.query<{ contact_id: number; source: ConsentSource }>(
      'SELECT e.contact_id, e.source FROM consent_entries e JOIN (SELECT contact_id, MAX(seq) AS seq FROM consent_entries ' +
        'WHERE tenant_id = :tenantId AND contact_id IN (:ids) GROUP BY contact_id) latest ' +
        'ON latest.contact_id = e.contact_id AND latest.seq = e.seq WHERE e.tenant_id = :tenantId',
      { replacements: { tenantId, ids: contactIds }, type: QueryTypes.SELECT, transaction },
    );
    for (const r of rows) out.set(Number(r.contact_id), r.source);
    return out;
  }

  /** After a merge: the winner's state is that of the newest entry (by seq) over its whole history. */
  async recomputeState(tenantId: number, contactId: number, transaction?: Transaction) {
    const ids = await this.historyIds(tenantId, contactId, transaction);
    const latest = await this.#d.models.ConsentEntry.findOne({
      where: { tenantId, contactId: ids },
      order: [['seq', 'DESC']],
      transaction,
    });
    await this.#d.models.Contact.update(
      latest
        ? { consentState: stateOf(latest.action), consentChangedAt: latest.occurredAt }
        : { consentState: 'unknown', consentChangedAt: null },
      { where: { id: contactId, tenantId }, transaction },
    );
  }

  // -------------------------------------------------------------------------------------------------
  // Reading and recording through the API

  async history(ctx: TenantContext, contactId: number) {
    const contact = await this.#d.models.Contact.findOne({ where: { id: contactId, tenantId: ctx.tenantId } });
    if (!contact) throw notFound('Contact');
    const ids = await this.historyIds(ctx.tenantId, contactId);
    const rows = await this.#d.models.ConsentEntry.findAll({
      where: { tenantId: ctx.tenantId, contactId: ids },
      order: [['seq', 'DESC']],
      limit: HISTORY_LIMIT,
    });
    return {
      state: contact.consentState,
      changedAt: contact.consentChangedAt?.toISOString() ?? null,
      items: rows.map(serializeEntry),
    };
  }

  /** A person or an integration records an opt-in or opt-out (audited). */
  async recordManual(
    ctx: TenantContext,
    contactId: number,
    input: { action: ConsentAction; source?: 'agent' | 'form'; proof?: Json },
  ) {
    const exists = await this.#d.models.Contact.findOne({ where: { id: contactId, tenantId: ctx.tenantId }, attributes: ['id'] });
    if (!exists) throw notFound('Contact');
    const source: ConsentSource = ctx.principal.kind === 'api_token' ? 'api' : (input.source ?? 'agent');
    const [entry] = await this.record(ctx.tenantId, [
      { contactId, action: input.action, source, proof: input.proof ?? null, actor: actorOf(ctx) },
    ]);
    await this.#d.audit.inTenant(
      ctx,
      AUDIT_RECORDED,
      { type: 'contact', id: Number(entry.contactId) },
      {
        action: input.action,
        source,
        seq: entry.seq,
      },
    );
    return serializeEntry(entry);
  }

  // -------------------------------------------------------------------------------------------------
  // Verification

  /** Walks the tenant's chain in order and reports the first entry that does not hold. */
  verify(tenantId: number): Promise<VerifyResult> {
    return verifyChain(this.#d, tenantId);
  }

  /** The platform operator's check of one tenant: 404 for a tenant that does not exist. */
  async verifyTenant(tenantId: number): Promise<VerifyResult> {
    if (!(await this.#d.models.Tenant.findByPk(tenantId, { attributes: ['id'] }))) throw notFound('Tenant');
    return this.verify(tenantId);
  }

  // -------------------------------------------------------------------------------------------------
  // The marketing guard

  /** 409 contact_opted_out when any of these contacts opted out (campaigns and template sends ask it). */
  async assertMarketingAllowed(tenantId: number, contactIds: number[]) {
    if (contactIds.length === 0) return;
    const out = await this.#d.models.Contact.findAll({
      where: { tenantId, id: contactIds, consentState: 'opted_out' },
      attributes: ['id', 'name', 'phone', 'consentChangedAt'],
    });
    if (out.length === 0) return;
    const c = out[0];
    const who = c.name || c.phone || 'This contact';
    const since = c.consentChangedAt ? ` on ${c.consentChangedAt.toISOString().slice(0, 10)}` : '';
    throw new AppError(
      409,
      'contact_opted_out',
      `${who} opted out of marketing messages${since}. Only utility and authentication templates may be sent to them until they opt in again.`,
      { contactIds: out.map((x) => Number(x.id)) },
    );
  }

  /** The guard for one conversation: its contact, or the one its customer's number or BSUID names. */
  async assertMarketingAllowedFor(conv: {
    tenantId: number;
    contactId?: number | null;
    waId: string | null;
    userId: string | null;
  }) {
    const ids: number[] = [];
    if (conv.contactId) ids.push(Number(conv.contactId));
    const phone = conv.waId ? phoneFromWaId(conv.waId) : null;
    const or = [...(phone ? [{ phone }] : []), ...(conv.userId ? [{ bsuid: conv.userId }] : [])];
    if (or.length) {
      const rows = await this.#d.models.Contact.findAll({
        where: { tenantId: conv.tenantId, [Op.or]: or },
        attributes: ['id', 'mergedIntoId'],
      });
      for (const r of rows) ids.push(Number(r.mergedIntoId ?? r.id));
    }
    await this.assertMarketingAllowed(conv.tenantId, [...new Set(ids)]);
  }

  // -------------------------------------------------------------------------------------------------
  // Keywords

  async settings(ctx: TenantContext): Promise<ConsentSettingsView> {
    return this.#settingsOf(ctx.tenantId);
  }

  async #settingsOf(tenantId: number, transaction?: Transaction): Promise<ConsentSettingsView> {
    const row = await this.#d.models.ConsentSettings.findByPk(tenantId, { transaction });
    if (!row) return { ...structuredClone(DEFAULT_SETTINGS), isDefault: true };
    const parse = <T>(s: string, fallback: T): T => {
      try {
        return JSON.parse(s) as T;
      } catch {
        return fallback;
      }
    };
    return {
      optOutKeywords: parse(row.optOutKeywords, DEFAULT_SETTINGS.optOutKeywords),
      optInKeywords: parse(row.optInKeywords, DEFAULT_SETTINGS.optInKeywords),
      optOutReplies: parse(row.optOutReplies, DEFAULT_SETTINGS.optOutReplies),
      optInReplies: parse(row.optInReplies, DEFAULT_SETTINGS.optInReplies),
      isDefault: false,
    };
  }

  async updateSettings(ctx: TenantContext, input: Partial<Omit<ConsentSettingsView, 'isDefault'>>) {
    const current = await this.#settingsOf(ctx.tenantId);
    const next = {
      optOutKeywords: input.optOutKeywords ?? current.optOutKeywords,
      optInKeywords: input.optInKeywords ?? current.optInKeywords,
      optOutReplies: input.optOutReplies ?? current.optOutReplies,
      optInReplies: input.optInReplies ?? current.optInReplies,
    };
    const outWords = new Set(next.optOutKeywords.map((k) => matchKey(k.keyword)));
    const clash = next.optInKeywords.find((k) => outWords.has(matchKey(k.keyword)));
    if (clash) {
      throw new AppError(
        400,
        'keyword_conflict',
        `"${clash.keyword}" cannot both opt a customer out and opt them in; remove it from one of the lists.`,
      );
    }
    const values = {
      optOutKeywords: JSON.stringify(next.optOutKeywords),
      optInKeywords: JSON.stringify(next.optInKeywords),
      optOutReplies: JSON.stringify(next.optOutReplies),
      optInReplies: JSON.stringify(next.optInReplies),
    };
    // Single statements (no read-then-write transaction, which SQLite may refuse under concurrent writes).
    const S = this.#d.models.ConsentSettings;
    const [changed] = await S.update(values, { where: { tenantId: ctx.tenantId } });
    if (changed === 0) {
      try {
        await S.create({ tenantId: ctx.tenantId, ...values });
      } catch (err) {
        if (!(err instanceof UniqueConstraintError)) throw err;
        await S.update(values, { where: { tenantId: ctx.tenantId } });
      }
    }
    await this.#d.audit.inTenant(ctx, AUDIT_SETTINGS, { type: 'consent_settings', id: ctx.tenantId });
    return this.#settingsOf(ctx.tenantId);
  }

  /**
   * Inside the webhook batch's transaction: the fresh messages that are a STOP or START keyword
   * become entries (a replayed webhook stores no fresh message, so it records nothing). Returns the
   * acknowledgements to send once the batch has committed, or null.
   */
  async recordKeywords(messages: FreshInboundMessage[], transaction: Transaction): Promise<(() => Promise<void>) | null> {
    const candidates = messages.filter(
      (m) => (m.type === 'text' || m.type === 'button') && m.bodyText && m.bodyText.length <= 64,
    );
    if (candidates.length === 0) return null;
    const entryIds: number[] = [];
    const byTenant = new Map<number, FreshInboundMessage[]>();
    for (const m of candidates) byTenant.set(m.tenantId, [...(byTenant.get(m.tenantId) ?? []), m]);
    for (const [tenantId, list] of byTenant) {
      const settings = await this.#settingsOf(tenantId, transaction);
      const inputs: ConsentInput[] = [];
      for (const m of [...list].sort((a, b) => a.occurredAt.getTime() - b.occurredAt.getTime() || a.id - b.id)) {
        const hit: KeywordMatch | null = matchKeyword(settings, m.bodyText!);
        if (!hit) continue;
        const contactId = await this.#contactOfMessage(m, transaction);
        if (contactId === null) continue;
        inputs.push({
          contactId,
          action: hit.action,
          source: 'keyword',
          actor: 'contact',
          occurredAt: m.occurredAt,
          proof: {
            wamid: m.wamid,
            text: m.bodyText,
            keyword: hit.keyword,
            language: hit.language,
            channelId: m.channelId,
            conversationId: m.conversationId,
            from: m.waId ?? m.userId,
          },
        });
      }
      const entries = await this.record(tenantId, inputs, { transaction });
      entryIds.push(...entries.map((e) => Number(e.id)));
    }
    if (entryIds.length === 0) return null;
    return () => this.#acknowledgeLater(entryIds);
  }

  async #contactOfMessage(m: FreshInboundMessage, transaction: Transaction): Promise<number | null> {
    const M = this.#d.models;
    if (m.conversationId !== null) {
      const conv = await M.Conversation.findOne({
        where: { id: m.conversationId },
        attributes: ['id', 'contactId'],
        transaction,
      });
      if (conv?.contactId) return Number(conv.contactId);
    }
    const id = await ensureInboundContact(this.#d.sequelize, M, m, transaction);
    if (id !== null && m.conversationId !== null) {
      await M.Conversation.update(
        { contactId: id },
        { where: { id: m.conversationId, contactId: null }, transaction, silent: true },
      );
    }
    return id;
  }

  async #acknowledgeLater(entryIds: number[]) {
    for (const entryId of entryIds) {
      try {
        if (this.#d.enqueue) await this.#d.enqueue(CONSENT_ACK_JOB, { entryId });
        else await this.acknowledge(entryId);
      } catch (err) {
        // The entry is committed whatever happens to its reply.
        this.#d.logger.error({ err: { message: (err as Error).message }, entryId }, 'could not acknowledge a consent keyword');
      }
    }
  }

  /**
   * Replies to a STOP/START keyword in the customer's language, from the number they wrote to, and
   * stores the reply in their conversation so agents see it. Once only: a reply already stored for
   * this entry is not sent again. Throws to be retried when WhatsApp could not be reached.
   */
  async acknowledge(entryId: number) {
    const M = this.#d.models;
    const entry = await M.ConsentEntry.findByPk(entryId);
    if (!entry || entry.source !== 'keyword' || !entry.proof) return;
    const proof = JSON.parse(entry.proof) as Json;
    const channelId = Number(proof.channelId);
    const conversationId = proof.conversationId == null ? null : Number(proof.conversationId);
    const to = typeof proof.from === 'string' ? proof.from : null;
    if (!channelId || !to) return;
    const clientRef = `consent-ack:${entryId}`;
    if (conversationId !== null && (await M.WaMessage.findOne({ where: { conversationId, clientRef }, attributes: ['id'] })))
      return;
    const channel = await M.Channel.findOne({ where: { id: channelId, tenantId: entry.tenantId } });
    if (!channel || channel.status !== 'active') return;
    const settings = await this.#settingsOf(entry.tenantId);
    const text = replyFor(settings, entry.action, typeof proof.language === 'string' ? proof.language : 'en');
    if (!text) return;
    let sent;
    try {
      sent = await this.#d.channels.graphFor(channel).send(channel.phoneNumberId, { to, type: 'text', text: { body: text } });
    } catch (err) {
      // Only a failure that may pass is retried; a refusal, or a send whose fate is unknown (a retry
      // could reach the customer twice), ends here. The entry stands either way.
      if (err instanceof GraphApiError && err.retryable && !err.outcomeUnknown) throw err;
      this.#d.logger.warn({ err: { message: (err as Error).message }, entryId }, 'consent acknowledgement not sent');
      return;
    }
    const now = new Date();
    const payload = JSON.stringify({ type: 'text', text: { body: text } });
    // The status webhook may have stored a placeholder under this wamid already: fill it in.
    await M.WaMessage.bulkCreate(
      [
        {
          tenantId: entry.tenantId,
          channelId,
          conversationId,
          wamid: sent.wamid,
          direction: 'out',
          waId: sent.waId ?? to,
          type: 'text',
          payload,
          bodyText: text,
          status: 'accepted',
          statusAt: now,
          occurredAt: now,
          clientRef: conversationId !== null ? clientRef : null,
        },
      ],
      { ignoreDuplicates: true },
    );
    await M.WaMessage.update(
      { type: 'text', payload, bodyText: text, conversationId, clientRef: conversationId !== null ? clientRef : null },
      { where: { channelId, wamid: sent.wamid, type: 'unknown' } },
    );
    if (conversationId === null) return;
    const conv = await M.Conversation.findOne({ where: { id: conversationId, tenantId: entry.tenantId } });
    if (conv && now >= conv.lastMessageAt) await conv.update({ lastMessageAt: now, preview: text.slice(0, 250) });
    const row = await M.WaMessage.findOne({ where: { channelId, wamid: sent.wamid }, attributes: ['id'] });
    if (row) {
      await this.#publish(entry.tenantId, 'message.created', { conversationId, messageId: Number(row.id) }, 'inbox');
      await this.#publish(entry.tenantId, 'conversation.updated', { conversationId }, 'inbox');
    }
  }

  async #publish(tenantId: number, type: string, data: Json, topic = 'contacts') {
    try {
      await this.#d.bus.publish({ tenantId, topic, type, data });
    } catch (err) {
      this.#d.logger.warn({ err: { message: (err as Error).message } }, 'could not publish a realtime event');
    }
  }
}

function matchKey(s: string) {
  return s.normalize('NFD').replace(/\p{M}/gu, '').trim().toLowerCase();
}
