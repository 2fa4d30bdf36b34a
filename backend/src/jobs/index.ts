// The jobs module owns background work: the Agenda 6 scheduler on our SQL database (or Redis when
// REDIS_URL is set), registration of the job registry, retries with backoff, graceful stop and the heartbeat.
import os from 'node:os';
import crypto from 'node:crypto';
import { Agenda, exponential, type AgendaBackend, type Job, type JobWithId } from 'agenda';
import { RedisBackend } from '@agendajs/redis-backend';
import { Redis } from 'ioredis';
import type { Sequelize } from 'sequelize';
import type { Logger } from '../logger.ts';
import { SqlBackend } from './sql-backend.ts';
import { HEARTBEAT_JOB, heartbeatJob, type JobDefinition } from './registry.ts';

export type { JobContext, JobDefinition } from './registry.ts';

export interface JobsStatus {
  backend: 'sql' | 'redis';
  running: boolean;
  lastHeartbeatAt: string | null;
}

export interface Jobs {
  readonly agenda: Agenda;
  /** Starts claiming and running jobs (workers only) and registers the recurring ones. */
  start(): Promise<void>;
  /**
   * Stops claiming, releases jobs claimed but not started, waits up to timeoutMs for running jobs,
   * then releases those still running so another worker picks them up. Does not close the database.
   */
  stop(timeoutMs?: number): Promise<void>;
  now<T = unknown>(name: string, data?: T): Promise<Job<T>>;
  schedule<T = unknown>(when: Date | string, name: string, data?: T): Promise<Job<T>>;
  every<T = unknown>(interval: string | number, name: string, data?: T): Promise<Job<T>>;
  status(): JobsStatus;
}

export interface CreateJobsOptions {
  sequelize: Sequelize;
  redisUrl: string | null;
  logger: Logger;
  /** How often each worker polls for due jobs. */
  pollMs: number;
  definitions?: JobDefinition[];
  /** false: this process only enqueues (start() does nothing). Default true. */
  worker?: boolean;
  /** Default wait for running jobs in stop(). */
  shutdownTimeoutMs?: number;
  /** Redis key prefix and pub/sub channel namespace (tests isolate themselves with it). */
  redisKeyPrefix?: string;
  /** Delete one-off jobs once they succeed, so the table holds pending, recurring and failed jobs only. */
  removeOnComplete?: boolean;
}

// The parts of Agenda 6.2's private JobProcessor that a clean stop needs: Agenda's own stop() neither
// waits for running jobs nor for a queue fill in progress, and such a fill keeps claiming jobs after
// stop() until nothing is left to claim. Read defensively; if the shape changes we only lose the extras.
interface ProcessorInternals {
  lockedJobs: Job[];
  runningJobs: Job[];
  isJobQueueFilling: Map<string, boolean>;
}

