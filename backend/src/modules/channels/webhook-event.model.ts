import { DataTypes, type Model, type Optional, type Sequelize } from 'sequelize';

export type WebhookEventStatus = 'pending' | 'processed' | 'failed';

/** A webhook POST exactly as received (raw body), persisted before it was acknowledged. */
export interface WebhookEventAttrs {
  id: number;
  source: 'platform' | 'channel';
  channelId: number | null;
  tenantId: number | null;
  body: string;
  receivedAt: Date;
  status: WebhookEventStatus;
  attempts: number;
  nextAttemptAt: Date;
  claimedBy: string | null;
  claimedUntil: Date | null;
  lastError: string | null;
  processedAt: Date | null;
}
export type WebhookEventCreation = Optional<
  WebhookEventAttrs,
  'id' | 'channelId' | 'tenantId' | 'status' | 'attempts' | 'claimedBy' | 'claimedUntil' | 'lastError' | 'processedAt'
>;
export interface WebhookEventInstance extends Model<WebhookEventAttrs, WebhookEventCreation>, WebhookEventAttrs {}

export function defineWebhookEvent(sequelize: Sequelize) {
  return sequelize.define<WebhookEventInstance>(
    'WebhookEvent',
    {
      id: { type: DataTypes.BIGINT, autoIncrement: true, primaryKey: true },
      source: { type: DataTypes.STRING(16), allowNull: false },
      channelId: { type: DataTypes.INTEGER, allowNull: true },
      tenantId: { type: DataTypes.INTEGER, allowNull: true },
      body: { type: sequelize.getDialect() === 'mysql' ? DataTypes.TEXT('long') : DataTypes.TEXT, allowNull: false },
      receivedAt: { type: DataTypes.DATE(3), allowNull: false },
      status: { type: DataTypes.STRING(12), allowNull: false, defaultValue: 'pending' },
      attempts: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
      nextAttemptAt: { type: DataTypes.DATE(3), allowNull: false },
      claimedBy: { type: DataTypes.STRING(64), allowNull: true },
      claimedUntil: { type: DataTypes.DATE(3), allowNull: true },
      lastError: { type: DataTypes.TEXT, allowNull: true },
      processedAt: { type: DataTypes.DATE(3), allowNull: true },
    },
    { tableName: 'webhook_events', underscored: true, timestamps: false },
  );
}
