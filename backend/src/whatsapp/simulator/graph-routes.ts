// The Graph API look-alike: token checks and the WhatsApp endpoints (messages, media, templates, phone
// numbers, business profile, subscribed_apps, app subscriptions, debug_token, OAuth code exchange),
// answering with Meta's shapes and error codes. Paths are mounted with and without a `vNN.N` prefix.
import crypto from 'node:crypto';
import express, { type NextFunction, type Request, type Response } from 'express';
import type { SimContext } from './context.ts';
import { graphError, type GraphError } from './errors.ts';
import { accessToken, graphId } from './ids.ts';
import { checkDownloadUrl, checkMedia, downloadUrl, liveMedia, parseMultipart, storeMedia } from './media.ts';
import { sendMessage } from './messaging.ts';
import { formatDisplayNumber, type SimApp, type SimPhoneNumber, type SimTemplate, type SimToken, type SimWaba } from './state.ts';
import { templateJson, validateTemplateCreate } from './templates.ts';
import { verifyCallback } from './webhooks.ts';

type Params = Record<string, unknown>;

function notFoundObject(id: string, method: string): GraphError {
  return graphError(100, '', {
    message: `Unsupported ${method.toLowerCase()} request. Object with ID '${id}' does not exist, cannot be loaded due to missing permissions, or does not support this operation. Please read the Graph API documentation at https://developers.facebook.com/docs/graph-api`,
    subcode: 33,
    errorData: false,
  });
}

function bearerOf(req: Request): string | null {
  const header = req.headers.authorization;
  if (header) {
    const m = /^(?:Bearer|OAuth)\s+(.+)$/i.exec(header.trim());
    return m ? m[1].trim() : null;
  }
  const q = (req.query as Params).access_token;
  return typeof q === 'string' && q ? q : null;
}

function invalidToken(): GraphError {
  return graphError(190, '', { message: 'Invalid OAuth access token - Cannot parse access token', errorData: false });
}

/** A business token that is known, unrevoked and unexpired by the simulator clock; else 190. */
export function tokenFromRequest(ctx: SimContext, req: Request): SimToken {
  const value = bearerOf(req);
  const token = value ? ctx.state.tokens.get(value) : undefined;
  if (!token || token.revoked) throw invalidToken();
  const now = ctx.state.now();
  if (token.expiresAt && token.expiresAt <= now) {
    throw graphError(190, '', {
      message: `Error validating access token: Session has expired on ${new Date(token.expiresAt).toUTCString()}. The current time is ${new Date(now).toUTCString()}.`,
      subcode: 463,
      errorData: false,
    });
  }
  return token;
}

/** `APP_ID|APP_SECRET`, the app access token Graph accepts for app-level calls. */
function appFromAppToken(ctx: SimContext, value: string | null): SimApp | null {
  if (!value) return null;
  const [id, secret] = value.split('|');
  const app = id && secret ? ctx.state.apps.get(id) : undefined;
  return app && secret.length === app.secret.length && crypto.timingSafeEqual(Buffer.from(secret), Buffer.from(app.secret))
    ? app
    : null;
}

function params(req: Request): Params {
  const body = req.body && typeof req.body === 'object' && !Array.isArray(req.body) ? (req.body as Params) : {};
  return { ...(req.query as Params), ...body };
}

function fieldsOf(req: Request, defaults: string[]): string[] {
  const f = (req.query as Params).fields;
  return typeof f === 'string' && f.trim()
    ? f
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean)
    : defaults;
}

const PHONE_DEFAULT = [
  'verified_name',
  'code_verification_status',
  'display_phone_number',
  'quality_rating',
  'platform_type',
  'throughput',
  'last_onboarded_time',
  'id',
];

function project(all: Record<string, unknown>, fields: string[], nodeType: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of fields) {
    if (!(f in all))
      throw graphError(100, '', {
        message: `(#100) Tried accessing nonexisting field (${f}) on node type (${nodeType})`,
        errorData: false,
      });
    if (all[f] !== undefined) out[f] = all[f];
  }
  if (!('id' in out)) out.id = all.id;
  return out;
}

