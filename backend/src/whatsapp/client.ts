// A thin, typed Cloud API client over fetch: it shapes requests exactly as Meta documents them, refuses
// requests Meta would reject in confusing ways, and turns every failure into a GraphApiError that says
// whether to retry. Retrying itself, pacing and persistence belong to the callers (jobs, campaigns).
import { createHash } from 'node:crypto';
import { createWriteStream, openAsBlob } from 'node:fs';
import { rename, unlink } from 'node:fs/promises';
import { Readable, Transform, pipeline as pipelineCallback, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as NodeReadableStream } from 'node:stream/web';
import { GraphApiError, InvalidRequestError, MediaDownloadError } from './errors.ts';
import type {
  BusinessProfile,
  BusinessProfileUpdate,
  CreateTemplateRequest,
  CreateTemplateResult,
  DownloadedMedia,
  DownloadMediaOptions,
  DownloadTarget,
  ExchangeCodeOptions,
  ExchangeCodeResult,
  GraphClientOptions,
  InteractiveContent,
  ListTemplatesQuery,
  MediaInfo,
  MediaStream,
  MessageTemplate,
  OutgoingMessage,
  PhoneNumber,
  SendOptions,
  SendResult,
  SubscribedApp,
  TemplateComponent,
  TemplateContent,
  TokenDebugInfo,
  UploadMediaInput,
} from './types.ts';

export const DEFAULT_TIMEOUT_MS = 30_000;
export const DEFAULT_USER_AGENT = 'wa-platform-graph-client/1.0';
/** Meta's largest media (documents). */
export const DEFAULT_MAX_MEDIA_BYTES = 100 * 1024 * 1024;
export const MAX_BIZ_OPAQUE_CALLBACK_DATA = 512;

export const DEFAULT_PHONE_NUMBER_FIELDS = [
  'id',
  'display_phone_number',
  'verified_name',
  'quality_rating',
  'code_verification_status',
  'name_status',
  'platform_type',
  'throughput',
  'status',
  'is_official_business_account',
  'account_mode',
  'whatsapp_business_manager_messaging_limit',
  'last_onboarded_time',
] as const;

export const DEFAULT_TEMPLATE_FIELDS = [
  'id',
  'name',
  'status',
  'category',
  'language',
  'components',
  'quality_score',
  'rejected_reason',
  'parameter_format',
] as const;

export const DEFAULT_BUSINESS_PROFILE_FIELDS = [
  'about',
  'address',
  'description',
  'email',
  'profile_picture_url',
  'websites',
  'vertical',
] as const;

// Download URLs point at Meta's CDNs; the bearer token must never be handed to any other host, and a
// webhook payload can carry a `url` field an attacker controls.
const META_MEDIA_HOST_SUFFIXES = ['.fbsbx.com', '.facebook.com', '.fbcdn.net', '.whatsapp.net'];

// Connection failures that prove the request never reached the server, so a send is safe to repeat.
const NOT_SENT_CODES = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'UND_ERR_CONNECT_TIMEOUT',
]);

type Query = Record<string, string | number | boolean | undefined>;

interface Transport {
  baseUrl: string;
  version: string;
  fetch: typeof fetch;
  timeoutMs: number;
  userAgent: string;
}

interface CallOptions {
  query?: Query;
  json?: unknown;
  form?: FormData;
  /** Null sends no Authorization header (app-secret calls carry their credential in the query). */
  bearer: string | null;
  /** A message send: a lost answer means the message may have gone out. */
  sendsMessage?: boolean;
  timeoutMs?: number;
  /** An absolute URL to call instead of baseUrl/version/path (paging.next). */
  absoluteUrl?: string;
}

interface GraphPage<T> {
  data?: T[];
  paging?: { cursors?: { before?: string; after?: string }; next?: string; previous?: string };
}

export class GraphClient {
  readonly #transport: Transport;
  readonly #accessToken: string;
  readonly #trustedMediaHosts: Set<string>;

  constructor(options: GraphClientOptions) {
    if (!options.accessToken) throw new TypeError('GraphClient needs an access token');
    this.#transport = transportFrom(options);
    this.#accessToken = options.accessToken;
    this.#trustedMediaHosts = new Set((options.trustedMediaHosts ?? []).map((h) => h.toLowerCase()));
  }

  // -------------------------------------------------------------------------------------------------
  // Sending

