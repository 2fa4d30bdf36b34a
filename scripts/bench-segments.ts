// `npm run bench:segments`: a three-condition segment (tag vip AND city = Berlin AND opted in) counted
// over 1,000,000 contacts on MySQL/MariaDB and over 100,000 on SQLite, through SegmentsService.count
// (the compiler and the one SQL query the segment builder's live count runs). The data is seeded
// with multi-row INSERTs: tags, typed attribute values (city, plan, score) and consent states drawn
// independently, so conditions do not line up by accident. Prints one JSON line; the target is a
// p95 of at most 1 s on both. Env: BENCH_MYSQL_URL or a mysql:// DATABASE_URL
// (mysql://root@127.0.0.1:3306/test; "off" skips MySQL), BENCH_CONTACTS_MYSQL (1000000),
// BENCH_CONTACTS_SQLITE (100000), BENCH_RUNS (15), BENCH_KEEP_DB=1 (keep the databases to inspect).
import os from 'node:os';
import type { Sequelize } from 'sequelize';
import mysql from 'mysql2/promise';

import { createSequelize, sqlDate } from '../backend/src/db/sequelize.ts';
import { runMigrations } from '../backend/src/db/migrate.ts';
import { createModels } from '../backend/src/db/models.ts';
import { createLogger } from '../backend/src/logger.ts';
import { SegmentsService } from '../backend/src/modules/contacts/segments.service.ts';
import type { AuditService } from '../backend/src/modules/audit/index.ts';
import type { TenantContext } from '../backend/src/http/context.ts';
import type { SegmentDefinition } from '../backend/src/modules/contacts/segments.schemas.ts';

// bench-lib reads BENCH_MYSQL_URL when it loads: a mysql:// DATABASE_URL stands in for it.
if (!process.env.BENCH_MYSQL_URL && process.env.DATABASE_URL?.startsWith('mysql')) {
  process.env.BENCH_MYSQL_URL = process.env.DATABASE_URL;
}
const { benchDatabase, log, MYSQL_URL, mysqlReachable, percentile, sleep } = await import('./bench-lib.ts');

const CONTACTS = {
  mysql: Number(process.env.BENCH_CONTACTS_MYSQL ?? 1_000_000),
  sqlite: Number(process.env.BENCH_CONTACTS_SQLITE ?? 100_000),
};
const RUNS = Number(process.env.BENCH_RUNS ?? 15);
const TARGET_MS = 1000;
const BATCH = 5000;
const CITIES = ['Berlin', 'Hamburg', 'Munich', 'Cologne', 'Frankfurt', 'Stuttgart', 'Leipzig', 'Dresden', 'Bremen', 'Hanover'];
const OTHER_TAGS = ['newsletter', 'churn-risk', 'wholesale', 'b2b', 'event-2026', 'returning'];
const PLANS = ['free', 'pro', 'enterprise'];

const SEGMENT: SegmentDefinition = {
  match: 'all',
  conditions: [
    { field: 'tags', op: 'any', tags: ['vip'] },
    { field: 'attribute', key: 'city', op: 'eq', value: 'Berlin' },
    { field: 'consent', op: 'is', value: 'opted_in' },
  ],
};

/** A deterministic pseudo-random stream (mulberry32), so every run seeds the same data. */
function rng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Inserter {
  /** Runs one batch of INSERTs of literal rows (values are generated here: numbers and plain words). */
  batch(statements: string[]): Promise<void>;
  close(): Promise<void>;
}

async function inserter(sequelize: Sequelize, dialect: 'sqlite' | 'mysql', url: string): Promise<Inserter> {
  if (dialect === 'mysql') {
    // Two dedicated connections, one batch in flight on each, without per-row foreign-key and unique
    // checks: the generated data is consistent by construction.
    const u = new URL(url);
    const conns = await Promise.all(
      [0, 1].map(async () => {
        const conn = await mysql.createConnection({
          host: u.hostname,
          port: Number(u.port || 3306),
          user: decodeURIComponent(u.username),
          password: decodeURIComponent(u.password),
          database: u.pathname.slice(1),
        });
        await conn.query('SET foreign_key_checks = 0, unique_checks = 0');
        return conn;
      }),
    );
    const inFlight: Promise<void>[] = [Promise.resolve(), Promise.resolve()];
    let next = 0;
    return {
      batch: async (statements) => {
        const slot = next++ % 2;
        await inFlight[slot];
        inFlight[slot] = (async () => {
          for (const sql of statements) await conns[slot].query(sql);
        })();
      },
      close: async () => {
        await Promise.all(inFlight);
        await Promise.all(conns.map((c) => c.end()));
      },
    };
  }
  await sequelize.query('PRAGMA foreign_keys = OFF');
  return {
    batch: async (statements) => {
      await sequelize.query('BEGIN');
      for (const sql of statements) await sequelize.query(sql);
      await sequelize.query('COMMIT');
    },
    close: async () => {
      await sequelize.query('PRAGMA foreign_keys = ON');
    },
  };
}

