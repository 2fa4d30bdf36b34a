// Conversations: one per customer and connected number, kept current by the webhook pipeline
// (last activity, unread count, the customer service window's expiry), listed by keyset.
import { DataTypes } from 'sequelize';
import type { MigrationFn } from '../backend/src/db/migrate.ts';

export const up: MigrationFn = async ({ context: qi }) => {
  await qi.createTable('conversations', {
    id: { type: DataTypes.BIGINT, autoIncrement: true, primaryKey: true, allowNull: false },
    tenant_id: { type: DataTypes.INTEGER, allowNull: false, references: { model: 'tenants', key: 'id' }, onDelete: 'CASCADE' },
    channel_id: { type: DataTypes.INTEGER, allowNull: false, references: { model: 'channels', key: 'id' }, onDelete: 'CASCADE' },
    customer_key: { type: DataTypes.STRING(64), allowNull: false },
    wa_id: { type: DataTypes.STRING(32), allowNull: true },
    user_id: { type: DataTypes.STRING(64), allowNull: true },
    profile_name: { type: DataTypes.STRING(255), allowNull: true },
    status: { type: DataTypes.STRING(12), allowNull: false, defaultValue: 'open' },
    unread_count: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
    last_message_at: { type: DataTypes.DATE(3), allowNull: false },
    last_inbound_at: { type: DataTypes.DATE(3), allowNull: true },
    window_expires_at: { type: DataTypes.DATE(3), allowNull: true },
    preview: { type: DataTypes.STRING(255), allowNull: true },
    created_at: { type: DataTypes.DATE(3), allowNull: false },
    updated_at: { type: DataTypes.DATE(3), allowNull: false },
  });
  await qi.addIndex('conversations', ['channel_id', 'customer_key'], { unique: true, name: 'conversations_customer' });
  // Keyset listing, newest activity first, optionally by status.
  await qi.addIndex('conversations', ['tenant_id', 'last_message_at', 'id'], { name: 'conversations_tenant_recent' });
  await qi.addIndex('conversations', ['tenant_id', 'status', 'last_message_at', 'id'], {
    name: 'conversations_tenant_status_recent',
  });
  await qi.addColumn('wa_messages', 'conversation_id', { type: DataTypes.BIGINT, allowNull: true });
  await qi.addIndex('wa_messages', ['conversation_id', 'occurred_at', 'id'], { name: 'wa_messages_conversation_time' });
  // The webhook processor finds the rows its batch just stored by their event id.
  await qi.addIndex('wa_messages', ['webhook_event_id'], { name: 'wa_messages_webhook_event' });
};

export const down: MigrationFn = async ({ context: qi }) => {
  await qi.removeIndex('wa_messages', 'wa_messages_webhook_event');
  await qi.removeIndex('wa_messages', 'wa_messages_conversation_time');
  await qi.removeColumn('wa_messages', 'conversation_id');
  await qi.dropTable('conversations');
};