  async send(phoneNumberId: string, message: OutgoingMessage): Promise<SendResult> {
    const body = buildMessageBody(message);
    const res = await this.#call<{
      contacts?: { input?: string; wa_id?: string; user_id?: string }[];
      messages?: { id?: string; message_status?: string }[];
    }>('POST', `${seg(phoneNumberId)}/messages`, { json: body, sendsMessage: true });
    const sent = res.messages?.[0];
    if (!sent?.id) {
      // Meta answered 200, so the message most likely went out even though we cannot name it.
      throw new GraphApiError({
        kind: 'invalid_response',
        endpoint: `POST /${phoneNumberId}/messages`,
        httpStatus: 200,
        message: 'Graph API accepted the send but returned no message id',
        outcomeUnknown: true,
      });
    }
    const contact = res.contacts?.[0];
    return {
      wamid: sent.id,
      waId: contact?.wa_id ?? null,
      userId: contact?.user_id ?? null,
      messageStatus: sent.message_status ?? null,
    };
  }

  sendText(
    phoneNumberId: string,
    to: string,
    body: string,
    options: SendOptions & { previewUrl?: boolean } = {},
  ): Promise<SendResult> {
    const { previewUrl, ...envelope } = options;
    const text = previewUrl === undefined ? { body } : { body, preview_url: previewUrl };
    return this.send(phoneNumberId, { ...envelope, to, type: 'text', text });
  }

  sendTemplate(phoneNumberId: string, to: string, template: TemplateContent, options: SendOptions = {}): Promise<SendResult> {
    return this.send(phoneNumberId, { ...options, to, type: 'template', template });
  }

  sendInteractive(
    phoneNumberId: string,
    to: string,
    interactive: InteractiveContent,
    options: SendOptions = {},
  ): Promise<SendResult> {
    return this.send(phoneNumberId, { ...options, to, type: 'interactive', interactive });
  }

  sendReaction(phoneNumberId: string, to: string, messageId: string, emoji: string): Promise<SendResult> {
    return this.send(phoneNumberId, { to, type: 'reaction', reaction: { message_id: messageId, emoji } });
  }

  /** Marks the message (and earlier ones in the chat) read; `typing` shows a typing indicator for ≤25 s. */
  async markAsRead(phoneNumberId: string, messageId: string, options: { typing?: boolean } = {}): Promise<void> {
    const body: Record<string, unknown> = { messaging_product: 'whatsapp', status: 'read', message_id: messageId };
    if (options.typing) body.typing_indicator = { type: 'text' };
    const res = await this.#call<{ success?: boolean }>('POST', `${seg(phoneNumberId)}/messages`, { json: body });
    expectSuccess(res, `POST /${phoneNumberId}/messages`);
  }

  // -------------------------------------------------------------------------------------------------
  // Media

  async uploadMedia(phoneNumberId: string, input: UploadMediaInput): Promise<{ id: string }> {
    const file = await uploadBlob(input);
    const form = new FormData();
    form.append('messaging_product', 'whatsapp');
    form.append('type', input.mimeType);
    form.append('file', file, input.filename);
    const res = await this.#call<{ id?: string }>('POST', `${seg(phoneNumberId)}/media`, {
      form,
      timeoutMs: input.timeoutMs,
    });
    if (!res.id) throw invalidResponse(`POST /${phoneNumberId}/media`, 'Graph API returned no media id');
    return { id: String(res.id) };
  }

  async getMediaUrl(mediaId: string, options: { phoneNumberId?: string } = {}): Promise<MediaInfo> {
    const res = await this.#call<{ id?: string; url?: string; mime_type?: string; sha256?: string; file_size?: string | number }>(
      'GET',
      seg(mediaId),
      { query: { phone_number_id: options.phoneNumberId } },
    );
    if (!res.url) throw invalidResponse(`GET /${mediaId}`, 'Graph API returned no media URL');
    const size = res.file_size === undefined ? NaN : Number(res.file_size);
    return {
      id: res.id ?? mediaId,
      url: res.url,
      mimeType: res.mime_type ?? 'application/octet-stream',
      sha256: res.sha256 ?? null,
      fileSize: Number.isFinite(size) ? size : null,
    };
  }

  /**
   * Streams a media file (by download URL or media id). Without `to` it resolves once headers are
   * checked and hands back a Readable; with a Writable or a file path it resolves when everything is
   * written and verified. A file path is written beside the target and renamed only on success, so a
   * refused or broken download never leaves a half file under the real name.
   */
  downloadMedia(source: string, options?: DownloadMediaOptions): Promise<MediaStream>;
  downloadMedia(source: string, options: DownloadMediaOptions & { to: DownloadTarget }): Promise<DownloadedMedia>;
  async downloadMedia(
    source: string,
    options: DownloadMediaOptions & { to?: DownloadTarget } = {},
  ): Promise<MediaStream | DownloadedMedia> {
    const opened = await this.#openMedia(source, options);
    const { to } = options;
    if (to === undefined) {
      // The callback form returns the last stream and destroys every stage on error, so the consumer
      // sees a size, hash or network failure as an 'error' on the stream it reads.
      const stream = pipelineCallback(opened.body, opened.guard, () => {});
      return { stream, mimeType: opened.mimeType, contentLength: opened.contentLength };
    }
    if (typeof to !== 'string') {
      await pipeline(opened.body, opened.guard, to);
      return opened.result();
    }
    const partial = `${to}.${process.pid}.${Date.now()}.part`;
    try {
      await pipeline(opened.body, opened.guard, createWriteStream(partial, { flags: 'wx' }));
      await rename(partial, to);
    } catch (err) {
      await unlink(partial).catch(() => {});
      throw err;
    }
    return opened.result();
  }

  async deleteMedia(mediaId: string, options: { phoneNumberId?: string } = {}): Promise<void> {
    const res = await this.#call<{ success?: boolean }>('DELETE', seg(mediaId), {
      query: { phone_number_id: options.phoneNumberId },
    });
    expectSuccess(res, `DELETE /${mediaId}`);
  }

  async #openMedia(source: string, options: DownloadMediaOptions) {
    const maxBytes = options.maxBytes ?? DEFAULT_MAX_MEDIA_BYTES;
    let url = source;
    let expected = options.sha256 || null;
    if (!/^https?:\/\//i.test(source)) {
      const info = await this.getMediaUrl(source, { phoneNumberId: options.phoneNumberId });
      url = info.url;
      if (options.sha256 === undefined) expected = info.sha256;
    }
    const target = this.#assertTrustedMediaUrl(url);
    const endpoint = `GET ${target.origin}${target.pathname}`;
    const { timeoutMs } = this.#transport;

    // The timeout is an idle timer: re-armed on every chunk so a large file on a slow link may take as
    // long as it needs, while a stalled connection still fails.
    const controller = new AbortController();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const arm = () => {
      clearTimeout(timer);
      timer = setTimeout(
        () =>
          controller.abort(
            new GraphApiError({ kind: 'timeout', endpoint, message: `No data from ${endpoint} for ${timeoutMs} ms` }),
          ),
        timeoutMs,
      );
    };
    arm();
    let res: Response;
    try {
      res = await this.#transport.fetch(url, {
        headers: { Authorization: `Bearer ${this.#accessToken}`, 'User-Agent': this.#transport.userAgent },
        signal: controller.signal,
      });
    } catch (err) {
      clearTimeout(timer);
      throw transportError(err, controller.signal, endpoint, false);
    }
    const abandon = (err: Error): Error => {
      clearTimeout(timer);
      void res.body?.cancel().catch(() => {});
      return err;
    };
    if (!res.ok) {
      let text = '';
      try {
        text = await res.text();
      } catch {
        // The status alone is enough to report.
      }
      throw abandon(errorFromResponse(res, text, endpoint));
    }
    const mimeType = (res.headers.get('content-type') ?? '').split(';')[0].trim().toLowerCase();
    if (options.allowedMimeTypes && !mimeAllowed(mimeType, options.allowedMimeTypes)) {
      throw abandon(
        new MediaDownloadError('mime_type', `Media type "${mimeType || 'none'}" is not allowed`, {
          mimeType: mimeType || undefined,
        }),
      );
    }
    const lengthHeader = res.headers.get('content-length');
    const contentLength = lengthHeader === null ? null : Number(lengthHeader);
    if (contentLength !== null && contentLength > maxBytes) {
      throw abandon(tooLarge(maxBytes, `Media is ${contentLength} bytes, over the ${maxBytes}-byte limit`));
    }
    if (!res.body) throw abandon(invalidResponse(endpoint, 'Media download returned no body'));

    const hash = createHash('sha256');
    let bytes = 0;
    let sha256Hex = '';
    const guard = new Transform({
      transform(chunk: Buffer, _enc, callback: TransformCallback) {
        arm();
        bytes += chunk.length;
        if (bytes > maxBytes) {
          // Abort the fetch too, so the server stops sending instead of filling a dead socket.
          const err = tooLarge(maxBytes, `Media exceeded the ${maxBytes}-byte limit while downloading`);
          clearTimeout(timer);
          controller.abort(err);
          callback(err);
          return;
        }
        hash.update(chunk);
        callback(null, chunk);
      },
      flush(callback: TransformCallback) {
        clearTimeout(timer);
        const digest = hash.digest();
        sha256Hex = digest.toString('hex');
        if (expected && !sha256Matches(expected, digest)) {
          callback(
            new MediaDownloadError('sha256_mismatch', 'Downloaded media does not match its sha256', {
              expectedSha256: expected,
              actualSha256: sha256Hex,
            }),
          );
          return;
        }
        callback();
      },
      destroy(err, callback) {
        clearTimeout(timer);
        callback(err);
      },
    });
    const body = Readable.fromWeb(res.body as NodeReadableStream<Uint8Array>);
    return {
      body,
      guard,
      mimeType,
      contentLength,
      result: (): DownloadedMedia => ({ mimeType, bytes, sha256: sha256Hex }),
    };
  }

  #assertTrustedMediaUrl(url: string): URL {
    let target: URL;
    try {
      target = new URL(url);
    } catch {
      throw new MediaDownloadError('untrusted_url', 'Media URL is not a valid URL');
    }
    const base = new URL(this.#transport.baseUrl);
    const host = target.hostname.toLowerCase();
    const trusted =
      target.origin === base.origin ||
      (target.protocol === 'https:' &&
        (this.#trustedMediaHosts.has(host) || META_MEDIA_HOST_SUFFIXES.some((s) => host.endsWith(s) || `.${host}` === s)));
    if (!trusted) {
      throw new MediaDownloadError('untrusted_url', `Refusing to send the access token to ${target.origin}`);
    }
    return target;
  }

  // -------------------------------------------------------------------------------------------------
  // Templates

  /** Every template matching the query, following Graph paging until the last page. */
  async *iterateTemplates(wabaId: string, query: ListTemplatesQuery = {}): AsyncGenerator<MessageTemplate> {
    yield* this.#paginate<MessageTemplate>(`${seg(wabaId)}/message_templates`, {
      fields: (query.fields ?? DEFAULT_TEMPLATE_FIELDS).join(','),
      limit: query.limit,
      status: query.status,
      name: query.name,
      category: query.category,
      language: query.language,
    });
  }

  async listTemplates(wabaId: string, query: ListTemplatesQuery = {}): Promise<MessageTemplate[]> {
    return collect(this.iterateTemplates(wabaId, query));
  }

  async createTemplate(wabaId: string, body: CreateTemplateRequest): Promise<CreateTemplateResult> {
    const res = await this.#call<Partial<CreateTemplateResult>>('POST', `${seg(wabaId)}/message_templates`, { json: body });
    if (!res.id) throw invalidResponse(`POST /${wabaId}/message_templates`, 'Graph API returned no template id');
    return { id: String(res.id), status: res.status ?? 'PENDING', category: res.category ?? body.category };
  }

  /** Without `hsmId` every language of the name is deleted. */
  async deleteTemplate(wabaId: string, target: { name: string; hsmId?: string }): Promise<void> {
    const res = await this.#call<{ success?: boolean }>('DELETE', `${seg(wabaId)}/message_templates`, {
      query: { name: target.name, hsm_id: target.hsmId },
    });
    expectSuccess(res, `DELETE /${wabaId}/message_templates`);
  }

  // -------------------------------------------------------------------------------------------------
  // Numbers & account

  async listPhoneNumbers(wabaId: string, fields: readonly string[] = DEFAULT_PHONE_NUMBER_FIELDS): Promise<PhoneNumber[]> {
    return collect(this.#paginate<PhoneNumber>(`${seg(wabaId)}/phone_numbers`, { fields: fields.join(',') }));
  }

  getPhoneNumber(phoneNumberId: string, fields: readonly string[] = DEFAULT_PHONE_NUMBER_FIELDS): Promise<PhoneNumber> {
    return this.#call<PhoneNumber>('GET', seg(phoneNumberId), { query: { fields: fields.join(',') } });
  }

  async getBusinessProfile(
    phoneNumberId: string,
    fields: readonly string[] = DEFAULT_BUSINESS_PROFILE_FIELDS,
  ): Promise<BusinessProfile> {
    const res = await this.#call<{ data?: BusinessProfile[] }>('GET', `${seg(phoneNumberId)}/whatsapp_business_profile`, {
      query: { fields: fields.join(',') },
    });
    const profile = res.data?.[0];
    if (!profile) throw invalidResponse(`GET /${phoneNumberId}/whatsapp_business_profile`, 'Graph API returned no profile');
    return profile;
  }

  async updateBusinessProfile(phoneNumberId: string, profile: BusinessProfileUpdate): Promise<void> {
    const res = await this.#call<{ success?: boolean }>('POST', `${seg(phoneNumberId)}/whatsapp_business_profile`, {
      json: { messaging_product: 'whatsapp', ...profile },
    });
    expectSuccess(res, `POST /${phoneNumberId}/whatsapp_business_profile`);
  }

  /** `pin` is the six-digit two-step verification PIN (set by this call if the number has none). */
  async registerPhoneNumber(
    phoneNumberId: string,
    pin: string,
    options: { dataLocalizationRegion?: string } = {},
  ): Promise<void> {
    if (!/^\d{6}$/.test(pin)) throw new InvalidRequestError('pin', 'The two-step verification PIN must be six digits');
    const body: Record<string, unknown> = { messaging_product: 'whatsapp', pin };
    if (options.dataLocalizationRegion) body.data_localization_region = options.dataLocalizationRegion;
    const res = await this.#call<{ success?: boolean }>('POST', `${seg(phoneNumberId)}/register`, { json: body });
    expectSuccess(res, `POST /${phoneNumberId}/register`);
  }

  async deregisterPhoneNumber(phoneNumberId: string): Promise<void> {
    const res = await this.#call<{ success?: boolean }>('POST', `${seg(phoneNumberId)}/deregister`, {});
    expectSuccess(res, `POST /${phoneNumberId}/deregister`);
  }

  /** Without this no webhook for the WABA reaches the app. The override sends its events elsewhere. */
  async subscribeApp(wabaId: string, override: { callbackUri: string; verifyToken: string } | null = null): Promise<void> {
    const json = override ? { override_callback_uri: override.callbackUri, verify_token: override.verifyToken } : undefined;
    const res = await this.#call<{ success?: boolean }>('POST', `${seg(wabaId)}/subscribed_apps`, { json });
    expectSuccess(res, `POST /${wabaId}/subscribed_apps`);
  }

  async listSubscribedApps(wabaId: string): Promise<SubscribedApp[]> {
    const res = await this.#call<{ data?: SubscribedApp[] }>('GET', `${seg(wabaId)}/subscribed_apps`, {});
    return res.data ?? [];
  }

  async unsubscribeApp(wabaId: string): Promise<void> {
    const res = await this.#call<{ success?: boolean }>('DELETE', `${seg(wabaId)}/subscribed_apps`, {});
    expectSuccess(res, `DELETE /${wabaId}/subscribed_apps`);
  }

  /** `appAccessToken` is `APP_ID|APP_SECRET`; it replaces this client's token for the call. */
  async debugToken(inputToken: string, appAccessToken: string): Promise<TokenDebugInfo> {
    const res = await callGraph<{ data?: TokenDebugInfo }>(this.#transport, 'GET', 'debug_token', {
      bearer: null,
      query: { input_token: inputToken, access_token: appAccessToken },
    });
    if (!res.data) throw invalidResponse('GET /debug_token', 'Graph API returned no token data');
    return res.data;
  }

  // -------------------------------------------------------------------------------------------------

  #call<T>(method: string, path: string, options: Omit<CallOptions, 'bearer'>): Promise<T> {
    return callGraph<T>(this.#transport, method, path, { ...options, bearer: this.#accessToken });
  }

  async *#paginate<T>(path: string, query: Query): AsyncGenerator<T> {
    const seen = new Set<string>();
    let options: Omit<CallOptions, 'bearer'> = { query };
    while (true) {
      const page = await this.#call<GraphPage<T>>('GET', path, options);
      for (const item of page.data ?? []) yield item;
      // Graph omits `next` on the last page even when it still sends cursors.
      const next = page.paging?.next;
      if (!next) return;
      const after = page.paging?.cursors?.after;
      const key = after ?? next;
      if (seen.has(key)) return;
      seen.add(key);
      if (after) {
        options = { query: { ...query, after } };
      } else if (new URL(next).origin === new URL(this.#transport.baseUrl).origin) {
        options = { absoluteUrl: next };
      } else {
        return;
      }
    }
  }
}