const insert = (table: string, columns: string[], rows: string[]) =>
  `INSERT INTO ${table} (${columns.join(', ')}) VALUES ${rows.join(',')}`;

async function seed(sequelize: Sequelize, dialect: 'sqlite' | 'mysql', url: string, tenantId: number, contacts: number) {
  const models = createModels(sequelize);
  const attr = (key: string, type: string, options?: string[]) =>
    models.ContactAttribute.create({
      tenantId,
      key,
      label: key,
      type: type as 'text',
      options: options ? JSON.stringify(options) : null,
    });
  const city = await attr('city', 'text');
  const plan = await attr('plan', 'list', PLANS);
  const score = await attr('score', 'number');
  const vip = await models.Tag.create({ tenantId, name: 'vip' });
  const others = [];
  for (const name of OTHER_TAGS) others.push(await models.Tag.create({ tenantId, name }));

  const ins = await inserter(sequelize, dialect, url);
  const q = (s: string) => `'${s}'`;
  const now = Date.now();
  const random = rng(42);
  // The first id the database will hand out is taken from what is there (the fresh table starts at 1).
  const [[{ m }]] = (await sequelize.query('SELECT COALESCE(MAX(id), 0) AS m FROM contacts')) as [[{ m: number }], unknown];
  let id = Number(m);
  const t0 = performance.now();
  try {
    for (let from = 0; from < contacts; from += BATCH) {
      const n = Math.min(BATCH, contacts - from);
      const contactRows: string[] = [];
      const tagRows: string[] = [];
      const valueRows: string[] = [];
      for (let k = 0; k < n; k++) {
        const i = from + k;
        id++;
        const r = random();
        const consent = r < 0.4 ? 'opted_in' : r < 0.5 ? 'opted_out' : 'unknown';
        const created = q(sqlDate(sequelize, new Date(now - Math.floor(random() * 730 * 86400_000))));
        const seen = random() < 0.5 ? 'NULL' : q(sqlDate(sequelize, new Date(now - Math.floor(random() * 365 * 86400_000))));
        contactRows.push(
          `(${id}, ${tenantId}, '+49${1_500_000_000 + i}', '49${1_500_000_000 + i}', 'Contact ${String(i).padStart(7, '0')}', 'import', '${consent}', ${seen}, ${created}, ${created})`,
        );
        const at = created;
        if (random() < 0.1) tagRows.push(`(${id}, ${vip.id}, ${tenantId}, ${at})`);
        for (const t of others) if (random() < 0.05) tagRows.push(`(${id}, ${t.id}, ${tenantId}, ${at})`);
        if (random() < 0.6)
          valueRows.push(`(${id}, ${city.id}, ${tenantId}, '${CITIES[Math.floor(random() * CITIES.length)]}', NULL)`);
        if (random() < 0.3)
          valueRows.push(`(${id}, ${plan.id}, ${tenantId}, '${PLANS[Math.floor(random() * PLANS.length)]}', NULL)`);
        if (random() < 0.3) valueRows.push(`(${id}, ${score.id}, ${tenantId}, NULL, ${Math.floor(random() * 1000)})`);
      }
      const statements = [
        insert(
          'contacts',
          ['id', 'tenant_id', 'phone', 'wa_id', 'name', 'source', 'consent_state', 'last_seen_at', 'created_at', 'updated_at'],
          contactRows,
        ),
      ];
      if (tagRows.length) statements.push(insert('contact_tags', ['contact_id', 'tag_id', 'tenant_id', 'created_at'], tagRows));
      if (valueRows.length) {
        statements.push(
          insert(
            'contact_attribute_values',
            ['contact_id', 'attribute_id', 'tenant_id', 'value_text', 'value_number'],
            valueRows,
          ),
        );
      }
      await ins.batch(statements);
      if ((from / BATCH) % 40 === 39) log(`bench: ${dialect}: ${from + n} contacts seeded`);
    }
  } finally {
    await ins.close();
  }
  if (dialect === 'mysql')
    await sequelize.query('ANALYZE TABLE contacts, contact_tags, contact_attribute_values, tags, contact_attributes');
  else await sequelize.query('ANALYZE');
  return Math.round((performance.now() - t0) / 100) / 10;
}

