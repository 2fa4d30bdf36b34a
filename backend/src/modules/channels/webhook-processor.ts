// The back half of the webhook pipeline: claims persisted raw events (safely across instances),
// routes each change by phone_number_id to its channel and tenant, stores inbound messages and
// status events (unique indexes make every replay a no-op), and moves message status forward only
// (sent < delivered < read < played; failed is terminal) whatever order the statuses arrive in.
// A failed event is retried with back-off and, after the last attempt, stays visible as 'failed'.
import crypto from 'node:crypto';
import { Op, type QueryOptions, type Sequelize, type Transaction } from 'sequelize';
import type { Models } from '../../db/models.ts';
import { sqlDate } from '../../db/sequelize.ts';
import type { Logger } from '../../logger.ts';
import type { EventBus } from '../../realtime/index.ts';
import type { WebhookEventInstance } from './webhook-event.model.ts';
import type { WaMessageCreation } from './wa-message.model.ts';
import { previewOf, recordInbound } from '../inbox/conversations.ts';
import { INBOUND_MEDIA_TYPES, pendingInboundMedia, textOf } from '../inbox/message-content.ts';

export const STATUS_RANK: Readonly<Record<string, number>> = {
  accepted: 0,
  sent: 1,
  delivered: 2,
  read: 3,
  played: 4,
  failed: 99,
};

/** Statuses a message may leave for `next` (never backwards, never out of failed). */
export function statusesBelow(next: string): string[] {
  const rank = STATUS_RANK[next];
  if (rank === undefined) return [];
  return Object.keys(STATUS_RANK).filter((s) => s !== 'failed' && STATUS_RANK[s] < rank);
}

export interface ProcessorOptions {
  batchSize?: number;
  pollMs?: number;
  leaseMs?: number;
  maxAttempts?: number;
  /** Back-off before retry n (1-based), in ms. */
  backoffMs?: (attempt: number) => number;
  /**
   * True while webhooks are pouring in. Acknowledging them fast matters more than processing them
   * at once (Meta retries slow endpoints), so the processor then pauses between batches.
   */
  receiverBusy?: () => boolean;
  /** The pause between batches while the receiver is busy (ms). */
  yieldMs?: number;
}

interface ChannelRef {
  id: number;
  tenantId: number;
}

/** A message a batch stored for the first time, as the onInboundMessages hook sees it. */
export interface FreshInbound {
  id: number;
  tenantId: number;
  channelId: number;
  conversationId: number | null;
  wamid: string;
  waId: string | null;
  userId: string | null;
  profileName: string | null;
  type: string;
  bodyText: string | null;
  occurredAt: Date;
}

/** Runs inside a batch's transaction; what it returns runs once the batch has committed. */
/** A status webhook about a campaign message (its biz_opaque_callback_data names the recipient). */
export interface CampaignStatus {
  tenantId: number;
  campaignId: number;
  recipientId: number;
  wamid: string;
  status: string;
  errorCode: number | null;
  errorReason: string | null;
  billable: boolean | null;
}
export type CampaignStatusHook = (statuses: CampaignStatus[], transaction: Transaction) => Promise<void>;

/** Campaign sends carry `campaign:<campaign id>:<recipient id>` as their opaque callback data. */
export function parseCampaignOpaque(value: string | null | undefined): { campaignId: number; recipientId: number } | null {
  const m = value ? /^campaign:(\d{1,10}):(\d{1,15})$/.exec(value) : null;
  return m ? { campaignId: Number(m[1]), recipientId: Number(m[2]) } : null;
}

export type InboundHook = (messages: FreshInbound[], transaction: Transaction) => Promise<(() => Promise<void>) | null>;