/**
 * Exchanges an Embedded Signup / OAuth code for a business token. Server-to-server only: the request
 * carries the app secret.
 */
export async function exchangeCode(options: ExchangeCodeOptions): Promise<ExchangeCodeResult> {
  const res = await callGraph<{ access_token?: string; business_token?: string; token_type?: string; expires_in?: number }>(
    transportFrom(options),
    'GET',
    'oauth/access_token',
    {
      bearer: null,
      query: {
        client_id: options.appId,
        client_secret: options.appSecret,
        code: options.code,
        redirect_uri: options.redirectUri,
      },
    },
  );
  const accessToken = res.access_token ?? res.business_token;
  if (!accessToken) throw invalidResponse('GET /oauth/access_token', 'Graph API returned no access token');
  return {
    accessToken,
    tokenType: res.token_type ?? null,
    expiresIn: typeof res.expires_in === 'number' ? res.expires_in : null,
  };
}

// ---------------------------------------------------------------------------------------------------
// Request plumbing

function transportFrom(o: {
  baseUrl: string;
  version: string;
  fetch?: typeof fetch;
  timeoutMs?: number;
  userAgent?: string;
}): Transport {
  if (!/^https?:\/\//i.test(o.baseUrl)) throw new TypeError(`Graph base URL must be http(s): ${o.baseUrl}`);
  return {
    baseUrl: o.baseUrl.replace(/\/+$/, ''),
    version: o.version.replace(/^\/+|\/+$/g, ''),
    fetch: o.fetch ?? globalThis.fetch,
    timeoutMs: o.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    userAgent: o.userAgent ?? DEFAULT_USER_AGENT,
  };
}

async function callGraph<T>(t: Transport, method: string, path: string, options: CallOptions): Promise<T> {
  const url = new URL(options.absoluteUrl ?? `${t.baseUrl}/${t.version}/${path}`);
  for (const [k, v] of Object.entries(options.query ?? {})) if (v !== undefined) url.searchParams.set(k, String(v));
  const endpoint = `${method} ${url.pathname.replace(`/${t.version}`, '')}`;

  const headers: Record<string, string> = { Accept: 'application/json', 'User-Agent': t.userAgent };
  if (options.bearer !== null) headers.Authorization = `Bearer ${options.bearer}`;
  let body: string | FormData | undefined;
  if (options.form) body = options.form;
  else if (options.json !== undefined) {
    headers['Content-Type'] = 'application/json';
    body = JSON.stringify(options.json);
  }

  const controller = new AbortController();
  const timer = setTimeout(
    () =>
      controller.abort(
        new GraphApiError({
          kind: 'timeout',
          endpoint,
          outcomeUnknown: options.sendsMessage,
          message: `${endpoint} got no answer within ${options.timeoutMs ?? t.timeoutMs} ms`,
        }),
      ),
    options.timeoutMs ?? t.timeoutMs,
  );
  let res: Response;
  let text: string;
  try {
    res = await t.fetch(url, { method, headers, body, signal: controller.signal });
    text = await res.text();
  } catch (err) {
    throw transportError(err, controller.signal, endpoint, options.sendsMessage ?? false);
  } finally {
    clearTimeout(timer);
  }

  let parsed: unknown;
  try {
    parsed = text === '' ? undefined : JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  const graphError = isRecord(parsed) && isRecord(parsed.error) ? parsed.error : null;
  if (!res.ok || graphError) throw errorFromResponse(res, text, endpoint, parsed);
  if (!isRecord(parsed)) {
    throw new GraphApiError({
      kind: 'invalid_response',
      endpoint,
      httpStatus: res.status,
      outcomeUnknown: options.sendsMessage,
      message: `${endpoint} answered ${res.status} with a body that is not a JSON object`,
    });
  }
  return parsed as T;
}

function errorFromResponse(res: Response, text: string, endpoint: string, parsed?: unknown): GraphApiError {
  if (parsed === undefined) {
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = undefined;
    }
  }
  const retryAfterMs = parseRetryAfter(res.headers.get('retry-after'));
  if (isRecord(parsed) && isRecord(parsed.error)) {
    const e = parsed.error;
    const data = isRecord(e.error_data) ? e.error_data : null;
    return new GraphApiError({
      kind: 'graph',
      endpoint,
      httpStatus: res.status,
      code: toInt(e.code),
      subcode: toInt(e.error_subcode),
      message: typeof e.message === 'string' ? e.message : `Graph API error on ${endpoint}`,
      type: typeof e.type === 'string' ? e.type : null,
      details: data && typeof data.details === 'string' ? data.details : null,
      fbtraceId: typeof e.fbtrace_id === 'string' ? e.fbtrace_id : null,
      isTransient: e.is_transient === true,
      userTitle: typeof e.error_user_title === 'string' ? e.error_user_title : null,
      userMessage: typeof e.error_user_msg === 'string' ? e.error_user_msg : null,
      retryAfterMs,
    });
  }
  // Proxies and load balancers answer with HTML; keep a short excerpt for the logs, no more.
  const excerpt = text
    .replace(/<[^>]*>/g, ' ')
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, 200);
  return new GraphApiError({
    kind: 'http',
    endpoint,
    httpStatus: res.status,
    details: excerpt || null,
    retryAfterMs,
    message: `${endpoint} answered HTTP ${res.status} without a Graph error body`,
  });
}

