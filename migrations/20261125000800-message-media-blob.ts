// Which stored file a message carries, as an indexed column: an agent limited to some conversations
// may fetch a file only through a message of a conversation they can see.
import { DataTypes } from 'sequelize';
import type { MigrationFn } from '../backend/src/db/migrate.ts';

export const up: MigrationFn = async ({ context: qi }) => {
  await qi.addColumn('wa_messages', 'media_blob_id', { type: DataTypes.BIGINT, allowNull: true });
  await qi.addIndex('wa_messages', ['tenant_id', 'media_blob_id'], { name: 'wa_messages_media_blob' });
};

export const down: MigrationFn = async ({ context: qi }) => {
  await qi.removeIndex('wa_messages', 'wa_messages_media_blob');
  await qi.removeColumn('wa_messages', 'media_blob_id');
};
