// The control API over HTTP, under /_sim/: JSON in, JSON out, same names and shapes as SimulatorControl.
// It has no authentication on purpose — it exists for the embedded default (dev/demo) and for tests,
// and must never be mounted where untrusted users can reach it in production.
import express, { type NextFunction, type Request, type Response } from 'express';
import type { SimContext } from './context.ts';
import type { SimulatorControl } from './control.ts';
import { ControlError, type CustomerMessageInput } from './inbound.ts';
import { liveMedia } from './media.ts';
import { embeddedSignupPage, phonePage } from './pages.ts';
import type { TemplateStatus } from './state.ts';

type Body = Record<string, unknown>;

function str(v: unknown, name: string): string {
  if (typeof v !== 'string' || !v) throw new ControlError(`${name} is required.`);
  return v;
}

export function controlRouter(ctx: SimContext, control: SimulatorControl): express.Router {
  const r = express.Router();
  r.use(express.json({ limit: '25mb' }));

  const wrap =
    (fn: (req: Request, res: Response) => unknown) =>
    (req: Request, res: Response, next: NextFunction): void => {
      Promise.resolve()
        .then(() => fn(req, res))
        .then((body) => {
          if (!res.headersSent) res.json(body ?? { success: true });
        })
        .catch(next);
    };
  const body = (req: Request): Body => (req.body && typeof req.body === 'object' ? (req.body as Body) : {});
  const q = (req: Request) => req.query as Record<string, unknown>;

  r.get('/phone', (_req, res) => phonePage(res));
  r.get('/embedded-signup', (req, res) => embeddedSignupPage(ctx, req, res));

  r.get(
    '/state',
    wrap(() => control.snapshot()),
  );
  r.post(
    '/seed',
    wrap((req) => control.seed(body(req))),
  );
  r.post(
    '/reset',
    wrap(() => control.reset()),
  );
  r.post(
    '/signup',
    wrap((req) => control.createSignupCode({ ...body(req), appId: str(body(req).appId, 'appId') })),
  );
  r.post(
    '/apps/:appId/callback',
    wrap((req) => {
      const b = body(req);
      const app = control.setCallback(String(req.params.appId), {
        url: typeof b.url === 'string' ? b.url : null,
        verifyToken: typeof b.verifyToken === 'string' ? b.verifyToken : undefined,
        fields: Array.isArray(b.fields) ? b.fields.map(String) : undefined,
      });
      return { id: app.id, callbackUrl: app.callbackUrl, fields: [...app.fields] };
    }),
  );

  r.post(
    '/customers',
    wrap((req) => {
      const c = control.upsertCustomer(body(req));
      return {
        key: c.key,
        waId: c.waId,
        userId: c.userId,
        name: c.name,
        marketingOptOut: c.marketingOptOut,
        unreachable: c.unreachable,
      };
    }),
  );
  r.post(
    '/customer-says',
    wrap((req) => control.customerSays(body(req) as unknown as CustomerMessageInput)),
  );
  r.post(
    '/customer-reads',
    wrap((req) => ({
      read: control.customerReads({
        phoneNumberId: str(body(req).phoneNumberId, 'phoneNumberId'),
        customer: str(body(req).customer, 'customer'),
      }),
    })),
  );

  r.get(
    '/messages',
    wrap((req) => ({
      data: control.sentMessages({
        phoneNumberId: typeof q(req).phone_number_id === 'string' ? (q(req).phone_number_id as string) : undefined,
        customer: typeof q(req).customer === 'string' ? (q(req).customer as string) : undefined,
      }),
    })),
  );
  r.get(
    '/conversation',
    wrap((req) =>
      control.conversation({
        phoneNumberId: str(q(req).phone_number_id, 'phone_number_id'),
        customer: str(q(req).customer, 'customer'),
      }),
    ),
  );
  // Unauthenticated bytes for the phone page's <img>/<audio>; the Graph download URL stays token-guarded.
  r.get('/media/:id', (req, res) => {
    const m = liveMedia(ctx.state, String(req.params.id));
    if (!m) {
      res.status(404).json({ error: { message: 'Unknown media.' } });
      return;
    }
    res.setHeader('Content-Type', m.mimeType);
    res.setHeader('Content-Security-Policy', "default-src 'none'; sandbox");
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.end(m.bytes);
  });

  r.get(
    '/faults',
    wrap(() => control.faults()),
  );
  r.post(
    '/faults',
    wrap((req) => control.setFaults(body(req))),
  );
  r.get(
    '/send-failures',
    wrap(() => ({ data: control.sendFailures() })),
  );
  r.post(
    '/send-failures',
    wrap((req) => {
      const b = body(req);
      return control.failSends({
        phoneNumberId: typeof b.phoneNumberId === 'string' ? b.phoneNumberId : undefined,
        to: typeof b.to === 'string' ? b.to : undefined,
        code: Number(b.code),
        count: b.count === undefined || b.count === null ? undefined : Number(b.count),
      });
    }),
  );
  r.delete(
    '/send-failures',
    wrap(() => control.clearSendFailures()),
  );
  r.post(
    '/status-timing',
    wrap((req) => control.setStatusTiming(body(req))),
  );
  r.post(
    '/pair-rate',
    wrap((req) => control.setPairRate(body(req))),
  );
  r.post(
    '/numbers/:id',
    wrap((req) => {
      const p = control.setPhoneNumber(String(req.params.id), body(req));
      return {
        id: p.id,
        registered: p.registered,
        throughputLevel: p.throughputLevel,
        mps: p.mps,
        qualityRating: p.qualityRating,
        messagingLimit: p.messagingLimit,
        status: p.status,
      };
    }),
  );
  r.post(
    '/templates/:id/status',
    wrap((req) => {
      const b = body(req);
      const t = control.setTemplateStatus(String(req.params.id), str(b.status, 'status') as TemplateStatus, {
        reason: typeof b.reason === 'string' ? b.reason : undefined,
        recommendation: typeof b.recommendation === 'string' ? b.recommendation : undefined,
      });
      return { id: t.id, name: t.name, language: t.language, status: t.status };
    }),
  );
  r.post(
    '/tokens/expire',
    wrap((req) => control.expireToken(str(body(req).token, 'token'))),
  );
  r.get(
    '/clock',
    wrap(() => ({ now: control.now() })),
  );
  r.post(
    '/clock/advance',
    wrap((req) => ({ now: control.advanceClock(Number(body(req).ms)) })),
  );
  r.get(
    '/deliveries',
    wrap(() => ({ data: control.deliveries() })),
  );

  r.use((_req: Request, res: Response) => {
    res.status(404).json({ error: { message: 'Unknown simulator control route.' } });
  });
  r.use((err: unknown, _req: Request, res: Response, next: NextFunction) => {
    if (res.headersSent) return next(err);
    if (err instanceof ControlError) {
      res.status(err.status).json({ error: { message: err.message } });
      return;
    }
    const status = (err as { status?: number; type?: string }).type === 'entity.parse.failed' ? 400 : 500;
    if (status === 500) ctx.logger?.error({ err }, 'simulator control route failed');
    res.status(status).json({ error: { message: status === 400 ? 'The body is not valid JSON.' : 'Simulator error.' } });
  });
  return r;
}