type Json = Record<string, unknown>;
const obj = (v: unknown): Json => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : {});
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const str = (v: unknown): string | null => (typeof v === 'string' && v ? v : typeof v === 'number' ? String(v) : null);
const when = (v: unknown, fallback: Date): Date => {
  const n = Number(v);
  return Number.isFinite(n) && n > 0 ? new Date(n * 1000) : fallback;
};
/**
 * WhatsApp's timestamps have whole seconds, ours milliseconds. Within its second, an inbound message
 * takes the time we received it (capped at the second's last millisecond), so it sorts after a reply
 * an agent sent earlier in that second — the agent had not seen it yet — instead of before it. (The
 * service window is counted from the whole second: see service-window.ts.)
 */
const inboundAt = (v: unknown, receivedAt: Date, fallback: Date): Date => {
  const t = when(v, fallback).getTime();
  return new Date(t + Math.min(999, Math.max(0, receivedAt.getTime() - t)));
};

export class WebhookProcessor {
  readonly #models: Models;
  readonly #sequelize: Sequelize;
  readonly #logger: Logger;
  readonly #bus: EventBus | null;
  readonly #onInboundMedia: ((messageIds: number[]) => Promise<void>) | null;
  readonly #onConversationsOpened: ((conversationIds: number[]) => Promise<unknown>) | null;
  readonly #onInboundMessages: InboundHook | null;
  readonly #onCampaignStatuses: CampaignStatusHook | null;
  readonly #opts: Required<ProcessorOptions>;
  readonly #instance = crypto.randomUUID().slice(0, 12);
  #round = 0;
  #running = false;
  #loop: Promise<void> | null = null;
  /** Set by wake() while a round is running, so the loop does not go to sleep right after it. */
  #missedWake = false;
  #lastWakeAt = 0;
  #wake: (() => void) | null = null;
  #wakeTimer: NodeJS.Timeout | null = null;
  #channels = new Map<string, { ref: ChannelRef | null; at: number }>();
  processed = 0;

