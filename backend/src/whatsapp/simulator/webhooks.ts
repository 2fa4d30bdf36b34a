// The webhook emitter: resolves where each event goes (phone override → WABA override → app callback),
// serialises and signs the body the way Meta does, delivers with exponential back-off retries, applies
// the fault modes (duplicate, batch, bad signature) and keeps a log of every attempt.
import crypto from 'node:crypto';
import type { Logger } from '../../logger.ts';
import type { Scheduler } from './scheduler.ts';
import type { SimState } from './state.ts';

/** Fields that follow the override chain; template and account fields always go to the app URL. */
const OVERRIDABLE = new Set(['messages', 'message_echoes', 'calls', 'history', 'smb_message_echoes', 'smb_app_state_sync']);

export interface WebhookEvent {
  wabaId: string;
  phoneNumberId?: string;
  field: string;
  value: Record<string, unknown>;
  /** Send to these apps whether or not they are subscribed to the WABA (e.g. account_update PARTNER_ADDED). */
  appIds?: string[];
}

export interface Faults {
  /** Every webhook POST is delivered twice. */
  duplicate: boolean;
  /** Statuses of a message arrive read → delivered → sent. */
  outOfOrder: boolean;
  /** Events pending within the batch window travel together in one POST. */
  batch: boolean;
  /** X-Hub-Signature-256 is computed with the wrong key. */
  badSignature: boolean;
}

export interface RetryOptions {
  /** Delay before the second attempt; doubles for each further attempt. */
  baseDelayMs: number;
  maxDelayMs: number;
  maxAttempts: number;
  /** An attempt that has not answered after this long counts as failed. */
  timeoutMs: number;
}

export const DEFAULT_RETRY: RetryOptions = { baseDelayMs: 1000, maxDelayMs: 60 * 60 * 1000, maxAttempts: 10, timeoutMs: 10_000 };

export interface DeliveryAttempt {
  attempt: number;
  /** Wall-clock ISO time the attempt started. */
  at: string;
  statusCode: number | null;
  error: string | null;
  durationMs: number;
}

export interface Delivery {
  id: string;
  url: string;
  appId: string;
  fields: string[];
  /** The exact bytes posted (and signed). */
  body: string;
  signature: string;
  state: 'pending' | 'retrying' | 'delivered' | 'failed' | 'undeliverable';
  attempts: DeliveryAttempt[];
  /** Set on the second copy made by the `duplicate` fault. */
  duplicateOf: string | null;
  note: string | null;
}

interface Destination {
  url: string;
  appId: string;
  secret: string;
}

/**
 * JSON as Graph writes it: non-ASCII as \uXXXX and `/` as `\/`. Receivers that verify the signature
 * over re-serialised JSON instead of the raw bytes fail on the first URL or emoji, as they do in production.
 */
