// The campaign engine, running in every worker process. For each running campaign it reserves send
// slots from the number's shared pacer, claims that many due recipients in one conditional UPDATE
// (safe with any number of workers), and sends each at its slot with the recipient id as
// biz_opaque_callback_data. Outcomes are written back in set-based batches.
//
// Exactly once: a claimed recipient is 'sending' until its outcome is recorded. If the worker dies
// in between, the row stays 'sending' past its claim; a status webhook carrying the recipient id then
// settles it (sent, delivered, failed) without a resend. Only when no status arrived within the grace
// period, while the campaign's webhooks were confirming later sends, does it go out again.
import crypto from 'node:crypto';
import os from 'node:os';
import { Op, QueryTypes, type QueryOptions, type Sequelize, type Transaction } from 'sequelize';
import type { Models } from '../../db/models.ts';
import { dialectOf, sqlDate } from '../../db/sequelize.ts';
import type { Logger } from '../../logger.ts';
import { GraphApiError, InvalidRequestError, type GraphClient, type MessageTemplate } from '../../whatsapp/index.ts';
import { buildTemplateComponents, headerMediaFormat, type TemplateValues } from '../../whatsapp/template-params.ts';
import type { ChannelInstance } from '../channels/channel.model.ts';
import type { ChannelsService } from '../channels/channels.service.ts';
import type { CampaignStatus } from '../channels/webhook-processor.ts';
import type { MediaService } from '../media/media.service.ts';
import { readValue } from '../contacts/attributes.ts';
import type { AttributeType } from '../contacts/contacts.models.ts';
import type { CampaignInstance, CampaignRecipientInstance } from './campaigns.models.ts';
import { countryOfPhone, pricingCategory, timezoneOfCountry, unitPrice } from './campaign-prices.ts';
import { quietUntil } from './campaign-time.ts';
import type { CampaignVariables, QuietHours, VariableSource } from './campaigns.types.ts';

export const MAX_ATTEMPTS = 5;
/** Pace at 99 % of the rate; the window below makes the one-second bound strict. */
const RATE_MARGIN = 0.99;
const WINDOW_MS = 1002;
/** A 130429 takes the number's rate down by a fifth (again on each further one, a second apart, to a tenth) for five seconds. */
const SLOW_FACTOR = 0.8;
const SLOWEST = 0.1;
const SLOW_FOR_MS = 5000;
const MAX_IN_FLIGHT = 256;
/** Another worker reserved slots on the number this recently: the number is shared for a while. */
const SHARED_SEEN_MS = 5000;
const SHARED_FOR_MS = 10_000;
/**
 * On a shared number a send goes out at most this late after its slot, or the slot is given up: a
 * late worker that caught up would crowd its sends into the next worker's. Together with the pacer's
 * 1 % margin (10 ms a second) this keeps every one-second window within the rate.
 */
const SHARED_LATE_MS = 5;
const FLUSH_EVERY_MS = 200;
const PROGRESS_EVERY_MS = 1000;
const RATES: Record<string, number> = { STANDARD: 80, HIGH: 1000, NOT_APPLICABLE: 80 };

export function effectiveRate(
  campaign: Pick<CampaignInstance, 'ratePerSecond'>,
  channel: Pick<ChannelInstance, 'throughputLevel'> | null,
) {
  return campaign.ratePerSecond ?? RATES[channel?.throughputLevel ?? 'STANDARD'] ?? 80;
}

/** The biz_opaque_callback_data of a campaign send (parseCampaignOpaque reads it back). */
export function opaqueFor(campaignId: number, recipientId: number): string {
  return `campaign:${campaignId}:${recipientId}`;
}

export interface EngineDeps {
  models: Models;
  sequelize: Sequelize;
  logger: Logger;
  channels: ChannelsService;
  media: MediaService;
  templates: (channel: ChannelInstance) => Promise<MessageTemplate[]>;
  /** Publishes the campaign's progress (throttled by the caller of this hook). */
  progress: (campaignIds: number[]) => Promise<void>;
  config: { batchSize: number; claimTtlMs: number; unknownGraceMs: number; pollMs: number };
}

interface Outcome {
  sent: { id: number; wamid: string; country: string | null; price: number }[];
  retry: { id: number; at: Date }[];
  /** Quiet hours: back to the queue until then, without counting an attempt. */
  deferred: { id: number; at: Date }[];
  failed: { id: number; code: number | null; reason: string }[];
  skipped: number[];
  release: number[];
  unknown: number[];
}
const emptyOutcome = (): Outcome => ({ sent: [], retry: [], deferred: [], failed: [], skipped: [], release: [], unknown: [] });

interface RepliedRow {
  id: number;
  campaign_id: number;
  contact_id: number;
  phone: string;
  wamid: string | null;
  state: string;
  sent_at: string | Date;
  channel_id: number;
}

interface RecipientContact {
  name: string | null;
  email: string | null;
  phone: string | null;
  attributes: Record<string, unknown>;
  consentState: string;
}

/** A claimed batch, ready to go out at its reserved slots. */
interface Prepared {
  campaign: CampaignInstance;
  channel: ChannelInstance;
  rate: number;
  due: CampaignRecipientInstance[];
  contacts: Map<number, RecipientContact>;
  start: number;
  interval: number;
  /** Other workers reserve slots on this number too (see SHARED_LATE_MS). */
  shared: boolean;
  send: {
    graph: GraphClient;
    def: MessageTemplate;
    variables: CampaignVariables;
    headerMedia: TemplateValues['headerMedia'];
  } | null;
}

/** A running campaign as one worker sees it. */
interface Runner {
  campaignId: number;
  stop: boolean;
  done: Promise<void>;
}

/** How long an unanswered request may still be on its way before it is counted as arrived anyway. */
const UNANSWERED_MS = 5000;

/**
 * Never more than `limit` messages reach WhatsApp in any one-second window, as WhatsApp's own clock
 * counts them. A request arrives some time after it leaves and before its answer comes back, and
 * nothing tells where in between; so the n-th send leaves only a window's length after the answer to
 * the (n − limit)-th came back, less half the fastest round trip seen lately (an answer needs at
 * least the way back). Departures are paced a little slower than the limit (RATE_MARGIN), so a round
 * trip shorter than that margin costs nothing.
 */
