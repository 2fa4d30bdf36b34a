// The front half of the webhook pipeline: verify the signature on the raw bytes, persist the raw
// event durably, and only then acknowledge. Persisting is group-committed: events arriving within a
// few milliseconds of each other are written by one multi-row INSERT, so a burst of thousands of
// webhooks costs a handful of database round trips while no request is answered before its event
// is on disk.
import crypto from 'node:crypto';
import type { Models } from '../../db/models.ts';
import type { Logger } from '../../logger.ts';

export interface IncomingEvent {
  source: 'platform' | 'channel';
  channelId: number | null;
  tenantId: number | null;
  body: string;
}

interface Pending extends IncomingEvent {
  receivedAt: Date;
  resolve: () => void;
  reject: (err: unknown) => void;
}

export interface IngestOptions {
  /** How long the first event of a batch may wait for company (ms). */
  windowMs?: number;
  /** Flush at once when this many events are waiting. */
  maxBatch?: number;
  /** Called after each batch is committed (wakes the processor). */
  onCommitted?: () => void;
}

/** `sha256=<hex>` over the exact raw bytes, compared in constant time. */
export function verifySignature(raw: Buffer, header: string | undefined, secret: string): boolean {
  if (!header || !header.startsWith('sha256=')) return false;
  const given = Buffer.from(header.slice(7), 'hex');
  const expected = crypto.createHmac('sha256', secret).update(raw).digest();
  return given.length === expected.length && crypto.timingSafeEqual(given, expected);
}

export class WebhookIngest {
  readonly #models: Models;
  readonly #logger: Logger;
  readonly #windowMs: number;
  readonly #maxBatch: number;
  readonly #onCommitted: () => void;
  #queue: Pending[] = [];
  #timer: NodeJS.Timeout | null = null;
  #inflight = new Set<Promise<void>>();
  #accepted = 0;

  constructor(models: Models, logger: Logger, opts: IngestOptions = {}) {
    this.#models = models;
    this.#logger = logger;
    this.#windowMs = opts.windowMs ?? 4;
    this.#maxBatch = opts.maxBatch ?? 500;
    this.#onCommitted = opts.onCommitted ?? (() => undefined);
  }

  get accepted(): number {
    return this.#accepted;
  }

  /** Resolves once the event is committed; the caller acknowledges only then. */
  persist(event: IncomingEvent): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.#queue.push({ ...event, receivedAt: new Date(), resolve, reject });
      if (this.#queue.length >= this.#maxBatch) this.#flush();
      else this.#timer ??= setTimeout(() => this.#flush(), this.#windowMs);
    });
  }

  #flush() {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    const batch = this.#queue;
    this.#queue = [];
    if (batch.length === 0) return;
    const p = this.#write(batch).finally(() => this.#inflight.delete(p));
    this.#inflight.add(p);
  }

  async #write(batch: Pending[]) {
    try {
      await this.#models.WebhookEvent.bulkCreate(
        batch.map((e) => ({
          source: e.source,
          channelId: e.channelId,
          tenantId: e.tenantId,
          body: e.body,
          receivedAt: e.receivedAt,
          nextAttemptAt: e.receivedAt,
        })),
        { returning: false, validate: false, hooks: false },
      );
      this.#accepted += batch.length;
      for (const e of batch) e.resolve();
      this.#onCommitted();
    } catch (err) {
      // Nothing was acknowledged: Meta (or the simulator) retries, so the events are not lost.
      this.#logger.error({ err, events: batch.length }, 'webhook batch could not be persisted');
      for (const e of batch) e.reject(err);
    }
  }

  /** Commits whatever is waiting (graceful shutdown). */
  async drain(): Promise<void> {
    this.#flush();
    await Promise.allSettled([...this.#inflight]);
  }
}
