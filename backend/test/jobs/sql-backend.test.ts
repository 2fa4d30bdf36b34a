// The Agenda backend on our SQL database: scheduling, recurring jobs, retries with backoff, stale-lock
// recovery, graceful stop, and the repository operations dashboards and agenda.every() rely on.
import { expect } from 'chai';
import { QueryTypes } from 'sequelize';
import type { JobParameters } from 'agenda';
import { createJobs, type Jobs } from '../../src/jobs/index.ts';
import type { JobDefinition } from '../../src/jobs/registry.ts';
import { SqlJobRepository } from '../../src/jobs/sql-backend.ts';
import { createLogger } from '../../src/logger.ts';
import { TEST_DIALECT } from '../helpers/db.ts';
import { migratedDatabase, silentLogger, sleep, until, type JobsDatabase } from './setup.ts';

describe(`jobs: SQL backend (${TEST_DIALECT})`, function () {
  this.timeout(20_000);
  let t: JobsDatabase;
  let started: Jobs[];

  async function jobs(
    definitions: JobDefinition[],
    extra: { worker?: boolean; separateConnection?: boolean } = {},
  ): Promise<Jobs> {
    const j = await createJobs({
      sequelize: extra.separateConnection ? await t.open() : t.sequelize,
      redisUrl: null,
      logger: silentLogger,
      pollMs: 50,
      definitions,
      worker: extra.worker ?? true,
      shutdownTimeoutMs: 2000,
    });
    started.push(j);
    return j;
  }

  async function countRows(where = '1 = 1'): Promise<number> {
    const [{ n }] = await t.sequelize.query<{ n: number }>(`SELECT COUNT(*) AS n FROM jobs WHERE ${where}`, {
      type: QueryTypes.SELECT,
    });
    return Number(n);
  }

  beforeEach(async () => {
    t = await migratedDatabase();
    started = [];
  });
  afterEach(async () => {
    await Promise.all(started.map((j) => j.stop(1000)));
    await t.close();
  });

  it('runs a scheduled job at its time, not before', async () => {
    let ranAt = 0;
    const j = await jobs([{ name: 'test.scheduled', handler: async () => void (ranAt = Date.now()) }]);
    await j.start();
    const when = new Date(Date.now() + 600);
    await j.schedule(when, 'test.scheduled', { n: 1 });
    await sleep(300);
    expect(ranAt, 'ran early').to.equal(0);
    await until(() => ranAt > 0, 5000, 'the scheduled job');
    expect(ranAt).to.be.at.least(when.getTime());
    expect(ranAt - when.getTime()).to.be.below(500);
  });

  it('passes the stored JSON data to the handler', async () => {
    const seen: unknown[] = [];
    const j = await jobs([{ name: 'test.data', handler: async (data) => void seen.push(data) }]);
    await j.start();
    await j.now('test.data', { tenantId: 7, tags: ['a', 'b'], nested: { ok: true } });
    await until(() => seen.length === 1, 5000, 'the job');
    expect(seen[0]).to.deep.equal({ tenantId: 7, tags: ['a', 'b'], nested: { ok: true } });
  });

  it('rejects job names that are not in the registry', async () => {
    const j = await jobs([], { worker: false });
    let error: unknown;
    await j.now('test.unknown', {}).catch((e: unknown) => (error = e));
    expect(String(error)).to.match(/Unknown job "test.unknown"/);
  });

  it('runs a recurring job repeatedly and stores it once, even with two workers registering it', async () => {
    let runs = 0;
    const definitions = (): JobDefinition[] => [{ name: 'test.every', every: 250, handler: async () => void runs++ }];
    const a = await jobs(definitions());
    const b = await jobs(definitions(), { separateConnection: true });
    await Promise.all([a.start(), b.start()]);
    await until(() => runs >= 3, 8000, 'three runs');
    expect(await countRows(`name = 'test.every'`)).to.equal(1);
    const { jobs: rows, total } = await a.agenda.queryJobs({ name: 'test.every' });
    expect(total).to.equal(1);
    expect(rows[0].repeatInterval).to.equal(250);

    // Registering it again (as every boot does) keeps the stored schedule instead of firing now.
    await Promise.all([a.stop(), b.stop()]);
    const before = (await a.agenda.db.getJobById(String(rows[0]._id)))!.nextRunAt!.getTime();
    const idle = await jobs(definitions(), { worker: false });
    await idle.every(250, 'test.every');
    const after = (await a.agenda.db.getJobById(String(rows[0]._id)))!.nextRunAt!.getTime();
    expect(after).to.equal(before);
    expect(await countRows(`name = 'test.every'`)).to.equal(1);
  });

  it('retries a failing job with exponential backoff until it succeeds', async () => {
    const attempts: { attempt: number; at: number }[] = [];
    let succeeded = false;
    const j = await jobs([
      {
        name: 'test.flaky',
        retry: { attempts: 4, backoffMs: 150 },
        handler: async (_data, ctx) => {
          attempts.push({ attempt: ctx.attempt, at: Date.now() });
          if (ctx.attempt < 3) throw new Error(`boom ${ctx.attempt}`);
          succeeded = true;
        },
      },
    ]);
    await j.start();
    const job = await j.now('test.flaky', { secret: 'never logged' });
    await until(() => succeeded, 8000, 'the third attempt');
    expect(attempts.map((a) => a.attempt)).to.deep.equal([1, 2, 3]);
    expect(attempts[1].at - attempts[0].at).to.be.at.least(150 - 5);
    expect(attempts[2].at - attempts[1].at).to.be.at.least(300 - 5);
    await sleep(300);
    expect(attempts).to.have.length(3);
    // Succeeded one-off jobs are removed.
    expect(await j.agenda.db.getJobById(String(job.attrs._id))).to.equal(null);
  });

  it('gives up after the configured number of attempts and keeps the failed job', async () => {
    let runs = 0;
    let exhausted = false;
    const j = await jobs([
      {
        name: 'test.broken',
        retry: { attempts: 3, backoffMs: 50 },
        handler: async () => {
          runs++;
          throw new Error('always');
        },
      },
    ]);
    j.agenda.on('retry exhausted:test.broken', () => (exhausted = true));
    await j.start();
    const job = await j.now('test.broken', {});
    await until(() => exhausted, 8000, 'retries to be exhausted');
    await sleep(300);
    expect(runs).to.equal(3);
    const stored = await j.agenda.db.getJobById(String(job.attrs._id));
    expect(stored).to.include({ failCount: 3, failReason: 'always', nextRunAt: null, lockedAt: undefined });
    expect(stored!.failedAt).to.be.instanceOf(Date);
    const { total } = await j.agenda.queryJobs({ state: 'failed' });
    expect(total).to.equal(1);
  });

  it('logs a failure with the job name and id, never the payload', async () => {
    const lines: string[] = [];
    const logger = createLogger('info', { write: (line: string) => void lines.push(line) });
    const j = await createJobs({
      sequelize: t.sequelize,
      redisUrl: null,
      logger,
      pollMs: 50,
      definitions: [{ name: 'test.leaky', handler: async () => Promise.reject(new Error('nope')) }],
    });
    started.push(j);
    await j.start();
    const job = await j.now('test.leaky', { phone: '+15550001111' });
    await until(() => lines.some((l) => l.includes('"job failed"')), 5000, 'the failure log');
    const failure = JSON.parse(lines.find((l) => l.includes('"job failed"'))!) as Record<string, unknown>;
    expect(failure).to.include({ job: 'test.leaky', jobId: String(job.attrs._id) });
    expect(lines.join('\n')).not.to.include('+15550001111');
  });

  it('reclaims a job whose worker crashed while holding the lock, but not a live lock', async () => {
    const ran: string[] = [];
    const definitions: JobDefinition[] = [
      { name: 'test.crash', handler: async (data) => void ran.push((data as { which: string }).which) },
    ];
    // Enqueue without a worker, then make the rows look the way a run in progress leaves them:
    // locked, and nextRunAt cleared (Agenda clears it for a one-off as the run starts).
    const producer = await jobs(definitions, { worker: false });
    const crashed = await producer.now('test.crash', { which: 'crashed' });
    const live = await producer.now('test.crash', { which: 'live' });
    const lock = (job: JobParameters, lockedAt: Date) =>
      producer.agenda.db.saveJobState({ ...job, lockedAt, nextRunAt: null }, undefined);
    await lock(crashed.attrs, new Date(Date.now() - 60 * 60_000)); // older than the 10 min lock lifetime
    await lock(live.attrs, new Date());

    const worker = await jobs(definitions, { separateConnection: true });
    await worker.start();
    await until(() => ran.includes('crashed'), 5000, 'the crashed job to be reclaimed');
    await sleep(300);
    expect(ran).to.deep.equal(['crashed']);
  });

  it('stop() waits for the running job and releases the jobs it had claimed but not started', async () => {
    const finished: number[] = [];
    let startedRuns = 0;
    const definitions: JobDefinition[] = [
      {
        name: 'test.slow',
        concurrency: 1,
        handler: async (data) => {
          startedRuns++;
          await sleep(300);
          finished.push((data as { i: number }).i);
        },
      },
    ];
    const j = await jobs(definitions);
    for (let i = 0; i < 4; i++) await j.now('test.slow', { i });
    await j.start();
    await until(() => startedRuns === 1, 5000, 'the first run');
    await j.stop(5000);
    expect(finished, 'the running job finished before stop() returned').to.have.length(1);
    expect(startedRuns).to.equal(1);
    expect(j.status().running).to.equal(false);
    expect(await countRows('locked_at IS NOT NULL')).to.equal(0);
    expect(await countRows(`name = 'test.slow' AND next_run_at IS NOT NULL`)).to.equal(3);

    const next = await jobs(definitions, { separateConnection: true });
    await next.start();
    await until(() => finished.length === 4, 8000, 'the remaining jobs on another worker');
  });

  it('stop() releases a job that is still running when the timeout passes', async () => {
    let done = false;
    let startedRun = false;
    const j = await jobs([
      {
        name: 'test.stuck',
        handler: async () => {
          startedRun = true;
          await sleep(1200);
          done = true;
        },
      },
    ]);
    await j.now('test.stuck', {});
    await j.start();
    await until(() => startedRun, 5000, 'the run');
    await j.stop(150);
    expect(done).to.equal(false);
    expect(await countRows('locked_at IS NOT NULL')).to.equal(0);
    expect(await countRows('next_run_at IS NOT NULL')).to.equal(1); // will run again elsewhere
    await until(() => done, 5000, 'the stuck handler to return');
  });

  it('records the heartbeat for status()', async () => {
    const { heartbeatJob } = await import('../../src/jobs/registry.ts');
    const j = await jobs([heartbeatJob]);
    expect(j.status()).to.deep.equal({ backend: 'sql', running: false, lastHeartbeatAt: null });
    await j.start();
    await until(() => j.status().lastHeartbeatAt !== null, 5000, 'the first heartbeat');
    expect(j.status().running).to.equal(true);
    expect(Date.parse(j.status().lastHeartbeatAt!)).to.be.closeTo(Date.now(), 5000);
  });

  describe('repository', () => {
    const base = (name: string, data: unknown = {}): JobParameters => ({
      name,
      data,
      priority: 0,
      type: 'normal',
      nextRunAt: new Date(),
    });

    it('keeps one row for a single-type job saved concurrently from two connections', async () => {
      const a = new SqlJobRepository({ sequelize: t.sequelize });
      const b = new SqlJobRepository({ sequelize: await t.open() });
      const single = (i: number): JobParameters => ({
        ...base('test.single', { i }),
        type: 'single',
        repeatInterval: '1 minute',
      });
      const saved = await Promise.all(Array.from({ length: 10 }, (_, i) => (i % 2 ? a : b).saveJob(single(i), undefined)));
      expect(new Set(saved.map((s) => s._id)).size).to.equal(1);
      expect(await countRows(`name = 'test.single'`)).to.equal(1);
    });

    it('upserts unique jobs, or leaves them alone with insertOnly', async () => {
      const repo = new SqlJobRepository({ sequelize: t.sequelize });
      const unique = { 'data.orderId': 42 };
      const first = await repo.saveJob({ ...base('test.unique', { orderId: 42, v: 1 }), unique }, undefined);
      const second = await repo.saveJob({ ...base('test.unique', { orderId: 42, v: 2 }), unique }, undefined);
      expect(second._id).to.equal(first._id);
      expect(second.data).to.deep.equal({ orderId: 42, v: 2 });
      const kept = await repo.saveJob(
        { ...base('test.unique', { orderId: 42, v: 3 }), unique, uniqueOpts: { insertOnly: true } },
        undefined,
      );
      expect(kept.data).to.deep.equal({ orderId: 42, v: 2 });
      await repo.saveJob({ ...base('test.unique', { orderId: 43 }), unique: { 'data.orderId': 43 } }, undefined);
      expect(await countRows(`name = 'test.unique'`)).to.equal(2);
    });

    it('debounces: repeated saves push the run back and keep one row', async () => {
      const j = await jobs([{ name: 'test.debounce', handler: async () => undefined }], { worker: false });
      const t0 = Date.now();
      await j.agenda.nowDebounced('test.debounce', { k: 1 }, { 'data.k': 1 }, 1000);
      await sleep(50);
      const second = await j.agenda.nowDebounced('test.debounce', { k: 1 }, { 'data.k': 1 }, 1000);
      expect(await countRows(`name = 'test.debounce'`)).to.equal(1);
      expect(second.attrs.nextRunAt!.getTime()).to.be.at.least(t0 + 1050);
    });

    it('answers dashboard queries and removes, disables and enables by criteria', async () => {
      const repo = new SqlJobRepository({ sequelize: t.sequelize });
      const future = new Date(Date.now() + 60_000);
      await repo.saveJob({ ...base('report.daily', { tenant: 1 }), nextRunAt: future }, undefined);
      await repo.saveJob({ ...base('report.daily', { tenant: 2 }), nextRunAt: future }, undefined);
      await repo.saveJob({ ...base('mail.send', { tenant: 1 }), nextRunAt: new Date(Date.now() - 1000) }, undefined);

      expect(await repo.getDistinctJobNames()).to.deep.equal(['mail.send', 'report.daily']);
      expect(await repo.getQueueSize()).to.equal(1);
      const overview = await repo.getJobsOverview();
      expect(overview.find((o) => o.name === 'report.daily')).to.include({ total: 2, scheduled: 2, queued: 0 });
      expect(overview.find((o) => o.name === 'mail.send')).to.include({ total: 1, queued: 1 });

      expect((await repo.queryJobs({ state: 'scheduled' })).total).to.equal(2);
      expect((await repo.queryJobs({ search: 'report' })).total).to.equal(2);
      expect((await repo.queryJobs({ data: { tenant: 1 } })).total).to.equal(2);
      const page = await repo.queryJobs({ sort: { name: 'asc' }, limit: 2, skip: 1 });
      expect(page.total).to.equal(3);
      expect(page.jobs.map((j) => j.name)).to.deep.equal(['report.daily', 'report.daily']);

      expect(await repo.disableJobs({ name: 'report.daily', data: { tenant: 2 } })).to.equal(1);
      expect((await repo.queryJobs({ state: 'paused' })).total).to.equal(1);
      expect((await repo.queryJobs({ includeDisabled: false })).total).to.equal(2);
      expect(await repo.enableJobs({ name: 'report.daily' })).to.equal(1);

      expect(await repo.removeJobs({})).to.equal(0); // no criteria never means "everything"
      expect(await repo.removeJobs({ data: { tenant: 1 } })).to.equal(2);
      expect(await repo.purgeAllJobs()).to.equal(1);
    });
  });
});
