// `npm run consent:verify [-- --tenant N]`: checks every tenant's consent registry (or one) for
// tampering, prints one JSON line per tenant, and exits 1 when any chain is broken.
import { loadConfig } from '../config.ts';
import { createLogger } from '../logger.ts';
import { createSequelize } from '../db/sequelize.ts';
import { runMigrations } from '../db/migrate.ts';
import { createModels } from '../db/models.ts';
import { chainTenants, verifyChain } from '../modules/consent/consent.service.ts';

const args = process.argv.slice(2);
const at = args.indexOf('--tenant');
const only = at >= 0 ? Number(args[at + 1]) : null;
if (only !== null && !(Number.isInteger(only) && only > 0)) {
  process.stderr.write('Usage: npm run consent:verify [-- --tenant <id>]\n');
  process.exit(2);
}

const config = loadConfig();
const logger = createLogger(config.logLevel === 'info' ? 'warn' : config.logLevel);
const sequelize = await createSequelize(config, logger);
let broken = 0;
try {
  await runMigrations(sequelize, logger);
  const models = createModels(sequelize);
  const tenants = only !== null ? [only] : await chainTenants(sequelize);
  for (const tenantId of tenants) {
    const result = await verifyChain({ models, sequelize }, tenantId);
    if (!result.ok) broken++;
    process.stdout.write(`${JSON.stringify(result)}\n`);
  }
} finally {
  await sequelize.close();
}
process.exitCode = broken > 0 ? 1 : 0;
