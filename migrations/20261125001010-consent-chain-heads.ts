// The head of each tenant's consent chain (last seq and hash). Writers lock this one row before
// appending, so concurrent appends queue behind each other instead of deadlocking on the entries'
// index gaps (MySQL), and verification can tell when entries were cut off the end of the chain.
import { DataTypes } from 'sequelize';
import type { MigrationFn } from '../backend/src/db/migrate.ts';

export const up: MigrationFn = async ({ context: qi }) => {
  await qi.createTable('consent_chain_heads', {
    tenant_id: { type: DataTypes.INTEGER, allowNull: false, primaryKey: true },
    seq: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
    hash: { type: DataTypes.STRING(64), allowNull: false },
    updated_at: { type: DataTypes.DATE(3), allowNull: false },
  });
};

export const down: MigrationFn = async ({ context: qi }) => {
  await qi.dropTable('consent_chain_heads');
};
