// WhatsApp connectivity: connected numbers (channels) with encrypted credentials, the durable
// webhook inbox (raw events persisted before they are acknowledged), and the WhatsApp messages and
// status events the pipeline derives from them, deduplicated by unique indexes.
import { DataTypes } from 'sequelize';
import type { MigrationFn } from '../backend/src/db/migrate.ts';

const ts = (allowNull = false) => ({ type: DataTypes.DATE(3), allowNull });
const tenantFk = () => ({
  type: DataTypes.INTEGER,
  allowNull: false,
  references: { model: 'tenants', key: 'id' },
  onDelete: 'CASCADE',
});

export const up: MigrationFn = async ({ context: qi }) => {
  // LONGTEXT on MySQL (raw webhook bodies can reach megabytes); SQLite's TEXT has no limit.
  const longText = qi.sequelize.getDialect() === 'mysql' ? DataTypes.TEXT('long') : DataTypes.TEXT;
  await qi.createTable('channels', {
    id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true, allowNull: false },
    tenant_id: tenantFk(),
    name: { type: DataTypes.STRING(120), allowNull: false },
    kind: { type: DataTypes.STRING(24), allowNull: false },
    phone_number_id: { type: DataTypes.STRING(64), allowNull: false },
    waba_id: { type: DataTypes.STRING(64), allowNull: false },
    display_phone_number: { type: DataTypes.STRING(32), allowNull: true },
    verified_name: { type: DataTypes.STRING(255), allowNull: true },
    app_id: { type: DataTypes.STRING(64), allowNull: true },
    app_secret_enc: { type: DataTypes.TEXT, allowNull: true },
    access_token_enc: { type: DataTypes.TEXT, allowNull: false },
    verify_token: { type: DataTypes.STRING(64), allowNull: false },
    status: { type: DataTypes.STRING(16), allowNull: false, defaultValue: 'active' },
    quality_rating: { type: DataTypes.STRING(16), allowNull: true },
    messaging_limit: { type: DataTypes.STRING(32), allowNull: true },
    throughput_level: { type: DataTypes.STRING(16), allowNull: true },
    number_status: { type: DataTypes.STRING(24), allowNull: true },
    health_checked_at: ts(true),
    health_error: { type: DataTypes.STRING(500), allowNull: true },
    created_by: { type: DataTypes.INTEGER, allowNull: true },
    created_at: ts(),
    updated_at: ts(),
  });
  // A number belongs to one workspace: its webhooks must route to exactly one tenant.
  await qi.addIndex('channels', ['phone_number_id'], { unique: true, name: 'channels_phone_number_id' });
  await qi.addIndex('channels', ['tenant_id'], { name: 'channels_tenant' });

  await qi.createTable('webhook_events', {
    id: { type: DataTypes.BIGINT, autoIncrement: true, primaryKey: true, allowNull: false },
    source: { type: DataTypes.STRING(16), allowNull: false },
    channel_id: { type: DataTypes.INTEGER, allowNull: true },
    tenant_id: { type: DataTypes.INTEGER, allowNull: true },
    body: { type: longText, allowNull: false },
    received_at: ts(),
    status: { type: DataTypes.STRING(12), allowNull: false, defaultValue: 'pending' },
    attempts: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
    next_attempt_at: ts(),
    claimed_by: { type: DataTypes.STRING(64), allowNull: true },
    claimed_until: ts(true),
    last_error: { type: DataTypes.TEXT, allowNull: true },
    processed_at: ts(true),
  });
  await qi.addIndex('webhook_events', ['status', 'next_attempt_at'], { name: 'webhook_events_due' });
  await qi.addIndex('webhook_events', ['tenant_id', 'status'], { name: 'webhook_events_tenant' });

  await qi.createTable('wa_messages', {
    id: { type: DataTypes.BIGINT, autoIncrement: true, primaryKey: true, allowNull: false },
    tenant_id: tenantFk(),
    channel_id: { type: DataTypes.INTEGER, allowNull: false, references: { model: 'channels', key: 'id' }, onDelete: 'CASCADE' },
    wamid: { type: DataTypes.STRING(191), allowNull: false },
    direction: { type: DataTypes.STRING(3), allowNull: false },
    wa_id: { type: DataTypes.STRING(32), allowNull: true },
    user_id: { type: DataTypes.STRING(64), allowNull: true },
    profile_name: { type: DataTypes.STRING(255), allowNull: true },
    type: { type: DataTypes.STRING(32), allowNull: false },
    payload: { type: longText, allowNull: false },
    status: { type: DataTypes.STRING(12), allowNull: false },
    status_at: ts(true),
    error_code: { type: DataTypes.INTEGER, allowNull: true },
    error_title: { type: DataTypes.STRING(500), allowNull: true },
    pricing: { type: DataTypes.TEXT, allowNull: true },
    biz_opaque_callback_data: { type: DataTypes.STRING(512), allowNull: true },
    occurred_at: ts(),
    webhook_event_id: { type: DataTypes.BIGINT, allowNull: true },
    created_at: ts(),
    updated_at: ts(),
  });
  await qi.addIndex('wa_messages', ['channel_id', 'wamid'], { unique: true, name: 'wa_messages_channel_wamid' });
  await qi.addIndex('wa_messages', ['tenant_id', 'occurred_at'], { name: 'wa_messages_tenant_time' });

  await qi.createTable('wa_status_events', {
    id: { type: DataTypes.BIGINT, autoIncrement: true, primaryKey: true, allowNull: false },
    tenant_id: tenantFk(),
    channel_id: { type: DataTypes.INTEGER, allowNull: false, references: { model: 'channels', key: 'id' }, onDelete: 'CASCADE' },
    wamid: { type: DataTypes.STRING(191), allowNull: false },
    status: { type: DataTypes.STRING(12), allowNull: false },
    occurred_at: ts(),
    payload: { type: DataTypes.TEXT, allowNull: false },
    created_at: ts(),
  });
  await qi.addIndex('wa_status_events', ['channel_id', 'wamid', 'status'], { unique: true, name: 'wa_status_events_dedupe' });
  await qi.addIndex('wa_status_events', ['tenant_id'], { name: 'wa_status_events_tenant' });
};

export const down: MigrationFn = async ({ context: qi }) => {
  await qi.dropTable('wa_status_events');
  await qi.dropTable('wa_messages');
  await qi.dropTable('webhook_events');
  await qi.dropTable('channels');
};
