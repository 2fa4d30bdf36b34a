import { DataTypes, type Model, type Optional, type Sequelize } from 'sequelize';

export const CHANNEL_KINDS = ['manual', 'embedded_signup', 'simulator'] as const;
export type ChannelKind = (typeof CHANNEL_KINDS)[number];

export interface ChannelAttrs {
  id: number;
  tenantId: number;
  name: string;
  kind: ChannelKind;
  phoneNumberId: string;
  wabaId: string;
  displayPhoneNumber: string | null;
  verifiedName: string | null;
  /** Set when the tenant brings its own Meta app (webhooks then arrive on /webhooks/whatsapp/:id). */
  appId: string | null;
  /** Encryption-service envelopes; never serialised to a response. */
  appSecretEnc: string | null;
  accessTokenEnc: string;
  verifyToken: string;
  status: 'active' | 'disconnected';
  qualityRating: string | null;
  messagingLimit: string | null;
  throughputLevel: string | null;
  numberStatus: string | null;
  healthCheckedAt: Date | null;
  healthError: string | null;
  createdBy: number | null;
  createdAt: Date;
  updatedAt: Date;
}
export type ChannelCreation = Optional<
  ChannelAttrs,
  | 'id'
  | 'displayPhoneNumber'
  | 'verifiedName'
  | 'appId'
  | 'appSecretEnc'
  | 'status'
  | 'qualityRating'
  | 'messagingLimit'
  | 'throughputLevel'
  | 'numberStatus'
  | 'healthCheckedAt'
  | 'healthError'
  | 'createdBy'
  | 'createdAt'
  | 'updatedAt'
>;
export interface ChannelInstance extends Model<ChannelAttrs, ChannelCreation>, ChannelAttrs {}

export function defineChannel(sequelize: Sequelize) {
  return sequelize.define<ChannelInstance>(
    'Channel',
    {
      id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true },
      tenantId: { type: DataTypes.INTEGER, allowNull: false },
      name: { type: DataTypes.STRING(120), allowNull: false },
      kind: { type: DataTypes.STRING(24), allowNull: false },
      phoneNumberId: { type: DataTypes.STRING(64), allowNull: false },
      wabaId: { type: DataTypes.STRING(64), allowNull: false },
      displayPhoneNumber: { type: DataTypes.STRING(32), allowNull: true },
      verifiedName: { type: DataTypes.STRING(255), allowNull: true },
      appId: { type: DataTypes.STRING(64), allowNull: true },
      appSecretEnc: { type: DataTypes.TEXT, allowNull: true },
      accessTokenEnc: { type: DataTypes.TEXT, allowNull: false },
      verifyToken: { type: DataTypes.STRING(64), allowNull: false },
      status: { type: DataTypes.STRING(16), allowNull: false, defaultValue: 'active' },
      qualityRating: { type: DataTypes.STRING(16), allowNull: true },
      messagingLimit: { type: DataTypes.STRING(32), allowNull: true },
      throughputLevel: { type: DataTypes.STRING(16), allowNull: true },
      numberStatus: { type: DataTypes.STRING(24), allowNull: true },
      healthCheckedAt: { type: DataTypes.DATE(3), allowNull: true },
      healthError: { type: DataTypes.STRING(500), allowNull: true },
      createdBy: { type: DataTypes.INTEGER, allowNull: true },
      createdAt: { type: DataTypes.DATE(3), allowNull: false },
      updatedAt: { type: DataTypes.DATE(3), allowNull: false },
    },
    { tableName: 'channels', underscored: true },
  );
}