class SendWindow {
  #sends: { leftAt: number; answeredAt: number | null }[] = [];
  #limit: number;
  /** The fastest round trip of each of the last eight stretches of 64 sends. */
  #fastest: number[] = [];
  #answers = 0;
  constructor(limit: number) {
    this.#limit = Math.max(1, Math.floor(limit));
  }
  set limit(n: number) {
    this.#limit = Math.max(1, Math.floor(n));
  }
  /** Half the fastest of the last round trips: the least time an answer takes to come back. */
  #wayBack(): number {
    return this.#fastest.length ? Math.min(...this.#fastest) / 2 : 0;
  }
  /** Milliseconds to wait, or a ticket to close when the answer arrives. */
  take(now: number): number | { answered: () => void } {
    if (this.#sends.length > this.#limit) this.#sends.splice(0, this.#sends.length - this.#limit);
    if (this.#sends.length === this.#limit) {
      const oldest = this.#sends[0];
      let arrived: number;
      if (oldest.answeredAt !== null) arrived = oldest.answeredAt - this.#wayBack();
      else if (now - oldest.leftAt < UNANSWERED_MS) return 2;
      else arrived = oldest.leftAt + UNANSWERED_MS;
      if (arrived + WINDOW_MS > now) return Math.max(1, Math.ceil(arrived + WINDOW_MS - now));
    }
    const entry = { leftAt: now, answeredAt: null as number | null };
    this.#sends.push(entry);
    return {
      answered: () => {
        entry.answeredAt = Date.now();
        const rtt = entry.answeredAt - entry.leftAt;
        if (this.#answers++ % 64 === 0) {
          this.#fastest.push(rtt);
          if (this.#fastest.length > 8) this.#fastest.shift();
        } else {
          const last = this.#fastest.length - 1;
          this.#fastest[last] = Math.min(this.#fastest[last], rtt);
        }
      },
    };
  }
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, Math.max(0, ms)));

export class CampaignEngine {
  readonly #d: EngineDeps;
  readonly #worker = `${os.hostname().slice(0, 24)}:${process.pid}:${crypto.randomBytes(3).toString('hex')}`;
  readonly #runners = new Map<number, Runner>();
  readonly #windows = new Map<number, SendWindow>();
  readonly #headerMedia = new Map<number, Promise<string>>();
  readonly #inFlight = new Set<Promise<void>>();
  #outcome: Outcome = emptyOutcome();
  #flushing: Promise<void> = Promise.resolve();
  #running = false;
  #loop: Promise<void> | null = null;
  #wake: (() => void) | null = null;
  #lastProgress = new Map<number, number>();
  #progressTimer: NodeJS.Timeout | null = null;
  #progressDue = new Set<number>();

  constructor(deps: EngineDeps) {
    this.#d = deps;
  }

  get workerId(): string {
    return this.#worker;
  }

