// Publishable keys: a public, per-tenant identifier that visitor-facing widgets (the chat bubble)
// present together with an allowed Origin to get a short visitor session. Not a secret.
import crypto from 'node:crypto';
import { DataTypes, QueryTypes } from 'sequelize';
import type { MigrationFn } from '../backend/src/db/migrate.ts';

export const up: MigrationFn = async ({ context: qi }) => {
  await qi.addColumn('tenants', 'publishable_key', { type: DataTypes.STRING(40), allowNull: true });
  const rows = await qi.sequelize.query<{ id: number }>('SELECT id FROM tenants', { type: QueryTypes.SELECT });
  for (const row of rows) {
    await qi.sequelize.query('UPDATE tenants SET publishable_key = :key WHERE id = :id', {
      replacements: { key: `wpk_${crypto.randomBytes(18).toString('base64url')}`, id: row.id },
    });
  }
  await qi.addIndex('tenants', ['publishable_key'], { unique: true, name: 'tenants_publishable_key' });
};

export const down: MigrationFn = async ({ context: qi }) => {
  await qi.removeIndex('tenants', 'tenants_publishable_key');
  await qi.removeColumn('tenants', 'publishable_key');
};
