// The front half of the webhook pipeline: verify the signature on the raw bytes, persist the raw
// event durably, and only then acknowledge. Persisting is group-committed: while a write is on its
// way to the database, newly arriving events queue up and go together in the next multi-row
// INSERT. A lone event is written at once (no added latency); under a burst, batches grow by
// themselves, so thousands of webhooks cost a handful of round trips, and no request is answered
// before its event is on disk.
import crypto from 'node:crypto';
import type { Models } from '../../db/models.ts';
import { sqlDate } from '../../db/sequelize.ts';
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
  /** Writes allowed in flight at once (more overlap round trips; more also means smaller batches). */
  concurrency?: number;
  /** Largest batch in one INSERT. */
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
  readonly #concurrency: number;
  readonly #maxBatch: number;
  readonly #onCommitted: () => void;
  #queue: Pending[] = [];
  #scheduled = false;
  #inflight = new Set<Promise<void>>();
  #accepted = 0;

  constructor(models: Models, logger: Logger, opts: IngestOptions = {}) {
    this.#models = models;
    this.#logger = logger;
    this.#concurrency = opts.concurrency ?? 2;
    this.#maxBatch = opts.maxBatch ?? 1000;
    this.#onCommitted = opts.onCommitted ?? (() => undefined);
  }

  get accepted(): number {
    return this.#accepted;
  }

  /** Resolves once the event is committed; the caller acknowledges only then. */
  persist(event: IncomingEvent): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.#queue.push({ ...event, receivedAt: new Date(), resolve, reject });
      // Requests parsed in the same tick join one batch; the write starts right after.
      if (!this.#scheduled) {
        this.#scheduled = true;
        setImmediate(() => {
          this.#scheduled = false;
          this.#flush();
        });
      }
    });
  }

  #flush() {
    while (this.#queue.length > 0 && this.#inflight.size < this.#concurrency) {
      const batch = this.#queue.splice(0, this.#maxBatch);
      const p = this.#write(batch).finally(() => {
        this.#inflight.delete(p);
        // What queued up meanwhile goes in the next batch.
        this.#flush();
      });
      this.#inflight.add(p);
    }
  }

  async #write(batch: Pending[]) {
    try {
      // One plain multi-row INSERT: building model instances per row costs more CPU than the
      // database round trip it shares.
      const sequelize = this.#models.WebhookEvent.sequelize!;
      // The receipt time keeps its milliseconds: the processor orders a message within its second by them.
      const at = (d: Date) => sqlDate(sequelize, d);
      const bind: unknown[] = [];
      const rows = batch.map((e) => {
        const n = bind.push(e.source, e.channelId, e.tenantId, e.body, at(e.receivedAt), at(e.receivedAt));
        return `($${n - 5}, $${n - 4}, $${n - 3}, $${n - 2}, $${n - 1}, 'pending', 0, $${n})`;
      });
      // Bound parameters travel as values (prepared statement on MySQL): no escaping of bodies in JS.
      await sequelize.query(
        `INSERT INTO webhook_events (source, channel_id, tenant_id, body, received_at, status, attempts, next_attempt_at) VALUES ${rows.join(', ')}`,
        { bind },
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
    while (this.#inflight.size > 0 || this.#queue.length > 0) {
      await Promise.allSettled([...this.#inflight]);
      this.#flush();
    }
  }
}