  constructor(
    deps: {
      models: Models;
      sequelize: Sequelize;
      logger: Logger;
      bus?: EventBus | null;
      /** New inbound image/video/audio/document/sticker messages, to download their files. */
      onInboundMedia?: (messageIds: number[]) => Promise<void>;
      /** Conversations a batch created or reopened, once it committed (round-robin assignment). */
      onConversationsOpened?: (conversationIds: number[]) => Promise<unknown>;
      /**
       * Fresh inbound messages, inside the batch's transaction (the consent registry's STOP/START
       * keywords: a replay stores nothing fresh, so it never records twice).
       */
      onInboundMessages?: InboundHook;
      /**
       * Statuses of campaign messages (their biz_opaque_callback_data names the recipient), inside the
       * batch's transaction. They never become inbox messages: a campaign's recipients table tracks them.
       */
      onCampaignStatuses?: CampaignStatusHook;
    },
    opts: ProcessorOptions = {},
  ) {
    this.#models = deps.models;
    this.#sequelize = deps.sequelize;
    this.#logger = deps.logger;
    this.#bus = deps.bus ?? null;
    this.#onInboundMedia = deps.onInboundMedia ?? null;
    this.#onConversationsOpened = deps.onConversationsOpened ?? null;
    this.#onInboundMessages = deps.onInboundMessages ?? null;
    this.#onCampaignStatuses = deps.onCampaignStatuses ?? null;
    this.#opts = {
      batchSize: opts.batchSize ?? 500,
      pollMs: opts.pollMs ?? 1000,
      leaseMs: opts.leaseMs ?? 60_000,
      maxAttempts: opts.maxAttempts ?? 8,
      backoffMs: opts.backoffMs ?? ((n) => Math.min(2 ** (n - 1) * 2_000, 15 * 60_000)),
      receiverBusy: opts.receiverBusy ?? (() => false),
      yieldMs: opts.yieldMs ?? 150,
    };
  }

  start() {
    if (this.#running) return;
    this.#running = true;
    this.#loop = (async () => {
      while (this.#running) {
        let n = 0;
        this.#missedWake = false;
        try {
          n = await this.runOnce();
        } catch (err) {
          this.#logger.error({ err }, 'webhook processing round failed');
        }
        if (n > 0 && this.#running && this.#opts.receiverBusy()) {
          await new Promise((resolve) => setTimeout(resolve, this.#opts.yieldMs));
        }
        // A wake that came while this round was already looking may concern an event the round's
        // query did not see yet: look again at once instead of sleeping until the next poll.
        if (n === 0 && this.#running && !this.#missedWake) {
          await new Promise<void>((resolve) => {
            const t = setTimeout(resolve, this.#opts.pollMs);
            this.#wake = () => {
              clearTimeout(t);
              resolve();
            };
          });
          this.#wake = null;
        }
      }
    })();
  }

  /**
   * New events were committed: look now instead of at the next poll. A lone event (nothing else
   * arrived lately) is processed at once, so a customer's message reaches agents in milliseconds;
   * during a burst a short delay lets events accumulate into large batches instead of competing
   * with the receiver event by event.
   */
  wake() {
    const now = Date.now();
    const quiet = now - this.#lastWakeAt > 250;
    this.#lastWakeAt = now;
    if (!this.#wake) {
      this.#missedWake = true;
      return;
    }
    if (this.#wakeTimer) return;
    this.#wakeTimer = setTimeout(
      () => {
        this.#wakeTimer = null;
        this.#wake?.();
      },
      quiet ? 0 : 50,
    );
  }

  async stop() {
    this.#running = false;
    if (this.#wakeTimer) clearTimeout(this.#wakeTimer);
    this.#wakeTimer = null;
    this.#wake?.();
    await this.#loop;
  }

  /** Forget cached routes (a channel was connected, moved or removed). */
  invalidateChannels() {
    this.#channels.clear();
  }

  /** Claims and processes one batch; returns how many events it handled. */
  async runOnce(): Promise<number> {
    const events = await this.#claim();
    if (events.length === 0) return 0;
    try {
      // The common case: the whole batch in one transaction (a handful of statements for hundreds
      // of events). If anything in it fails, each event is retried alone so one bad event cannot
      // hold back the others, and gets its own attempt count and error.
      await this.#applyBatch(events);
      this.processed += events.length;
    } catch (err) {
      if (events.length === 1) await this.#fail(events[0], err);
      else for (const event of events) await this.#processOne(event);
    }
    return events.length;
  }

  async #claim(): Promise<WebhookEventInstance[]> {
    const W = this.#models.WebhookEvent;
    const now = new Date();
    const claimable = {
      status: 'pending',
      nextAttemptAt: { [Op.lte]: now },
      [Op.or]: [{ claimedUntil: null }, { claimedUntil: { [Op.lt]: now } }],
    };
    const candidates = await W.findAll({
      attributes: ['id'],
      where: claimable,
      order: [['id', 'ASC']],
      // Small batches while webhooks pour in keep each processing burst short.
      limit: this.#opts.receiverBusy() ? Math.min(100, this.#opts.batchSize) : this.#opts.batchSize,
      raw: true,
    });
    if (candidates.length === 0) return [];
    const ids = candidates.map((c) => c.id);
    const token = `${this.#instance}:${++this.#round}`;
    // Conditional on still being claimable: of two instances racing for a row, one update wins.
    await W.update(
      { claimedBy: token, claimedUntil: new Date(now.getTime() + this.#opts.leaseMs) },
      { where: { id: ids, ...claimable } },
    );
    return W.findAll({ where: { id: ids, claimedBy: token }, order: [['id', 'ASC']] });
  }

  async #processOne(event: WebhookEventInstance) {
    try {
      await this.#applyBatch([event]);
      this.processed += 1;
    } catch (err) {
      await this.#fail(event, err);
    }
  }

  async #fail(event: WebhookEventInstance, err: unknown) {
    const attempts = event.attempts + 1;
    const final = attempts >= this.#opts.maxAttempts;
    const message = err instanceof Error ? err.message : String(err);
    this.#logger.warn({ eventId: event.id, attempts, final, err: { message } }, 'webhook event processing failed');
    await event.update({
      status: final ? 'failed' : 'pending',
      attempts,
      lastError: message.slice(0, 2000),
      nextAttemptAt: new Date(Date.now() + this.#opts.backoffMs(attempts)),
      claimedBy: null,
      claimedUntil: null,
    });
  }

  async #route(phoneNumberId: string | null): Promise<ChannelRef | null> {
    if (!phoneNumberId) return null;
    const hit = this.#channels.get(phoneNumberId);
    if (hit && Date.now() - hit.at < 30_000) return hit.ref;
    const row = await this.#models.Channel.findOne({ where: { phoneNumberId }, attributes: ['id', 'tenantId'], raw: true });
    const ref = row ? { id: row.id, tenantId: row.tenantId } : null;
    this.#channels.set(phoneNumberId, { ref, at: Date.now() });
    return ref;
  }

  /** Parses and routes one raw event (no writes). Public only for its return type. */
  async plan(event: WebhookEventInstance, now: Date) {
    let body: Json;
    try {
      body = obj(JSON.parse(event.body));
    } catch {
      throw new Error('The webhook body is not JSON.');
    }
    let tenantId: number | null = event.tenantId;
    const messages: WaMessageCreation[] = [];
    const statuses: { channel: ChannelRef; s: Json }[] = [];
    for (const entry of arr(body.entry)) {
      for (const change of arr(obj(entry).changes)) {
        const c = obj(change);
        // Template, account and quality updates are kept as raw events for the modules that will
        // consume them; only message traffic is routed here.
        if (c.field !== 'messages') continue;
        const value = obj(c.value);
        const pnid = str(obj(value.metadata).phone_number_id);
        const channel = await this.#route(pnid);
        if (!channel) throw new Error(`No connected channel has phone_number_id ${pnid ?? '(missing)'}.`);
        if (event.channelId !== null && event.channelId !== channel.id) {
          throw new Error(`phone_number_id ${pnid} does not belong to channel ${event.channelId}.`);
        }
        tenantId = channel.tenantId;
        messages.push(...inboundRows(event, channel, value, now));
        for (const st of arr(value.statuses)) statuses.push({ channel, s: obj(st) });
      }
    }
    return { tenantId, messages, statuses };
  }

  async #applyBatch(events: WebhookEventInstance[]) {
    const M = this.#models;
    const now = new Date();
    const plans: ({ event: WebhookEventInstance } & Awaited<ReturnType<WebhookProcessor['plan']>>)[] = [];
    for (const e of events) plans.push({ event: e, ...(await this.plan(e, now)) });
    const messages = plans.flatMap((p) => p.messages);
    const statuses = plans.flatMap((p) => p.statuses).filter(({ s }) => str(s.id) && str(s.status));
    const published: { tenantId: number; type: string; data: Json; topic?: string }[] = [];
    const mediaMessageIds: number[] = [];
    const opened: number[] = [];
    const statusChanges: { tenantId: number; channelId: number; wamid: string; status: string }[] = [];
    const afterCommit: (() => Promise<void>)[] = [];

    await this.#sequelize.transaction(async (transaction) => {
      if (messages.length) {
        await this.#insertIgnore('wa_messages', messages, transaction);
        // The unique index kept the first copy of each message; the rows this batch's events wrote
        // (and that no conversation holds yet) are the new ones. Only they count as unread and are
        // announced, so a replay of the same event changes nothing.
        const eventIds = plans.map((p) => p.event.id);
        const fresh = await M.WaMessage.findAll({
          attributes: ['id', 'tenantId', 'channelId', 'wamid', 'waId', 'userId', 'profileName', 'occurredAt', 'type', 'payload'],
          where: { webhookEventId: eventIds, direction: 'in', conversationId: null },
          transaction,
        });
        const freshById = new Map(fresh.map((m) => [Number(m.id), m]));
        const newlyOpened = await recordInbound(
          this.#sequelize,
          M,
          fresh.map((m) => ({
            tenantId: m.tenantId,
            channelId: m.channelId,
            wamid: m.wamid,
            waId: m.waId,
            userId: m.userId,
            profileName: m.profileName,
            occurredAt: m.occurredAt,
            preview: previewOf(m.type, JSON.parse(m.payload) as Record<string, unknown>),
          })),
          transaction,
        );
        opened.push(...newlyOpened);
        const byChannel = new Map<number, { tenantId: number; wamids: string[] }>();
        for (const m of fresh) {
          const g = byChannel.get(m.channelId) ?? { tenantId: m.tenantId, wamids: [] };
          g.wamids.push(m.wamid);
          byChannel.set(m.channelId, g);
        }
        for (const [channelId, g] of byChannel) {
          published.push({ tenantId: g.tenantId, type: 'whatsapp.message.received', data: { channelId, wamids: g.wamids } });
        }
        // The inbox's events name our ids: one look-up for the conversations recordInbound chose.
        const placed = fresh.length
          ? await M.WaMessage.findAll({
              attributes: ['id', 'tenantId', 'conversationId', 'type', 'bodyText'],
              where: { id: fresh.map((m) => m.id) },
              transaction,
            })
          : [];
        const touched = new Map<number, number>();
        for (const m of placed) {
          if ((INBOUND_MEDIA_TYPES as readonly string[]).includes(m.type)) mediaMessageIds.push(Number(m.id));
          if (m.conversationId === null) continue;
          const conversationId = Number(m.conversationId);
          touched.set(conversationId, m.tenantId);
          published.push({
            tenantId: m.tenantId,
            topic: 'inbox',
            type: 'message.created',
            data: { conversationId, messageId: Number(m.id) },
          });
        }
        for (const [conversationId, tenantId] of touched) {
          published.push({ tenantId, topic: 'inbox', type: 'conversation.updated', data: { conversationId } });
        }
        if (this.#onInboundMessages && placed.length) {
          const after = await this.#onInboundMessages(
            placed.map((m) => {
              const f = freshById.get(Number(m.id))!;
              return {
                id: Number(m.id),
                tenantId: m.tenantId,
                channelId: f.channelId,
                conversationId: m.conversationId === null ? null : Number(m.conversationId),
                wamid: f.wamid,
                waId: f.waId,
                userId: f.userId,
                profileName: f.profileName,
                type: m.type,
                bodyText: m.bodyText,
                occurredAt: f.occurredAt,
              };
            }),
            transaction,
          );
          if (after) afterCommit.push(after);
        }
      }
      if (statuses.length) {
        await this.#insertIgnore(
          'wa_status_events',
          statuses.map(({ channel, s }) => ({
            tenantId: channel.tenantId,
            channelId: channel.id,
            wamid: str(s.id)!,
            status: str(s.status)!,
            occurredAt: when(s.timestamp, now),
            payload: JSON.stringify(s),
          })),
          transaction,
        );
        // Campaign messages are tracked by their recipient row, not as inbox messages.
        const campaign: CampaignStatus[] = [];
        const inbox: typeof statuses = [];
        for (const item of statuses) {
          const ref = this.#onCampaignStatuses ? parseCampaignOpaque(str(item.s.biz_opaque_callback_data)) : null;
          if (!ref) {
            inbox.push(item);
            continue;
          }
          const error = obj(arr(item.s.errors)[0]);
          const pricing = obj(item.s.pricing);
          campaign.push({
            tenantId: item.channel.tenantId,
            campaignId: ref.campaignId,
            recipientId: ref.recipientId,
            wamid: str(item.s.id)!,
            status: str(item.s.status)!,
            errorCode: Number(error.code) || null,
            errorReason: (str(obj(error.error_data).details) ?? str(error.title) ?? str(error.message))?.slice(0, 255) ?? null,
            billable: typeof pricing.billable === 'boolean' ? pricing.billable : null,
          });
        }
        if (campaign.length) await this.#onCampaignStatuses!(campaign, transaction);
        // A status for a message we have not recorded yet (sent by another path, or its row is
        // still being written) gets a placeholder row that the sender fills in later.
        await this.#insertIgnore(
          'wa_messages',
          inbox.map(({ channel, s }) => ({
            tenantId: channel.tenantId,
            channelId: channel.id,
            wamid: str(s.id)!,
            direction: 'out' as const,
            waId: str(s.recipient_id),
            userId: str(s.recipient_user_id),
            type: 'unknown',
            payload: '{}',
            status: 'accepted',
            occurredAt: when(s.timestamp, now),
          })),
          transaction,
        );
        for (const { channel, s } of inbox) {
          const wamid = str(s.id)!;
          const status = str(s.status)!;
          const lower = statusesBelow(status);
          if (lower.length === 0) continue;
          const error = obj(arr(s.errors)[0]);
          const pricing = s.pricing ? JSON.stringify(s.pricing) : null;
          const opaque = str(s.biz_opaque_callback_data);
          const [changed] = await M.WaMessage.update(
            {
              status,
              statusAt: when(s.timestamp, now),
              ...(status === 'failed'
                ? {
                    errorCode: Number(error.code) || null,
                    errorTitle: str(obj(error.error_data).details) ?? str(error.title) ?? str(error.message),
                  }
                : {}),
              ...(pricing ? { pricing } : {}),
              ...(opaque ? { bizOpaqueCallbackData: opaque } : {}),
            },
            { where: { channelId: channel.id, wamid, status: lower }, transaction },
          );
          if (changed > 0) {
            statusChanges.push({ tenantId: channel.tenantId, channelId: channel.id, wamid, status });
            published.push({
              tenantId: channel.tenantId,
              type: 'whatsapp.message.status',
              data: { channelId: channel.id, wamid, status },
            });
          }
        }
      }
      const byTenant = new Map<number | null, number[]>();
      for (const p of plans) byTenant.set(p.tenantId, [...(byTenant.get(p.tenantId) ?? []), p.event.id]);
      for (const [tenantId, ids] of byTenant) {
        await M.WebhookEvent.update(
          { status: 'processed', processedAt: now, claimedBy: null, claimedUntil: null, tenantId, lastError: null },
          { where: { id: ids }, transaction },
        );
      }
    });
    for (const p of published) await this.#publish(p.tenantId, p.type, p.data, p.topic);
    await this.#announceStatuses(statusChanges);
    if (mediaMessageIds.length && this.#onInboundMedia) {
      try {
        await this.#onInboundMedia(mediaMessageIds);
      } catch (err) {
        this.#logger.error({ err }, 'could not queue inbound media downloads');
      }
    }
    for (const after of afterCommit) {
      try {
        await after();
      } catch (err) {
        this.#logger.error({ err }, 'inbound message follow-up failed');
      }
    }
    if (opened.length && this.#onConversationsOpened) {
      try {
        await this.#onConversationsOpened(opened);
      } catch (err) {
        this.#logger.error({ err }, 'could not assign new conversations');
      }
    }
  }

  /**
   * INSERT IGNORE / INSERT OR IGNORE of plain rows (camelCase keys → snake_case columns), without
   * building a model instance per row: the unique indexes turn replays into no-ops.
   */
  async #insertIgnore(table: string, rows: Record<string, unknown>[], transaction: Transaction) {
    if (rows.length === 0) return;
    const now = new Date();
    const withTimes = rows.map((r) => ({
      ...r,
      createdAt: now,
      ...(table === 'wa_messages' ? { updatedAt: now } : {}),
    }));
    const snake = withTimes.map((r) =>
      Object.fromEntries(
        Object.entries(r).map(([k, v]) => [
          k.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`),
          v instanceof Date ? sqlDate(this.#sequelize, v) : (v ?? null),
        ]),
      ),
    );
    // Every row must name the same columns for one multi-row INSERT.
    const columns = [...new Set(snake.flatMap((r) => Object.keys(r)))];
    const uniform = snake.map((r) => Object.fromEntries(columns.map((c) => [c, r[c] ?? null])));
    // `ignoreDuplicates` is honoured by every dialect's bulkInsert, though missing from its typings.
    const options = { ignoreDuplicates: true, transaction } as QueryOptions;
    await this.#sequelize.getQueryInterface().bulkInsert(table, uniform, options);
  }

  /** 'message.status' on the inbox topic, by our ids (one look-up for the whole batch). */
  async #announceStatuses(changes: { tenantId: number; channelId: number; wamid: string; status: string }[]) {
    if (!this.#bus || changes.length === 0) return;
    const byChannel = new Map<number, string[]>();
    for (const c of changes) byChannel.set(c.channelId, [...(byChannel.get(c.channelId) ?? []), c.wamid]);
    try {
      const rows = await this.#models.WaMessage.findAll({
        attributes: ['id', 'tenantId', 'channelId', 'wamid', 'conversationId', 'status'],
        where: { [Op.or]: [...byChannel].map(([channelId, wamids]) => ({ channelId, wamid: wamids })) },
      });
      for (const m of rows) {
        if (m.conversationId === null) continue;
        await this.#publish(
          m.tenantId,
          'message.status',
          { conversationId: Number(m.conversationId), messageId: Number(m.id), status: m.status },
          'inbox',
        );
      }
    } catch (err) {
      this.#logger.warn({ err: { message: (err as Error).message } }, 'could not announce status changes');
    }
  }

  async #publish(tenantId: number, type: string, data: Json, topic = 'whatsapp') {
    if (!this.#bus) return;
    try {
      await this.#bus.publish({ tenantId, topic, type, data });
    } catch (err) {
      // Real-time is best effort; the stored rows are the truth and clients reload them.
      this.#logger.warn({ err: { message: (err as Error).message } }, 'could not publish a realtime event');
    }
  }
}

/** The wa_messages rows an inbound `messages` change produces. */
function inboundRows(event: WebhookEventInstance, channel: ChannelRef, value: Json, now: Date): WaMessageCreation[] {
  const contacts = arr(value.contacts).map(obj);
  return arr(value.messages)
    .map(obj)
    .filter((m) => str(m.id))
    .map((m): WaMessageCreation => {
      // `from` is absent for customers who hide their number behind a username: use the
      // business-scoped user id instead, and never require either.
      const waId = str(m.from);
      const userId = str(m.from_user_id);
      const contact =
        contacts.find((c) => (waId && str(c.wa_id) === waId) || (userId && str(c.user_id) === userId)) ??
        (contacts.length === 1 ? contacts[0] : {});
      const type = str(m.type) ?? 'unknown';
      // A reply quotes its message; a reaction points at the one it is on.
      const quoted = str(obj(m.context).id) ?? (type === 'reaction' ? str(obj(m.reaction).message_id) : null);
      return {
        tenantId: channel.tenantId,
        channelId: channel.id,
        wamid: str(m.id)!,
        direction: 'in' as const,
        waId: waId ?? str(contact.wa_id),
        userId: userId ?? str(contact.user_id),
        profileName: str(obj(contact.profile).name),
        type,
        payload: JSON.stringify(m),
        bodyText: textOf(type, m),
        replyToWamid: quoted,
        media: pendingInboundMedia(type, m),
        status: 'received',
        statusAt: now,
        occurredAt: inboundAt(m.timestamp, event.receivedAt, now),
        webhookEventId: event.id,
      };
    });
}
