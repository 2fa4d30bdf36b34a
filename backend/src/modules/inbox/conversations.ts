// Keeps conversations current as messages arrive: one conversation per customer and number, its
// last activity, unread count and customer-service-window expiry. Called inside the webhook
// processor's transaction with only the messages this batch stored for the first time, so a replayed
// webhook never counts twice. A customer writing reopens a resolved or snoozed conversation.
import { Op, type Sequelize, type Transaction } from 'sequelize';
import type { Models } from '../../db/models.ts';
import { sqlDate } from '../../db/sequelize.ts';
import { windowClosesAt } from '../channels/service-window.ts';
import { phoneFromWaId } from '../contacts/phone.ts';

export interface InboundForConversation {
  tenantId: number;
  channelId: number;
  wamid: string;
  waId: string | null;
  userId: string | null;
  profileName: string | null;
  occurredAt: Date;
  preview: string | null;
}

/** A short human preview of a WhatsApp message object, for conversation lists. */
export function previewOf(type: string, payload: Record<string, unknown>): string {
  const o = (v: unknown) => (v && typeof v === 'object' ? (v as Record<string, unknown>) : {});
  const text =
    type === 'text'
      ? o(payload.text).body
      : type === 'interactive'
        ? (o(o(payload.interactive).button_reply).title ?? o(o(payload.interactive).list_reply).title)
        : type === 'button'
          ? o(payload.button).text
          : ['image', 'video', 'document'].includes(type)
            ? (o(payload[type]).caption ?? o(payload[type]).filename)
            : type === 'reaction'
              ? o(payload.reaction).emoji
              : type === 'location'
                ? (o(payload.location).name ?? 'Location')
                : null;
  const label: Record<string, string> = {
    image: 'Photo',
    video: 'Video',
    audio: o(payload.audio).voice ? 'Voice message' : 'Audio',
    document: 'Document',
    sticker: 'Sticker',
    contacts: 'Contact card',
    order: 'Order',
    location: 'Location',
  };
  const s = typeof text === 'string' && text ? text : (label[type] ?? type);
  return s.length > 250 ? `${s.slice(0, 249)}…` : s;
}

export async function recordInbound(
  sequelize: Sequelize,
  models: Models,
  rows: InboundForConversation[],
  transaction: Transaction,
): Promise<number[]> {
  /** Conversations this batch created or reopened: round-robin looks at them once the batch commits. */
  const opened: number[] = [];
  if (rows.length === 0) return opened;
  const groups = new Map<string, InboundForConversation[]>();
  for (const r of rows) {
    const key = r.waId ?? r.userId;
    if (!key) continue;
    const k = `${r.channelId}\u0000${key}`;
    groups.set(k, [...(groups.get(k) ?? []), r]);
  }
  const now = new Date();
  for (const [k, list] of groups) {
    const customerKey = k.split('\u0000')[1];
    // Same-second messages: the later arrival wins.
    const latest = list.reduce((a, b) => (b.occurredAt >= a.occurredAt ? b : a));
    const { tenantId, channelId } = latest;
    // Create it if this is the customer's first message; the unique index keeps one per customer.
    const options = { ignoreDuplicates: true, transaction } as Parameters<
      ReturnType<Sequelize['getQueryInterface']>['bulkInsert']
    >[2];
    await sequelize.getQueryInterface().bulkInsert(
      'conversations',
      [
        {
          tenant_id: tenantId,
          channel_id: channelId,
          customer_key: customerKey,
          wa_id: latest.waId,
          user_id: latest.userId,
          profile_name: latest.profileName,
          status: 'open',
          unread_count: 0,
          last_message_at: sqlDate(sequelize, latest.occurredAt),
          last_inbound_at: null,
          window_expires_at: null,
          preview: latest.preview,
          created_at: sqlDate(sequelize, now),
          updated_at: sqlDate(sequelize, now),
        },
      ],
      options,
    );
    // A locking read sees a row another instance committed after this transaction's snapshot (MySQL).
    const conv = await models.Conversation.findOne({
      where: { channelId, customerKey },
      transaction,
      lock: transaction.LOCK.UPDATE,
    });
    if (!conv) continue;
    const contactId =
      conv.contactId === null
        ? await linkContact(sequelize, models, latest, transaction)
        : await seenContact(sequelize, Number(conv.contactId), latest.occurredAt, transaction);
    const newer = !conv.lastInboundAt || latest.occurredAt > conv.lastInboundAt;
    const reopens = conv.status === 'resolved' || conv.status === 'snoozed';
    // No customer message before this batch: it was just created.
    if (conv.lastInboundAt === null || reopens) opened.push(Number(conv.id));
    await conv.increment('unreadCount', { by: list.length, transaction });
    await conv.update(
      {
        // A new message reopens a resolved or snoozed conversation.
        status: reopens ? 'open' : conv.status,
        ...(contactId !== null && contactId !== conv.contactId ? { contactId } : {}),
        ...(reopens ? { snoozedUntil: null } : {}),
        ...(latest.occurredAt >= conv.lastMessageAt ? { lastMessageAt: latest.occurredAt, preview: latest.preview } : {}),
        ...(newer
          ? {
              lastInboundAt: latest.occurredAt,
              windowExpiresAt: windowClosesAt(latest.occurredAt),
              profileName: latest.profileName ?? conv.profileName,
            }
          : {}),
      },
      { transaction },
    );
    await models.WaMessage.update(
      { conversationId: conv.id },
      { where: { channelId, wamid: { [Op.in]: list.map((r) => r.wamid) } }, transaction },
    );
  }
  return opened;
}

