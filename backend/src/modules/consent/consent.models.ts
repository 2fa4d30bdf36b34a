// Models of the consent registry (append-only, hash-chained per tenant; the database refuses UPDATE
// and DELETE on it) and of the per-tenant STOP/START keyword settings.
import { DataTypes, type Model, type Optional, type Sequelize } from 'sequelize';

export const CONSENT_ACTIONS = ['opt_in', 'opt_out'] as const;
export type ConsentAction = (typeof CONSENT_ACTIONS)[number];
export const CONSENT_SOURCES = ['form', 'keyword', 'import', 'agent', 'api'] as const;
export type ConsentSource = (typeof CONSENT_SOURCES)[number];

export interface ConsentEntryAttrs {
  id: number;
  tenantId: number;
  seq: number;
  contactId: number;
  subject: string;
  channel: string;
  action: ConsentAction;
  source: ConsentSource;
  /** JSON evidence. */
  proof: string | null;
  actor: string;
  occurredAt: Date;
  prevHash: string;
  hash: string;
  createdAt: Date;
}
export interface ConsentEntryInstance
  extends Model<ConsentEntryAttrs, Optional<ConsentEntryAttrs, 'id' | 'channel' | 'proof' | 'createdAt'>>, ConsentEntryAttrs {}

export interface ConsentSettingsAttrs {
  tenantId: number;
  /** JSON: [{ keyword, language }] */
  optOutKeywords: string;
  optInKeywords: string;
  /** JSON: { [language]: text } */
  optOutReplies: string;
  optInReplies: string;
  createdAt: Date;
  updatedAt: Date;
}
export interface ConsentSettingsInstance
  extends Model<ConsentSettingsAttrs, Optional<ConsentSettingsAttrs, 'createdAt' | 'updatedAt'>>, ConsentSettingsAttrs {}

export function defineConsentModels(sequelize: Sequelize) {
  const ConsentEntry = sequelize.define<ConsentEntryInstance>(
    'ConsentEntry',
    {
      id: { type: DataTypes.BIGINT, autoIncrement: true, primaryKey: true },
      tenantId: { type: DataTypes.INTEGER, allowNull: false },
      seq: { type: DataTypes.INTEGER, allowNull: false },
      contactId: { type: DataTypes.BIGINT, allowNull: false },
      subject: { type: DataTypes.STRING(64), allowNull: false },
      channel: { type: DataTypes.STRING(16), allowNull: false, defaultValue: 'whatsapp' },
      action: { type: DataTypes.STRING(8), allowNull: false },
      source: { type: DataTypes.STRING(10), allowNull: false },
      proof: { type: DataTypes.TEXT, allowNull: true },
      actor: { type: DataTypes.STRING(64), allowNull: false },
      occurredAt: { type: DataTypes.DATE(3), allowNull: false },
      prevHash: { type: DataTypes.STRING(64), allowNull: false },
      hash: { type: DataTypes.STRING(64), allowNull: false },
      createdAt: { type: DataTypes.DATE(3), allowNull: false },
    },
    { tableName: 'consent_entries', underscored: true, updatedAt: false },
  );
  const ConsentSettings = sequelize.define<ConsentSettingsInstance>(
    'ConsentSettings',
    {
      tenantId: { type: DataTypes.INTEGER, allowNull: false, primaryKey: true },
      optOutKeywords: { type: DataTypes.TEXT, allowNull: false },
      optInKeywords: { type: DataTypes.TEXT, allowNull: false },
      optOutReplies: { type: DataTypes.TEXT, allowNull: false },
      optInReplies: { type: DataTypes.TEXT, allowNull: false },
      createdAt: { type: DataTypes.DATE(3), allowNull: false },
      updatedAt: { type: DataTypes.DATE(3), allowNull: false },
    },
    { tableName: 'consent_settings', underscored: true },
  );
  return { ConsentEntry, ConsentSettings };
}