  start(): void {
    if (this.#running) return;
    this.#running = true;
    this.#loop = this.#supervise();
  }

  wake(): void {
    this.#wake?.();
  }

  async stop(): Promise<void> {
    if (!this.#running) return;
    this.#running = false;
    this.wake();
    for (const r of this.#runners.values()) r.stop = true;
    await this.#loop;
    await Promise.all([...this.#runners.values()].map((r) => r.done));
    await Promise.allSettled([...this.#inFlight]);
    await this.#flush();
    if (this.#progressTimer) clearTimeout(this.#progressTimer);
  }

  // ---- supervision: one runner per running campaign in this process ------------------------------

  async #supervise(): Promise<void> {
    while (this.#running) {
      try {
        const running = await this.#d.models.Campaign.findAll({ where: { status: 'running' }, attributes: ['id'] });
        const ids = new Set(running.map((c) => Number(c.id)));
        for (const [id, r] of this.#runners) if (!ids.has(id)) r.stop = true;
        for (const id of ids) {
          if (this.#runners.has(id)) continue;
          const runner: Runner = { campaignId: id, stop: false, done: Promise.resolve() };
          runner.done = this.#run(runner)
            .catch((err: unknown) => {
              // The next look for running campaigns starts a new runner; nothing claimed is lost.
              this.#d.logger.error({ err, campaignId: id }, 'campaigns: runner failed; restarting');
            })
            .finally(() => this.#runners.delete(id));
          this.#runners.set(id, runner);
        }
      } catch (err) {
        this.#d.logger.warn({ err: { message: (err as Error).message } }, 'campaigns: could not look for running campaigns');
      }
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, this.#d.config.pollMs);
        this.#wake = () => {
          clearTimeout(t);
          resolve();
        };
      });
      this.#wake = null;
    }
  }

  /**
   * Prepares batch k+1 (claim, contacts, slots) while batch k is being sent, so the number's slots stay
   * contiguous: at 1,000 messages/s a pause of 10 ms between batches would cost 10 % of the rate.
   */
  async #run(runner: Runner): Promise<void> {
    let lastSweep = 0;
    let next: Promise<Prepared | 'idle' | 'gone'> | null = null;
    while (!runner.stop && this.#running) {
      if (Date.now() - lastSweep > 1000) {
        lastSweep = Date.now();
        const c = await this.#d.models.Campaign.findByPk(runner.campaignId);
        if (c) await this.#reconcile(c);
      }
      const prepared = await (next ?? this.#prepare(runner));
      next = null;
      if (prepared === 'gone') return;
      if (prepared === 'idle') {
        await this.#flush();
        const c = await this.#d.models.Campaign.findByPk(runner.campaignId);
        if (!c || c.status !== 'running' || (await this.#finishIfDone(c))) return;
        await sleep(Math.min(1000, this.#d.config.pollMs * 2));
        continue;
      }
      const dispatch = this.#dispatch(runner, prepared).catch((err) => {
        this.#d.logger.error(
          { err, campaignId: runner.campaignId },
          'campaigns: batch failed; its recipients go back to the queue',
        );
        this.#outcome.release.push(...prepared.due.map((r) => Number(r.id)));
      });
      // The next batch is claimed and given its slots while this one goes out: a batch's preparation
      // (a dozen queries) may take longer than half of its sending under load.
      if (!runner.stop && this.#running && prepared.due.length > 0) next = this.#prepare(runner);
      await dispatch;
    }
    if (next) {
      const left = await next.catch(() => 'gone' as const);
      if (typeof left === 'object') this.#outcome.release.push(...left.due.map((r) => Number(r.id)));
    }
  }

  /** Claims the next batch, settles who cannot be sent now, and reserves slots for the rest. */
  async #prepare(runner: Runner): Promise<Prepared | 'idle' | 'gone'> {
    const M = this.#d.models;
    const campaign = await M.Campaign.findByPk(runner.campaignId);
    if (!campaign || campaign.status !== 'running') return 'gone';
    const channel = await M.Channel.findByPk(campaign.channelId);
    if (!channel || channel.status !== 'active') {
      await this.#stopCampaign(campaign.id, null, 'The sending number is disconnected. Reconnect it, then resume the campaign.');
      return 'gone';
    }
    const rate = effectiveRate(campaign, channel);
    // A batch must go out well within its claim (a third of it), whatever the rate.
    const n = Math.max(1, Math.min(this.#d.config.batchSize, Math.floor((rate * this.#d.config.claimTtlMs) / 3000)));
    const rows = await this.#claim(campaign, n);
    if (rows.length === 0) return 'idle';
    try {
      return await this.#settle(campaign, channel, rate, rows);
    } catch (err) {
      this.#d.logger.error(
        { err, campaignId: campaign.id },
        'campaigns: could not prepare a batch; its recipients go back to the queue',
      );
      this.#outcome.release.push(...rows.map((r) => Number(r.id)));
      await sleep(1000);
      return { campaign, channel, rate, due: [], contacts: new Map(), start: Date.now(), interval: 0, shared: false, send: null };
    }
  }

  // ---- claiming ------------------------------------------------------------------------------------

  /** Claims up to `n` due pending recipients for this worker; only rows this UPDATE changed are ours. */
  async #claim(campaign: CampaignInstance, n: number): Promise<CampaignRecipientInstance[]> {
    const M = this.#d.models;
    const now = new Date();
    // Fresh rows in id order first (an index range), then retries that have come due.
    const candidates = await M.CampaignRecipient.findAll({
      attributes: ['id'],
      where: { campaignId: campaign.id, state: 'pending', nextAttemptAt: null },
      order: [['id', 'ASC']],
      limit: n,
    });
    if (candidates.length < n) {
      candidates.push(
        ...(await M.CampaignRecipient.findAll({
          attributes: ['id'],
          where: { campaignId: campaign.id, state: 'pending', nextAttemptAt: { [Op.lte]: now } },
          order: [['nextAttemptAt', 'ASC']],
          limit: n - candidates.length,
        })),
      );
    }
    if (candidates.length === 0) return [];
    const token = `${this.#worker}:${crypto.randomBytes(4).toString('hex')}`;
    const until = new Date(now.getTime() + this.#d.config.claimTtlMs);
    await M.CampaignRecipient.update(
      {
        state: 'sending',
        claimedBy: token,
        claimedUntil: until,
        attemptedAt: now,
        attempts: this.#d.sequelize.literal('attempts + 1') as unknown as number,
      },
      { where: { id: candidates.map((c) => c.id), state: 'pending' } },
    );
    return M.CampaignRecipient.findAll({
      where: { campaignId: campaign.id, claimedBy: token, state: 'sending' },
      order: [['id', 'ASC']],
    });
  }

  /**
   * Rows left 'sending' by a worker that stopped: once the claim has expired and the grace period has
   * passed with no status webhook for them, and the campaign's webhooks have confirmed a later send
   * (or twice the grace has passed), WhatsApp never accepted them and they may go again.
   */
  async #reconcile(campaign: CampaignInstance): Promise<void> {
    const now = Date.now();
    const grace = this.#d.config.unknownGraceMs;
    const seq = this.#d.sequelize;
    const expired = sqlDate(seq, new Date(now - grace));
    const hard = sqlDate(seq, new Date(now - 2 * grace));
    const confirmed = campaign.confirmedThrough ? sqlDate(seq, campaign.confirmedThrough) : null;
    // A status that has arrived but is not processed yet (a backlog, or events held by a worker that
    // died with them) would settle these rows: while the webhook inbox holds any such event, wait.
    const [backlog] = await seq.query<{ id: number }>(
      `SELECT id FROM webhook_events WHERE status = 'pending' AND received_at < ? LIMIT 1`,
      { replacements: [sqlDate(seq, new Date(now - 2000))], type: QueryTypes.SELECT },
    );
    if (backlog) return;
    await seq.query(
      `UPDATE campaign_recipients SET state = 'pending', claimed_by = NULL, claimed_until = NULL, next_attempt_at = NULL, updated_at = ?
       WHERE campaign_id = ? AND state = 'sending' AND claimed_until < ?
         AND (claimed_until < ?${confirmed ? ' OR attempted_at < ?' : ''})`,
      {
        replacements: [sqlDate(seq, new Date()), campaign.id, expired, hard, ...(confirmed ? [confirmed] : [])],
        type: QueryTypes.UPDATE,
      },
    );
  }

  async #finishIfDone(campaign: CampaignInstance): Promise<boolean> {
    const M = this.#d.models;
    const open = await M.CampaignRecipient.count({ where: { campaignId: campaign.id, state: ['pending', 'sending'] } });
    if (open > 0) return false;
    const [changed] = await M.Campaign.update(
      { status: 'completed', completedAt: new Date() },
      { where: { id: campaign.id, status: 'running' } },
    );
    if (changed) {
      this.#d.logger.info({ campaignId: campaign.id }, 'campaign completed');
      await this.#d.progress([campaign.id]).catch(() => undefined);
    }
    return true;
  }

  // ---- pacing --------------------------------------------------------------------------------------

  /**
   * Reserves `n` consecutive send slots on the number's shared pacer: the first slot, the spacing, and
   * whether other workers are reserving slots on the number too.
   */
  async #reserve(channelId: number, n: number, rate: number): Promise<{ start: number; interval: number; shared: boolean }> {
    const M = this.#d.models;
    for (let attempt = 0; ; attempt++) {
      let pacer = await M.CampaignPacer.findByPk(channelId);
      if (!pacer) {
        await M.CampaignPacer.bulkCreate([{ channelId, updatedAt: new Date() }], { ignoreDuplicates: true });
        pacer = (await M.CampaignPacer.findByPk(channelId))!;
      }
      const now = Date.now();
      const slowed = pacer.slowUntilMs > now ? pacer.slowFactor : 1;
      const interval = 1000 / (rate * RATE_MARGIN * slowed);
      const start = Math.max(now, pacer.nextSlotMs);
      // Rounded, not ceiled: half a millisecond lost per batch adds up at 1,000/s.
      const end = Math.round(start + n * interval);
      const other =
        pacer.lastWorker !== null && pacer.lastWorker !== this.#worker && pacer.updatedAt.getTime() > now - SHARED_SEEN_MS;
      const sharedUntilMs = other ? now + SHARED_FOR_MS : pacer.sharedUntilMs;
      const [changed] = await M.CampaignPacer.update(
        { nextSlotMs: end, lastWorker: this.#worker, sharedUntilMs, updatedAt: new Date() },
        { where: { channelId, nextSlotMs: pacer.nextSlotMs } },
      );
      if (changed === 1 || attempt >= 20) return { start, interval, shared: sharedUntilMs > now };
    }
  }

  /**
   * A 130429: every instance sends on this number at four fifths of the rate for a few seconds. A
   * further one while slowed (at least a second after the last cut) cuts again, down to a tenth; the
   * rate comes back in full once a slow spell passes without one.
   */
  async #slowDown(channelId: number): Promise<void> {
    const M = this.#d.models;
    for (let attempt = 0; attempt < 5; attempt++) {
      const pacer = await M.CampaignPacer.findByPk(channelId);
      if (!pacer) return;
      const now = Date.now();
      const slowed = pacer.slowUntilMs > now;
      // The requests that met the same full window are answered together: one cut for them all.
      if (slowed && pacer.slowUntilMs - SLOW_FOR_MS > now - 1000) return;
      const factor = Math.max(SLOWEST, (slowed ? pacer.slowFactor : 1) * SLOW_FACTOR);
      const [changed] = await M.CampaignPacer.update(
        { slowUntilMs: now + SLOW_FOR_MS, slowFactor: factor, updatedAt: new Date() },
        { where: { channelId, slowUntilMs: pacer.slowUntilMs } },
      );
      if (changed) return;
    }
  }

  #window(channelId: number, rate: number): SendWindow {
    let w = this.#windows.get(channelId);
    if (!w) this.#windows.set(channelId, (w = new SendWindow(rate)));
    else w.limit = rate;
    return w;
  }

  // ---- sending -------------------------------------------------------------------------------------

  async #settle(
    campaign: CampaignInstance,
    channel: ChannelInstance,
    rate: number,
    rows: CampaignRecipientInstance[],
  ): Promise<Prepared> {
    const contacts = await this.#contactsOf(
      campaign.tenantId,
      rows
        .map((r) => r.contactId)
        .filter((x): x is number => x !== null)
        .map(Number),
    );
    const quiet = parseQuiet(campaign.quietHours);
    const now = new Date();
    const due: CampaignRecipientInstance[] = [];
    for (const row of rows) {
      const c = row.contactId === null ? undefined : contacts.get(Number(row.contactId));
      // Consent can change after launch: the guard runs at send time, for every recipient.
      if (c?.consentState === 'opted_out') {
        this.#outcome.skipped.push(Number(row.id));
        continue;
      }
      if (quiet) {
        const zone = stringAttr(c?.attributes.timezone) ?? timezoneOfCountry(countryOfPhone(row.phone)) ?? campaign.timezone;
        const until = quietUntil(now, zone, quiet);
        if (until) {
          this.#outcome.deferred.push({ id: Number(row.id), at: until });
          continue;
        }
      }
      due.push(row);
    }
    if (due.length === 0) {
      this.#scheduleFlush();
      return { campaign, channel, rate, due, contacts, start: Date.now(), interval: 0, shared: false, send: null };
    }
    const templates = await this.#d.templates(channel).catch(() => [] as MessageTemplate[]);
    const def =
      templates.find((t) => t.name === campaign.templateName && t.language === campaign.templateLanguage) ??
      (JSON.parse(campaign.templateSnapshot) as MessageTemplate);
    const graph = this.#d.channels.graphFor(channel);
    let headerMedia: TemplateValues['headerMedia'] = null;
    if (campaign.headerMediaId !== null) {
      const format = headerMediaFormat(def) ?? 'image';
      const id = await this.#uploadHeader(campaign, channel, graph);
      headerMedia = { format, id, filename: 'document' };
    }
    const { start, interval, shared } = await this.#reserve(channel.id, due.length, rate);
    return {
      campaign,
      channel,
      rate,
      due,
      contacts,
      start,
      interval,
      shared,
      send: { graph, def, variables: JSON.parse(campaign.variables) as CampaignVariables, headerMedia },
    };
  }

  async #dispatch(runner: Runner, b: Prepared): Promise<void> {
    const { campaign, channel, due, contacts, start, interval } = b;
    if (!b.send || due.length === 0) return;
    const { graph, def, variables, headerMedia } = b.send;
    const category = pricingCategory(campaign.templateCategory);
    const window = this.#window(channel.id, b.rate);
    const margin = Math.min(2000, this.#d.config.claimTtlMs / 4);
    const claimDeadline = Math.min(...due.map((r) => r.claimedUntil!.getTime())) - margin;
    let stopped = false;
    let lastCheck = Date.now();

    // A pause or cancel on any instance stops the batch within a fifth of a second.
    const checkStatus = async () => {
      lastCheck = Date.now();
      if ((await this.#statusOf(campaign.id)) !== 'running') stopped = true;
    };
    // The slot of the next send. On a shared number a slot missed by more than SHARED_LATE_MS is
    // skipped, and recipients left without a slot go back to the queue (no attempt counted).
    let k = 0;
    for (let i = 0; i < due.length; i++) {
      const row = due[i];
      if (Date.now() - lastCheck > 200) await checkStatus();
      if (runner.stop || stopped || Date.now() > claimDeadline) {
        // Paused, cancelled or stopped meanwhile, or too late for our claim: never sent, back to the queue.
        this.#outcome.release.push(...due.slice(i).map((r) => Number(r.id)));
        this.#scheduleFlush();
        break;
      }
      // Settled meanwhile (a late status webhook for an earlier attempt): never send it again.
      if (row.attempts > 1 && !(await this.#stillOurs(row))) continue;
      let answered: (() => void) | null = null;
      while (answered === null && !stopped && !runner.stop) {
        if (b.shared) while (k < due.length && Date.now() - (start + k * interval) > SHARED_LATE_MS) k++;
        if (k >= due.length) break;
        const slot = start + k * interval;
        if (slot - Date.now() > 100) {
          await sleep(slot - Date.now());
          await checkStatus();
          continue;
        }
        if (slot > Date.now()) await sleep(slot - Date.now());
        while (this.#inFlight.size >= MAX_IN_FLIGHT) await Promise.race(this.#inFlight);
        let ticket = window.take(Date.now());
        while (typeof ticket === 'number') {
          await sleep(ticket);
          ticket = window.take(Date.now());
        }
        if (b.shared && Date.now() - slot > SHARED_LATE_MS) {
          // Missed while waiting: the window counts the ticket as sent (on the safe side); next slot.
          ticket.answered();
          continue;
        }
        k++;
        answered = ticket.answered;
      }
      if (answered === null) {
        this.#outcome.release.push(...due.slice(i).map((r) => Number(r.id)));
        this.#scheduleFlush();
        break;
      }
      const contact = row.contactId === null ? undefined : contacts.get(Number(row.contactId));
      const values = valuesFor(def, variables, contact, row.phone);
      const { components } = buildTemplateComponents(def, { ...values, headerMedia });
      const p = this.#sendOne(graph, campaign, channel, row, components, category)
        .finally(answered)
        .then(
          (stop) => {
            if (stop) {
              stopped = true;
              runner.stop = true;
            }
          },
          (err: unknown) => {
            // Only our own bookkeeping can throw here; the row stays 'sending' and reconciliation settles it.
            this.#d.logger.error({ err, campaignId: campaign.id }, 'campaigns: send bookkeeping failed');
          },
        );
      const tracked = p.finally(() => this.#inFlight.delete(tracked));
      this.#inFlight.add(tracked);
      this.#scheduleFlush();
    }
  }

  async #stillOurs(row: CampaignRecipientInstance): Promise<boolean> {
    const now = await this.#d.models.CampaignRecipient.findByPk(row.id, { attributes: ['state', 'claimedBy'] });
    return now?.state === 'sending' && now.claimedBy === row.claimedBy;
  }

  async #statusOf(campaignId: number): Promise<string | null> {
    const c = await this.#d.models.Campaign.findByPk(campaignId, { attributes: ['status'] });
    return c?.status ?? null;
  }

  /** Sends one message; true when the account-level error stopped the campaign. */
  async #sendOne(
    graph: GraphClient,
    campaign: CampaignInstance,
    channel: ChannelInstance,
    row: CampaignRecipientInstance,
    components: ReturnType<typeof buildTemplateComponents>['components'],
    category: ReturnType<typeof pricingCategory>,
  ): Promise<boolean> {
    const id = Number(row.id);
    try {
      const res = await graph.send(channel.phoneNumberId, {
        to: row.phone.replace(/^\+/, ''),
        type: 'template',
        template: {
          name: campaign.templateName,
          language: { code: campaign.templateLanguage },
          ...(components.length ? { components } : {}),
        },
        bizOpaqueCallbackData: opaqueFor(campaign.id, id),
      });
      const country = countryOfPhone(row.phone);
      this.#outcome.sent.push({ id, wamid: res.wamid, country, price: unitPrice(country, category) });
      return false;
    } catch (err) {
      if (err instanceof InvalidRequestError) {
        this.#outcome.failed.push({ id, code: null, reason: err.message.slice(0, 255) });
        return false;
      }
      if (!(err instanceof GraphApiError)) {
        // Not a Graph answer: we cannot tell whether it went out; let the status webhooks decide.
        this.#d.logger.warn(
          { err: { message: (err as Error).message }, campaignId: campaign.id },
          'campaigns: send outcome unknown',
        );
        this.#outcome.unknown.push(id);
        return false;
      }
      const reason = (err.details ?? err.message).slice(0, 255);
      if (err.category === 'outcome-unknown') {
        this.#outcome.unknown.push(id);
        return false;
      }
      if (err.category === 'retry') {
        if (err.code === 130429) await this.#slowDown(channel.id).catch(() => undefined);
        const attempts = row.attempts;
        const limit = Math.min(MAX_ATTEMPTS, err.maxRetries !== null ? err.maxRetries + 1 : MAX_ATTEMPTS);
        if (attempts >= limit) {
          this.#outcome.failed.push({ id, code: err.code, reason });
        } else {
          const backoff = Math.max(err.retryAfterMs ?? 1000, 1000 * 2 ** (attempts - 1));
          const jitter = Math.floor(Math.random() * 250);
          this.#outcome.retry.push({ id, at: new Date(Date.now() + backoff + jitter) });
        }
        return false;
      }
      if (err.category === 'stop-account') {
        this.#outcome.release.push(id);
        await this.#stopCampaign(campaign.id, err.code, `WhatsApp refused the send: ${reason}`);
        return true;
      }
      this.#outcome.failed.push({ id, code: err.code, reason });
      return false;
    }
  }

  async #stopCampaign(campaignId: number, code: number | null, reason: string): Promise<void> {
    const [changed] = await this.#d.models.Campaign.update(
      { status: 'stopped', stopCode: code, stopReason: reason.slice(0, 500) },
      { where: { id: campaignId, status: 'running' } },
    );
    if (changed) {
      this.#d.logger.warn({ campaignId, code }, 'campaign stopped by an account-level error');
      await this.#d.progress([campaignId]).catch(() => undefined);
    }
  }

  /** The header media goes to WhatsApp once per campaign and number (per process). */
  #uploadHeader(campaign: CampaignInstance, channel: ChannelInstance, graph: GraphClient): Promise<string> {
    let p = this.#headerMedia.get(campaign.id);
    if (!p) {
      p = (async () => {
        const blob = await this.#d.media.find(campaign.tenantId, campaign.headerMediaId!);
        const source = await this.#d.media.uploadSource(blob);
        const uploaded = await graph.uploadMedia(channel.phoneNumberId, {
          ...source,
          mimeType: blob.mime,
          filename: this.#d.media.downloadName(blob),
        });
        return uploaded.id;
      })();
      p.catch(() => this.#headerMedia.delete(campaign.id));
      this.#headerMedia.set(campaign.id, p);
    }
    return p;
  }

  async #contactsOf(tenantId: number, contactIds: number[], transaction?: Transaction): Promise<Map<number, RecipientContact>> {
    const M = this.#d.models;
    const ids = [...new Set(contactIds)];
    const out = new Map<number, RecipientContact>();
    if (ids.length === 0) return out;
    const [contacts, values, defs] = await Promise.all([
      M.Contact.findAll({
        where: { id: ids, tenantId },
        attributes: ['id', 'name', 'email', 'phone', 'consentState'],
        transaction,
      }),
      M.ContactAttributeValue.findAll({ where: { contactId: ids }, transaction }),
      M.ContactAttribute.findAll({ where: { tenantId }, attributes: ['id', 'key', 'type'], transaction }),
    ]);
    const defById = new Map(defs.map((d) => [d.id, d]));
    for (const c of contacts) {
      out.set(Number(c.id), { name: c.name, email: c.email, phone: c.phone, attributes: {}, consentState: c.consentState });
    }
    for (const v of values) {
      const def = defById.get(v.attributeId);
      const c = out.get(Number(v.contactId));
      if (def && c) c.attributes[def.key] = readValue(def.type as AttributeType, v);
    }
    return out;
  }

  // ---- writing outcomes back -----------------------------------------------------------------------

  #flushTimer: NodeJS.Timeout | null = null;
  #scheduleFlush(): void {
    if (this.#flushTimer) return;
    this.#flushTimer = setTimeout(() => {
      this.#flushTimer = null;
      void this.#flush();
    }, FLUSH_EVERY_MS);
  }

