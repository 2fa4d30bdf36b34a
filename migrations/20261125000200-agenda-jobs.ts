// The Agenda job table used by backend/src/jobs/sql-backend.ts (one row per scheduled job).
import { DataTypes } from 'sequelize';
import type { MigrationFn } from '../backend/src/db/migrate.ts';

// DATETIME(3) on MySQL: plain DATETIME drops milliseconds, and lock deadlines and retry backoff are
// measured in milliseconds.
const at = (allowNull = true) => ({ type: DataTypes.DATE(3), allowNull });

export const up: MigrationFn = async ({ context: qi }) => {
  const mysql = qi.sequelize.getDialect() === 'mysql';
  await qi.createTable(
    'jobs',
    {
      id: { type: DataTypes.STRING(36), primaryKey: true, allowNull: false },
      name: { type: DataTypes.STRING(191), allowNull: false },
      type: { type: DataTypes.STRING(16), allowNull: false, defaultValue: 'normal' },
      priority: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
      next_run_at: at(),
      locked_at: at(),
      last_run_at: at(),
      last_finished_at: at(),
      failed_at: at(),
      fail_count: { type: DataTypes.INTEGER, allowNull: true },
      fail_reason: { type: DataTypes.TEXT, allowNull: true },
      repeat_interval: { type: DataTypes.STRING(255), allowNull: true },
      repeat_timezone: { type: DataTypes.STRING(64), allowNull: true },
      repeat_at: { type: DataTypes.STRING(255), allowNull: true },
      start_date: at(),
      end_date: at(),
      skip_days: { type: DataTypes.STRING(32), allowNull: true },
      // JSON text; LONGTEXT on MySQL, whose plain TEXT stops at 64 KB (SQLite has one TEXT and warns
      // about the option).
      data: { type: mysql ? DataTypes.TEXT('long') : DataTypes.TEXT, allowNull: false },
      disabled: { type: DataTypes.BOOLEAN, allowNull: false, defaultValue: false },
      progress: { type: DataTypes.DOUBLE, allowNull: true },
      fork: { type: DataTypes.BOOLEAN, allowNull: false, defaultValue: false },
      // Hash of the 'single' name or of the unique() query: the database enforces "stored once" even
      // when several processes call agenda.every() at the same moment.
      unique_key: { type: DataTypes.STRING(64), allowNull: true },
      debounce_started_at: at(),
      last_modified_by: { type: DataTypes.STRING(191), allowNull: true },
      created_at: at(false),
      updated_at: at(false),
    },
    { charset: 'utf8mb4', collate: 'utf8mb4_unicode_ci' },
  );
  // Serves the claim query: name = ? AND ((locked_at IS NULL AND next_run_at <= ?) OR locked_at <= ?).
  await qi.addIndex('jobs', ['name', 'locked_at', 'next_run_at'], { name: 'jobs_claim' });
  await qi.addIndex('jobs', ['unique_key'], { name: 'jobs_unique_key', unique: true });
  await qi.addIndex('jobs', ['next_run_at'], { name: 'jobs_next_run_at' });
};

export const down: MigrationFn = async ({ context: qi }) => {
  await qi.dropTable('jobs');
};
