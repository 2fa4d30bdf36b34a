// Broadcast campaigns: the campaign, its recipients materialised into one row each (the send state
// machine and the statistics live there), the per-number pacer shared by every worker, and a
// prepaid balance the cost preview reads (the billing issue will put a ledger behind it).
import { DataTypes } from 'sequelize';
import type { MigrationFn } from '../backend/src/db/migrate.ts';

export const up: MigrationFn = async ({ context: qi }) => {
  await qi.createTable('campaigns', {
    id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true, allowNull: false },
    tenant_id: { type: DataTypes.INTEGER, allowNull: false },
    name: { type: DataTypes.STRING(120), allowNull: false },
    channel_id: { type: DataTypes.INTEGER, allowNull: false },
    template_name: { type: DataTypes.STRING(512), allowNull: false },
    template_language: { type: DataTypes.STRING(16), allowNull: false },
    template_category: { type: DataTypes.STRING(24), allowNull: false, defaultValue: 'MARKETING' },
    // The approved template as it was when the campaign was saved (components, parameter format).
    template_snapshot: { type: DataTypes.TEXT, allowNull: false },
    variables: { type: DataTypes.TEXT, allowNull: false },
    header_media_id: { type: DataTypes.INTEGER, allowNull: true },
    audience: { type: DataTypes.TEXT, allowNull: false },
    status: { type: DataTypes.STRING(16), allowNull: false, defaultValue: 'draft' },
    scheduled_at: { type: DataTypes.DATE(3), allowNull: true },
    timezone: { type: DataTypes.STRING(64), allowNull: false, defaultValue: 'UTC' },
    quiet_hours: { type: DataTypes.STRING(64), allowNull: true },
    rate_per_second: { type: DataTypes.INTEGER, allowNull: true },
    stop_code: { type: DataTypes.INTEGER, allowNull: true },
    stop_reason: { type: DataTypes.STRING(500), allowNull: true },
    // The newest send attempt a status webhook has confirmed: proof the pipeline is flowing.
    confirmed_through: { type: DataTypes.DATE(3), allowNull: true },
    materialized_at: { type: DataTypes.DATE(3), allowNull: true },
    started_at: { type: DataTypes.DATE(3), allowNull: true },
    completed_at: { type: DataTypes.DATE(3), allowNull: true },
    created_by: { type: DataTypes.INTEGER, allowNull: true },
    created_at: { type: DataTypes.DATE(3), allowNull: false },
    updated_at: { type: DataTypes.DATE(3), allowNull: false },
  });
  await qi.addIndex('campaigns', ['tenant_id', 'id'], { name: 'campaigns_tenant' });
  await qi.addIndex('campaigns', ['status'], { name: 'campaigns_status' });

  await qi.createTable('campaign_recipients', {
    id: { type: DataTypes.BIGINT, autoIncrement: true, primaryKey: true, allowNull: false },
    campaign_id: { type: DataTypes.INTEGER, allowNull: false },
    tenant_id: { type: DataTypes.INTEGER, allowNull: false },
    contact_id: { type: DataTypes.INTEGER, allowNull: true },
    phone: { type: DataTypes.STRING(20), allowNull: false },
    state: { type: DataTypes.STRING(12), allowNull: false, defaultValue: 'pending' },
    skip_reason: { type: DataTypes.STRING(24), allowNull: true },
    attempts: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
    next_attempt_at: { type: DataTypes.DATE(3), allowNull: true },
    claimed_by: { type: DataTypes.STRING(48), allowNull: true },
    claimed_until: { type: DataTypes.DATE(3), allowNull: true },
    attempted_at: { type: DataTypes.DATE(3), allowNull: true },
    wamid: { type: DataTypes.STRING(128), allowNull: true },
    sent_at: { type: DataTypes.DATE(3), allowNull: true },
    delivered_at: { type: DataTypes.DATE(3), allowNull: true },
    read_at: { type: DataTypes.DATE(3), allowNull: true },
    replied_at: { type: DataTypes.DATE(3), allowNull: true },
    failed_at: { type: DataTypes.DATE(3), allowNull: true },
    error_code: { type: DataTypes.INTEGER, allowNull: true },
    error_reason: { type: DataTypes.STRING(255), allowNull: true },
    country: { type: DataTypes.STRING(2), allowNull: true },
    price_micros: { type: DataTypes.INTEGER, allowNull: true },
    billable: { type: DataTypes.BOOLEAN, allowNull: true },
    created_at: { type: DataTypes.DATE(3), allowNull: false },
    updated_at: { type: DataTypes.DATE(3), allowNull: false },
  });
  // One message per number per campaign: duplicates collapse on materialisation.
  await qi.addIndex('campaign_recipients', ['campaign_id', 'phone'], { name: 'campaign_recipients_phone', unique: true });
  // Claiming: the next due pending rows of a campaign, in id order.
  await qi.addIndex('campaign_recipients', ['campaign_id', 'state', 'next_attempt_at', 'id'], {
    name: 'campaign_recipients_claim',
  });
  // The report's timeline (sends per minute).
  await qi.addIndex('campaign_recipients', ['campaign_id', 'sent_at'], { name: 'campaign_recipients_sent' });
  // Replies: a customer's inbound message marks their recent campaign messages replied.
  await qi.addIndex('campaign_recipients', ['tenant_id', 'contact_id', 'sent_at'], { name: 'campaign_recipients_contact' });

  await qi.createTable('campaign_pacers', {
    channel_id: { type: DataTypes.INTEGER, allowNull: false, primaryKey: true },
    // Epoch milliseconds of the next free send slot for this number, shared by every worker.
    next_slot_ms: { type: DataTypes.BIGINT, allowNull: false, defaultValue: 0 },
    // After a 130429 the number sends at a fraction of its rate until this time.
    slow_until_ms: { type: DataTypes.BIGINT, allowNull: false, defaultValue: 0 },
    slow_factor: { type: DataTypes.FLOAT, allowNull: false, defaultValue: 1 },
    updated_at: { type: DataTypes.DATE(3), allowNull: false },
  });

  await qi.addColumn('tenants', 'balance_micros', { type: DataTypes.BIGINT, allowNull: false, defaultValue: 0 });
  await qi.addColumn('tenants', 'currency', { type: DataTypes.STRING(3), allowNull: false, defaultValue: 'USD' });
};

export const down: MigrationFn = async ({ context: qi }) => {
  await qi.removeColumn('tenants', 'currency');
  await qi.removeColumn('tenants', 'balance_micros');
  await qi.dropTable('campaign_pacers');
  await qi.dropTable('campaign_recipients');
  await qi.dropTable('campaigns');
};