  /** Writes collected outcomes in a few set-based statements; serialised so batches never interleave. */
  #flush(): Promise<void> {
    this.#flushing = this.#flushing.then(async () => {
      const o = this.#outcome;
      this.#outcome = emptyOutcome();
      try {
        await this.#write(o);
      } catch (err) {
        this.#d.logger.error({ err }, 'campaigns: could not record send outcomes; retrying');
        // Put them back: the next flush tries again (nothing is re-sent: rows stay 'sending').
        const n = this.#outcome;
        this.#outcome = {
          sent: [...o.sent, ...n.sent],
          retry: [...o.retry, ...n.retry],
          deferred: [...o.deferred, ...n.deferred],
          failed: [...o.failed, ...n.failed],
          skipped: [...o.skipped, ...n.skipped],
          release: [...o.release, ...n.release],
          unknown: [...o.unknown, ...n.unknown],
        };
        this.#scheduleFlush();
      }
    });
    return this.#flushing;
  }

  async #write(o: Outcome): Promise<void> {
    const seq = this.#d.sequelize;
    const now = sqlDate(seq, new Date());
    const touched = new Set<number>();
    const run = async (sql: string, replacements: unknown[]) => {
      await seq.query(sql, { replacements, type: QueryTypes.UPDATE });
    };
    for (const chunk of chunks(o.sent, 500)) {
      const ids = chunk.map((s) => s.id);
      await run(
        `UPDATE campaign_recipients SET
           state = CASE WHEN state IN ('pending', 'sending') THEN 'sent' ELSE state END,
           wamid = ${caseOf(chunk.length)},
           country = ${caseOf(chunk.length)},
           price_micros = ${caseOf(chunk.length)},
           sent_at = COALESCE(sent_at, ?), claimed_by = NULL, claimed_until = NULL, next_attempt_at = NULL, updated_at = ?
         WHERE id IN (${marks(ids.length)})`,
        [
          ...chunk.flatMap((s) => [s.id, s.wamid]),
          ...chunk.flatMap((s) => [s.id, s.country]),
          ...chunk.flatMap((s) => [s.id, s.price]),
          now,
          now,
          ...ids,
        ],
      );
    }
    for (const chunk of chunks(o.retry, 500)) {
      await run(
        `UPDATE campaign_recipients SET state = 'pending', next_attempt_at = ${caseOf(chunk.length)},
           claimed_by = NULL, claimed_until = NULL, updated_at = ?
         WHERE state = 'sending' AND id IN (${marks(chunk.length)})`,
        [...chunk.flatMap((r) => [r.id, sqlDate(seq, r.at)]), now, ...chunk.map((r) => r.id)],
      );
    }
    for (const chunk of chunks(o.deferred, 500)) {
      await run(
        `UPDATE campaign_recipients SET state = 'pending', next_attempt_at = ${caseOf(chunk.length)},
           attempts = CASE WHEN attempts > 0 THEN attempts - 1 ELSE 0 END, claimed_by = NULL, claimed_until = NULL, updated_at = ?
         WHERE state = 'sending' AND id IN (${marks(chunk.length)})`,
        [...chunk.flatMap((r) => [r.id, sqlDate(seq, r.at)]), now, ...chunk.map((r) => r.id)],
      );
    }
    for (const chunk of chunks(o.failed, 500)) {
      await run(
        `UPDATE campaign_recipients SET state = 'failed', failed_at = ?, error_code = ${caseOf(chunk.length)},
           error_reason = ${caseOf(chunk.length)}, claimed_by = NULL, claimed_until = NULL, updated_at = ?
         WHERE state = 'sending' AND id IN (${marks(chunk.length)})`,
        [now, ...chunk.flatMap((f) => [f.id, f.code]), ...chunk.flatMap((f) => [f.id, f.reason]), now, ...chunk.map((f) => f.id)],
      );
    }
    for (const chunk of chunks(o.skipped, 500)) {
      await run(
        `UPDATE campaign_recipients SET state = 'skipped', skip_reason = 'opted_out', claimed_by = NULL, claimed_until = NULL, updated_at = ?
         WHERE state = 'sending' AND id IN (${marks(chunk.length)})`,
        [now, ...chunk],
      );
    }
    for (const chunk of chunks(o.release, 500)) {
      // Never sent: back to the queue without counting the attempt.
      await run(
        `UPDATE campaign_recipients SET
           state = CASE WHEN (SELECT status FROM campaigns WHERE campaigns.id = campaign_recipients.campaign_id) = 'cancelled'
             THEN 'cancelled' ELSE 'pending' END,
           attempts = CASE WHEN attempts > 0 THEN attempts - 1 ELSE 0 END,
           claimed_by = NULL, claimed_until = NULL, updated_at = ?
         WHERE state = 'sending' AND id IN (${marks(chunk.length)})`,
        [now, ...chunk],
      );
    }
    for (const chunk of chunks(o.unknown, 500)) {
      // The claim ends now: reconciliation waits the grace period for a status webhook from here.
      await run(
        `UPDATE campaign_recipients SET claimed_until = ?, updated_at = ? WHERE state = 'sending' AND id IN (${marks(chunk.length)})`,
        [now, now, ...chunk],
      );
    }
    const all = [...o.sent.map((s) => s.id), ...o.failed.map((f) => f.id), ...o.skipped];
    if (all.length) {
      const rows = await this.#d.models.CampaignRecipient.findAll({
        attributes: ['campaignId'],
        where: { id: all.slice(0, 1000) },
        group: ['campaignId'],
      });
      for (const r of rows) touched.add(Number(r.campaignId));
      for (const id of this.#runners.keys()) touched.add(id);
    }
    if (touched.size) this.requestProgress([...touched]);
  }

  // ---- status webhooks and replies (called by the webhook processor inside its transaction) ---------

  async applyStatuses(items: CampaignStatus[], transaction: Transaction): Promise<void> {
    if (items.length === 0) return;
    const seq = this.#d.sequelize;
    const now = sqlDate(seq, new Date());
    const run = (sql: string, replacements: unknown[]) => seq.query(sql, { replacements, type: QueryTypes.UPDATE, transaction });
    const byStatus = new Map<string, CampaignStatus[]>();
    for (const it of items) byStatus.set(it.status, [...(byStatus.get(it.status) ?? []), it]);
    const lower: Record<string, string[]> = {
      sent: ['pending', 'sending'],
      delivered: ['pending', 'sending', 'sent'],
      read: ['pending', 'sending', 'sent', 'delivered'],
      failed: ['pending', 'sending', 'sent'],
    };
    for (const [status, list] of byStatus) {
      const from = lower[status];
      if (!from) continue;
      for (const chunk of chunks(list, 500)) {
        const ids = chunk.map((i) => i.recipientId);
        const tenantIds = [...new Set(chunk.map((i) => i.tenantId))];
        const sets = [
          `state = '${status}'`,
          `wamid = COALESCE(wamid, ${caseOf(chunk.length)})`,
          'sent_at = COALESCE(sent_at, ?)',
          'claimed_by = NULL',
          'claimed_until = NULL',
          'updated_at = ?',
        ];
        const reps: unknown[] = [...chunk.flatMap((i) => [i.recipientId, i.wamid]), now, now];
        if (status === 'delivered' || status === 'read') {
          sets.push('delivered_at = COALESCE(delivered_at, ?)');
          reps.push(now);
        }
        if (status === 'read') {
          sets.push('read_at = COALESCE(read_at, ?)');
          reps.push(now);
        }
        if (status === 'failed') {
          sets.push('failed_at = ?', `error_code = ${caseOf(chunk.length)}`, `error_reason = ${caseOf(chunk.length)}`);
          reps.push(
            now,
            ...chunk.flatMap((i) => [i.recipientId, i.errorCode]),
            ...chunk.flatMap((i) => [i.recipientId, i.errorReason]),
          );
        }
        await run(
          `UPDATE campaign_recipients SET ${sets.join(', ')}
           WHERE tenant_id IN (${marks(tenantIds.length)}) AND id IN (${marks(ids.length)}) AND state IN (${marks(from.length)})`,
          [...reps, ...tenantIds, ...ids, ...from],
        );
      }
    }
    const billable = items.filter((i) => i.billable !== null);
    for (const value of [true, false]) {
      const ids = billable.filter((i) => i.billable === value).map((i) => i.recipientId);
      for (const chunk of chunks(ids, 500)) {
        await run(`UPDATE campaign_recipients SET billable = ? WHERE id IN (${marks(chunk.length)})`, [value, ...chunk]);
      }
    }
    // The newest send attempt a webhook has confirmed, per campaign: reconciliation's proof of flow.
    const ids = [...new Set(items.map((i) => i.recipientId))];
    for (const chunk of chunks(ids, 500)) {
      const rows = await seq.query<{ campaign_id: number; latest: string | Date | null }>(
        `SELECT campaign_id, MAX(attempted_at) AS latest FROM campaign_recipients WHERE id IN (${marks(chunk.length)}) GROUP BY campaign_id`,
        { replacements: chunk, type: QueryTypes.SELECT, transaction },
      );
      for (const r of rows) {
        if (!r.latest) continue;
        const latest = r.latest instanceof Date ? r.latest : dateOfSql(String(r.latest));
        if (Number.isNaN(latest.getTime())) continue;
        await this.#d.models.Campaign.update(
          { confirmedThrough: latest },
          {
            where: { id: r.campaign_id, [Op.or]: [{ confirmedThrough: null }, { confirmedThrough: { [Op.lt]: latest } }] },
            transaction,
          },
        );
      }
    }
    const campaigns = [...new Set(items.map((i) => i.campaignId))];
    transaction.afterCommit(() => this.requestProgress(campaigns));
  }

  /**
   * Inbound messages: a reply within 72 hours of a campaign message counts as a reply to it, and the
   * campaign message joins the customer's conversation (on the same number) just before the reply,
   * so the agent sees what the customer is answering. Campaign sends are not inbox messages until then.
   */
  async recordReplies(
    fresh: { tenantId: number; conversationId: number | null; occurredAt: Date }[],
    transaction: Transaction,
  ): Promise<void> {
    const convIds = [...new Set(fresh.map((m) => m.conversationId).filter((x): x is number => x !== null))];
    if (convIds.length === 0) return;
    const convs = await this.#d.models.Conversation.findAll({
      attributes: ['id', 'tenantId', 'channelId', 'contactId'],
      where: { id: convIds },
      transaction,
    });
    const byTenant = new Map<number, number[]>();
    /** The conversation of each contact on each number: `${channelId}:${contactId}`. */
    const threadOf = new Map<string, number>();
    for (const c of convs) {
      if (c.contactId === null) continue;
      byTenant.set(c.tenantId, [...(byTenant.get(c.tenantId) ?? []), Number(c.contactId)]);
      threadOf.set(`${c.channelId}:${Number(c.contactId)}`, Number(c.id));
    }
    if (byTenant.size === 0) return;
    const seq = this.#d.sequelize;
    const now = new Date();
    const since = sqlDate(seq, new Date(now.getTime() - 72 * 3600_000));
    const touched: number[] = [];
    for (const [tenantId, contactIds] of byTenant) {
      const rows = await seq.query<RepliedRow>(
        `SELECT r.id, r.campaign_id, r.contact_id, r.phone, r.wamid, r.state, r.sent_at, c.channel_id
         FROM campaign_recipients r JOIN campaigns c ON c.id = r.campaign_id
         WHERE r.tenant_id = ? AND r.contact_id IN (${marks(contactIds.length)}) AND r.sent_at >= ? AND r.replied_at IS NULL
           AND r.state IN ('sent', 'delivered', 'read')`,
        { replacements: [tenantId, ...contactIds, since], type: QueryTypes.SELECT, transaction },
      );
      if (rows.length === 0) continue;
      await seq.query(`UPDATE campaign_recipients SET replied_at = ?, updated_at = ? WHERE id IN (${marks(rows.length)})`, {
        replacements: [sqlDate(seq, now), sqlDate(seq, now), ...rows.map((r) => r.id)],
        type: QueryTypes.UPDATE,
        transaction,
      });
      touched.push(...rows.map((r) => Number(r.campaign_id)));
      await this.#joinThreads(tenantId, rows, threadOf, transaction);
    }
    if (touched.length) transaction.afterCommit(() => this.requestProgress([...new Set(touched)]));
  }

  /** Puts each replied-to campaign message into the customer's conversation on the campaign's number. */
  async #joinThreads(tenantId: number, rows: RepliedRow[], threadOf: Map<string, number>, transaction: Transaction) {
    const placed = rows
      .map((r) => ({ r, conversationId: threadOf.get(`${Number(r.channel_id)}:${Number(r.contact_id)}`) }))
      .filter((x): x is { r: RepliedRow; conversationId: number } => x.conversationId !== undefined && x.r.wamid !== null);
    if (placed.length === 0) return;
    const M = this.#d.models;
    const campaignIds = [...new Set(placed.map((x) => Number(x.r.campaign_id)))];
    const contactIds = [...new Set(placed.map((x) => Number(x.r.contact_id)))];
    const [campaigns, contacts] = await Promise.all([
      M.Campaign.findAll({ where: { id: campaignIds, tenantId }, transaction }),
      this.#contactsOf(tenantId, contactIds, transaction),
    ]);
    const campaignById = new Map(campaigns.map((c) => [Number(c.id), c]));
    const stamp = sqlDate(this.#d.sequelize, new Date());
    const values = placed.flatMap(({ r, conversationId }) => {
      const campaign = campaignById.get(Number(r.campaign_id));
      if (!campaign) return [];
      // The words as they read with the contact's fields now (what went out is not stored per recipient).
      const def = JSON.parse(campaign.templateSnapshot) as MessageTemplate;
      const filled = valuesFor(
        def,
        JSON.parse(campaign.variables) as CampaignVariables,
        contacts.get(Number(r.contact_id)),
        r.phone,
      );
      const { components, bodyText } = buildTemplateComponents(def, { ...filled, headerMedia: null });
      const sentAt = r.sent_at instanceof Date ? r.sent_at : dateOfSql(String(r.sent_at));
      const at = sqlDate(this.#d.sequelize, Number.isNaN(sentAt.getTime()) ? new Date() : sentAt);
      return [
        {
          tenant_id: tenantId,
          channel_id: Number(r.channel_id),
          conversation_id: conversationId,
          wamid: r.wamid,
          direction: 'out',
          type: 'template',
          payload: JSON.stringify({
            type: 'template',
            template: {
              name: campaign.templateName,
              language: { code: campaign.templateLanguage },
              ...(components.length ? { components } : {}),
            },
          }),
          body_text: bodyText ?? `[${campaign.templateName}]`,
          status: r.state,
          status_at: at,
          biz_opaque_callback_data: opaqueFor(Number(campaign.id), Number(r.id)),
          occurred_at: at,
          is_note: false,
          created_at: stamp,
          updated_at: stamp,
        },
      ];
    });
    if (values.length === 0) return;
    // A replay of the same reply finds the message there already (unique on number and wamid).
    const options = { ignoreDuplicates: true, transaction } as QueryOptions;
    await this.#d.sequelize.getQueryInterface().bulkInsert('wa_messages', values, options);
  }

  // ---- progress ------------------------------------------------------------------------------------

  /** Asks for a progress event for these campaigns, at most about once a second each. */
  requestProgress(campaignIds: number[]): void {
    for (const id of campaignIds) this.#progressDue.add(id);
    if (this.#progressTimer) return;
    const now = Date.now();
    const soonest = Math.min(...[...this.#progressDue].map((id) => (this.#lastProgress.get(id) ?? 0) + PROGRESS_EVERY_MS));
    this.#progressTimer = setTimeout(
      () => {
        this.#progressTimer = null;
        const ids = [...this.#progressDue];
        this.#progressDue.clear();
        const at = Date.now();
        for (const id of ids) this.#lastProgress.set(id, at);
        this.#d
          .progress(ids)
          .catch((err) => this.#d.logger.warn({ err: { message: (err as Error).message } }, 'campaigns: progress'));
      },
      Math.max(0, soonest - now),
    );
    this.#progressTimer.unref?.();
  }
}

// ---- helpers -----------------------------------------------------------------------------------------

const marks = (n: number) => new Array(n).fill('?').join(', ');
const caseOf = (n: number) => `CASE id ${new Array(n).fill('WHEN ? THEN ?').join(' ')} END`;
function chunks<T>(list: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < list.length; i += size) out.push(list.slice(i, i + size));
  return out;
}
/** A DATETIME read back as text: SQLite keeps "… +00:00", MySQL gives UTC without an offset. */
function dateOfSql(text: string): Date {
  const t = text
    .trim()
    .replace(' ', 'T')
    .replace(/ ?\+00:?00$/, 'Z');
  return new Date(/(Z|[+-]\d\d:?\d\d)$/.test(t) ? t : `${t}Z`);
}
const stringAttr = (v: unknown): string | null => (typeof v === 'string' && v.trim() ? v.trim() : null);

export function parseQuiet(value: string | null): QuietHours | null {
  if (!value) return null;
  const [start, end] = value.split('-');
  return start && end ? { start, end } : null;
}

/** One variable's value for a recipient (the fallback when the field is empty). */
export function valueOf(
  source: VariableSource,
  contact: RecipientContact | undefined,
  phone: string,
): { value: string; fellBack: boolean } {
  if (source.source === 'text') return { value: source.value, fellBack: false };
  let v: unknown;
  if (source.source === 'field') {
    if (source.field === 'phone') v = contact?.phone ?? phone;
    else if (source.field === 'email') v = contact?.email;
    else if (source.field === 'name') v = contact?.name;
    else v = contact?.name?.trim().split(/\s+/)[0];
  } else {
    v = contact?.attributes[source.key];
  }
  const text = v === null || v === undefined ? '' : Array.isArray(v) ? v.join(', ') : String(v);
  if (text.trim() === '') return { value: source.fallback ?? '', fellBack: true };
  return { value: text.slice(0, 1024), fellBack: false };
}

export function valuesFor(
  def: MessageTemplate | undefined,
  variables: CampaignVariables,
  contact: RecipientContact | undefined,
  phone: string,
): Pick<TemplateValues, 'headerParams' | 'bodyParams' | 'buttonParams'> & { fallbacks: string[] } {
  const fallbacks: string[] = [];
  const fill = (list: VariableSource[] | undefined, where: string) =>
    (list ?? []).map((s, i) => {
      const r = valueOf(s, contact, phone);
      if (r.fellBack) fallbacks.push(`${where} {{${i + 1}}}`);
      return r.value;
    });
  void def;
  return {
    headerParams: fill(variables.header, 'header'),
    bodyParams: fill(variables.body, 'body'),
    buttonParams: (variables.buttons ?? []).map((s, i) => (s ? fill([s], `button ${i + 1}`)[0] : null)),
    fallbacks,
  };
}

export type { RecipientContact };
export const isMysql = (seq: Sequelize) => dialectOf(seq) === 'mysql';
