// Campaigns: a template to an audience with per-recipient variables, previewed (eligible recipients,
// cost, balance), launched now or at a time in a chosen time zone, paused, resumed and cancelled.
// Sending itself is the engine's (campaign-engine.ts); this service owns the campaign's life cycle,
// materialises its recipients in one set-based statement and reports its statistics.
import { once } from 'node:events';
import type { Response } from 'express';
import { stringify } from 'csv-stringify';
import { Op, QueryTypes, type Sequelize } from 'sequelize';
import type { Models } from '../../db/models.ts';
import { dialectOf, sqlDate } from '../../db/sequelize.ts';
import type { TenantContext } from '../../http/context.ts';
import { AppError, notFound } from '../../http/errors.ts';
import { decodeIdCursor as decodeCursor, encodeIdCursor as encodeCursor } from '../../http/id-cursor.ts';
import type { Logger } from '../../logger.ts';
import type { EventBus } from '../../realtime/index.ts';
import type { MessageTemplate } from '../../whatsapp/index.ts';
import { fillTemplateText, headerMediaFormat, templateParts, templateVariables } from '../../whatsapp/template-params.ts';
import type { AuditAction, AuditService } from '../audit/index.ts';
import type { ChannelInstance } from '../channels/channel.model.ts';
import type { ChannelsService } from '../channels/channels.service.ts';
import type { MediaService } from '../media/media.service.ts';
import { normalisePhone } from '../contacts/phone.ts';
import { csvSafe, type SegmentsService } from '../contacts/segments.service.ts';
import type { CompiledSql } from '../contacts/segments-sql.ts';
import type { SegmentDefinition } from '../contacts/segments.schemas.ts';
import type { CampaignInstance, CampaignRecipientAttrs, CampaignStatus, RecipientState, SkipReason } from './campaigns.models.ts';
import type {
  CampaignAudience,
  CampaignInput,
  CampaignPreview,
  CampaignStats,
  CampaignVariables,
  CampaignView,
  LaunchInput,
  QuietHours,
  RecipientView,
  RenderedMessage,
  RenderInput,
} from './campaigns.types.ts';
import { effectiveRate, parseQuiet, valuesFor, type CampaignEngine, type RecipientContact } from './campaign-engine.ts';
import { countryOfPhone, pricingCategory, unitPrice } from './campaign-prices.ts';
import { wallTimeToUtc } from './campaign-time.ts';
import { readValue } from '../contacts/attributes.ts';
import type { AttributeType } from '../contacts/contacts.models.ts';

export const START_JOB = 'campaigns.start';

export interface CampaignListQuery {
  status?: CampaignStatus;
  cursor?: string;
  limit: number;
}
export interface RecipientListQuery {
  state?: RecipientState;
  cursor?: string;
  limit: number;
}
export interface VariableSourceItem {
  key: string;
  label: string;
  source: 'field' | 'attribute';
  type: string;
}

export interface CampaignsDeps {
  models: Models;
  sequelize: Sequelize;
  audit: AuditService;
  bus: EventBus;
  logger: Logger;
  channels: ChannelsService;
  segments: SegmentsService;
  media: MediaService;
  templates: (channel: ChannelInstance) => Promise<MessageTemplate[]>;
  enqueue: (name: string, data: unknown) => Promise<unknown>;
  schedule: (when: Date, name: string, data: unknown) => Promise<unknown>;
  engine: () => CampaignEngine | null;
}

const ACTIONS = {
  created: 'campaign.created',
  updated: 'campaign.updated',
  deleted: 'campaign.deleted',
  launched: 'campaign.launched',
  scheduled: 'campaign.scheduled',
  paused: 'campaign.paused',
  resumed: 'campaign.resumed',
  cancelled: 'campaign.cancelled',
  exported: 'campaign.exported',
} as const satisfies Record<string, AuditAction>;

const FINAL: CampaignStatus[] = ['completed', 'cancelled'];
const CHUNK = 5000;
/**
 * While a large campaign runs, its live pushes reuse the reasons and the per-minute timeline this
 * long (the counts are always fresh): three scans of its recipients a second add up at 100,000.
 */
const LIVE_DETAILS_MS = 5000;
const LIVE_DETAILS_FROM = 10_000;
const EXPORT_BATCH = 1000;

const iso = (d: Date | null | undefined) => (d ? new Date(d).toISOString() : null);
const marks = (n: number) => new Array(n).fill('?').join(', ');
function chunks<T>(list: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < list.length; i += size) out.push(list.slice(i, i + size));
  return out;
}

export class CampaignsService {
  readonly #d: CampaignsDeps;
  readonly #liveDetails = new Map<
    number,
    { at: number; details: Pick<CampaignStats, 'failedByReason' | 'skippedByReason' | 'timeline'> }
  >();

  constructor(deps: CampaignsDeps) {
    this.#d = deps;
  }

  // ---- reading -------------------------------------------------------------------------------------

  async list(ctx: TenantContext, q: CampaignListQuery): Promise<{ items: CampaignView[]; nextCursor: string | null }> {
    const where: Record<string | symbol, unknown> = { tenantId: ctx.tenantId };
    if (q.status) where.status = q.status;
    if (q.cursor) where.id = { [Op.lt]: decodeCursor(q.cursor) };
    const rows = await this.#d.models.Campaign.findAll({ where, order: [['id', 'DESC']], limit: q.limit + 1 });
    const page = rows.slice(0, q.limit);
    const stats = await this.#statsOf(
      page.map((c) => c),
      false,
    );
    const channels = await this.#channelsOf(page);
    return {
      items: page.map((c) => this.#view(c, stats.get(Number(c.id))!, channels.get(c.channelId) ?? null)),
      nextCursor: rows.length > q.limit ? encodeCursor(Number(page[page.length - 1].id)) : null,
    };
  }