function transportError(err: unknown, signal: AbortSignal, endpoint: string, sendsMessage: boolean): Error {
  if (err instanceof GraphApiError || err instanceof MediaDownloadError) return err;
  if (signal.aborted && signal.reason instanceof GraphApiError) return signal.reason;
  const code = networkCode(err);
  return new GraphApiError({
    kind: 'network',
    endpoint,
    outcomeUnknown: sendsMessage && !(code && NOT_SENT_CODES.has(code)),
    message: `${endpoint} failed: ${code ?? (err instanceof Error ? err.message : String(err))}`,
    cause: err,
  });
}

function networkCode(err: unknown): string | null {
  for (let e: unknown = err, depth = 0; isRecord(e) && depth < 5; e = e.cause, depth++) {
    if (typeof e.code === 'string') return e.code;
    // undici reports a refused connection as an AggregateError when several addresses were tried.
    if (Array.isArray(e.errors) && isRecord(e.errors[0]) && typeof e.errors[0].code === 'string') return e.errors[0].code;
  }
  return null;
}

function parseRetryAfter(value: string | null): number | null {
  if (!value) return null;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const at = Date.parse(value);
  return Number.isNaN(at) ? null : Math.max(0, at - Date.now());
}

function expectSuccess(res: { success?: boolean }, endpoint: string): void {
  if (res.success !== true) throw invalidResponse(endpoint, `${endpoint} did not report success`);
}

