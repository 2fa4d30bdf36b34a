// Contacts: create, read, update, tags, typed custom attributes, notes, merge of duplicates, the
// contact behind each inbound customer, and a contact's conversations.
import { Op, QueryTypes, UniqueConstraintError, type Sequelize, type Transaction } from 'sequelize';
import type { Models } from '../../db/models.ts';
import type { TenantContext } from '../../http/context.ts';
import { AppError, notFound } from '../../http/errors.ts';
import type { Logger } from '../../logger.ts';
import type { EventBus } from '../../realtime/index.ts';
import type { AuditAction, AuditService } from '../audit/index.ts';
import type { ConsentService } from '../consent/index.ts';
import { coerceAttribute, valueColumns, type AttributeValue } from './attributes.ts';
import type { AttributeType, ContactAttributeInstance, ContactAttrs, ContactInstance } from './contacts.models.ts';
import type { CreateAttributeInput, CreateContactInput, UpdateAttributeInput, UpdateContactInput } from './contacts.schemas.ts';
import { serializeContact, type Contact } from './contacts.serialize.ts';
import { distinctTagNames, ensureTags, findTags } from './contacts-tags.ts';
import { normalisePhone } from './phone.ts';

export interface ContactsDeps {
  models: Models;
  sequelize: Sequelize;
  audit: AuditService;
  bus: EventBus;
  logger: Logger;
  consent: ConsentService;
}

const AUDIT = {
  created: 'contact.created',
  merged: 'contact.merged',
  deleted: 'contact.deleted',
} as const satisfies Record<string, AuditAction>;

/** A coerced attribute value ready to store (null: remove the value). */
interface AttributeWrite {
  def: ContactAttributeInstance;
  value: AttributeValue;
}

const serializeAttribute = (d: ContactAttributeInstance) => ({
  id: d.id,
  key: d.key,
  label: d.label,
  type: d.type,
  options: d.options ? (JSON.parse(d.options) as string[]) : null,
});

export class ContactsService {
  readonly #d: ContactsDeps;

  constructor(deps: ContactsDeps) {
    this.#d = deps;
  }

  // -------------------------------------------------------------------------------------------------
  // Contacts