  async get(ctx: TenantContext, id: number): Promise<CampaignView> {
    const c = await this.#own(ctx, id);
    return this.#fullView(c);
  }

  async stats(ctx: TenantContext, id: number): Promise<CampaignStats> {
    const c = await this.#own(ctx, id);
    return (await this.#statsOf([c], true)).get(Number(c.id))!;
  }

  async recipients(
    ctx: TenantContext,
    id: number,
    q: RecipientListQuery,
  ): Promise<{ items: RecipientView[]; nextCursor: string | null }> {
    const c = await this.#own(ctx, id);
    const where: Record<string | symbol, unknown> = { campaignId: c.id, tenantId: ctx.tenantId };
    if (q.state) where.state = q.state;
    if (q.cursor) where.id = { [Op.gt]: decodeCursor(q.cursor) };
    const rows = await this.#d.models.CampaignRecipient.findAll({ where, order: [['id', 'ASC']], limit: q.limit + 1 });
    const page = rows.slice(0, q.limit);
    return {
      items: page.map((r) => recipientView(r)),
      nextCursor: rows.length > q.limit ? encodeCursor(Number(page[page.length - 1].id)) : null,
    };
  }

  /** Every recipient with their outcome, as CSV, streamed in keyset batches. */
  async exportRecipients(ctx: TenantContext, id: number, res: Response): Promise<void> {
    const c = await this.#own(ctx, id);
    await this.#d.audit.inTenant(ctx, ACTIONS.exported, { type: 'campaign', id: c.id });
    res.setHeader('Content-Type', 'text/csv; charset=utf-8');
    res.setHeader('Content-Disposition', `attachment; filename="campaign-${c.id}-recipients.csv"`);
    const csv = stringify({
      header: true,
      columns: [
        'recipient_id',
        'contact_id',
        'phone',
        'state',
        'skip_reason',
        'attempts',
        'wamid',
        'sent_at',
        'delivered_at',
        'read_at',
        'replied_at',
        'failed_at',
        'error_code',
        'error_reason',
        'price',
      ],
    });
    csv.pipe(res);
    let after = 0;
    for (;;) {
      const rows = await this.#d.models.CampaignRecipient.findAll({
        where: { campaignId: c.id, tenantId: ctx.tenantId, id: { [Op.gt]: after } },
        order: [['id', 'ASC']],
        limit: EXPORT_BATCH,
      });
      for (const r of rows) {
        const ok = csv.write([
          Number(r.id),
          r.contactId,
          r.phone,
          r.state,
          r.skipReason,
          r.attempts,
          r.wamid,
          iso(r.sentAt),
          iso(r.deliveredAt),
          iso(r.readAt),
          iso(r.repliedAt),
          iso(r.failedAt),
          r.errorCode,
          r.errorReason === null ? null : csvSafe(r.errorReason),
          r.priceMicros === null ? null : (r.priceMicros / 1_000_000).toFixed(6),
        ]);
        if (!ok) await once(csv, 'drain');
      }
      if (rows.length < EXPORT_BATCH) break;
      after = Number(rows[rows.length - 1].id);
    }
    csv.end();
    await once(res, 'finish').catch(() => undefined);
  }

  /** The tenant's numbers for the composer (managers may not read the channel settings themselves). */
  async numbers(ctx: TenantContext) {
    const rows = await this.#d.models.Channel.findAll({ where: { tenantId: ctx.tenantId }, order: [['id', 'ASC']] });
    return {
      items: rows.map((c) => ({
        id: c.id,
        name: c.name,
        displayPhoneNumber: c.displayPhoneNumber,
        verifiedName: c.verifiedName,
        status: c.status,
        throughputLevel: c.throughputLevel,
        ratePerSecond: effectiveRate({ ratePerSecond: null }, c),
      })),
    };
  }

  async variableSources(ctx: TenantContext): Promise<{ items: VariableSourceItem[] }> {
    const attrs = await this.#d.models.ContactAttribute.findAll({ where: { tenantId: ctx.tenantId }, order: [['key', 'ASC']] });
    return {
      items: [
        { key: 'field:name', label: 'Name', source: 'field', type: 'text' },
        { key: 'field:first_name', label: 'First name', source: 'field', type: 'text' },
        { key: 'field:phone', label: 'Phone', source: 'field', type: 'text' },
        { key: 'field:email', label: 'Email', source: 'field', type: 'text' },
        ...attrs.map((a) => ({
          key: `attribute:${a.key}`,
          label: (a as unknown as { label?: string }).label ?? a.key,
          source: 'attribute' as const,
          type: a.type,
        })),
      ],
    };
  }

  // ---- writing -------------------------------------------------------------------------------------

  async create(ctx: TenantContext, input: CampaignInput): Promise<CampaignView> {
    const checked = await this.#check(ctx, input);
    const c = await this.#d.models.Campaign.create({
      tenantId: ctx.tenantId,
      name: input.name.trim(),
      channelId: checked.channel.id,
      templateName: input.template.name,
      templateLanguage: input.template.language,
      templateCategory: checked.template.category ?? 'MARKETING',
      templateSnapshot: JSON.stringify(checked.template),
      variables: JSON.stringify(input.variables ?? {}),
      headerMediaId: input.headerMediaId ?? null,
      audience: JSON.stringify(input.audience),
      quietHours: quietText(input.quietHours),
      ratePerSecond: input.ratePerSecond ?? null,
      createdBy: ctx.principal.userId ?? null,
    });
    await this.#d.audit.inTenant(ctx, ACTIONS.created, { type: 'campaign', id: c.id }, { name: c.name });
    return this.#fullView(c);
  }

  async update(ctx: TenantContext, id: number, patch: Partial<CampaignInput>): Promise<CampaignView> {
    const c = await this.#own(ctx, id);
    if (c.status !== 'draft') {
      throw new AppError(409, 'campaign_not_editable', `This campaign is ${c.status}; only drafts can be edited.`);
    }
    const merged: CampaignInput = {
      name: patch.name ?? c.name,
      channelId: patch.channelId ?? c.channelId,
      template: patch.template ?? { name: c.templateName, language: c.templateLanguage },
      variables: patch.variables ?? (JSON.parse(c.variables) as CampaignVariables),
      headerMediaId: patch.headerMediaId !== undefined ? patch.headerMediaId : c.headerMediaId,
      audience: patch.audience ?? (JSON.parse(c.audience) as CampaignAudience),
      quietHours: patch.quietHours !== undefined ? patch.quietHours : parseQuiet(c.quietHours),
      ratePerSecond: patch.ratePerSecond !== undefined ? patch.ratePerSecond : c.ratePerSecond,
    };
    const checked = await this.#check(ctx, merged);
    await c.update({
      name: merged.name.trim(),
      channelId: checked.channel.id,
      templateName: merged.template.name,
      templateLanguage: merged.template.language,
      templateCategory: checked.template.category ?? 'MARKETING',
      templateSnapshot: JSON.stringify(checked.template),
      variables: JSON.stringify(merged.variables ?? {}),
      headerMediaId: merged.headerMediaId ?? null,
      audience: JSON.stringify(merged.audience),
      quietHours: quietText(merged.quietHours),
      ratePerSecond: merged.ratePerSecond ?? null,
    });
    await this.#d.audit.inTenant(ctx, ACTIONS.updated, { type: 'campaign', id: c.id });
    return this.#fullView(c);
  }

  async remove(ctx: TenantContext, id: number): Promise<void> {
    const c = await this.#own(ctx, id);
    if (!['draft', 'completed', 'cancelled', 'stopped'].includes(c.status)) {
      throw new AppError(409, 'campaign_active', `This campaign is ${c.status}: cancel it before deleting it.`);
    }
    await this.#d.sequelize.transaction(async (transaction) => {
      await this.#d.models.CampaignRecipient.destroy({ where: { campaignId: c.id, tenantId: ctx.tenantId }, transaction });
      await c.destroy({ transaction });
    });
    await this.#d.audit.inTenant(ctx, ACTIONS.deleted, { type: 'campaign', id: c.id }, { name: c.name });
  }

  async launch(ctx: TenantContext, id: number, input: LaunchInput): Promise<CampaignView> {
    const c = await this.#own(ctx, id);
    if (c.status !== 'draft') {
      throw new AppError(409, 'campaign_not_launchable', `This campaign is ${c.status}; only a draft can be launched.`);
    }
    const input0 = this.#inputOf(c);
    const checked = await this.#check(ctx, input0);
    const preview = await this.#preview(ctx, input0, checked.template);
    if (preview.eligible === 0) {
      throw new AppError(
        422,
        'no_eligible_recipients',
        'Nobody in this audience can receive the campaign (opted out, no number or invalid).',
      );
    }
    if (input.when === 'now') {
      const [changed] = await this.#d.models.Campaign.update(
        { status: 'preparing', scheduledAt: null },
        { where: { id: c.id, status: 'draft' } },
      );
      if (!changed) throw new AppError(409, 'campaign_not_launchable', 'This campaign was launched meanwhile.');
      await this.#d.enqueue(START_JOB, { campaignId: Number(c.id) });
      await this.#d.audit.inTenant(ctx, ACTIONS.launched, { type: 'campaign', id: c.id }, { eligible: preview.eligible });
    } else {
      const at = wallTimeToUtc(input.at, input.timezone);
      if (at.getTime() < Date.now() - 60_000) {
        throw new AppError(
          422,
          'schedule_in_past',
          `${input.at} in ${input.timezone} has already passed. Pick a later time or send now.`,
        );
      }
      const [changed] = await this.#d.models.Campaign.update(
        { status: 'scheduled', scheduledAt: at, timezone: input.timezone },
        { where: { id: c.id, status: 'draft' } },
      );
      if (!changed) throw new AppError(409, 'campaign_not_launchable', 'This campaign was launched meanwhile.');
      await this.#d.schedule(at, START_JOB, { campaignId: Number(c.id), at: at.toISOString() });
      await this.#d.audit.inTenant(
        ctx,
        ACTIONS.scheduled,
        { type: 'campaign', id: c.id },
        { at: at.toISOString(), timezone: input.timezone },
      );
    }
    await c.reload();
    await this.publish([Number(c.id)]);
    return this.#fullView(c);
  }

  async pause(ctx: TenantContext, id: number): Promise<CampaignView> {
    const c = await this.#own(ctx, id);
    const [changed] = await this.#d.models.Campaign.update(
      { status: 'paused' },
      { where: { id: c.id, status: ['running', 'scheduled', 'preparing'] } },
    );
    if (!changed)
      throw new AppError(
        409,
        'campaign_not_running',
        `This campaign is ${c.status}; only a running or scheduled one can be paused.`,
      );
    await this.#d.audit.inTenant(ctx, ACTIONS.paused, { type: 'campaign', id: c.id });
    this.#d.engine()?.wake();
    await c.reload();
    await this.publish([Number(c.id)]);
    return this.#fullView(c);
  }

  async resume(ctx: TenantContext, id: number): Promise<CampaignView> {
    const c = await this.#own(ctx, id);
    if (c.status !== 'paused' && c.status !== 'stopped') {
      throw new AppError(
        409,
        'campaign_not_paused',
        `This campaign is ${c.status}; only a paused or stopped one can be resumed.`,
      );
    }
    let next: CampaignStatus = 'running';
    if (!c.materializedAt) next = c.scheduledAt && c.scheduledAt.getTime() > Date.now() ? 'scheduled' : 'preparing';
    const [changed] = await this.#d.models.Campaign.update(
      { status: next, stopCode: null, stopReason: null },
      { where: { id: c.id, status: c.status } },
    );
    if (!changed) throw new AppError(409, 'campaign_not_paused', 'This campaign changed meanwhile; reload it.');
    if (next === 'preparing') await this.#d.enqueue(START_JOB, { campaignId: Number(c.id) });
    if (next === 'scheduled')
      await this.#d.schedule(c.scheduledAt!, START_JOB, { campaignId: Number(c.id), at: c.scheduledAt!.toISOString() });
    await this.#d.audit.inTenant(ctx, ACTIONS.resumed, { type: 'campaign', id: c.id });
    this.#d.engine()?.wake();
    await c.reload();
    await this.publish([Number(c.id)]);
    return this.#fullView(c);
  }

  async cancel(ctx: TenantContext, id: number): Promise<CampaignView> {
    const c = await this.#own(ctx, id);
    const [changed] = await this.#d.models.Campaign.update(
      { status: 'cancelled', completedAt: new Date() },
      { where: { id: c.id, status: { [Op.notIn]: FINAL } } },
    );
    if (!changed) throw new AppError(409, 'campaign_finished', `This campaign is already ${c.status}.`);
    await this.#d.models.CampaignRecipient.update(
      { state: 'cancelled' },
      { where: { campaignId: c.id, tenantId: ctx.tenantId, state: 'pending' } },
    );
    await this.#d.audit.inTenant(ctx, ACTIONS.cancelled, { type: 'campaign', id: c.id });
    this.#d.engine()?.wake();
    await c.reload();
    await this.publish([Number(c.id)]);
    return this.#fullView(c);
  }

  // ---- preview and render -------------------------------------------------------------------------

  async preview(ctx: TenantContext, input: CampaignInput): Promise<CampaignPreview> {
    const checked = await this.#check(ctx, input, true);
    return this.#preview(ctx, input, checked.template);
  }

  async previewOf(ctx: TenantContext, id: number): Promise<CampaignPreview> {
    const c = await this.#own(ctx, id);
    const input = this.#inputOf(c);
    const checked = await this.#check(ctx, input, true);
    return this.#preview(ctx, input, checked.template);
  }

  async render(ctx: TenantContext, input: RenderInput): Promise<RenderedMessage> {
    const channel = await this.#channel(ctx, input.channelId);
    const def = await this.#template(channel, input.template.name, input.template.language);
    let contact: RecipientContact | undefined;
    let phone = '+15550000000';
    if (input.contactId != null) {
      const row = await this.#d.models.Contact.findOne({ where: { id: input.contactId, tenantId: ctx.tenantId } });
      if (!row) throw notFound('Contact');
      contact = await this.#recipientContact(row.id, ctx.tenantId, row);
      phone = row.phone ?? phone;
    }
    const variables = input.variables ?? {};
    const values = valuesFor(def, variables, contact, phone);
    const { header, body, footer, buttons } = templateParts(def);
    const format = headerMediaFormat(def);
    let renderedHeader: RenderedMessage['header'] = null;
    if (format) {
      if (input.headerMediaId != null) await this.#d.media.find(ctx.tenantId, input.headerMediaId);
      renderedHeader = {
        type: format,
        ...(input.headerMediaId != null ? { mediaUrl: `/api/v1/media/${input.headerMediaId}` } : {}),
      };
    } else if (typeof header?.text === 'string') {
      renderedHeader = { type: 'text', text: fillTemplateText(header.text, values.headerParams) };
    } else if (String(header?.format ?? '').toUpperCase() === 'LOCATION') {
      renderedHeader = { type: 'location' };
    }
    return {
      header: renderedHeader,
      body: typeof body?.text === 'string' ? fillTemplateText(body.text, values.bodyParams) : '',
      footer: typeof footer?.text === 'string' ? footer.text : null,
      buttons: buttons.map((b) => ({ type: String(b.type ?? ''), text: String(b.text ?? '') })),
      fallbacks: contact ? values.fallbacks : [],
    };
  }

  // ---- the start job ---------------------------------------------------------------------------------

  /**
   * The 'campaigns.start' job: a scheduled campaign whose time has come, or one launched now, gets its
   * recipients (one INSERT … SELECT; re-running it adds nobody twice) and starts sending.
   */
  async start(campaignId: number, at?: string): Promise<void> {
    const M = this.#d.models;
    const c = await M.Campaign.findByPk(campaignId);
    if (!c) return;
    if (c.status === 'scheduled') {
      // A stale job from before a pause and a new schedule names another time: only the current one starts it.
      if (at && c.scheduledAt && Math.abs(c.scheduledAt.getTime() - Date.parse(at)) > 1000) return;
      await M.Campaign.update({ status: 'preparing' }, { where: { id: c.id, status: 'scheduled' } });
      await c.reload();
    }
    if (c.status !== 'preparing') return;
    if (!c.materializedAt) {
      const t0 = Date.now();
      await this.#materialise(c);
      await M.Campaign.update({ materializedAt: new Date() }, { where: { id: c.id } });
      this.#d.logger.info({ campaignId: c.id, ms: Date.now() - t0 }, 'campaign recipients materialised');
    }
    await M.Campaign.update({ status: 'running', startedAt: new Date() }, { where: { id: c.id, status: 'preparing' } });
    this.#d.engine()?.wake();
    await this.publish([Number(c.id)]);
  }

  async #materialise(c: CampaignInstance): Promise<void> {
    const seq = this.#d.sequelize;
    const audience = JSON.parse(c.audience) as CampaignAudience;
    const mysql = dialectOf(seq) === 'mysql';
    const now = sqlDate(seq, new Date());
    const insert = async (where: CompiledSql) => {
      await seq.query(
        `INSERT ${mysql ? 'IGNORE' : 'OR IGNORE'} INTO campaign_recipients
           (campaign_id, tenant_id, contact_id, phone, state, skip_reason, attempts, created_at, updated_at)
         ${mysql ? 'SELECT STRAIGHT_JOIN' : 'SELECT'} ?, ?, c.id, c.phone,
           CASE WHEN c.consent_state = 'opted_out' THEN 'skipped' ELSE 'pending' END,
           CASE WHEN c.consent_state = 'opted_out' THEN 'opted_out' ELSE NULL END, 0, ?, ?
         FROM contacts c WHERE ${where.where} AND c.phone IS NOT NULL ORDER BY c.id`,
        { replacements: [c.id, c.tenantId, now, now, ...where.replacements], type: QueryTypes.INSERT },
      );
    };
    if (audience.type === 'segment' || audience.type === 'filter') {
      await insert(await this.#d.segments.compile(c.tenantId, await this.#definitionOf(c.tenantId, audience)));
      return;
    }
    if (audience.type === 'contacts') {
      for (const ids of chunks([...new Set(audience.contactIds)], CHUNK)) {
        await insert({
          where: `c.tenant_id = ? AND c.merged_into_id IS NULL AND c.id IN (${marks(ids.length)})`,
          replacements: [c.tenantId, ...ids],
        });
      }
      return;
    }
    // An uploaded list: numbers not yet in the CRM become contacts first, so replies, consent and
    // statistics all hang off a contact.
    const phones = normalisedList(audience.phones).valid;
    for (const list of chunks(phones, CHUNK)) {
      await this.#d.models.Contact.bulkCreate(
        list.map((p) => ({ tenantId: c.tenantId, phone: p.e164, waId: p.waId, source: 'import' as const })),
        { ignoreDuplicates: true },
      );
      await insert({
        where: `c.tenant_id = ? AND c.merged_into_id IS NULL AND c.phone IN (${marks(list.length)})`,
        replacements: [c.tenantId, ...list.map((p) => p.e164)],
      });
    }
  }

  // ---- statistics and progress ------------------------------------------------------------------------

  /** 'campaign.progress' for each campaign, with its statistics. */
  async publish(ids: number[]): Promise<void> {
    if (ids.length === 0) return;
    const rows = await this.#d.models.Campaign.findAll({ where: { id: ids } });
    const stats = await this.#statsOf(rows, true, true);
    for (const c of rows) {
      await this.#d.bus.publish({
        tenantId: c.tenantId,
        topic: 'campaigns',
        type: 'campaign.progress',
        data: {
          campaignId: Number(c.id),
          status: c.status,
          startedAt: iso(c.startedAt),
          completedAt: iso(c.completedAt),
          stopReason: c.stopReason ?? null,
          stats: stats.get(Number(c.id)),
        },
      });
    }
  }

  async #statsOf(campaigns: CampaignInstance[], full: boolean, live = false): Promise<Map<number, CampaignStats>> {
    const out = new Map<number, CampaignStats>();
    if (campaigns.length === 0) return out;
    const seq = this.#d.sequelize;
    const ids = campaigns.map((c) => Number(c.id));
    const now = sqlDate(seq, new Date());
    const rows = await seq.query<{
      campaign_id: number;
      state: string;
      n: number | string;
      replied: number | string | null;
      cost: number | string | null;
      stale: number | string | null;
    }>(
      `SELECT campaign_id, state, COUNT(*) AS n,
         SUM(CASE WHEN replied_at IS NOT NULL THEN 1 ELSE 0 END) AS replied,
         SUM(CASE WHEN billable = 1 AND delivered_at IS NOT NULL THEN price_micros ELSE 0 END) AS cost,
         SUM(CASE WHEN state = 'sending' AND claimed_until < ? THEN 1 ELSE 0 END) AS stale
       FROM campaign_recipients WHERE campaign_id IN (${marks(ids.length)}) GROUP BY campaign_id, state`,
      { replacements: [now, ...ids], type: QueryTypes.SELECT },
    );
    const currency = await this.#currencyOf(campaigns[0].tenantId);
    for (const c of campaigns) {
      const mine = rows.filter((r) => Number(r.campaign_id) === Number(c.id));
      const count = (...states: string[]) => mine.filter((r) => states.includes(r.state)).reduce((s, r) => s + Number(r.n), 0);
      const reconciling = mine.reduce((s, r) => s + Number(r.stale ?? 0), 0);
      const total = mine.reduce((s, r) => s + Number(r.n), 0);
      const skipped = count('skipped');
      const cancelled = count('cancelled');
      const queued = count('pending', 'sending') - reconciling;
      const sendable = total - skipped - cancelled;
      const finals = count('sent', 'delivered', 'read', 'failed');
      out.set(Number(c.id), {
        total,
        queued,
        reconciling,
        skipped,
        sent: count('sent', 'delivered', 'read'),
        delivered: count('delivered', 'read'),
        read: count('read'),
        replied: mine.reduce((s, r) => s + Number(r.replied ?? 0), 0),
        failed: count('failed'),
        cancelled,
        failedByReason: [],
        skippedByReason: [],
        cost: { currency, amountMicros: mine.reduce((s, r) => s + Number(r.cost ?? 0), 0) },
        progress: sendable > 0 ? Math.min(1, finals / sendable) : c.status === 'completed' ? 1 : 0,
        timeline: [],
      });
    }
    if (!full) return out;
    for (const c of campaigns) {
      const s = out.get(Number(c.id))!;
      const cached = this.#liveDetails.get(Number(c.id));
      const reuse = live && c.status === 'running' && s.total >= LIVE_DETAILS_FROM;
      if (reuse && cached && Date.now() - cached.at < LIVE_DETAILS_MS) {
        Object.assign(s, cached.details);
        continue;
      }
      const [failed, skipped, timeline] = await Promise.all([
        seq.query<{ error_code: number | null; error_reason: string | null; n: number | string }>(
          `SELECT error_code, error_reason, COUNT(*) AS n FROM campaign_recipients
           WHERE campaign_id = ? AND state = 'failed' GROUP BY error_code, error_reason ORDER BY n DESC LIMIT 20`,
          { replacements: [c.id], type: QueryTypes.SELECT },
        ),
        seq.query<{ skip_reason: SkipReason; n: number | string }>(
          `SELECT skip_reason, COUNT(*) AS n FROM campaign_recipients WHERE campaign_id = ? AND state = 'skipped' GROUP BY skip_reason`,
          { replacements: [c.id], type: QueryTypes.SELECT },
        ),
        this.#timeline(Number(c.id)),
      ]);
      s.failedByReason = failed.map((f) => ({
        code: f.error_code === null ? null : Number(f.error_code),
        reason: f.error_reason ?? 'Unknown reason',
        count: Number(f.n),
      }));
      s.skippedByReason = skipped.map((k) => ({ reason: k.skip_reason, count: Number(k.n) }));
      s.timeline = timeline;
      if (reuse) {
        this.#liveDetails.set(Number(c.id), {
          at: Date.now(),
          details: { failedByReason: s.failedByReason, skippedByReason: s.skippedByReason, timeline },
        });
      } else this.#liveDetails.delete(Number(c.id));
    }
    return out;
  }

  /** Sends and failures per minute (the newest 120 minutes that had any). */
  async #timeline(campaignId: number): Promise<CampaignStats['timeline']> {
    const seq = this.#d.sequelize;
    const minute = (col: string) =>
      dialectOf(seq) === 'mysql' ? `DATE_FORMAT(${col}, '%Y-%m-%d %H:%i')` : `substr(${col}, 1, 16)`;
    const [sent, failed] = await Promise.all(
      (['sent_at', 'failed_at'] as const).map((col) =>
        seq.query<{ m: string; n: number | string }>(
          `SELECT ${minute(col)} AS m, COUNT(*) AS n FROM campaign_recipients
           WHERE campaign_id = ? AND ${col} IS NOT NULL GROUP BY m ORDER BY m DESC LIMIT 120`,
          { replacements: [campaignId], type: QueryTypes.SELECT },
        ),
      ),
    );
    const buckets = new Map<string, { sent: number; failed: number }>();
    for (const r of sent) buckets.set(r.m, { sent: Number(r.n), failed: 0 });
    for (const r of failed) buckets.set(r.m, { sent: buckets.get(r.m)?.sent ?? 0, failed: Number(r.n) });
    return [...buckets.entries()]
      .sort(([a], [b]) => a.localeCompare(b))
      .slice(-120)
      .map(([m, v]) => ({ at: `${m.replace(' ', 'T')}:00.000Z`, ...v }));
  }

  async #currencyOf(tenantId: number): Promise<string> {
    return (await this.#balanceOf(tenantId)).currency;
  }

  async #balanceOf(tenantId: number): Promise<{ micros: number; currency: string }> {
    const [row] = await this.#d.sequelize.query<{ balance_micros: number | string; currency: string }>(
      'SELECT balance_micros, currency FROM tenants WHERE id = ?',
      { replacements: [tenantId], type: QueryTypes.SELECT },
    );
    return { micros: Number(row?.balance_micros ?? 0), currency: row?.currency ?? 'USD' };
  }

  // ---- checks ----------------------------------------------------------------------------------------

  async #own(ctx: TenantContext, id: number): Promise<CampaignInstance> {
    const c = await this.#d.models.Campaign.findOne({ where: { id, tenantId: ctx.tenantId } });
    if (!c) throw notFound('Campaign');
    return c;
  }

  async #channel(ctx: TenantContext, id: number): Promise<ChannelInstance> {
    const ch = await this.#d.models.Channel.findOne({ where: { id, tenantId: ctx.tenantId } });
    if (!ch) throw notFound('WhatsApp number');
    return ch;
  }

  async #template(channel: ChannelInstance, name: string, language: string): Promise<MessageTemplate> {
    let list: MessageTemplate[];
    try {
      list = await this.#d.templates(channel);
    } catch (err) {
      throw new AppError(
        502,
        'templates_unavailable',
        `The templates could not be loaded from WhatsApp (${(err as Error).message}). Try again in a minute.`,
      );
    }
    const t = list.find((x) => x.name === name && x.language === language);
    if (!t) {
      throw new AppError(422, 'template_not_found', `There is no approved template "${name}" in ${language} on this number.`);
    }
    if (t.category === 'AUTHENTICATION') {
      throw new AppError(
        422,
        'template_not_broadcastable',
        `"${name}" is an authentication template: WhatsApp allows those only for one-time codes, not campaigns.`,
      );
    }
    return t;
  }

  /** Everything a campaign refers to exists in this tenant and fits the template. */
  /** `audienceOnly`: the preview counts and prices an audience before any variable is chosen. */
  async #check(
    ctx: TenantContext,
    input: CampaignInput,
    audienceOnly = false,
  ): Promise<{ channel: ChannelInstance; template: MessageTemplate }> {
    const channel = await this.#channel(ctx, input.channelId);
    const template = await this.#template(channel, input.template.name, input.template.language);
    if (audienceOnly) {
      await this.#checkAudience(ctx, input.audience);
      return { channel, template };
    }
    const { header, body } = templateParts(template);
    const v = input.variables ?? {};
    const need = (text: unknown, given: unknown[] | undefined, where: string) => {
      const n = templateVariables(text).length;
      if ((given?.length ?? 0) < n) {
        throw new AppError(422, 'variables_missing', `The template's ${where} has ${n} variable(s); choose a value for each.`);
      }
    };
    need(body?.text, v.body, 'body');
    if (typeof header?.text === 'string') need(header.text, v.header, 'header');
    if (headerMediaFormat(template)) {
      if (input.headerMediaId == null) {
        throw new AppError(422, 'header_media_required', `This template's header is ${headerMediaFormat(template)}: upload one.`);
      }
    }
    if (input.headerMediaId != null) await this.#d.media.find(ctx.tenantId, input.headerMediaId);
    for (const s of [...(v.header ?? []), ...(v.body ?? []), ...(v.buttons ?? [])]) {
      if (s?.source !== 'attribute') continue;
      const exists = await this.#d.models.ContactAttribute.count({ where: { tenantId: ctx.tenantId, key: s.key } });
      if (!exists) throw new AppError(400, 'unknown_attribute', `There is no contact field "${s.key}".`);
    }
    await this.#checkAudience(ctx, input.audience);
    return { channel, template };
  }

  async #checkAudience(ctx: TenantContext, audience: CampaignAudience): Promise<void> {
    if (audience.type === 'segment') {
      const s = await this.#d.models.Segment.findOne({ where: { id: audience.segmentId, tenantId: ctx.tenantId } });
      if (!s) throw notFound('Segment');
    } else if (audience.type === 'filter') {
      await this.#d.segments.compile(ctx.tenantId, audience.definition);
    } else if (audience.type === 'contacts') {
      const ids = [...new Set(audience.contactIds)];
      let found = 0;
      for (const list of chunks(ids, CHUNK)) {
        found += await this.#d.models.Contact.count({ where: { tenantId: ctx.tenantId, id: list } });
      }
      if (found < ids.length) throw notFound('Contact');
    }
  }

  async #definitionOf(tenantId: number, audience: CampaignAudience): Promise<SegmentDefinition> {
    if (audience.type === 'filter') return audience.definition;
    if (audience.type !== 'segment') throw new Error('not a segment audience');
    const s = await this.#d.models.Segment.findOne({ where: { id: audience.segmentId, tenantId } });
    if (!s) throw notFound('Segment');
    return JSON.parse(s.definition) as SegmentDefinition;
  }

  async #preview(ctx: TenantContext, input: CampaignInput, template: MessageTemplate): Promise<CampaignPreview> {
    const seq = this.#d.sequelize;
    const category = pricingCategory(template.category ?? 'MARKETING');
    const excluded = { optedOut: 0, invalid: 0, noPhone: 0, duplicate: 0 };
    let audienceSize = 0;
    const byCountry = new Map<string, number>();
    const addPrefix = (phone: string, n: number) => {
      const country = countryOfPhone(phone) ?? 'ZZ';
      byCountry.set(country, (byCountry.get(country) ?? 0) + n);
    };
    const countWhere = async (where: CompiledSql) => {
      const select = dialectOf(seq) === 'mysql' ? 'SELECT STRAIGHT_JOIN' : 'SELECT';
      const [row] = await seq.query<{
        total: number | string;
        no_phone: number | string | null;
        opted_out: number | string | null;
      }>(
        `${select} COUNT(*) AS total, SUM(CASE WHEN c.phone IS NULL THEN 1 ELSE 0 END) AS no_phone,
           SUM(CASE WHEN c.phone IS NOT NULL AND c.consent_state = 'opted_out' THEN 1 ELSE 0 END) AS opted_out
         FROM contacts c WHERE ${where.where}`,
        { replacements: where.replacements, type: QueryTypes.SELECT },
      );
      audienceSize += Number(row?.total ?? 0);
      excluded.noPhone += Number(row?.no_phone ?? 0);
      excluded.optedOut += Number(row?.opted_out ?? 0);
      const groups = await seq.query<{ p: string; n: number | string }>(
        `${select} substr(c.phone, 2, 3) AS p, COUNT(*) AS n FROM contacts c
         WHERE ${where.where} AND c.phone IS NOT NULL AND c.consent_state <> 'opted_out' GROUP BY p`,
        { replacements: where.replacements, type: QueryTypes.SELECT },
      );
      for (const g of groups) addPrefix(`+${g.p}`, Number(g.n));
    };
    const audience = input.audience;
    if (audience.type === 'segment' || audience.type === 'filter') {
      await countWhere(await this.#d.segments.compile(ctx.tenantId, await this.#definitionOf(ctx.tenantId, audience)));
    } else if (audience.type === 'contacts') {
      for (const ids of chunks([...new Set(audience.contactIds)], CHUNK)) {
        await countWhere({
          where: `c.tenant_id = ? AND c.merged_into_id IS NULL AND c.id IN (${marks(ids.length)})`,
          replacements: [ctx.tenantId, ...ids],
        });
      }
    } else {
      const list = normalisedList(audience.phones);
      audienceSize = audience.phones.length;
      excluded.invalid = list.invalid;
      excluded.duplicate = list.duplicate;
      const opted = new Set<string>();
      for (const part of chunks(list.valid, CHUNK)) {
        const rows = await this.#d.models.Contact.findAll({
          attributes: ['phone'],
          where: { tenantId: ctx.tenantId, consentState: 'opted_out', phone: part.map((p) => p.e164), mergedIntoId: null },
        });
        for (const r of rows) if (r.phone) opted.add(r.phone);
      }
      excluded.optedOut = opted.size;
      for (const p of list.valid) if (!opted.has(p.e164)) addPrefix(p.e164, 1);
    }
    const eligible = Math.max(0, audienceSize - excluded.optedOut - excluded.invalid - excluded.noPhone - excluded.duplicate);
    const lines = [...byCountry.entries()]
      .map(([country, count]) => {
        const unit = unitPrice(country === 'ZZ' ? null : country, category);
        return { country, category, count, unitMicros: unit, totalMicros: unit * count };
      })
      .sort((a, b) => b.totalMicros - a.totalMicros);
    const totalMicros = lines.reduce((s, l) => s + l.totalMicros, 0);
    const balance = await this.#balanceOf(ctx.tenantId);
    return {
      category,
      audience: audienceSize,
      eligible,
      excluded,
      cost: { currency: balance.currency, totalMicros, lines },
      balance: {
        currency: balance.currency,
        beforeMicros: balance.micros,
        afterMicros: balance.micros - totalMicros,
        sufficient: balance.micros >= totalMicros,
      },
    };
  }

  // ---- views ----------------------------------------------------------------------------------------

  #inputOf(c: CampaignInstance): CampaignInput {
    return {
      name: c.name,
      channelId: c.channelId,
      template: { name: c.templateName, language: c.templateLanguage },
      variables: JSON.parse(c.variables) as CampaignVariables,
      headerMediaId: c.headerMediaId ?? null,
      audience: JSON.parse(c.audience) as CampaignAudience,
      quietHours: parseQuiet(c.quietHours),
      ratePerSecond: c.ratePerSecond ?? null,
    };
  }

  async #channelsOf(campaigns: CampaignInstance[]): Promise<Map<number, ChannelInstance>> {
    const ids = [...new Set(campaigns.map((c) => c.channelId))];
    if (ids.length === 0) return new Map();
    const rows = await this.#d.models.Channel.findAll({ where: { id: ids } });
    return new Map(rows.map((r) => [r.id, r]));
  }

  async #fullView(c: CampaignInstance): Promise<CampaignView> {
    const [stats, channel] = await Promise.all([this.#statsOf([c], true), this.#d.models.Channel.findByPk(c.channelId)]);
    return this.#view(c, stats.get(Number(c.id))!, channel);
  }

  #view(c: CampaignInstance, stats: CampaignStats, channel: ChannelInstance | null): CampaignView {
    return {
      id: Number(c.id),
      name: c.name,
      status: c.status,
      channelId: c.channelId,
      template: { name: c.templateName, language: c.templateLanguage, category: c.templateCategory },
      variables: JSON.parse(c.variables) as CampaignVariables,
      headerMediaId: c.headerMediaId ?? null,
      audience: JSON.parse(c.audience) as CampaignAudience,
      scheduledAt: iso(c.scheduledAt),
      timezone: c.timezone ?? 'UTC',
      quietHours: parseQuiet(c.quietHours),
      ratePerSecond: c.ratePerSecond ?? null,
      effectiveRatePerSecond: effectiveRate(c, channel),
      stopCode: c.stopCode ?? null,
      stopReason: c.stopReason ?? null,
      createdAt: iso(c.createdAt)!,
      startedAt: iso(c.startedAt),
      completedAt: iso(c.completedAt),
      stats,
    };
  }

  async #recipientContact(
    contactId: number,
    tenantId: number,
    row: { name: string | null; email: string | null; phone: string | null; consentState: string },
  ): Promise<RecipientContact> {
    const [values, defs] = await Promise.all([
      this.#d.models.ContactAttributeValue.findAll({ where: { contactId } }),
      this.#d.models.ContactAttribute.findAll({ where: { tenantId }, attributes: ['id', 'key', 'type'] }),
    ]);
    const byId = new Map(defs.map((d) => [d.id, d]));
    const attributes: Record<string, unknown> = {};
    for (const v of values) {
      const def = byId.get(v.attributeId);
      if (def) attributes[def.key] = readValue(def.type as AttributeType, v);
    }
    return { name: row.name, email: row.email, phone: row.phone, attributes, consentState: row.consentState };
  }
}

