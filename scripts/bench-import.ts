// CSV import benchmark: a file of 100,000 contacts (phone, name, email, two tags, a number attribute)
// uploaded and imported through ImportsService (the upload's checks and parse pass, then the job's
// batches), then the same file again, which must come out as 100,000 unchanged rows with no write
// (max(updated_at) the same). Then, separately, a consent column on a share of the rows, since every
// consent change is an entry in the hash-chained registry. Prints one JSON line; the target is
// < 60 s for the first import on MySQL/MariaDB. Env: BENCH_MYSQL_URL or a mysql:// DATABASE_URL
// ("off" runs SQLite only), BENCH_IMPORT_ROWS (100000), BENCH_CONSENT_ROWS (10000, 0 skips it),
// BENCH_DIALECTS (mysql,sqlite).
import crypto from 'node:crypto';
import { Readable } from 'node:stream';
import type { TenantContext } from '../backend/src/http/context.ts';
import type { ChannelsService } from '../backend/src/modules/channels/index.ts';

if (!process.env.BENCH_MYSQL_URL && process.env.DATABASE_URL?.startsWith('mysql')) {
  process.env.BENCH_MYSQL_URL = process.env.DATABASE_URL;
}
const { benchDatabase, log, mysqlReachable } = await import('./bench-lib.ts');
const { createSequelize } = await import('../backend/src/db/sequelize.ts');
const { runMigrations } = await import('../backend/src/db/migrate.ts');
const { createModels } = await import('../backend/src/db/models.ts');
const { createLogger } = await import('../backend/src/logger.ts');
const { createEventBus } = await import('../backend/src/realtime/bus.ts');
const { AuditService } = await import('../backend/src/modules/audit/index.ts');
const { ConsentService } = await import('../backend/src/modules/consent/index.ts');
const { ImportsService } = await import('../backend/src/modules/contacts/imports.service.ts');

const ROWS = Number(process.env.BENCH_IMPORT_ROWS ?? 100_000);
const CONSENT_ROWS = Number(process.env.BENCH_CONSENT_ROWS ?? 10_000);
const TARGET_MS = 60_000;

function csvOf(rows: number, offset: number, consent: boolean): string {
  const lines = [`phone,name,email,tags,score${consent ? ',consent' : ''}`];
  for (let i = 0; i < rows; i++) {
    const n = offset + i;
    const phone = `+491512${String(n).padStart(7, '0')}`;
    const c = consent ? `,${n % 2 === 0 ? 'yes' : 'no'}` : '';
    lines.push(`${phone},Person ${n},p${n}@example.com,"bulk,group-${n % 10}",${n % 1000}${c}`);
  }
  return `${lines.join('\n')}\n`;
}

async function run(dialect: 'sqlite' | 'mysql') {
  const db = await benchDatabase(dialect);
  const logger = createLogger('warn');
  const config =
    dialect === 'sqlite'
      ? { database: { dialect: 'sqlite' as const, storage: db.url.replace(/^sqlite:/, '') } }
      : { database: { dialect: 'mysql' as const, url: db.url } };
  const sequelize = await createSequelize(config);
  const bus = createEventBus({ redisUrl: null, logger });
  try {
    await runMigrations(sequelize);
    const models = createModels(sequelize);
    const audit = new AuditService(models);
    const consent = new ConsentService({ models, sequelize, audit, bus, logger, channels: {} as ChannelsService });
    const imports = new ImportsService({
      models,
      sequelize,
      audit,
      bus,
      logger,
      consent,
      dir: `${db.dataDir}/imports`,
      enqueue: async () => undefined,
    });
    const tenant = await models.Tenant.create({ name: 'Bench', slug: `bench-${crypto.randomBytes(3).toString('hex')}` });
    await models.ContactAttribute.create({ tenantId: tenant.id, key: 'score', label: 'Score', type: 'number' });
    const ctx: TenantContext = {
      tenantId: tenant.id,
      role: 'admin',
      ip: null,
      principal: { kind: 'session', userId: null, label: 'bench', isSuperAdmin: false, tenantId: null, tokenRole: null },
    };
    const mapping = { phone: 'phone', name: 'name', email: 'email', tags: 'tags', score: 'attribute:score' } as const;

    const importOnce = async (csv: string, withConsent: boolean) => {
      const t0 = performance.now();
      const up = await imports.upload(ctx, { contentType: 'text/csv' }, Readable.from([Buffer.from(csv)]));
      const t1 = performance.now();
      await imports.start(ctx, up.id, { mapping: withConsent ? { ...mapping, consent: 'consent' } : mapping });
      await imports.run(up.id);
      const t2 = performance.now();
      const r = await imports.get(ctx, up.id);
      if (r.status !== 'done') throw new Error(`import ${r.status}: ${r.failure}`);
      return { uploadMs: Math.round(t1 - t0), jobMs: Math.round(t2 - t1), totalMs: Math.round(t2 - t0), result: r };
    };
    const maxUpdated = async () =>
      new Date((await models.Contact.max('updatedAt', { where: { tenantId: tenant.id } })) as Date).getTime();

    const csv = csvOf(ROWS, 0, false);
    log(`${dialect}: importing ${ROWS} rows (${(csv.length / 1024 / 1024).toFixed(1)} MB)`);
    const first = await importOnce(csv, false);
    log(`${dialect}: first import ${first.totalMs} ms`);
    const before = await maxUpdated();
    const second = await importOnce(csv, false);
    log(`${dialect}: second import ${second.totalMs} ms`);
    const after = await maxUpdated();
    let consentRun: Awaited<ReturnType<typeof importOnce>> | null = null;
    if (CONSENT_ROWS > 0) {
      consentRun = await importOnce(csvOf(CONSENT_ROWS, 5_000_000, true), true);
      log(`${dialect}: ${CONSENT_ROWS} new rows with consent ${consentRun.totalMs} ms`);
    }
    const counts = (r: typeof first.result) => ({
      created: r.createdCount,
      updated: r.updatedCount,
      unchanged: r.unchangedCount,
      errors: r.errorCount,
    });
    return {
      rows: ROWS,
      firstMs: first.totalMs,
      firstUploadMs: first.uploadMs,
      firstJobMs: first.jobMs,
      first: counts(first.result),
      secondMs: second.totalMs,
      second: counts(second.result),
      updatedAtUnchanged: before === after,
      rowsPerSecond: Math.round(ROWS / (first.totalMs / 1000)),
      ...(consentRun
        ? {
            consentRows: CONSENT_ROWS,
            consentMs: consentRun.totalMs,
            consentEntries: await models.ConsentEntry.count({ where: { tenantId: tenant.id } }),
          }
        : {}),
      ok:
        first.totalMs < TARGET_MS &&
        first.result.createdCount === ROWS &&
        second.result.unchangedCount === ROWS &&
        second.result.createdCount + second.result.updatedCount === 0 &&
        before === after,
    };
  } finally {
    await bus.close();
    await sequelize.close();
    await db.drop();
  }
}

const wanted = (process.env.BENCH_DIALECTS ?? 'mysql,sqlite').split(',');
const out: Record<string, unknown> = { bench: 'import', targetMs: TARGET_MS };
if (wanted.includes('mysql')) out.mysql = (await mysqlReachable()) ? await run('mysql') : 'skipped (no MySQL)';
if (wanted.includes('sqlite')) out.sqlite = await run('sqlite');
process.stdout.write(`${JSON.stringify(out)}\n`);
