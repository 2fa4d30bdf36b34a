// `npm run migrate`: apply pending migrations to the configured database and report the state.
import { loadConfig } from '../config.ts';
import { createLogger } from '../logger.ts';
import { createSequelize } from '../db/sequelize.ts';
import { migrationStatus, runMigrations } from '../db/migrate.ts';

const config = loadConfig();
const logger = createLogger(config.logLevel === 'info' ? 'warn' : config.logLevel);
const sequelize = await createSequelize(config, logger);
try {
  const applied = await runMigrations(sequelize, logger);
  const status = await migrationStatus(sequelize);
  process.stdout.write(
    `${JSON.stringify({ dialect: config.database.dialect, applied, total: status.applied, pending: status.pending })}\n`,
  );
} finally {
  await sequelize.close();
}
