// Connected WhatsApp numbers: manual connection and Embedded Signup (both validated against the
// Graph API before anything is saved), encrypted credentials, webhook settings shown to admins,
// and number health refreshed from the Graph API.
import crypto from 'node:crypto';
import type { Models } from '../../db/models.ts';
import type { TenantContext } from '../../http/context.ts';
import { AppError, notFound } from '../../http/errors.ts';
import type { EncryptionService } from '../../security/encryption.ts';
import type { Logger } from '../../logger.ts';
import type { AuditService } from '../audit/index.ts';
import { GraphApiError, GraphClient, exchangeCode } from '../../whatsapp/index.ts';
import type { ChannelInstance, ChannelKind } from './channel.model.ts';
import { assertWindowOpen, serviceWindow } from './service-window.ts';

export const TOKEN_CONTEXT = 'channels.access_token';
export const SECRET_CONTEXT = 'channels.app_secret';

export interface ChannelsDeps {
  models: Models;
  encryption: EncryptionService;
  audit: AuditService;
  logger: Logger;
  publicUrl: string;
  graph: { baseUrl: string; version: string };
  /** The platform's Meta app, for Embedded Signup. */
  platformApp: { appId: string; appSecret: string } | null;
  /** Facebook Login for Business configuration id (Embedded Signup on Meta). */
  configId?: string | null;
  /** Called after a channel is added, moved or removed (route caches). */
  onChange?: () => void;
}

/** Turns a Graph error into a message an admin can act on, without leaking internals. */
function graphProblem(err: unknown, doing: string): AppError {
  if (err instanceof GraphApiError) {
    const hint =
      err.code === 190
        ? 'The access token is invalid or expired; create a system-user token in Business Settings.'
        : err.code === 100 || err.code === 33
          ? 'Check the ids: WhatsApp does not know this number or account for this token.'
          : err.code === 10 || (err.code !== null && err.code >= 200 && err.code <= 299)
            ? 'The token lacks the whatsapp_business_management / whatsapp_business_messaging permissions.'
            : 'WhatsApp refused the request.';
    return new AppError(400, 'whatsapp_rejected', `${doing}: ${hint} (WhatsApp said: ${err.message})`, {
      graphCode: err.code,
      fbtraceId: err.fbtraceId,
    });
  }
  return new AppError(502, 'whatsapp_unreachable', `${doing}: the WhatsApp API could not be reached. Try again in a minute.`);
}

export class ChannelsService {
  readonly #d: ChannelsDeps;
  #secrets = new Map<number, { value: { appSecret: string; verifyToken: string; tenantId: number } | null; at: number }>();

  constructor(deps: ChannelsDeps) {
    this.#d = deps;
  }

  graphFor(channel: ChannelInstance): GraphClient {
    return new GraphClient({
      baseUrl: this.#d.graph.baseUrl,
      version: this.#d.graph.version,
      accessToken: this.#d.encryption.decrypt(channel.accessTokenEnc, TOKEN_CONTEXT),
    });
  }

  serialize(c: ChannelInstance) {
    const callbackUrl = c.appId ? `${this.#d.publicUrl}/webhooks/whatsapp/${c.id}` : `${this.#d.publicUrl}/webhooks/whatsapp`;
    return {
      id: c.id,
      name: c.name,
      kind: c.kind,
      phoneNumberId: c.phoneNumberId,
      wabaId: c.wabaId,
      displayPhoneNumber: c.displayPhoneNumber,
      verifiedName: c.verifiedName,
      ownApp: Boolean(c.appId),
      status: c.status,
      health: {
        qualityRating: c.qualityRating,
        messagingLimit: c.messagingLimit,
        throughputLevel: c.throughputLevel,
        numberStatus: c.numberStatus,
        checkedAt: c.healthCheckedAt?.toISOString() ?? null,
        error: c.healthError,
      },
      webhook: { callbackUrl, verifyToken: c.verifyToken },
      createdAt: c.createdAt.toISOString(),
    };
  }