async function run(dialect: 'sqlite' | 'mysql') {
  const contacts = CONTACTS[dialect];
  const db = await benchDatabase(dialect);
  const config =
    dialect === 'sqlite'
      ? { database: { dialect: 'sqlite' as const, storage: db.url.replace(/^sqlite:/, '') } }
      : { database: { dialect: 'mysql' as const, url: db.url } };
  const sequelize = await createSequelize(config);
  try {
    await runMigrations(sequelize);
    const models = createModels(sequelize);
    const tenant = await models.Tenant.create({ name: 'Bench segments', slug: `bench-segments-${dialect}` });
    // A neighbour tenant with contacts of its own, so the tenant filter does real work.
    const other = await models.Tenant.create({ name: 'Bench neighbour', slug: `bench-neighbour-${dialect}` });
    log(`bench: ${dialect}: seeding ${contacts} contacts`);
    const seedSeconds = await seed(sequelize, dialect, db.url, tenant.id, contacts);
    await seed(sequelize, dialect, db.url, other.id, Math.round(contacts / 20));
    log(`bench: ${dialect}: seeded in ${seedSeconds} s; counting`);

    const logger = createLogger('warn', process.stderr);
    const segments = new SegmentsService({ models, sequelize, audit: {} as AuditService, logger });
    const ctx: TenantContext = {
      tenantId: tenant.id,
      role: 'admin',
      principal: { kind: 'session', userId: null, label: 'bench', isSuperAdmin: false, tenantId: null, tokenRole: null },
      ip: null,
    };
    if (dialect === 'mysql') {
      const sql = await segments.compile(tenant.id, SEGMENT, 'c');
      const plan = await sequelize.query(`EXPLAIN SELECT STRAIGHT_JOIN COUNT(*) FROM contacts c WHERE ${sql.where}`, {
        replacements: sql.replacements,
        type: 'SELECT' as never,
      });
      log(`bench: mysql plan: ${JSON.stringify(plan)}`);
      // A bulk load leaves InnoDB flushing dirty pages and merging buffered index changes for a
      // while; measure the steady state a running server is in, not that storm.
      for (let i = 0; i < 60; i++) {
        const [[row]] = (await sequelize.query("SHOW GLOBAL STATUS LIKE 'Innodb_buffer_pool_pages_dirty'")) as [
          [{ Value: string }],
          unknown,
        ];
        if (Number(row?.Value ?? 0) < 200) break;
        await sleep(1000);
      }
    }
    // Warm the buffer pool and caches the way a running server would be.
    const first = await segments.count(ctx, SEGMENT);
    for (let i = 0; i < 2; i++) await segments.count(ctx, SEGMENT);
    const ms: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const t = performance.now();
      await segments.count(ctx, SEGMENT);
      ms.push(performance.now() - t);
    }
    // The same segment with match any (no semi-join shortcut: the worst case the builder can make).
    const t = performance.now();
    const anyCount = await segments.count(ctx, { ...SEGMENT, match: 'any' });
    const anyMs = performance.now() - t;
    return {
      contacts,
      p50Ms: percentile(ms, 50),
      p95Ms: percentile(ms, 95),
      count: first.count,
      runs: RUNS,
      matchAny: { ms: Math.round(anyMs), count: anyCount.count },
      seedSeconds,
    };
  } finally {
    await sequelize.close();
    // BENCH_KEEP_DB=1 leaves the database for EXPLAIN sessions (drop it by hand afterwards).
    if (process.env.BENCH_KEEP_DB === '1') log(`bench: kept ${db.url}`);
    else await db.drop();
  }
}

const result: Record<string, unknown> = {
  bench: 'segments',
  cpus: os.cpus().length,
  segment: 'tag vip AND city = Berlin AND opted in',
};
const mysqlUp = MYSQL_URL !== 'off' && (await mysqlReachable());
result.mysql = mysqlUp ? await run('mysql') : null;
result.sqlite = await run('sqlite');
const ok = (r: unknown) => r !== null && (r as { p95Ms: number }).p95Ms <= TARGET_MS;
result.targetMs = TARGET_MS;
result.meetsTarget = ok(result.mysql) && ok(result.sqlite);
process.stdout.write(`${JSON.stringify(result)}\n`);
