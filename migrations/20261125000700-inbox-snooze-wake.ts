// The snooze wake-up job looks every minute, across all tenants, for snoozed conversations whose time
// has come: this index keeps that a range read instead of a scan of every conversation.
import type { MigrationFn } from '../backend/src/db/migrate.ts';

export const up: MigrationFn = async ({ context: qi }) => {
  await qi.addIndex('conversations', ['status', 'snoozed_until'], { name: 'conversations_snoozed' });
};

export const down: MigrationFn = async ({ context: qi }) => {
  await qi.removeIndex('conversations', 'conversations_snoozed');
};
