// Umzug runs the timestamped migrations in migrations/ (plain queryInterface code, portable across
// SQLite and MySQL). Several instances may boot at once on MySQL, so migrations run under a named lock.
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { QueryInterface, Sequelize } from 'sequelize';
import { Umzug, SequelizeStorage } from 'umzug';
import type { Logger } from '../logger.ts';
import { dialectOf } from './sequelize.ts';

export type MigrationFn = (params: { context: QueryInterface }) => Promise<void>;

const MIGRATIONS_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../migrations');

function createUmzug(sequelize: Sequelize, logger?: Logger) {
  return new Umzug<QueryInterface>({
    migrations: {
      glob: ['*.ts', { cwd: MIGRATIONS_DIR, ignore: ['*.d.ts'] }],
      resolve: ({ name, path: file, context }) => ({
        name,
        up: async () => {
          const mod = (await import(pathToFileURL(file!).href)) as { up: MigrationFn };
          await mod.up({ context });
        },
        down: async () => {
          const mod = (await import(pathToFileURL(file!).href)) as { down?: MigrationFn };
          if (mod.down) await mod.down({ context });
        },
      }),
    },
    context: sequelize.getQueryInterface(),
    storage: new SequelizeStorage({ sequelize, tableName: 'schema_migrations' }),
    logger: logger
      ? {
          info: (m) => logger.info(m, 'migration'),
          warn: (m) => logger.warn(m, 'migration'),
          error: (m) => logger.error(m, 'migration'),
          debug: (m) => logger.debug(m, 'migration'),
        }
      : undefined,
  });
}

async function withMigrationLock<T>(sequelize: Sequelize, fn: () => Promise<T>): Promise<T> {
  if (dialectOf(sequelize) !== 'mysql') return fn();
  // GET_LOCK is per connection, so hold one connection for the whole run.
  return sequelize.transaction(async (t) => {
    const [rows] = (await sequelize.query("SELECT GET_LOCK('wa_platform_migrations', 120) AS got", {
      transaction: t,
    })) as [{ got: number }[], unknown];
    if (rows[0]?.got !== 1) throw new Error('Could not acquire the migration lock within 120 s');
    try {
      return await fn();
    } finally {
      await sequelize.query("SELECT RELEASE_LOCK('wa_platform_migrations')", { transaction: t });
    }
  });
}

export async function runMigrations(sequelize: Sequelize, logger?: Logger): Promise<string[]> {
  const umzug = createUmzug(sequelize, logger);
  return withMigrationLock(sequelize, async () => (await umzug.up()).map((m) => m.name));
}

export async function migrationStatus(sequelize: Sequelize): Promise<{ applied: number; pending: string[] }> {
  const umzug = createUmzug(sequelize);
  const [executed, pending] = await Promise.all([umzug.executed(), umzug.pending()]);
  return { applied: executed.length, pending: pending.map((m) => m.name) };
}