function processorOf(agenda: Agenda): ProcessorInternals | null {
  const p = (agenda as unknown as { jobProcessor?: Partial<ProcessorInternals> }).jobProcessor;
  if (p && Array.isArray(p.lockedJobs) && Array.isArray(p.runningJobs) && p.isJobQueueFilling instanceof Map) {
    return p as ProcessorInternals;
  }
  return null;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

async function waitFor(condition: () => boolean, deadline: number): Promise<boolean> {
  while (!condition()) {
    if (Date.now() >= deadline) return false;
    await sleep(20);
  }
  return true;
}

export async function createJobs(opts: CreateJobsOptions): Promise<Jobs> {
  const { logger } = opts;
  const definitions = opts.definitions ?? [heartbeatJob];
  const worker = opts.worker ?? true;
  const shutdownTimeoutMs = opts.shutdownTimeoutMs ?? 10_000;
  // Unique per instance: it is written as lastModifiedBy on claims, and Agenda ignores cross-process
  // state events that carry its own name.
  const instanceName = `${os.hostname()}:${process.pid}:${crypto.randomBytes(4).toString('hex')}`;

  let backend: AgendaBackend;
  let redis: Redis | null = null;
  if (opts.redisUrl) {
    // Our own client, connected before Agenda sees it: Agenda connects its backend from its constructor
    // without handling failure, and we want to close the client only after running jobs have finished.
    redis = new Redis(opts.redisUrl, { lazyConnect: true, maxRetriesPerRequest: 5 });
    redis.on('error', (err) => logger.warn({ err }, 'jobs: redis connection error'));
    await redis.connect();
    const prefix = opts.redisKeyPrefix ?? 'agenda:';
    const redisBackend = new RedisBackend({ redis, keyPrefix: prefix, channelName: `${prefix}notifications` });
    redisBackend.notificationChannel.on('error', (err: Error) => logger.warn({ err }, 'jobs: redis notification channel error'));
    backend = redisBackend;
  } else {
    const sqlBackend = new SqlBackend({ sequelize: opts.sequelize });
    await sqlBackend.repository.verifySchema();
    backend = sqlBackend;
  }

  const agenda = new Agenda({
    backend,
    name: instanceName,
    processEvery: opts.pollMs,
    removeOnComplete: opts.removeOnComplete ?? true,
  });
  await agenda.ready;

  let started = false;
  let stopping: Promise<void> | null = null;
  let lastHeartbeatAt: string | null = null;
  const defined = new Set<string>();

  for (const def of definitions) {
    defined.add(def.name);
    agenda.define(
      def.name,
      async (job: Job<unknown>) => {
        const attempt = (job.attrs.failCount ?? 0) + 1;
        const log = logger.child({ job: def.name, jobId: String(job.attrs._id), attempt });
        await def.handler(job.attrs.data, { logger: log, attempt });
      },
      {
        concurrency: def.concurrency,
        lockLifetime: def.lockLifetimeMs,
        // Agenda 6's built-in retry: on failure it sets nextRunAt = now + delay while failCount
        // (the attempt number) stays within maxRetries, then emits 'retry exhausted'.
        backoff: def.retry
          ? exponential({ delay: def.retry.backoffMs, factor: 2, maxRetries: Math.max(0, def.retry.attempts - 1) })
          : undefined,
      },
    );
  }

  // Names and ids only: payloads may carry personal data and never go to the log.
  agenda.on('error', (err: Error) => logger.error({ err }, 'jobs: scheduler error'));
  agenda.on('fail', (err: Error | string, job: JobWithId | { jobName: string }, remote?: boolean) => {
    if (remote || !('attrs' in job)) return; // the process that ran it logs it
    logger.error({ err, job: job.attrs.name, jobId: String(job.attrs._id), attempt: job.attrs.failCount }, 'job failed');
  });
  agenda.on('retry', (job: JobWithId | { jobName: string }, details: { attempt: number; delay: number }, remote?: boolean) => {
    if (remote || !('attrs' in job)) return;
    logger.warn(
      { job: job.attrs.name, jobId: String(job.attrs._id), attempt: details.attempt, delayMs: details.delay },
      'job retry scheduled',
    );
  });
  agenda.on('retry exhausted', (_err: Error, job: JobWithId) => {
    logger.error({ job: job.attrs.name, jobId: String(job.attrs._id), attempts: job.attrs.failCount }, 'job gave up');
  });
  // Remote 'success' events (Redis pub/sub) count too, so any instance can report the cluster heartbeat.
  agenda.on(`success:${HEARTBEAT_JOB}`, () => {
    lastHeartbeatAt = new Date().toISOString();
  });

  function assertDefined(name: string): void {
    // A typo would otherwise sit in the table forever with no worker that knows it.
    if (!defined.has(name)) throw new Error(`Unknown job "${name}": add it to backend/src/jobs/registry.ts`);
  }

  async function stopProcessing(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    const processor = processorOf(agenda);
    await agenda.stop(false);
    if (!processor) return;

    await waitFor(() => processor.isJobQueueFilling.size === 0, deadline);
    const isRunning = (job: Job) => processor.runningJobs.includes(job);
    const claimed = processor.lockedJobs.filter((job) => !isRunning(job)).map((job) => String(job.attrs._id));
    if (claimed.length > 0) await agenda.db.unlockJobs(claimed);

    if (await waitFor(() => processor.runningJobs.length === 0, deadline)) return;
    // Still running at the deadline: this process is about to exit, so hand the jobs back now instead
    // of leaving them locked for a whole lock lifetime. A one-off gets nextRunAt again so it re-runs.
    for (const job of [...processor.runningJobs]) {
      logger.warn({ job: job.attrs.name, jobId: String(job.attrs._id) }, 'job still running at shutdown; released');
      try {
        await agenda.db.saveJobState(
          { ...job.attrs, lockedAt: undefined, nextRunAt: job.attrs.nextRunAt ?? new Date() },
          { lastModifiedBy: instanceName },
        );
      } catch (err) {
        logger.warn({ err, job: job.attrs.name, jobId: String(job.attrs._id) }, 'could not release job');
      }
    }
  }

  return {
    agenda,

    async start() {
      if (!worker || started || stopping) return;
      await agenda.start();
      started = true;
      for (const def of definitions) {
        if (def.every !== undefined) await agenda.every(def.every, def.name);
      }
      logger.info({ backend: redis ? 'redis' : 'sql', pollMs: opts.pollMs, jobs: defined.size }, 'jobs started');
    },

    stop(timeoutMs = shutdownTimeoutMs) {
      stopping ??= (async () => {
        if (started) {
          started = false;
          await stopProcessing(timeoutMs);
        }
        if (redis) await redis.quit().catch(() => redis?.disconnect());
      })();
      return stopping;
    },

    async now<T>(name: string, data?: T) {
      assertDefined(name);
      return agenda.now<T>(name, data as T);
    },

    async schedule<T>(when: Date | string, name: string, data?: T) {
      assertDefined(name);
      return agenda.schedule<T>(when, name, data as T);
    },

    async every<T>(interval: string | number, name: string, data?: T) {
      assertDefined(name);
      return agenda.every<T>(interval, name, data as T);
    },

    status() {
      return { backend: redis ? 'redis' : 'sql', running: started, lastHeartbeatAt };
    },
  };
}