function invalidResponse(endpoint: string, message: string): GraphApiError {
  return new GraphApiError({ kind: 'invalid_response', endpoint, httpStatus: 200, message });
}

// ---------------------------------------------------------------------------------------------------
// Message bodies

function buildMessageBody(message: OutgoingMessage): Record<string, unknown> {
  const { to, type, replyTo, bizOpaqueCallbackData, recipientType } = message;
  if (typeof to !== 'string' || to === '') throw new InvalidRequestError('to', 'A recipient is required');
  const content = (message as unknown as Record<string, unknown>)[type];
  if (!isRecord(content) && !Array.isArray(content)) {
    throw new InvalidRequestError(type, `A "${type}" message needs a "${type}" object`);
  }
  if (bizOpaqueCallbackData !== undefined && bizOpaqueCallbackData.length > MAX_BIZ_OPAQUE_CALLBACK_DATA) {
    throw new InvalidRequestError(
      'biz_opaque_callback_data',
      `bizOpaqueCallbackData is ${bizOpaqueCallbackData.length} characters; the limit is ${MAX_BIZ_OPAQUE_CALLBACK_DATA}`,
    );
  }
  validateContent(message);

  const body: Record<string, unknown> = {
    messaging_product: 'whatsapp',
    recipient_type: recipientType ?? 'individual',
    to,
  };
  if (replyTo) body.context = { message_id: replyTo };
  if (bizOpaqueCallbackData !== undefined) body.biz_opaque_callback_data = bizOpaqueCallbackData;
  // Only the content object matching `type`: Meta rejects a body with a second content object.
  body.type = type;
  body[type] = content;
  return body;
}

