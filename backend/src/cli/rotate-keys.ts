// `npm run keys:rotate`: re-encrypt every secret with the first key in ENCRYPTION_KEYS, then report
// which key ids are still in use. `npm run keys:rotate -- --generate` prints a fresh key to prepend.
import { loadConfig } from '../config.ts';
import { createLogger } from '../logger.ts';
import { createSequelize } from '../db/sequelize.ts';
import { runMigrations } from '../db/migrate.ts';
import { createModels } from '../db/models.ts';
import { generateKeySpec, loadEncryption } from '../security/encryption.ts';
import { rotateKeys } from '../security/rotate.ts';
import { AuditService } from '../modules/audit/index.ts';

if (process.argv.includes('--generate')) {
  process.stdout.write(`${generateKeySpec()}\n`);
  process.stdout.write(
    'Prepend this to ENCRYPTION_KEYS (comma-separated, newest first), restart, then run npm run keys:rotate.\n',
  );
  process.exit(0);
}

const config = loadConfig();
const logger = createLogger(config.logLevel === 'info' ? 'warn' : config.logLevel);
const sequelize = await createSequelize(config, logger);
try {
  await runMigrations(sequelize, logger);
  const enc = loadEncryption({ spec: config.encryptionKeys, dataDir: config.dataDir, logger });
  const report = await rotateKeys(sequelize, enc);
  await new AuditService(createModels(sequelize)).record({
    tenantId: null,
    actor: 'system',
    action: 'encryption.keys_rotated',
    meta: { primaryKeyId: report.primaryKeyId, reencrypted: report.reencrypted },
  });
  process.stdout.write(`${JSON.stringify(report)}\n`);
  const stale = enc.keyIds.filter((k) => k !== enc.primary.id && !report.remainingKeyIds.includes(k));
  if (stale.length) process.stdout.write(`Keys no longer used and safe to remove from ENCRYPTION_KEYS: ${stale.join(', ')}\n`);
} finally {
  await sequelize.close();
}