export function metaJson(value: unknown): string {
  return JSON.stringify(value)
    .replace(/[\u007f-\uffff]/g, (c) => '\\u' + c.charCodeAt(0).toString(16).padStart(4, '0'))
    .replace(/\//g, '\\/');
}

export function sign(secret: string, body: string): string {
  return 'sha256=' + crypto.createHmac('sha256', secret).update(body, 'utf8').digest('hex');
}

const MAX_LOG = 5000;

export interface EmitterDeps {
  state: SimState;
  scheduler: Scheduler;
  fetch: typeof fetch;
  retry: RetryOptions;
  batchWindowMs: number;
  logger?: Logger;
}

export class WebhookEmitter {
  readonly #deps: EmitterDeps;
  readonly #log: Delivery[] = [];
  readonly #chains = new Map<string, Promise<void>>();
  readonly #batches = new Map<string, { dest: Destination; events: WebhookEvent[] }>();
  #faults: Faults = { duplicate: false, outOfOrder: false, batch: false, badSignature: false };
  #seq = 0;

  constructor(deps: EmitterDeps) {
    this.#deps = deps;
  }

  get faults(): Faults {
    return { ...this.#faults };
  }

  setFaults(patch: Partial<Faults>): Faults {
    for (const key of Object.keys(this.#faults) as (keyof Faults)[]) {
      if (typeof patch[key] === 'boolean') this.#faults[key] = patch[key];
    }
    return this.faults;
  }

  deliveries(): Delivery[] {
    return this.#log.map((d) => ({ ...d, attempts: [...d.attempts] }));
  }

  reset(): void {
    this.#log.length = 0;
    this.#chains.clear();
    this.#batches.clear();
    this.#faults = { duplicate: false, outOfOrder: false, batch: false, badSignature: false };
  }

  /** Queues events in order; each goes to every destination that should receive it. */
  emit(...events: WebhookEvent[]): void {
    for (const event of events) {
      const dests = this.#destinations(event);
      if (typeof dests === 'string') {
        this.#record({ url: '', appId: '', secret: '' }, [event], 'undeliverable', dests);
        continue;
      }
      for (const dest of dests) {
        if (this.#faults.batch) this.#addToBatch(dest, event);
        else this.#dispatch(dest, [event]);
      }
    }
  }

  #destinations(event: WebhookEvent): Destination[] | string {
    const { state } = this.#deps;
    const waba = state.wabas.get(event.wabaId);
    const phone = event.phoneNumberId ? state.phoneNumbers.get(event.phoneNumberId) : undefined;
    const appIds = event.appIds ?? (waba ? [...waba.subscriptions.keys()] : []);
    if (!appIds.length) return `No app is subscribed to WABA ${event.wabaId} (POST /{waba-id}/subscribed_apps).`;
    const out: Destination[] = [];
    const reasons: string[] = [];
    for (const appId of appIds) {
      const app = state.apps.get(appId);
      if (!app) continue;
      if (!app.fields.has(event.field)) {
        reasons.push(`App ${appId} is not subscribed to the ${event.field} field.`);
        continue;
      }
      const sub = waba?.subscriptions.get(appId);
      const url = OVERRIDABLE.has(event.field)
        ? (phone?.overrideCallbackUrl ?? sub?.overrideCallbackUrl ?? app.callbackUrl)
        : app.callbackUrl;
      if (!url) {
        reasons.push(`App ${appId} has no callback URL.`);
        continue;
      }
      out.push({ url, appId, secret: app.secret });
    }
    return out.length ? out : reasons.join(' ') || 'No destination.';
  }

  #addToBatch(dest: Destination, event: WebhookEvent): void {
    const key = `${dest.appId} ${dest.url}`;
    const pending = this.#batches.get(key);
    if (pending) {
      pending.events.push(event);
      return;
    }
    this.#batches.set(key, { dest, events: [event] });
    this.#deps.scheduler.later(this.#deps.batchWindowMs, () => {
      const batch = this.#batches.get(key);
      this.#batches.delete(key);
      if (batch) this.#dispatch(batch.dest, batch.events);
    });
  }

  #envelope(events: WebhookEvent[]): Record<string, unknown> {
    // One entry per WABA, one change per event, in the order the events happened.
    const entries = new Map<string, { id: string; changes: unknown[] }>();
    for (const e of events) {
      let entry = entries.get(e.wabaId);
      if (!entry) entries.set(e.wabaId, (entry = { id: e.wabaId, changes: [] }));
      entry.changes.push({ value: e.value, field: e.field });
    }
    return { object: 'whatsapp_business_account', entry: [...entries.values()] };
  }

  #record(
    dest: Destination,
    events: WebhookEvent[],
    state: Delivery['state'],
    note: string | null,
    duplicateOf: string | null = null,
  ): Delivery {
    const body = metaJson(this.#envelope(events));
    const secret = this.#faults.badSignature ? dest.secret + '-not-the-app-secret' : dest.secret;
    const delivery: Delivery = {
      id: `dlv_${++this.#seq}`,
      url: dest.url,
      appId: dest.appId,
      fields: [...new Set(events.map((e) => e.field))],
      body,
      signature: sign(secret, body),
      state,
      attempts: [],
      duplicateOf,
      note,
    };
    this.#log.push(delivery);
    if (this.#log.length > MAX_LOG) this.#log.splice(0, this.#log.length - MAX_LOG);
    if (state === 'undeliverable') this.#deps.logger?.warn({ note }, 'simulator webhook has nowhere to go');
    return delivery;
  }

  #dispatch(dest: Destination, events: WebhookEvent[]): void {
    const delivery = this.#record(dest, events, 'pending', null);
    // First attempts to one URL go out one after another, so the receiver sees events in emission order.
    this.#enqueue(delivery.url, () => this.#attempt(delivery));
    if (this.#faults.duplicate) {
      const copy: Delivery = { ...delivery, id: `dlv_${++this.#seq}`, attempts: [], duplicateOf: delivery.id };
      this.#log.push(copy);
      this.#enqueue(copy.url, () => this.#attempt(copy));
    }
  }

  #enqueue(url: string, task: () => Promise<void>): void {
    const next = (this.#chains.get(url) ?? Promise.resolve()).then(task, task);
    this.#chains.set(url, next);
    this.#deps.scheduler.track(next);
    void next.then(() => {
      if (this.#chains.get(url) === next) this.#chains.delete(url);
    });
  }

  async #attempt(delivery: Delivery): Promise<void> {
    const { retry, scheduler } = this.#deps;
    const started = Date.now();
    const attempt: DeliveryAttempt = {
      attempt: delivery.attempts.length + 1,
      at: new Date(started).toISOString(),
      statusCode: null,
      error: null,
      durationMs: 0,
    };
    delivery.attempts.push(attempt);
    try {
      const timeout = AbortSignal.timeout(retry.timeoutMs);
      const res = await this.#deps.fetch(delivery.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'user-agent': 'facebookexternalua',
          'x-hub-signature-256': delivery.signature,
        },
        body: delivery.body,
        signal: AbortSignal.any([timeout, scheduler.signal]),
      });
      attempt.statusCode = res.status;
      await res.arrayBuffer().catch(() => undefined);
    } catch (err) {
      const name = (err as Error).name;
      attempt.error = name === 'TimeoutError' ? `timeout after ${retry.timeoutMs} ms` : (err as Error).message;
      if (scheduler.signal.aborted) return;
    }
    attempt.durationMs = Date.now() - started;
    if (attempt.statusCode !== null && attempt.statusCode >= 200 && attempt.statusCode < 300) {
      delivery.state = 'delivered';
      return;
    }
    if (attempt.attempt >= retry.maxAttempts) {
      delivery.state = 'failed';
      this.#deps.logger?.warn({ url: delivery.url, attempts: attempt.attempt }, 'simulator webhook gave up');
      return;
    }
    delivery.state = 'retrying';
    const delay = Math.min(retry.maxDelayMs, retry.baseDelayMs * 2 ** (attempt.attempt - 1));
    scheduler.later(delay, () => this.#attempt(delivery));
  }
}

/**
 * The GET handshake Meta makes before accepting a callback URL: the endpoint must echo hub.challenge.
 * Returns null when verified, else the reason.
 */
export async function verifyCallback(
  fetchImpl: typeof fetch,
  url: string,
  verifyToken: string,
  timeoutMs = 5000,
): Promise<string | null> {
  const challenge = String(crypto.randomInt(1_000_000_000, 2_000_000_000));
  let target: URL;
  try {
    target = new URL(url);
  } catch {
    return 'The callback URL is not a valid URL.';
  }
  target.searchParams.set('hub.mode', 'subscribe');
  target.searchParams.set('hub.challenge', challenge);
  target.searchParams.set('hub.verify_token', verifyToken);
  try {
    const res = await fetchImpl(target, {
      signal: AbortSignal.timeout(timeoutMs),
      headers: { 'user-agent': 'facebookplatform/1.0' },
    });
    const text = (await res.text()).trim();
    if (res.status !== 200) return `The URL answered HTTP ${res.status}.`;
    if (text !== challenge) return 'The URL did not echo hub.challenge.';
    return null;
  } catch (err) {
    return `The URL could not be reached: ${(err as Error).message}`;
  }
}