  async list(ctx: TenantContext) {
    const rows = await this.#d.models.Channel.findAll({ where: { tenantId: ctx.tenantId }, order: [['id', 'ASC']] });
    return { items: rows.map((c) => this.serialize(c)) };
  }

  async #own(ctx: TenantContext, id: number): Promise<ChannelInstance> {
    const c = await this.#d.models.Channel.findOne({ where: { id, tenantId: ctx.tenantId } });
    if (!c) throw notFound('Channel');
    return c;
  }

  async get(ctx: TenantContext, id: number) {
    return this.serialize(await this.#own(ctx, id));
  }

  /** Reads the number's details with the given token; proves the token, ids and permissions match. */
  async #inspect(token: string, wabaId: string, phoneNumberId: string, doing: string) {
    const graph = new GraphClient({ baseUrl: this.#d.graph.baseUrl, version: this.#d.graph.version, accessToken: token });
    try {
      const numbers = await graph.listPhoneNumbers(wabaId);
      const number = numbers.find((n) => String(n.id) === phoneNumberId);
      if (!number) {
        throw new AppError(
          400,
          'number_not_in_account',
          `${doing}: phone number ${phoneNumberId} is not in WhatsApp Business Account ${wabaId}.`,
        );
      }
      const details = await graph.getPhoneNumber(phoneNumberId);
      return { graph, details };
    } catch (err) {
      if (err instanceof AppError) throw err;
      throw graphProblem(err, doing);
    }
  }

  async #assertFree(ctx: TenantContext, phoneNumberId: string) {
    const existing = await this.#d.models.Channel.findOne({ where: { phoneNumberId } });
    if (existing && existing.tenantId !== ctx.tenantId) {
      throw new AppError(409, 'number_in_use', 'This number is already connected to another workspace.');
    }
    return existing;
  }

  async #save(
    ctx: TenantContext,
    kind: ChannelKind,
    input: {
      name: string;
      phoneNumberId: string;
      wabaId: string;
      accessToken: string;
      appId?: string | null;
      appSecret?: string | null;
    },
    details: Awaited<ReturnType<GraphClient['getPhoneNumber']>>,
  ) {
    const existing = await this.#assertFree(ctx, input.phoneNumberId);
    const enc = this.#d.encryption;
    const values = {
      tenantId: ctx.tenantId,
      name: input.name,
      kind,
      phoneNumberId: input.phoneNumberId,
      wabaId: input.wabaId,
      displayPhoneNumber: details.display_phone_number ?? null,
      verifiedName: details.verified_name ?? null,
      appId: input.appId ?? null,
      appSecretEnc: input.appSecret ? enc.encrypt(input.appSecret, SECRET_CONTEXT) : null,
      accessTokenEnc: enc.encrypt(input.accessToken, TOKEN_CONTEXT),
      verifyToken: existing?.verifyToken ?? crypto.randomBytes(18).toString('base64url'),
      status: 'active' as const,
      ...healthOf(details),
      healthCheckedAt: new Date(),
      healthError: null,
      createdBy: ctx.principal.userId,
    };
    const channel = existing ? await existing.update(values) : await this.#d.models.Channel.create(values);
    this.#secrets.delete(channel.id);
    this.#d.onChange?.();
    await this.#d.audit.inTenant(
      ctx,
      existing ? 'channel.reconnected' : 'channel.connected',
      { type: 'channel', id: channel.id },
      {
        kind,
        phoneNumberId: input.phoneNumberId,
        ownApp: Boolean(input.appId),
      },
    );
    return this.serialize(channel);
  }

  async connectManual(
    ctx: TenantContext,
    input: { name: string; phoneNumberId: string; wabaId: string; accessToken: string; appId?: string; appSecret?: string },
  ) {
    await this.#assertFree(ctx, input.phoneNumberId);
    const { graph, details } = await this.#inspect(input.accessToken, input.wabaId, input.phoneNumberId, 'Could not connect');
    // Without the app's subscription to the WABA no message ever arrives (the most common pitfall).
    try {
      await graph.subscribeApp(input.wabaId);
    } catch (err) {
      throw graphProblem(err, 'Could not subscribe the app to the WhatsApp Business Account');
    }
    return this.#save(ctx, 'manual', input, details);
  }

  signupConfig(simulatorUrl: string | null) {
    const app = this.#d.platformApp;
    return {
      mode: simulatorUrl ? ('simulator' as const) : app ? ('facebook' as const) : ('unavailable' as const),
      appId: app?.appId ?? null,
      configId: this.#d.configId ?? null,
      graphVersion: this.#d.graph.version,
      simulatorUrl,
    };
  }

  /** Embedded Signup, server side: code → business token → subscribe → register → details. */
  async completeSignup(ctx: TenantContext, input: { code: string; phoneNumberId: string; wabaId: string; name?: string }) {
    const app = this.#d.platformApp;
    if (!app)
      throw new AppError(
        409,
        'signup_unavailable',
        'Embedded Signup needs the platform Meta app (WHATSAPP_APP_ID and WHATSAPP_APP_SECRET).',
      );
    await this.#assertFree(ctx, input.phoneNumberId);
    let token: string;
    try {
      ({ accessToken: token } = await exchangeCode({
        baseUrl: this.#d.graph.baseUrl,
        version: this.#d.graph.version,
        appId: app.appId,
        appSecret: app.appSecret,
        code: input.code,
      }));
    } catch (err) {
      throw graphProblem(err, 'Could not finish the sign-up (the code may have expired; start again)');
    }
    const graph = new GraphClient({ baseUrl: this.#d.graph.baseUrl, version: this.#d.graph.version, accessToken: token });
    try {
      await graph.subscribeApp(input.wabaId);
      await graph.registerPhoneNumber(input.phoneNumberId, String(crypto.randomInt(100000, 1000000)));
    } catch (err) {
      throw graphProblem(err, 'Could not register the number');
    }
    const { details } = await this.#inspect(token, input.wabaId, input.phoneNumberId, 'Could not read the new number');
    const name = input.name || details.verified_name || details.display_phone_number || `WhatsApp ${input.phoneNumberId}`;
    return this.#save(ctx, 'embedded_signup', { ...input, name, accessToken: token }, details);
  }

  async disconnect(ctx: TenantContext, id: number) {
    const c = await this.#own(ctx, id);
    await c.update({ status: 'disconnected' });
    this.#secrets.delete(c.id);
    this.#d.onChange?.();
    await this.#d.audit.inTenant(ctx, 'channel.disconnected', { type: 'channel', id: c.id });
    return this.serialize(c);
  }

  /** Refreshes quality rating, messaging limit and throughput from the Graph API. */
  async refreshHealth(channel: ChannelInstance) {
    try {
      const details = await this.graphFor(channel).getPhoneNumber(channel.phoneNumberId);
      await channel.update({ ...healthOf(details), healthCheckedAt: new Date(), healthError: null });
    } catch (err) {
      const message = err instanceof GraphApiError ? `${err.code ?? ''} ${err.message}`.trim() : 'WhatsApp API unreachable';
      await channel.update({ healthCheckedAt: new Date(), healthError: message.slice(0, 500) });
    }
    return this.serialize(channel);
  }

  async refreshHealthFor(ctx: TenantContext, id: number) {
    return this.refreshHealth(await this.#own(ctx, id));
  }

  async refreshAllHealth() {
    const rows = await this.#d.models.Channel.findAll({ where: { status: 'active' } });
    for (const c of rows) await this.refreshHealth(c);
    return rows.length;
  }

  /** Sends a plain text through the channel (the admin's "send a test message"). */
  async sendTest(ctx: TenantContext, id: number, input: { to: string; text: string }) {
    const c = await this.#own(ctx, id);
    if (c.status !== 'active') throw new AppError(409, 'channel_disconnected', 'This number is disconnected.');
    // A text is free-form: only inside the customer service window (templates arrive with the inbox).
    assertWindowOpen(await serviceWindow(this.#d.models, { tenantId: c.tenantId, channelId: c.id, waId: input.to }));
    let sent;
    try {
      sent = await this.graphFor(c).send(c.phoneNumberId, { to: input.to, type: 'text', text: { body: input.text } });
    } catch (err) {
      throw graphProblem(err, 'The message was not sent');
    }
    const now = new Date();
    const payload = JSON.stringify({ type: 'text', text: { body: input.text } });
    // The status webhook may have created a placeholder row already: fill it in rather than fail.
    await this.#d.models.WaMessage.bulkCreate(
      [
        {
          tenantId: c.tenantId,
          channelId: c.id,
          wamid: sent.wamid,
          direction: 'out',
          waId: sent.waId ?? input.to,
          type: 'text',
          payload,
          status: 'accepted',
          occurredAt: now,
        },
      ],
      { ignoreDuplicates: true },
    );
    await this.#d.models.WaMessage.update(
      { type: 'text', payload },
      { where: { channelId: c.id, wamid: sent.wamid, type: 'unknown' } },
    );
    // The reply belongs to the customer's conversation (there is one: the window was open).
    const conv = await this.#d.models.Conversation.findOne({ where: { channelId: c.id, customerKey: sent.waId ?? input.to } });
    if (conv) {
      await this.#d.models.WaMessage.update({ conversationId: conv.id }, { where: { channelId: c.id, wamid: sent.wamid } });
      await conv.update({ lastMessageAt: now, preview: input.text.slice(0, 250) });
    }
    return { wamid: sent.wamid, to: sent.waId ?? input.to };
  }

  /** Webhook secrets of a channel that uses its own app (cached; decrypted only in memory). */
  async webhookSecrets(id: number) {
    const hit = this.#secrets.get(id);
    if (hit && Date.now() - hit.at < 30_000) return hit.value;
    const c = await this.#d.models.Channel.findByPk(id);
    const value =
      c && c.appSecretEnc && c.status === 'active'
        ? {
            appSecret: this.#d.encryption.decrypt(c.appSecretEnc, SECRET_CONTEXT),
            verifyToken: c.verifyToken,
            tenantId: c.tenantId,
          }
        : null;
    this.#secrets.set(id, { value, at: Date.now() });
    return value;
  }

  async webhookEvents(ctx: TenantContext, status: 'failed' | 'pending' | undefined) {
    const rows = await this.#d.models.WebhookEvent.findAll({
      where: { tenantId: ctx.tenantId, ...(status ? { status } : {}) },
      order: [['id', 'DESC']],
      limit: 100,
      attributes: ['id', 'source', 'status', 'attempts', 'lastError', 'receivedAt', 'processedAt'],
    });
    return {
      items: rows.map((e) => ({
        id: Number(e.id),
        source: e.source,
        status: e.status,
        attempts: e.attempts,
        lastError: e.lastError,
        receivedAt: e.receivedAt.toISOString(),
        processedAt: e.processedAt?.toISOString() ?? null,
      })),
    };
  }
}

function healthOf(d: {
  quality_rating?: string;
  whatsapp_business_manager_messaging_limit?: string;
  messaging_limit_tier?: string;
  throughput?: { level?: string };
  status?: string;
}) {
  return {
    qualityRating: d.quality_rating ?? null,
    messagingLimit: d.whatsapp_business_manager_messaging_limit ?? d.messaging_limit_tier ?? null,
    throughputLevel: d.throughput?.level ?? null,
    numberStatus: d.status ?? null,
  };
}