  async create(ctx: TenantContext, input: CreateContactInput): Promise<Contact> {
    const M = this.#d.models;
    const tenantId = ctx.tenantId;
    const phone = input.phone?.trim() ? this.#phone(input.phone, input.defaultCountry) : null;
    const bsuid = input.bsuid ?? null;
    await this.#assertFree(tenantId, phone?.e164 ?? null, bsuid, null);
    // Every value is checked before anything is written.
    const writes = input.attributes ? await this.#coerceAll(tenantId, input.attributes) : [];
    let row: ContactInstance;
    try {
      row = await this.#d.sequelize.transaction(async (transaction) => {
        const created = await M.Contact.create(
          {
            tenantId,
            phone: phone?.e164 ?? null,
            waId: phone?.waId ?? null,
            bsuid,
            name: input.name ?? null,
            email: input.email ?? null,
            source: ctx.principal.kind === 'api_token' ? 'api' : 'agent',
          },
          { transaction },
        );
        if (input.tags?.length) await this.#tag(tenantId, Number(created.id), input.tags, transaction);
        await this.#writeValues(tenantId, Number(created.id), writes, transaction);
        return created;
      });
    } catch (err) {
      // Created by someone else between the check and the insert.
      if (err instanceof UniqueConstraintError) await this.#assertFree(tenantId, phone?.e164 ?? null, bsuid, null);
      throw err;
    }
    await this.#d.audit.inTenant(ctx, AUDIT.created, { type: 'contact', id: Number(row.id) }, { source: row.source });
    await this.#changed(tenantId, Number(row.id));
    return serializeContact(M, row);
  }

  /** A contact of the tenant; a merged one too (its mergedIntoId tells where it went). */
  async get(ctx: TenantContext, id: number): Promise<Contact> {
    return serializeContact(this.#d.models, await this.#find(ctx, id));
  }

  async update(ctx: TenantContext, id: number, input: UpdateContactInput): Promise<Contact> {
    const M = this.#d.models;
    const contact = await this.#live(ctx, id);
    const patch: Partial<ContactAttrs> = {};
    if (input.name !== undefined) patch.name = input.name;
    if (input.email !== undefined) patch.email = input.email;
    if (input.phone === null || (typeof input.phone === 'string' && !input.phone.trim())) {
      if (!contact.bsuid) {
        throw new AppError(400, 'phone_required', 'This contact is known only by its phone number; it cannot be removed.');
      }
      Object.assign(patch, { phone: null, waId: null });
    } else if (input.phone !== undefined) {
      const phone = this.#phone(input.phone, input.defaultCountry);
      if (phone.e164 !== contact.phone) {
        await this.#assertFree(ctx.tenantId, phone.e164, null, Number(contact.id));
        Object.assign(patch, { phone: phone.e164, waId: phone.waId });
      }
    }
    const writes = input.attributes ? await this.#coerceAll(ctx.tenantId, input.attributes) : [];
    try {
      await this.#d.sequelize.transaction(async (transaction) => {
        if (Object.keys(patch).length) await contact.update(patch, { transaction });
        await this.#writeValues(ctx.tenantId, Number(contact.id), writes, transaction);
        // Attribute values live in their own table; the contact still counts as changed.
        if (writes.length && !Object.keys(patch).length) await contact.update({ updatedAt: new Date() }, { transaction });
      });
    } catch (err) {
      if (err instanceof UniqueConstraintError)
        await this.#assertFree(ctx.tenantId, patch.phone ?? null, null, Number(contact.id));
      throw err;
    }
    await this.#changed(ctx.tenantId, Number(contact.id));
    return serializeContact(M, contact);
  }

  /**
   * Erases a contact's profile (name, email, attributes, tags, notes). The row, its phone and its
   * consent history stay: proof of consent must name the person it was given by.
   */
  async erase(ctx: TenantContext, id: number): Promise<void> {
    const M = this.#d.models;
    const contact = await this.#find(ctx, id);
    await this.#d.sequelize.transaction(async (transaction) => {
      const where = { tenantId: ctx.tenantId, contactId: contact.id };
      await M.ContactAttributeValue.destroy({ where, transaction });
      await M.ContactTag.destroy({ where, transaction });
      await M.ContactNote.destroy({ where, transaction });
      await contact.update({ name: null, email: null }, { transaction });
    });
    await this.#d.audit.inTenant(ctx, AUDIT.deleted, { type: 'contact', id: Number(contact.id) });
    await this.#changed(ctx.tenantId, Number(contact.id));
  }

  // -------------------------------------------------------------------------------------------------
  // Tags

  async addTags(ctx: TenantContext, id: number, names: string[]): Promise<Contact> {
    const contact = await this.#live(ctx, id);
    await this.#d.sequelize.transaction((transaction) => this.#tag(ctx.tenantId, Number(contact.id), names, transaction));
    await this.#changed(ctx.tenantId, Number(contact.id));
    return serializeContact(this.#d.models, contact);
  }

  async removeTag(ctx: TenantContext, id: number, name: string): Promise<Contact> {
    const M = this.#d.models;
    const contact = await this.#live(ctx, id);
    const tags = await findTags(M, ctx.tenantId, [name]);
    if (tags.length) {
      const removed = await M.ContactTag.destroy({
        where: { tenantId: ctx.tenantId, contactId: contact.id, tagId: { [Op.in]: tags.map((t) => t.id) } },
      });
      if (removed) await this.#changed(ctx.tenantId, Number(contact.id));
    }
    return serializeContact(M, contact);
  }

  /** The tenant's tags with how many contacts carry each. */
  async listTags(ctx: TenantContext) {
    const rows = await this.#d.sequelize.query<{ id: number; name: string; contacts: number | string }>(
      `SELECT t.id AS id, t.name AS name, COUNT(ct.contact_id) AS contacts
         FROM tags t LEFT JOIN contact_tags ct ON ct.tag_id = t.id
        WHERE t.tenant_id = :tenantId
        GROUP BY t.id, t.name
        ORDER BY t.name`,
      { replacements: { tenantId: ctx.tenantId }, type: QueryTypes.SELECT },
    );
    return { items: rows.map((r) => ({ id: Number(r.id), name: r.name, contacts: Number(r.contacts) })) };
  }

  async #tag(tenantId: number, contactId: number, names: string[], transaction: Transaction) {
    const tags = await ensureTags(this.#d.models, tenantId, distinctTagNames(names), transaction);
    if (tags.length === 0) return;
    await this.#d.models.ContactTag.bulkCreate(
      tags.map((t) => ({ contactId, tagId: t.id, tenantId })),
      { ignoreDuplicates: true, transaction },
    );
  }

  // -------------------------------------------------------------------------------------------------
  // Attribute definitions

  async listAttributes(ctx: TenantContext) {
    const rows = await this.#d.models.ContactAttribute.findAll({ where: { tenantId: ctx.tenantId }, order: [['id', 'ASC']] });
    return { items: rows.map(serializeAttribute) };
  }

  async createAttribute(ctx: TenantContext, input: CreateAttributeInput) {
    const M = this.#d.models;
    const taken = () =>
      new AppError(409, 'attribute_exists', `An attribute with the key "${input.key}" exists already.`, { key: input.key });
    if (await M.ContactAttribute.findOne({ where: { tenantId: ctx.tenantId, key: input.key }, attributes: ['id'] })) {
      throw taken();
    }
    try {
      const row = await M.ContactAttribute.create({
        tenantId: ctx.tenantId,
        key: input.key,
        label: input.label,
        type: input.type,
        options: input.type === 'list' && input.options ? JSON.stringify(input.options) : null,
      });
      return serializeAttribute(row);
    } catch (err) {
      if (err instanceof UniqueConstraintError) throw taken();
      throw err;
    }
  }

  async updateAttribute(ctx: TenantContext, id: number, input: UpdateAttributeInput) {
    const M = this.#d.models;
    const def = await M.ContactAttribute.findOne({ where: { id, tenantId: ctx.tenantId } });
    if (!def) throw notFound('Attribute');
    if (input.type !== undefined && input.type !== def.type) {
      throw new AppError(
        400,
        'attribute_type_fixed',
        `The type of "${def.key}" cannot change from ${def.type} to ${input.type}; create a new attribute instead.`,
      );
    }
    const patch: { label?: string; options?: string } = {};
    if (input.label !== undefined) patch.label = input.label;
    if (input.options !== undefined) {
      if (def.type !== 'list') throw new AppError(400, 'options_not_allowed', 'Only list attributes have options.');
      const before = def.options ? (JSON.parse(def.options) as string[]) : [];
      const keep = new Set(input.options.map((o) => o.toLowerCase()));
      const dropped = before.filter((o) => !keep.has(o.toLowerCase()));
      if (dropped.length) {
        const used = await M.ContactAttributeValue.count({ where: { attributeId: def.id, valueText: { [Op.in]: dropped } } });
        if (used) {
          throw new AppError(
            409,
            'option_in_use',
            `${used} contact(s) still have ${dropped.map((o) => `"${o}"`).join(', ')}; change them before removing the option.`,
            { options: dropped, contacts: used },
          );
        }
      }
      patch.options = JSON.stringify(input.options);
    }
    await def.update(patch);
    return serializeAttribute(def);
  }

  /** Removes the attribute and every contact's value of it. */
  async deleteAttribute(ctx: TenantContext, id: number): Promise<void> {
    const M = this.#d.models;
    const def = await M.ContactAttribute.findOne({ where: { id, tenantId: ctx.tenantId } });
    if (!def) throw notFound('Attribute');
    await this.#d.sequelize.transaction(async (transaction) => {
      await M.ContactAttributeValue.destroy({ where: { tenantId: ctx.tenantId, attributeId: def.id }, transaction });
      await def.destroy({ transaction });
    });
  }

  /** Reads each value against its definition; an unknown key or a bad value is a 400 naming it. */
  async #coerceAll(tenantId: number, input: Record<string, unknown>): Promise<AttributeWrite[]> {
    const keys = Object.keys(input);
    if (keys.length === 0) return [];
    const defs = await this.#d.models.ContactAttribute.findAll({ where: { tenantId, key: { [Op.in]: keys } } });
    const byKey = new Map(defs.map((d) => [d.key, d]));
    const out: AttributeWrite[] = [];
    for (const key of keys) {
      const def = byKey.get(key);
      if (!def) {
        throw new AppError(400, 'unknown_attribute', `There is no contact attribute "${key}"; create it first.`, { key });
      }
      const options = def.options ? (JSON.parse(def.options) as string[]) : null;
      const r = coerceAttribute(def.type as AttributeType, input[key], options);
      if (!r.ok) throw new AppError(400, 'invalid_attribute', `${key}: ${r.reason}`, { key, reason: r.reason });
      out.push({ def, value: r.value });
    }
    return out;
  }

  async #writeValues(tenantId: number, contactId: number, writes: AttributeWrite[], transaction: Transaction) {
    if (writes.length === 0) return;
    const M = this.#d.models;
    await M.ContactAttributeValue.destroy({
      where: { contactId, attributeId: { [Op.in]: writes.map((w) => w.def.id) } },
      transaction,
    });
    const rows = writes
      .filter((w) => w.value !== null)
      .map((w) => ({
        contactId,
        attributeId: w.def.id,
        tenantId,
        ...valueColumns(w.def.type as AttributeType, w.value as Exclude<AttributeValue, null>),
      }));
    if (rows.length) await M.ContactAttributeValue.bulkCreate(rows, { transaction });
  }

  // -------------------------------------------------------------------------------------------------
  // Notes

  async listNotes(ctx: TenantContext, id: number) {
    const M = this.#d.models;
    const contact = await this.#find(ctx, id);
    const notes = await M.ContactNote.findAll({
      where: { tenantId: ctx.tenantId, contactId: contact.id },
      order: [['id', 'DESC']],
      limit: 500,
    });
    const authorIds = [...new Set(notes.map((n) => n.authorUserId).filter((a): a is number => a !== null))];
    const users = authorIds.length
      ? await M.User.findAll({ where: { id: { [Op.in]: authorIds } }, attributes: ['id', 'name', 'email'] })
      : [];
    const nameOf = new Map(users.map((u) => [u.id, u.name || u.email]));
    return {
      items: notes.map((n) => ({
        id: Number(n.id),
        body: n.body,
        author: n.authorUserId !== null ? { id: n.authorUserId, name: nameOf.get(n.authorUserId) ?? '' } : null,
        createdAt: n.createdAt.toISOString(),
      })),
    };
  }

  async addNote(ctx: TenantContext, id: number, body: string) {
    const M = this.#d.models;
    const contact = await this.#live(ctx, id);
    const authorUserId = ctx.principal.userId;
    const note = await M.ContactNote.create({ tenantId: ctx.tenantId, contactId: contact.id, authorUserId, body });
    const author = authorUserId !== null ? await M.User.findByPk(authorUserId, { attributes: ['id', 'name', 'email'] }) : null;
    await this.#changed(ctx.tenantId, Number(contact.id));
    return {
      id: Number(note.id),
      body: note.body,
      author: author ? { id: author.id, name: author.name || author.email } : null,
      createdAt: note.createdAt.toISOString(),
    };
  }

  // -------------------------------------------------------------------------------------------------
  // Merge

  /**
   * Merges `otherId` into `winnerId` in one transaction: the loser points at the winner and gives up
   * its identifiers (the winner takes those it lacks), its tags, the attribute values the winner has
   * none of, its notes and its conversations. Consent entries stay as they are (the registry is
   * append-only); the winner's consent state is recomputed over its own and the loser's history.
   */
  async merge(ctx: TenantContext, winnerId: number, otherId: number): Promise<Contact> {
    const M = this.#d.models;
    const tenantId = ctx.tenantId;
    if (winnerId === otherId) {
      throw new AppError(409, 'merge_same_contact', 'A contact cannot be merged into itself.');
    }
    const moved = await this.#d.sequelize.transaction(async (transaction) => {
      // Locked (MySQL) so two merges of the same pair cannot both go through; the conditional update
      // of the loser below settles it on SQLite.
      const pair = await M.Contact.findAll({
        where: { tenantId, id: { [Op.in]: [winnerId, otherId] } },
        lock: transaction.LOCK.UPDATE,
        transaction,
      });
      const winner = pair.find((c) => Number(c.id) === winnerId);
      const loser = pair.find((c) => Number(c.id) === otherId);
      if (!winner || !loser) throw notFound('Contact');
      if (winner.mergedIntoId !== null) throw this.#mergedError(winner);
      if (loser.mergedIntoId !== null) {
        throw new AppError(
          409,
          'already_merged',
          `Contact ${otherId} was merged into contact ${Number(loser.mergedIntoId)} already.`,
          { contactId: otherId, mergedIntoId: Number(loser.mergedIntoId) },
        );
      }
      const [claimed] = await M.Contact.update(
        { mergedIntoId: winner.id, phone: null, waId: null, bsuid: null },
        { where: { id: loser.id, tenantId, mergedIntoId: null }, transaction },
      );
      if (claimed !== 1) {
        throw new AppError(409, 'already_merged', `Contact ${otherId} was merged already.`, { contactId: otherId });
      }
      const fill: Partial<ContactAttrs> = {};
      for (const k of ['phone', 'waId', 'bsuid', 'name', 'email'] as const) {
        if (!winner[k] && loser[k]) fill[k] = loser[k];
      }
      if (loser.lastSeenAt && (!winner.lastSeenAt || loser.lastSeenAt > winner.lastSeenAt)) fill.lastSeenAt = loser.lastSeenAt;
      if (Object.keys(fill).length) await winner.update(fill, { transaction });

      const loserTags = await M.ContactTag.findAll({
        where: { tenantId, contactId: loser.id },
        attributes: ['tagId'],
        transaction,
      });
      if (loserTags.length) {
        await M.ContactTag.bulkCreate(
          loserTags.map((t) => ({ contactId: winner.id, tagId: t.tagId, tenantId })),
          { ignoreDuplicates: true, transaction },
        );
        await M.ContactTag.destroy({ where: { tenantId, contactId: loser.id }, transaction });
      }
      const winnerAttrs = await M.ContactAttributeValue.findAll({
        where: { contactId: winner.id },
        attributes: ['attributeId'],
        transaction,
      });
      // Values the winner has none of move over; the others stay with the loser as history.
      const [attributes] = await M.ContactAttributeValue.update(
        { contactId: winner.id },
        {
          where: {
            tenantId,
            contactId: loser.id,
            ...(winnerAttrs.length ? { attributeId: { [Op.notIn]: winnerAttrs.map((v) => v.attributeId) } } : {}),
          },
          transaction,
        },
      );
      const [notes] = await M.ContactNote.update(
        { contactId: winner.id },
        { where: { tenantId, contactId: loser.id }, transaction },
      );
      const [conversations] = await M.Conversation.update(
        { contactId: winner.id },
        { where: { tenantId, contactId: loser.id }, transaction },
      );
      // Entries stay on the loser; the winner's state follows the newest entry over both histories.
      await this.#d.consent.recomputeState(tenantId, winnerId, transaction);
      return {
        identifiers: Object.keys(fill).filter((k) => ['phone', 'waId', 'bsuid'].includes(k)),
        tags: loserTags.length,
        attributes,
        notes,
        conversations,
      };
    });
    await this.#d.audit.inTenant(ctx, AUDIT.merged, { type: 'contact', id: winnerId }, { mergedId: otherId, moved });
    await this.#changed(tenantId, otherId);
    await this.#changed(tenantId, winnerId);
    return this.get(ctx, winnerId);
  }

  // -------------------------------------------------------------------------------------------------
  // Conversations

  /** The contact's conversations, latest activity first. */
  async conversations(ctx: TenantContext, id: number) {
    const contact = await this.#find(ctx, id);
    const rows = await this.#d.models.Conversation.findAll({
      where: { tenantId: ctx.tenantId, contactId: contact.id },
      order: [
        ['lastMessageAt', 'DESC'],
        ['id', 'DESC'],
      ],
      limit: 200,
    });
    return {
      items: rows.map((c) => ({
        id: Number(c.id),
        channelId: c.channelId,
        status: c.status,
        lastMessageAt: new Date(c.lastMessageAt).toISOString(),
        preview: c.preview,
        unreadCount: c.unreadCount,
      })),
    };
  }

  // -------------------------------------------------------------------------------------------------
  // Helpers

  async #find(ctx: TenantContext, id: number): Promise<ContactInstance> {
    const row = await this.#d.models.Contact.findOne({ where: { id, tenantId: ctx.tenantId } });
    if (!row) throw notFound('Contact');
    return row;
  }

  /** A contact that can still change: a merged one answers 409 naming where it went. */
  async #live(ctx: TenantContext, id: number): Promise<ContactInstance> {
    const row = await this.#find(ctx, id);
    if (row.mergedIntoId !== null) throw this.#mergedError(row);
    return row;
  }

  #mergedError(row: ContactInstance) {
    return new AppError(
      409,
      'contact_merged',
      `Contact ${Number(row.id)} was merged into contact ${Number(row.mergedIntoId)}; change that one instead.`,
      { contactId: Number(row.id), mergedIntoId: Number(row.mergedIntoId) },
    );
  }

  #phone(input: string, defaultCountry?: string | null) {
    const r = normalisePhone(input, defaultCountry);
    if (!r.ok) throw new AppError(400, 'invalid_phone', r.reason, { phone: input });
    return r;
  }

  /** 409 `contact_exists` naming the contact that has this phone or BSUID already. */
  async #assertFree(tenantId: number, phone: string | null, bsuid: string | null, except: number | null) {
    const or = [...(phone ? [{ phone }] : []), ...(bsuid ? [{ bsuid }] : [])];
    if (or.length === 0) return;
    const hit = await this.#d.models.Contact.findOne({
      where: { tenantId, [Op.or]: or, ...(except !== null ? { id: { [Op.ne]: except } } : {}) },
      attributes: ['id', 'phone'],
    });
    if (!hit) return;
    const what = phone && hit.phone === phone ? `the phone number ${phone}` : 'this BSUID';
    throw new AppError(409, 'contact_exists', `A contact with ${what} exists already.`, { contactId: Number(hit.id) });
  }

  async #changed(tenantId: number, contactId: number) {
    try {
      await this.#d.bus.publish({ tenantId, topic: 'contacts', type: 'contact.updated', data: { contactId } });
    } catch (err) {
      // Real-time is best effort; clients reload over HTTP.
      this.#d.logger.warn({ err: { message: (err as Error).message } }, 'could not publish a realtime event');
    }
  }
}
