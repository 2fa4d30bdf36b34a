// Creates the one Sequelize instance for the configured dialect. SQLite is the embedded default (a
// file under data/); MySQL/MariaDB is the scale-out choice. Timestamps are UTC everywhere.
import fs from 'node:fs';
import path from 'node:path';
import { Sequelize } from 'sequelize';
import sqlite3 from 'sqlite3';
import type { Config } from '../config.ts';
import type { Logger } from '../logger.ts';

export type Dialect = 'sqlite' | 'mysql';

const BUSY_TIMEOUT_MS = 5000;

// Sequelize opens a separate SQLite connection per transaction and runs no connect hook for them,
// so the busy timeout is set in the driver's constructor: every connection waits for the writer lock
// instead of failing at once with SQLITE_BUSY.
class PatientDatabase extends sqlite3.Database {
  constructor(filename: string, mode?: number, callback?: (err: Error | null) => void) {
    super(filename, mode ?? sqlite3.OPEN_READWRITE | sqlite3.OPEN_CREATE, callback);
    this.configure('busyTimeout', BUSY_TIMEOUT_MS);
  }
}
const sqliteDriver = { ...sqlite3, Database: PatientDatabase };

export async function createSequelize(config: Pick<Config, 'database'>, logger?: Logger): Promise<Sequelize> {
  const logging = logger ? (sql: string) => logger.trace({ sql }, 'sql') : false;
  let sequelize: Sequelize;
  if (config.database.dialect === 'sqlite') {
    const storage = config.database.storage;
    if (storage !== ':memory:') fs.mkdirSync(path.dirname(storage), { recursive: true });
    sequelize = new Sequelize({
      dialect: 'sqlite',
      storage,
      logging,
      dialectModule: sqliteDriver,
      retry: { max: 5, match: [/SQLITE_BUSY/] },
      define: { underscored: true },
    });
    await sequelize.query('PRAGMA journal_mode = WAL;');
    // In WAL mode NORMAL survives a process crash (only a power loss can drop the last commits)
    // and saves an fsync per commit, which the webhook inbox's group commits depend on.
    await sequelize.query('PRAGMA synchronous = NORMAL;');
    await sequelize.query('PRAGMA foreign_keys = ON;');
  } else {
    sequelize = new Sequelize(config.database.url, {
      dialect: 'mysql',
      logging,
      timezone: '+00:00',
      dialectOptions: { dateStrings: false, supportBigNumbers: true, bigNumberStrings: false },
      pool: { max: 10, min: 0, idle: 10_000, acquire: 30_000 },
      define: { underscored: true, charset: 'utf8mb4', collate: 'utf8mb4_unicode_ci' },
    });
  }
  await sequelize.authenticate();
  return sequelize;
}

export function dialectOf(sequelize: Sequelize): Dialect {
  return sequelize.getDialect() === 'mysql' ? 'mysql' : 'sqlite';
}

/**
 * A date as the SQL text of a DATETIME(3) value, in UTC with milliseconds, for raw and bulk
 * INSERTs: there Sequelize knows no column type and formats a Date to the whole second on MySQL.
 * (The connection's time zone is +00:00; SQLite keeps Sequelize's own text format.)
 */
export function sqlDate(sequelize: Sequelize, d: Date): string {
  return d
    .toISOString()
    .replace('T', ' ')
    .replace('Z', dialectOf(sequelize) === 'sqlite' ? ' +00:00' : '');
}