function validateContent(message: OutgoingMessage): void {
  switch (message.type) {
    case 'image':
    case 'video':
    case 'audio':
    case 'document':
    case 'sticker':
      assertMediaRef((message as unknown as Record<string, unknown>)[message.type], message.type);
      return;
    case 'template':
      validateTemplateComponents(message.template.components ?? [], 'template.components');
      return;
    case 'interactive': {
      const header = (message.interactive as { header?: Record<string, unknown> }).header;
      if (header && header.type !== 'text') {
        assertMediaRef(header[String(header.type)], `interactive.header.${String(header.type)}`);
      }
      return;
    }
    default:
      return;
  }
}

function validateTemplateComponents(components: TemplateComponent[], path: string): void {
  components.forEach((component, i) => {
    const at = `${path}[${i}]`;
    if (component.type === 'header') {
      component.parameters.forEach((p, j) => {
        if (p.type === 'image' || p.type === 'video' || p.type === 'document') {
          assertMediaRef((p as Record<string, unknown>)[p.type], `${at}.parameters[${j}].${p.type}`);
        }
      });
    } else if (component.type === 'button') {
      if (typeof component.index !== 'string' || !/^\d+$/.test(component.index)) {
        throw new InvalidRequestError(`${at}.index`, 'A template button index must be a string such as "0"');
      }
    } else if (component.type === 'carousel') {
      component.cards.forEach((card, j) => validateTemplateComponents(card.components, `${at}.cards[${j}].components`));
    }
  });
}