function phoneJson(ctx: SimContext, p: SimPhoneNumber, fields: string[]): Record<string, unknown> {
  const waba = ctx.state.wabas.get(p.wabaId);
  const app = waba ? [...waba.subscriptions.values()][0] : undefined;
  const appUrl = app ? ctx.state.apps.get(app.appId)?.callbackUrl : undefined;
  return project(
    {
      id: p.id,
      display_phone_number: formatDisplayNumber(p.displayPhoneNumber),
      verified_name: p.verifiedName,
      quality_rating: p.qualityRating,
      code_verification_status: p.codeVerificationStatus,
      name_status: p.nameStatus,
      platform_type: 'CLOUD_API',
      throughput: { level: p.throughputLevel },
      status: p.status,
      is_official_business_account: false,
      account_mode: 'LIVE',
      whatsapp_business_manager_messaging_limit: p.messagingLimit,
      // Deprecated field, still answered for old clients: 2K maps to the old 1K tier.
      messaging_limit_tier: p.messagingLimit === 'TIER_2K' ? 'TIER_1K' : p.messagingLimit,
      last_onboarded_time: new Date(ctx.state.now()).toISOString().replace(/\.\d+Z$/, '+0000'),
      webhook_configuration: {
        ...(p.overrideCallbackUrl ? { phone_number: p.overrideCallbackUrl } : {}),
        ...(app?.overrideCallbackUrl ? { whatsapp_business_account: app.overrideCallbackUrl } : {}),
        ...(appUrl ? { application: appUrl } : {}),
      },
      is_pin_enabled: p.pin !== null,
    },
    fields,
    'WhatsAppBusinessPhoneNumber',
  );
}

function wabaJson(w: SimWaba, fields: string[]): Record<string, unknown> {
  return project(
    {
      id: w.id,
      name: w.name,
      currency: w.currency,
      timezone_id: w.timezoneId,
      message_template_namespace: w.namespace,
      account_review_status: 'APPROVED',
      business_verification_status: 'verified',
      ownership_type: 'CLIENT_OWNED',
      owner_business_info: { id: w.businessId },
    },
    fields,
    'WhatsAppBusinessAccount',
  );
}

/** Cursor paging over an in-memory list, Graph-style (`paging.cursors` and `paging.next`). */
function page<T>(req: Request, ctx: SimContext, items: T[], map: (t: T) => unknown, defaultLimit = 25): Record<string, unknown> {
  const q = req.query as Params;
  const limit = q.limit === undefined ? defaultLimit : Number(q.limit);
  if (!Number.isInteger(limit) || limit < 1)
    throw graphError(100, '', { message: '(#100) Param limit must be a positive integer', errorData: false });
  const decode = (c: unknown): number => {
    const n = typeof c === 'string' ? Number(Buffer.from(c, 'base64url').toString()) : NaN;
    if (!Number.isInteger(n) || n < 0) throw graphError(100, '', { message: '(#100) Invalid cursor', errorData: false });
    return n;
  };
  const start = q.after !== undefined ? decode(q.after) + 1 : q.before !== undefined ? Math.max(0, decode(q.before) - limit) : 0;
  const slice = items.slice(start, start + limit);
  const encode = (n: number) => Buffer.from(String(n)).toString('base64url');
  const out: Record<string, unknown> = { data: slice.map(map) };
  if (slice.length) {
    const paging: Record<string, unknown> = { cursors: { before: encode(start), after: encode(start + slice.length - 1) } };
    const url = (cursor: Record<string, string>) => {
      const next = new URLSearchParams();
      for (const [k, v] of Object.entries(q))
        if (typeof v === 'string' && k !== 'after' && k !== 'before' && k !== 'access_token') next.set(k, v);
      next.set('limit', String(limit));
      for (const [k, v] of Object.entries(cursor)) next.set(k, v);
      return `${ctx.publicUrl()}/${String(req.res?.locals.graphVersion ?? 'v24.0')}${req.path}?${next}`;
    };
    if (start + slice.length < items.length) paging.next = url({ after: encode(start + slice.length - 1) });
    if (start > 0) paging.previous = url({ before: encode(start) });
    out.paging = paging;
  }
  return out;
}