function quietText(q: QuietHours | null | undefined): string | null {
  return q ? `${q.start}-${q.end}` : null;
}

/** An uploaded list: valid numbers once each, and how many were invalid or repeated. */
function normalisedList(phones: string[]): { valid: { e164: string; waId: string }[]; invalid: number; duplicate: number } {
  const seen = new Set<string>();
  const valid: { e164: string; waId: string }[] = [];
  let invalid = 0;
  let duplicate = 0;
  for (const raw of phones) {
    const p = normalisePhone(String(raw));
    if (!p.ok) {
      invalid++;
      continue;
    }
    if (seen.has(p.e164)) {
      duplicate++;
      continue;
    }
    seen.add(p.e164);
    valid.push({ e164: p.e164, waId: p.waId });
  }
  return { valid, invalid, duplicate };
}

function recipientView(r: CampaignRecipientAttrs): RecipientView {
  return {
    id: Number(r.id),
    contactId: r.contactId === null ? null : Number(r.contactId),
    phone: r.phone,
    state: r.state,
    skipReason: r.skipReason,
    attempts: r.attempts,
    wamid: r.wamid,
    sentAt: iso(r.sentAt),
    deliveredAt: iso(r.deliveredAt),
    readAt: iso(r.readAt),
    repliedAt: iso(r.repliedAt),
    failedAt: iso(r.failedAt),
    errorCode: r.errorCode,
    errorReason: r.errorReason,
    priceMicros: r.priceMicros,
  };
}