function assertMediaRef(ref: unknown, path: string): void {
  const r = isRecord(ref) ? ref : {};
  const hasId = typeof r.id === 'string' && r.id !== '';
  const hasLink = typeof r.link === 'string' && r.link !== '';
  if (hasId === hasLink) {
    throw new InvalidRequestError(path, `${path} needs exactly one of "id" or "link"`);
  }
}

// ---------------------------------------------------------------------------------------------------
// Helpers

async function uploadBlob(input: UploadMediaInput): Promise<Blob> {
  if ('path' in input) return openAsBlob(input.path, { type: input.mimeType });
  if ('bytes' in input) {
    const b = input.bytes;
    if (b instanceof Blob) return b;
    return new Blob([b as BlobPart], { type: input.mimeType });
  }
  const maxBytes = input.maxBytes ?? DEFAULT_MAX_MEDIA_BYTES;
  const source =
    input.stream instanceof ReadableStream ? Readable.fromWeb(input.stream as NodeReadableStream<Uint8Array>) : input.stream;
  const chunks: Uint8Array[] = [];
  let total = 0;
  for await (const chunk of source as AsyncIterable<Uint8Array | string>) {
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    total += bytes.length;
    if (total > maxBytes) {
      if (source instanceof Readable) source.destroy();
      throw new InvalidRequestError('file', `Upload exceeds ${maxBytes} bytes`);
    }
    chunks.push(bytes);
  }
  return new Blob(chunks as BlobPart[], { type: input.mimeType });
}

function mimeAllowed(mimeType: string, allowed: string[]): boolean {
  return allowed.some((a) => {
    const pattern = a.toLowerCase().trim();
    return pattern.endsWith('/*') ? mimeType.startsWith(pattern.slice(0, -1)) : pattern === mimeType;
  });
}

function sha256Matches(expected: string, digest: Buffer): boolean {
  const e = expected.trim();
  return e.toLowerCase() === digest.toString('hex') || e === digest.toString('base64') || e === digest.toString('base64url');
}

function tooLarge(maxBytes: number, message: string): MediaDownloadError {
  return new MediaDownloadError('too_large', message, { maxBytes });
}

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}

/** Ids go into the path; encoding keeps a hostile id from reaching another endpoint. */
function seg(id: string): string {
  if (typeof id !== 'string' || id === '') throw new InvalidRequestError('id', 'An id is required');
  return encodeURIComponent(id);
}

function toInt(v: unknown): number | null {
  const n = typeof v === 'string' ? Number(v) : v;
  return typeof n === 'number' && Number.isInteger(n) ? n : null;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