const PROFILE_LIMITS: Record<string, number> = { about: 139, address: 256, description: 512, email: 128 };
const VERTICALS = [
  'UNDEFINED',
  'OTHER',
  'AUTO',
  'BEAUTY',
  'APPAREL',
  'EDU',
  'ENTERTAIN',
  'EVENT_PLAN',
  'FINANCE',
  'GROCERY',
  'GOVT',
  'HOTEL',
  'HEALTH',
  'NONPROFIT',
  'PROF_SERVICES',
  'RETAIL',
  'TRAVEL',
  'RESTAURANT',
  'NOT_A_BIZ',
];

export function graphRouter(ctx: SimContext): express.Router {
  const { state } = ctx;
  const r = express.Router();
  const json = express.json({ limit: '5mb', type: ['application/json', 'application/*+json'] });
  const form = express.urlencoded({ extended: false, limit: '1mb' });

  const wrap =
    (fn: (req: Request, res: Response) => unknown) =>
    (req: Request, res: Response, next: NextFunction): void => {
      Promise.resolve()
        .then(() => fn(req, res))
        .then((body) => {
          if (body !== undefined && !res.headersSent) res.json(body);
        })
        .catch(next);
    };

  const phoneFor = (req: Request, token: SimToken, method: string): SimPhoneNumber => {
    const p = state.phoneNumbers.get(String(req.params.id));
    if (!p || !token.wabaIds.includes(p.wabaId)) throw notFoundObject(String(req.params.id), method);
    return p;
  };
  const wabaFor = (req: Request, token: SimToken, method: string): SimWaba => {
    const w = state.wabas.get(String(req.params.id));
    if (!w || !token.wabaIds.includes(w.id)) throw notFoundObject(String(req.params.id), method);
    return w;
  };
  const requireProduct = (p: Params): void => {
    if (p.messaging_product === undefined) throw graphError(100, 'The parameter messaging_product is required.');
    if (p.messaging_product !== 'whatsapp') throw graphError(100, "Param messaging_product must be 'whatsapp'.");
  };

  // ---- Tokens ----
  r.get(
    '/debug_token',
    wrap((req) => {
      const q = req.query as Params;
      const caller = typeof q.access_token === 'string' ? q.access_token : bearerOf(req);
      const app = appFromAppToken(ctx, caller);
      const callerToken = caller ? state.tokens.get(caller) : undefined;
      if (!app && !callerToken) throw invalidToken();
      if (typeof q.input_token !== 'string' || !q.input_token)
        throw graphError(100, '', { message: 'The parameter input_token is required', errorData: false });
      const t = state.tokens.get(q.input_token);
      if (!t) return { data: { is_valid: false, error: { code: 190, message: 'Invalid OAuth access token.' }, scopes: [] } };
      const tokenApp = state.apps.get(t.appId);
      const now = state.now();
      const expired = t.expiresAt !== 0 && t.expiresAt <= now;
      const businesses = [...new Set(t.wabaIds.map((w) => state.wabas.get(w)?.businessId).filter((b): b is string => !!b))];
      return {
        data: {
          app_id: t.appId,
          type: t.type,
          application: tokenApp?.name ?? '',
          data_access_expires_at: 0,
          expires_at: t.expiresAt ? Math.floor(t.expiresAt / 1000) : 0,
          is_valid: !expired && !t.revoked,
          issued_at: Math.floor(t.issuedAt / 1000),
          ...(expired
            ? { error: { code: 190, message: 'Error validating access token: Session has expired.', subcode: 463 } }
            : {}),
          scopes: t.scopes,
          granular_scopes: [
            { scope: 'whatsapp_business_management', target_ids: [...t.wabaIds] },
            { scope: 'whatsapp_business_messaging', target_ids: [...t.wabaIds] },
            ...(t.scopes.includes('business_management') ? [{ scope: 'business_management', target_ids: businesses }] : []),
          ],
          user_id: t.userId,
        },
      };
    }),
  );

  r.get(
    '/oauth/access_token',
    wrap((req) => {
      const q = req.query as Params;
      const app = typeof q.client_id === 'string' ? state.apps.get(q.client_id) : undefined;
      if (!app) throw graphError(101, '', { message: 'Error validating application. Invalid application ID.', errorData: false });
      if (typeof q.client_secret !== 'string' || q.client_secret !== app.secret)
        throw graphError(1, '', { message: 'Error validating client secret.', errorData: false, httpStatus: 400 });
      if (q.grant_type === 'client_credentials') return { access_token: `${app.id}|${app.secret}`, token_type: 'bearer' };
      if (typeof q.code !== 'string' || !q.code)
        throw graphError(100, '', { message: 'Missing authorization code', errorData: false });
      const code = state.signupCodes.get(q.code);
      if (!code || code.appId !== app.id)
        throw graphError(100, '', { message: 'Invalid verification code format.', subcode: 36007, errorData: false });
      if (code.used)
        throw graphError(100, '', { message: 'This authorization code has been used.', subcode: 36009, errorData: false });
      if (code.expiresAt <= state.now())
        throw graphError(100, '', { message: 'This authorization code has expired.', subcode: 36007, errorData: false });
      code.used = true;
      const value = accessToken();
      state.tokens.set(value, {
        value,
        appId: app.id,
        wabaIds: [code.wabaId],
        expiresAt: 0,
        issuedAt: state.now(),
        type: 'SYSTEM_USER',
        userId: graphId(),
        scopes: ['business_management', 'whatsapp_business_management', 'whatsapp_business_messaging', 'public_profile'],
        revoked: false,
      });
      return { access_token: value, token_type: 'bearer' };
    }),
  );

  // ---- Media download (lookaside stand-in) ----
  r.get(
    '/whatsapp_business/attachments/',
    wrap((req, res) => {
      let token: SimToken;
      try {
        token = tokenFromRequest(ctx, req);
      } catch (err) {
        res.status(401).json((err as GraphError).toBody());
        return;
      }
      const checked = checkDownloadUrl(ctx.mediaSecret, req.query as Params, state.now());
      if (checked === 'invalid')
        throw graphError(100, '', { message: 'Invalid media URL signature', errorData: false, httpStatus: 404 });
      if (checked === 'expired')
        throw graphError(100, '', { message: 'URL signature expired', errorData: false, httpStatus: 404 });
      const media = liveMedia(state, checked.id);
      const phone = media && state.phoneNumbers.get(media.phoneNumberId);
      if (!media || !phone) throw graphError(100, '', { message: 'Media not found', errorData: false, httpStatus: 404 });
      if (!token.wabaIds.includes(phone.wabaId)) {
        res.status(401).json(invalidToken().toBody());
        return;
      }
      res.setHeader('Content-Type', media.mimeType);
      res.setHeader('Content-Length', String(media.fileSize));
      if (media.filename)
        res.setHeader('Content-Disposition', `attachment; filename="${media.filename.replace(/["\\\r\n]/g, '_')}"`);
      res.end(media.bytes);
    }),
  );

  // ---- Messages ----
  r.post(
    '/:id/messages',
    json,
    form,
    wrap((req) => {
      const token = tokenFromRequest(ctx, req);
      const phone = phoneFor(req, token, 'POST');
      return sendMessage(ctx, phone, req.body);
    }),
  );

  // ---- Media ----
  r.post(
    '/:id/media',
    wrap(async (req) => {
      const token = tokenFromRequest(ctx, req);
      const phone = phoneFor(req, token, 'POST');
      const upload = await parseMultipart(req);
      const product = upload.fields.get('messaging_product');
      if (product === undefined) throw graphError(100, 'The parameter messaging_product is required.');
      if (product !== 'whatsapp') throw graphError(100, "Param messaging_product must be 'whatsapp'.");
      if (!upload.file) throw graphError(100, 'The parameter file is required.');
      const mimeType = upload.fields.get('type') || upload.file.mimeType;
      if (!mimeType) throw graphError(100, 'The parameter type is required.');
      checkMedia(mimeType, upload.file.bytes.length);
      const media = storeMedia(state, {
        phoneNumberId: phone.id,
        bytes: upload.file.bytes,
        mimeType,
        filename: upload.file.filename,
        origin: 'upload',
      });
      return { id: media.id };
    }),
  );

  // ---- Templates ----
  r.get(
    '/:id/message_templates',
    wrap((req) => {
      const token = tokenFromRequest(ctx, req);
      const waba = wabaFor(req, token, 'GET');
      const q = req.query as Params;
      let list = state.templatesOf(waba.id).sort((a, b) => a.createdAt - b.createdAt || a.id.localeCompare(b.id));
      for (const key of ['name', 'status', 'category', 'language'] as const) {
        const v = q[key];
        if (typeof v === 'string' && v) list = list.filter((t) => String(templateJson(t)[key]).toLowerCase() === v.toLowerCase());
      }
      const fields = fieldsOf(req, []);
      return page(req, ctx, list, (t) => {
        const full = templateJson(t);
        if (!fields.length) return full;
        const out: Record<string, unknown> = {};
        for (const f of fields) if (f in full) out[f] = full[f];
        out.id = t.id;
        return out;
      });
    }),
  );

  r.post(
    '/:id/message_templates',
    json,
    form,
    wrap((req) => {
      const token = tokenFromRequest(ctx, req);
      const waba = wabaFor(req, token, 'POST');
      const draft = validateTemplateCreate(params(req));
      const existing = state.templatesOf(waba.id);
      if (existing.some((t) => t.name === draft.name && t.language === draft.language))
        throw graphError(
          100,
          `There is already ${draft.language} content for this template. You can create a new template and try again.`,
          {
            message: 'Invalid parameter',
            subcode: 2388024,
            errorData: false,
          },
        );
      if (existing.length >= 250)
        throw graphError(100, 'This WhatsApp Business Account has reached its limit of 250 message templates.', {
          message: 'Invalid parameter',
          subcode: 2388019,
          errorData: false,
        });
      const t: SimTemplate = {
        id: graphId(15),
        wabaId: waba.id,
        ...draft,
        status: 'PENDING',
        qualityScore: 'UNKNOWN',
        rejectedReason: 'NONE',
        createdAt: state.now(),
      };
      state.templates.set(t.id, t);
      return { id: t.id, status: t.status, category: t.category };
    }),
  );

  r.delete(
    '/:id/message_templates',
    wrap((req) => {
      const token = tokenFromRequest(ctx, req);
      const waba = wabaFor(req, token, 'DELETE');
      const q = params(req);
      if (typeof q.name !== 'string' || !q.name)
        throw graphError(100, '', { message: '(#100) The parameter name is required', errorData: false });
      let matches = state.templatesOf(waba.id).filter((t) => t.name === q.name);
      if (q.hsm_id !== undefined) matches = matches.filter((t) => t.id === String(q.hsm_id));
      if (!matches.length)
        throw graphError(100, `Message template "${q.name}" was not found.`, {
          message: 'Invalid parameter',
          subcode: 2593002,
          errorData: false,
        });
      for (const t of matches) state.templates.delete(t.id);
      return { success: true };
    }),
  );

  // ---- Phone numbers ----
  r.get(
    '/:id/phone_numbers',
    wrap((req) => {
      const token = tokenFromRequest(ctx, req);
      const waba = wabaFor(req, token, 'GET');
      const fields = fieldsOf(req, PHONE_DEFAULT);
      return page(req, ctx, state.numbersOf(waba.id), (p) => phoneJson(ctx, p, fields));
    }),
  );

  r.post(
    '/:id/register',
    json,
    form,
    wrap((req) => {
      const token = tokenFromRequest(ctx, req);
      const phone = phoneFor(req, token, 'POST');
      const p = params(req);
      requireProduct(p);
      if (p.pin === undefined) throw graphError(131008, 'The parameter pin is required.');
      if (typeof p.pin !== 'string' || !/^\d{6}$/.test(p.pin)) throw graphError(131009, 'Param pin must be a 6-digit string.');
      registrationRateLimit(ctx, phone);
      if (phone.pin !== null && phone.pin !== p.pin)
        throw graphError(133005, 'Two step verification PIN Mismatch: the PIN does not match the one set for this number.');
      phone.pin = p.pin;
      phone.registered = true;
      phone.status = 'CONNECTED';
      return { success: true };
    }),
  );

  r.post(
    '/:id/deregister',
    json,
    form,
    wrap((req) => {
      const token = tokenFromRequest(ctx, req);
      const phone = phoneFor(req, token, 'POST');
      registrationRateLimit(ctx, phone);
      phone.registered = false;
      return { success: true };
    }),
  );

  r.get(
    '/:id/whatsapp_business_profile',
    wrap((req) => {
      const token = tokenFromRequest(ctx, req);
      const phone = phoneFor(req, token, 'GET');
      const all: Record<string, unknown> = { messaging_product: 'whatsapp', ...phone.profile };
      const fields = fieldsOf(req, Object.keys(all));
      const out: Record<string, unknown> = {};
      for (const f of fields) {
        if (!(f in all))
          throw graphError(100, '', {
            message: `(#100) Tried accessing nonexisting field (${f}) on node type (WhatsAppBusinessProfile)`,
            errorData: false,
          });
        out[f] = all[f];
      }
      out.messaging_product = 'whatsapp';
      return { data: [out] };
    }),
  );

  r.post(
    '/:id/whatsapp_business_profile',
    json,
    form,
    wrap((req) => {
      const token = tokenFromRequest(ctx, req);
      const phone = phoneFor(req, token, 'POST');
      const p = params(req);
      requireProduct(p);
      const allowed = [
        'messaging_product',
        'about',
        'address',
        'description',
        'email',
        'websites',
        'vertical',
        'profile_picture_handle',
        'access_token',
      ];
      for (const key of Object.keys(p))
        if (!allowed.includes(key)) throw graphError(100, `Unexpected key "${key}" on param "whatsapp_business_profile".`);
      for (const [key, max] of Object.entries(PROFILE_LIMITS)) {
        if (p[key] === undefined) continue;
        if (typeof p[key] !== 'string') throw graphError(100, `Param ${key} must be a string.`);
        if ((p[key] as string).length > max) throw graphError(131009, `Param ${key} must be at most ${max} characters long.`);
      }
      if (p.websites !== undefined) {
        const sites = p.websites;
        if (
          !Array.isArray(sites) ||
          sites.length > 2 ||
          sites.some((s) => typeof s !== 'string' || s.length > 256 || !/^https?:\/\//.test(s))
        )
          throw graphError(131009, 'Param websites must be at most 2 http(s) URLs of at most 256 characters.');
      }
      if (p.vertical !== undefined && !VERTICALS.includes(String(p.vertical)))
        throw graphError(131009, `Param vertical must be one of {${VERTICALS.join(', ')}}.`);
      for (const key of ['about', 'address', 'description', 'email', 'vertical'] as const)
        if (typeof p[key] === 'string') phone.profile[key] = p[key] as string;
      if (Array.isArray(p.websites)) phone.profile.websites = p.websites as string[];
      if (typeof p.profile_picture_handle === 'string')
        phone.profile.profile_picture_url = `${ctx.publicUrl()}/_sim/profile-pictures/${phone.id}.jpg`;
      return { success: true };
    }),
  );

  // ---- App ↔ WABA subscription ----
  r.post(
    '/:id/subscribed_apps',
    json,
    form,
    wrap(async (req) => {
      const token = tokenFromRequest(ctx, req);
      const waba = wabaFor(req, token, 'POST');
      const p = params(req);
      let override: string | null = null;
      let verifyToken: string | null = null;
      if (p.override_callback_uri !== undefined) {
        if (typeof p.override_callback_uri !== 'string' || typeof p.verify_token !== 'string')
          throw graphError(100, '', { message: '(#100) override_callback_uri requires verify_token', errorData: false });
        const failed = await verifyCallback(ctx.fetch, p.override_callback_uri, p.verify_token);
        if (failed)
          throw graphError(2200, '', {
            message: `(#2200) Callback verification failed with the following errors: ${failed}`,
            errorData: false,
          });
        override = p.override_callback_uri;
        verifyToken = p.verify_token;
      }
      waba.subscriptions.set(token.appId, { appId: token.appId, overrideCallbackUrl: override, verifyToken });
      return { success: true };
    }),
  );

  r.get(
    '/:id/subscribed_apps',
    wrap((req) => {
      const token = tokenFromRequest(ctx, req);
      const waba = wabaFor(req, token, 'GET');
      return {
        data: [...waba.subscriptions.values()].map((s) => {
          const app = state.apps.get(s.appId);
          return {
            whatsapp_business_api_data: {
              id: s.appId,
              name: app?.name ?? '',
              link: `https://www.facebook.com/games/?app_id=${s.appId}`,
            },
            ...(s.overrideCallbackUrl ? { override_callback_uri: s.overrideCallbackUrl } : {}),
          };
        }),
      };
    }),
  );

  r.delete(
    '/:id/subscribed_apps',
    wrap((req) => {
      const token = tokenFromRequest(ctx, req);
      const waba = wabaFor(req, token, 'DELETE');
      waba.subscriptions.delete(token.appId);
      return { success: true };
    }),
  );

  // ---- App webhook subscription (app access token) ----
  r.post(
    '/:id/subscriptions',
    json,
    form,
    wrap(async (req) => {
      const app = appFromAppToken(ctx, bearerOf(req));
      if (!app || app.id !== req.params.id) throw invalidToken();
      const p = params(req);
      if (p.object !== 'whatsapp_business_account')
        throw graphError(100, '', {
          message: "(#100) Param object must be 'whatsapp_business_account' in the simulator",
          errorData: false,
        });
      if (typeof p.callback_url !== 'string' || typeof p.verify_token !== 'string')
        throw graphError(100, '', { message: '(#100) callback_url and verify_token are required', errorData: false });
      const failed = await verifyCallback(ctx.fetch, p.callback_url, p.verify_token);
      if (failed)
        throw graphError(2200, '', {
          message: `(#2200) Callback verification failed with the following errors: ${failed}`,
          errorData: false,
        });
      app.callbackUrl = p.callback_url;
      app.verifyToken = p.verify_token;
      if (typeof p.fields === 'string' && p.fields)
        app.fields = new Set(
          p.fields
            .split(',')
            .map((f) => f.trim())
            .filter(Boolean),
        );
      return { success: true };
    }),
  );

  r.get(
    '/:id/subscriptions',
    wrap((req) => {
      const app = appFromAppToken(ctx, bearerOf(req));
      if (!app || app.id !== req.params.id) throw invalidToken();
      if (!app.callbackUrl) return { data: [] };
      return {
        data: [
          {
            object: 'whatsapp_business_account',
            callback_url: app.callbackUrl,
            active: true,
            fields: [...app.fields].map((name) => ({ name, version: String(req.res?.locals.graphVersion ?? 'v24.0') })),
          },
        ],
      };
    }),
  );

  // ---- Nodes by id ----
  r.get(
    '/:id',
    wrap((req) => {
      const id = String(req.params.id);
      const token = tokenFromRequest(ctx, req);
      const media = liveMedia(state, id);
      if (media) {
        const phone = state.phoneNumbers.get(media.phoneNumberId);
        if (!phone || !token.wabaIds.includes(phone.wabaId)) throw notFoundObject(id, 'GET');
        const scope = (req.query as Params).phone_number_id;
        if (typeof scope === 'string' && scope && scope !== media.phoneNumberId)
          throw graphError(100, `Media ${id} does not belong to phone number ${scope}.`);
        return {
          messaging_product: 'whatsapp',
          url: downloadUrl(ctx.publicUrl(), ctx.mediaSecret, media, state.now()),
          mime_type: media.mimeType,
          sha256: media.sha256.toString('hex'),
          file_size: String(media.fileSize),
          id: media.id,
        };
      }
      const phone = state.phoneNumbers.get(id);
      if (phone && token.wabaIds.includes(phone.wabaId)) return phoneJson(ctx, phone, fieldsOf(req, PHONE_DEFAULT));
      const waba = state.wabas.get(id);
      if (waba && token.wabaIds.includes(waba.id))
        return wabaJson(waba, fieldsOf(req, ['id', 'name', 'timezone_id', 'message_template_namespace']));
      const template = state.templates.get(id);
      if (template && token.wabaIds.includes(template.wabaId)) return templateJson(template);
      const business = state.businesses.get(id);
      if (business && [...state.wabas.values()].some((w) => w.businessId === id && token.wabaIds.includes(w.id)))
        return { id: business.id, name: business.name };
      throw notFoundObject(id, 'GET');
    }),
  );

  r.post(
    '/:id',
    json,
    form,
    wrap(async (req) => {
      const id = String(req.params.id);
      const token = tokenFromRequest(ctx, req);
      const p = params(req);
      const phone = state.phoneNumbers.get(id);
      if (phone && token.wabaIds.includes(phone.wabaId)) {
        if (p.pin !== undefined) {
          if (typeof p.pin !== 'string' || !/^\d{6}$/.test(p.pin))
            throw graphError(131009, 'Param pin must be a 6-digit string.');
          phone.pin = p.pin;
        }
        const hook = p.webhook_configuration as { override_callback_uri?: unknown; verify_token?: unknown } | undefined;
        if (hook !== undefined) {
          if (typeof hook !== 'object' || hook === null) throw graphError(100, 'Param webhook_configuration must be an object.');
          if (hook.override_callback_uri === '' || hook.override_callback_uri === null) phone.overrideCallbackUrl = null;
          else {
            if (typeof hook.override_callback_uri !== 'string' || typeof hook.verify_token !== 'string')
              throw graphError(100, 'Param webhook_configuration needs override_callback_uri and verify_token.');
            const failed = await verifyCallback(ctx.fetch, hook.override_callback_uri, hook.verify_token);
            if (failed)
              throw graphError(2200, '', {
                message: `(#2200) Callback verification failed with the following errors: ${failed}`,
                errorData: false,
              });
            phone.overrideCallbackUrl = hook.override_callback_uri;
          }
        }
        return { success: true };
      }
      const template = state.templates.get(id);
      if (template && token.wabaIds.includes(template.wabaId)) {
        const draft = validateTemplateCreate({
          name: template.name,
          language: template.language,
          parameter_format: template.parameterFormat,
          category: p.category ?? template.category,
          components: p.components ?? template.components,
        });
        template.components = draft.components;
        template.category = draft.category;
        return { success: true };
      }
      throw notFoundObject(id, 'POST');
    }),
  );

  r.delete(
    '/:id',
    wrap((req) => {
      const id = String(req.params.id);
      const token = tokenFromRequest(ctx, req);
      const media = liveMedia(state, id);
      const phone = media && state.phoneNumbers.get(media.phoneNumberId);
      if (!media || !phone || !token.wabaIds.includes(phone.wabaId)) throw notFoundObject(id, 'DELETE');
      const scope = (req.query as Params).phone_number_id;
      if (typeof scope === 'string' && scope && scope !== media.phoneNumberId)
        throw graphError(100, `Media ${id} does not belong to phone number ${scope}.`);
      state.media.delete(id);
      return { success: true };
    }),
  );

  return r;
}

/** At most 10 register/deregister calls per number in 72 h, like Meta's 133016 guard. */
function registrationRateLimit(ctx: SimContext, phone: SimPhoneNumber): void {
  const now = ctx.state.now();
  phone.registrationCalls = phone.registrationCalls.filter((t) => t > now - 72 * 3600 * 1000);
  if (phone.registrationCalls.length >= 10)
    throw graphError(133016, 'Too many register/deregister calls for this number in 72 hours; try again later.');
  phone.registrationCalls.push(now);
}
