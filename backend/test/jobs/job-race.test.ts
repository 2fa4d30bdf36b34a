// Two workers (two Agenda instances, each with its own database connections, as two processes would
// have) race for the same 200 jobs: every job must run exactly once. Also run against Redis when
// REDIS_URL is set.
import crypto from 'node:crypto';
import { expect } from 'chai';
import { QueryTypes } from 'sequelize';
import { Redis } from 'ioredis';
import { createJobs, type Jobs } from '../../src/jobs/index.ts';
import type { JobDefinition } from '../../src/jobs/registry.ts';
import { TEST_DIALECT } from '../helpers/db.ts';
import { migratedDatabase, silentLogger, sleep, until, type JobsDatabase } from './setup.ts';

const JOB_COUNT = 200;
const JOB = 'test.race';

interface Race {
  runs: Map<string, number>;
  byWorker: Record<string, number>;
  definitions(worker: string): JobDefinition[];
}

function race(): Race {
  const runs = new Map<string, number>();
  const byWorker: Record<string, number> = {};
  return {
    runs,
    byWorker,
    definitions: (worker) => [
      {
        name: JOB,
        concurrency: 20,
        handler: async (data) => {
          const { key } = data as { key: string };
          runs.set(key, (runs.get(key) ?? 0) + 1);
          byWorker[worker] = (byWorker[worker] ?? 0) + 1;
          await sleep(Math.random() * 5);
        },
      },
    ],
  };
}

async function runRace(makeJobs: (definitions: JobDefinition[]) => Promise<Jobs>): Promise<Race> {
  const r = race();
  const a = await makeJobs(r.definitions('a'));
  const b = await makeJobs(r.definitions('b'));
  try {
    // Enqueue everything first, then start both at once so they contend from the first poll.
    for (let i = 0; i < JOB_COUNT; i++) await a.now(JOB, { key: `job-${i}` });
    await Promise.all([a.start(), b.start()]);
    await until(() => r.runs.size === JOB_COUNT, 25_000, `${JOB_COUNT} distinct jobs to run`);
    await sleep(400); // several more poll cycles: a double claim would show up now
  } finally {
    await Promise.all([a.stop(2000), b.stop(2000)]);
  }
  const twice = [...r.runs].filter(([, n]) => n !== 1);
  expect(twice, 'jobs that ran more than once').to.deep.equal([]);
  expect(r.runs.size).to.equal(JOB_COUNT);
  return r;
}

describe(`jobs: two workers racing for ${JOB_COUNT} jobs`, function () {
  this.timeout(40_000);

  describe(`SQL backend (${TEST_DIALECT})`, () => {
    let t: JobsDatabase;
    beforeEach(async () => {
      t = await migratedDatabase();
    });
    afterEach(async () => {
      await t.close();
    });

    it('runs each job exactly once', async () => {
      const r = await runRace(async (definitions) =>
        createJobs({
          // A separate Sequelize instance per worker: separate connections, like separate processes.
          sequelize: await t.open(),
          redisUrl: null,
          logger: silentLogger,
          pollMs: 50,
          definitions,
          worker: true,
        }),
      );
      // Both workers really competed (informational; the split depends on timing).
      if (process.env.TEST_LOG_LEVEL) console.log('      runs per worker:', r.byWorker);
      expect(Object.values(r.byWorker).reduce((x, y) => x + y, 0)).to.equal(JOB_COUNT);
      const [{ n }] = await t.sequelize.query<{ n: number }>('SELECT COUNT(*) AS n FROM jobs', {
        type: QueryTypes.SELECT,
      });
      expect(Number(n), 'completed one-off jobs are removed').to.equal(0);
    });
  });

  describe('Redis backend', () => {
    const redisUrl = process.env.REDIS_URL;
    let t: JobsDatabase;
    let prefix: string;

    before(function () {
      if (!redisUrl) this.skip();
    });
    beforeEach(async () => {
      t = await migratedDatabase();
      prefix = `agenda-test:${crypto.randomBytes(5).toString('hex')}:`;
    });
    afterEach(async () => {
      await t.close();
      const redis = new Redis(redisUrl!);
      try {
        let cursor = '0';
        do {
          const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
          if (keys.length > 0) await redis.del(...keys);
          cursor = next;
        } while (cursor !== '0');
      } finally {
        redis.disconnect();
      }
    });

    it('runs each job exactly once', async () => {
      await runRace(async (definitions) =>
        createJobs({
          sequelize: t.sequelize,
          redisUrl: redisUrl!,
          redisKeyPrefix: prefix,
          logger: silentLogger,
          pollMs: 50,
          definitions,
          worker: true,
        }),
      );
    });
  });
});
