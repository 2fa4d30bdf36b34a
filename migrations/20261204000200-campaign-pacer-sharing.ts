// Which worker last reserved send slots on a number, and until when the number counts as shared by
// several workers. While shared, a worker that falls behind its slots gives the missed ones up
// instead of catching up, so two workers' sends never crowd into one second.
import { DataTypes } from 'sequelize';
import type { MigrationFn } from '../backend/src/db/migrate.ts';

export const up: MigrationFn = async ({ context: qi }) => {
  await qi.addColumn('campaign_pacers', 'last_worker', { type: DataTypes.STRING(80), allowNull: true });
  await qi.addColumn('campaign_pacers', 'shared_until_ms', { type: DataTypes.BIGINT, allowNull: false, defaultValue: 0 });
};

export const down: MigrationFn = async ({ context: qi }) => {
  await qi.removeColumn('campaign_pacers', 'shared_until_ms');
  await qi.removeColumn('campaign_pacers', 'last_worker');
};