/** Moves a contact's last_seen_at forward to `at` (never back): one UPDATE. */
async function seenContact(sequelize: Sequelize, contactId: number, at: Date, transaction: Transaction): Promise<number> {
  await sequelize.query(
    'UPDATE contacts SET last_seen_at = :at WHERE id = :id AND (last_seen_at IS NULL OR last_seen_at < :at)',
    {
      replacements: { id: contactId, at: sqlDate(sequelize, at) },
      transaction,
    },
  );
  return contactId;
}

/**
 * The contact behind a customer's first message in a conversation: created (source 'inbound') with
 * an insert that the unique indexes on phone and BSUID turn into a no-op when it exists already (a
 * replay, another instance, an earlier import), then read back with a locking read. A contact found
 * this way gets its name from the profile only if it had none, and its last_seen_at moved forward.
 */
async function linkContact(
  sequelize: Sequelize,
  models: Models,
  m: InboundForConversation,
  transaction: Transaction,
): Promise<number | null> {
  const phone = m.waId ? phoneFromWaId(m.waId) : null;
  const bsuid = m.userId;
  if (!phone && !bsuid) return null;
  const now = sqlDate(sequelize, new Date());
  const seen = sqlDate(sequelize, m.occurredAt);
  const options = { ignoreDuplicates: true, transaction } as Parameters<
    ReturnType<Sequelize['getQueryInterface']>['bulkInsert']
  >[2];
  await sequelize.getQueryInterface().bulkInsert(
    'contacts',
    [
      {
        tenant_id: m.tenantId,
        phone,
        wa_id: phone ? m.waId : null,
        bsuid,
        name: m.profileName,
        source: 'inbound',
        consent_state: 'unknown',
        last_seen_at: seen,
        created_at: now,
        updated_at: now,
      },
    ],
    options,
  );
  const found = await models.Contact.findAll({
    where: { tenantId: m.tenantId, [Op.or]: [...(phone ? [{ phone }] : []), ...(bsuid ? [{ bsuid }] : [])] },
    attributes: ['id', 'phone', 'waId', 'bsuid', 'name', 'lastSeenAt', 'mergedIntoId'],
    transaction,
    lock: transaction.LOCK.UPDATE,
  });
  // The phone decides when the phone and the BSUID name two different contacts.
  let contact = found.find((c) => phone !== null && c.phone === phone) ?? found[0];
  if (!contact) return null;
  // Merged contacts give up their phone and BSUID, so this is rare (a merge racing this batch).
  for (let hops = 0; contact.mergedIntoId !== null && hops < 10; hops++) {
    const next = await models.Contact.findOne({
      where: { id: contact.mergedIntoId, tenantId: m.tenantId },
      attributes: ['id', 'phone', 'waId', 'bsuid', 'name', 'lastSeenAt', 'mergedIntoId'],
      transaction,
    });
    if (!next) break;
    contact = next;
  }
  const fill: Record<string, string | null> = {};
  if (!contact.name && m.profileName) fill.name = m.profileName;
  if (!contact.waId && !contact.phone && phone) Object.assign(fill, { phone, wa_id: m.waId });
  if (!contact.bsuid && bsuid && !found.some((c) => c.bsuid === bsuid)) fill.bsuid = bsuid;
  const later = !contact.lastSeenAt || m.occurredAt > contact.lastSeenAt;
  if (Object.keys(fill).length || later) {
    const sets = Object.keys(fill).map((k) => `${k} = :${k}`);
    if (Object.keys(fill).length) sets.push('updated_at = :now');
    // Moves last_seen_at forward only, even if another batch wrote it since the read.
    sets.push('last_seen_at = CASE WHEN last_seen_at IS NULL OR last_seen_at < :seen THEN :seen ELSE last_seen_at END');
    await sequelize.query(`UPDATE contacts SET ${sets.join(', ')} WHERE id = :id`, {
      replacements: { ...fill, id: contact.id, now, seen },
      transaction,
    });
  }
  return Number(contact.id);
}
