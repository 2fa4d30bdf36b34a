// Meta's webhook endpoints (outside /api: Meta authenticates by signature, not by our credentials).
// `/webhooks/whatsapp` receives the platform app's events; `/webhooks/whatsapp/:channelId` those of
// a tenant that connected its own Meta app. GET answers the verification handshake; POST verifies
// X-Hub-Signature-256 on the raw bytes, persists the raw event, and only then answers 200.
import express, { type Request, type Response } from 'express';
import type { Logger } from '../../logger.ts';
import { verifySignature, type WebhookIngest } from './webhook-ingest.ts';

export interface WebhookSecrets {
  /** The platform app's secret and verify token (null when no platform app is configured). */
  platform: { appSecret: string; verifyToken: string } | null;
  /** A tenant app's secret and verify token by channel id (null when unknown or not its own app). */
  channel(channelId: number): Promise<{ appSecret: string; verifyToken: string; tenantId: number } | null>;
}

const MAX_BODY = '3mb';

function problem(res: Response, status: number, code: string, message: string) {
  res.status(status).json({ error: { code, message } });
}

function handshake(req: Request, res: Response, verifyToken: string | null) {
  const q = req.query as Record<string, string | undefined>;
  if (q['hub.mode'] !== 'subscribe' || !q['hub.challenge']) {
    return problem(res, 400, 'invalid_handshake', 'Expected hub.mode=subscribe with a hub.challenge.');
  }
  if (!verifyToken || q['hub.verify_token'] !== verifyToken) {
    return problem(res, 403, 'verify_token_mismatch', 'The verify token does not match this callback URL.');
  }
  // Meta expects the challenge back verbatim, as plain text.
  res.type('text/plain').send(q['hub.challenge']);
}

export function webhookRouter(d: { ingest: WebhookIngest; secrets: WebhookSecrets; logger: Logger }): express.Router {
  const r = express.Router();
  const raw = express.raw({ type: () => true, limit: MAX_BODY });

  const accept = async (
    req: Request,
    res: Response,
    source: 'platform' | 'channel',
    secret: string,
    channelId: number | null,
    tenantId: number | null,
  ) => {
    const body = req.body as Buffer;
    if (!Buffer.isBuffer(body) || body.length === 0) return problem(res, 400, 'empty_body', 'The webhook body is empty.');
    if (!verifySignature(body, req.get('x-hub-signature-256'), secret)) {
      d.logger.warn({ source, channelId }, 'webhook signature mismatch');
      return problem(res, 401, 'invalid_signature', 'X-Hub-Signature-256 does not match the body.');
    }
    const text = body.toString('utf8');
    try {
      JSON.parse(text);
    } catch {
      return problem(res, 400, 'invalid_json', 'The webhook body is not JSON.');
    }
    await d.ingest.persist({ source, channelId, tenantId, body: text });
    res.status(200).type('text/plain').send('EVENT_RECEIVED');
  };

  r.get('/webhooks/whatsapp', (req, res) => handshake(req, res, d.secrets.platform?.verifyToken ?? null));
  r.post('/webhooks/whatsapp', raw, async (req, res, next) => {
    try {
      const p = d.secrets.platform;
      if (!p) return problem(res, 404, 'not_configured', 'No platform WhatsApp app is configured.');
      await accept(req, res, 'platform', p.appSecret, null, null);
    } catch (err) {
      next(err);
    }
  });

  const channelOf = async (req: Request, res: Response) => {
    const id = Number(req.params.channelId);
    const found = Number.isSafeInteger(id) && id > 0 ? await d.secrets.channel(id) : null;
    if (!found) problem(res, 404, 'channel_not_found', 'No channel with its own app has this callback URL.');
    return found ? { id, ...found } : null;
  };
  r.get('/webhooks/whatsapp/:channelId', async (req, res, next) => {
    try {
      const c = await channelOf(req, res);
      if (c) handshake(req, res, c.verifyToken);
    } catch (err) {
      next(err);
    }
  });
  r.post('/webhooks/whatsapp/:channelId', raw, async (req, res, next) => {
    try {
      const c = await channelOf(req, res);
      if (c) await accept(req, res, 'channel', c.appSecret, c.id, c.tenantId);
    } catch (err) {
      next(err);
    }
  });
  return r;
}
