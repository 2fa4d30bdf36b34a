// Shared fixtures for the jobs tests: a migrated fresh database (SQLite file or MariaDB, see
// helpers/db.ts), extra Sequelize instances on it to play other processes, and polling helpers.
import type { Sequelize } from 'sequelize';
import { freshDatabase, type FreshDatabase } from '../helpers/db.ts';
import { createSequelize } from '../../src/db/sequelize.ts';
import { runMigrations } from '../../src/db/migrate.ts';
import { createLogger } from '../../src/logger.ts';

export const silentLogger = createLogger(process.env.TEST_LOG_LEVEL ?? 'silent');

export function openSequelize(url: string): Promise<Sequelize> {
  return createSequelize({
    database: url.startsWith('mysql') ? { dialect: 'mysql', url } : { dialect: 'sqlite', storage: url.slice('sqlite:'.length) },
  });
}

export interface JobsDatabase {
  db: FreshDatabase;
  sequelize: Sequelize;
  /** Another connection (pool) to the same database, as a second process would have. */
  open(): Promise<Sequelize>;
  close(): Promise<void>;
}

export async function migratedDatabase(): Promise<JobsDatabase> {
  const db = await freshDatabase();
  const sequelize = await openSequelize(db.url);
  await runMigrations(sequelize);
  const opened: Sequelize[] = [sequelize];
  return {
    db,
    sequelize,
    async open() {
      const s = await openSequelize(db.url);
      opened.push(s);
      return s;
    },
    async close() {
      for (const s of opened) await s.close().catch(() => undefined);
      await db.cleanup();
    },
  };
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export async function until(condition: () => boolean | Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(20);
  }
}
