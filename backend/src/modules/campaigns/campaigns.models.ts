// Models of the campaign tables: the campaign, one row per recipient (the send state machine and the
// statistics), and the per-number pacer every worker reserves send slots from.
import { DataTypes, type Model, type Optional, type Sequelize } from 'sequelize';

export const CAMPAIGN_STATUSES = [
  'draft',
  'scheduled',
  'preparing',
  'running',
  'paused',
  'stopped',
  'completed',
  'cancelled',
] as const;
export type CampaignStatus = (typeof CAMPAIGN_STATUSES)[number];

/**
 * pending → sending (claimed, request about to go out or out) → sent → delivered → read; failed and
 * skipped are final; cancelled is what a cancel leaves of the rows never sent.
 */
export const RECIPIENT_STATES = ['pending', 'sending', 'sent', 'delivered', 'read', 'failed', 'skipped', 'cancelled'] as const;
export type RecipientState = (typeof RECIPIENT_STATES)[number];
export const SKIP_REASONS = ['opted_out', 'invalid_number', 'no_phone', 'duplicate'] as const;
export type SkipReason = (typeof SKIP_REASONS)[number];

const times = {
  createdAt: { type: DataTypes.DATE(3), allowNull: false },
  updatedAt: { type: DataTypes.DATE(3), allowNull: false },
};
type Times = 'createdAt' | 'updatedAt';

export interface CampaignAttrs {
  id: number;
  tenantId: number;
  name: string;
  channelId: number;
  templateName: string;
  templateLanguage: string;
  templateCategory: string;
  /** JSON of the approved template (components, parameter_format) when the campaign was saved. */
  templateSnapshot: string;
  /** JSON of CampaignVariables. */
  variables: string;
  headerMediaId: number | null;
  /** JSON of CampaignAudience. */
  audience: string;
  status: CampaignStatus;
  scheduledAt: Date | null;
  timezone: string;
  /** "HH:MM-HH:MM" in each recipient's time zone, or null. */
  quietHours: string | null;
  ratePerSecond: number | null;
  stopCode: number | null;
  stopReason: string | null;
  confirmedThrough: Date | null;
  materializedAt: Date | null;
  startedAt: Date | null;
  completedAt: Date | null;
  createdBy: number | null;
  createdAt: Date;
  updatedAt: Date;
}
export interface CampaignInstance
  extends
    Model<
      CampaignAttrs,
      Optional<
        CampaignAttrs,
        | 'id'
        | 'templateCategory'
        | 'headerMediaId'
        | 'status'
        | 'scheduledAt'
        | 'timezone'
        | 'quietHours'
        | 'ratePerSecond'
        | 'stopCode'
        | 'stopReason'
        | 'confirmedThrough'
        | 'materializedAt'
        | 'startedAt'
        | 'completedAt'
        | 'createdBy'
        | Times
      >
    >,
    CampaignAttrs {}

export interface CampaignRecipientAttrs {
  id: number;
  campaignId: number;
  tenantId: number;
  contactId: number | null;
  /** E.164 with the leading +. */
  phone: string;
  state: RecipientState;
  skipReason: SkipReason | null;
  attempts: number;
  nextAttemptAt: Date | null;
  claimedBy: string | null;
  claimedUntil: Date | null;
  attemptedAt: Date | null;
  wamid: string | null;
  sentAt: Date | null;
  deliveredAt: Date | null;
  readAt: Date | null;
  repliedAt: Date | null;
  failedAt: Date | null;
  errorCode: number | null;
  errorReason: string | null;
  country: string | null;
  priceMicros: number | null;
  billable: boolean | null;
  createdAt: Date;
  updatedAt: Date;
}
export interface CampaignRecipientInstance
  extends
    Model<
      CampaignRecipientAttrs,
      Optional<
        CampaignRecipientAttrs,
        | 'id'
        | 'contactId'
        | 'state'
        | 'skipReason'
        | 'attempts'
        | 'nextAttemptAt'
        | 'claimedBy'
        | 'claimedUntil'
        | 'attemptedAt'
        | 'wamid'
        | 'sentAt'
        | 'deliveredAt'
        | 'readAt'
        | 'repliedAt'
        | 'failedAt'
        | 'errorCode'
        | 'errorReason'
        | 'country'
        | 'priceMicros'
        | 'billable'
        | Times
      >
    >,
    CampaignRecipientAttrs {}

/** One row per sending number: the next free send slot, shared by every worker (a distributed pacer). */
export interface CampaignPacerAttrs {
  channelId: number;
  nextSlotMs: number;
  slowUntilMs: number;
  slowFactor: number;
  /** The worker that last reserved slots here. */
  lastWorker: string | null;
  /** Until then the number counts as shared by several workers (epoch ms). */
  sharedUntilMs: number;
  updatedAt: Date;
}
export interface CampaignPacerInstance
  extends
    Model<
      CampaignPacerAttrs,
      Optional<CampaignPacerAttrs, 'nextSlotMs' | 'slowUntilMs' | 'slowFactor' | 'lastWorker' | 'sharedUntilMs' | 'updatedAt'>
    >,
    CampaignPacerAttrs {}

export function defineCampaignModels(sequelize: Sequelize) {
  const Campaign = sequelize.define<CampaignInstance>(
    'Campaign',
    {
      id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true },
      tenantId: { type: DataTypes.INTEGER, allowNull: false },
      name: { type: DataTypes.STRING(120), allowNull: false },
      channelId: { type: DataTypes.INTEGER, allowNull: false },
      templateName: { type: DataTypes.STRING(512), allowNull: false },
      templateLanguage: { type: DataTypes.STRING(16), allowNull: false },
      templateCategory: { type: DataTypes.STRING(24), allowNull: false, defaultValue: 'MARKETING' },
      templateSnapshot: { type: DataTypes.TEXT, allowNull: false },
      variables: { type: DataTypes.TEXT, allowNull: false },
      headerMediaId: { type: DataTypes.INTEGER, allowNull: true },
      audience: { type: DataTypes.TEXT, allowNull: false },
      status: { type: DataTypes.STRING(16), allowNull: false, defaultValue: 'draft' },
      scheduledAt: { type: DataTypes.DATE(3), allowNull: true },
      timezone: { type: DataTypes.STRING(64), allowNull: false, defaultValue: 'UTC' },
      quietHours: { type: DataTypes.STRING(64), allowNull: true },
      ratePerSecond: { type: DataTypes.INTEGER, allowNull: true },
      stopCode: { type: DataTypes.INTEGER, allowNull: true },
      stopReason: { type: DataTypes.STRING(500), allowNull: true },
      confirmedThrough: { type: DataTypes.DATE(3), allowNull: true },
      materializedAt: { type: DataTypes.DATE(3), allowNull: true },
      startedAt: { type: DataTypes.DATE(3), allowNull: true },
      completedAt: { type: DataTypes.DATE(3), allowNull: true },
      createdBy: { type: DataTypes.INTEGER, allowNull: true },
      ...times,
    },
    { tableName: 'campaigns', underscored: true },
  );
  const CampaignRecipient = sequelize.define<CampaignRecipientInstance>(
    'CampaignRecipient',
    {
      id: { type: DataTypes.BIGINT, autoIncrement: true, primaryKey: true },
      campaignId: { type: DataTypes.INTEGER, allowNull: false },
      tenantId: { type: DataTypes.INTEGER, allowNull: false },
      contactId: { type: DataTypes.INTEGER, allowNull: true },
      phone: { type: DataTypes.STRING(20), allowNull: false },
      state: { type: DataTypes.STRING(12), allowNull: false, defaultValue: 'pending' },
      skipReason: { type: DataTypes.STRING(24), allowNull: true },
      attempts: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
      nextAttemptAt: { type: DataTypes.DATE(3), allowNull: true },
      claimedBy: { type: DataTypes.STRING(48), allowNull: true },
      claimedUntil: { type: DataTypes.DATE(3), allowNull: true },
      attemptedAt: { type: DataTypes.DATE(3), allowNull: true },
      wamid: { type: DataTypes.STRING(128), allowNull: true },
      sentAt: { type: DataTypes.DATE(3), allowNull: true },
      deliveredAt: { type: DataTypes.DATE(3), allowNull: true },
      readAt: { type: DataTypes.DATE(3), allowNull: true },
      repliedAt: { type: DataTypes.DATE(3), allowNull: true },
      failedAt: { type: DataTypes.DATE(3), allowNull: true },
      errorCode: { type: DataTypes.INTEGER, allowNull: true },
      errorReason: { type: DataTypes.STRING(255), allowNull: true },
      country: { type: DataTypes.STRING(2), allowNull: true },
      priceMicros: { type: DataTypes.INTEGER, allowNull: true },
      billable: { type: DataTypes.BOOLEAN, allowNull: true },
      ...times,
    },
    { tableName: 'campaign_recipients', underscored: true },
  );
  const CampaignPacer = sequelize.define<CampaignPacerInstance>(
    'CampaignPacer',
    {
      channelId: { type: DataTypes.INTEGER, primaryKey: true },
      // BIGINT comes back as a string from mysql2; the getters make it a number again.
      nextSlotMs: {
        type: DataTypes.BIGINT,
        allowNull: false,
        defaultValue: 0,
        get() {
          return Number(this.getDataValue('nextSlotMs'));
        },
      },
      slowUntilMs: {
        type: DataTypes.BIGINT,
        allowNull: false,
        defaultValue: 0,
        get() {
          return Number(this.getDataValue('slowUntilMs'));
        },
      },
      slowFactor: { type: DataTypes.FLOAT, allowNull: false, defaultValue: 1 },
      lastWorker: { type: DataTypes.STRING(80), allowNull: true },
      sharedUntilMs: {
        type: DataTypes.BIGINT,
        allowNull: false,
        defaultValue: 0,
        get() {
          return Number(this.getDataValue('sharedUntilMs'));
        },
      },
      updatedAt: { type: DataTypes.DATE(3), allowNull: false },
    },
    { tableName: 'campaign_pacers', underscored: true, createdAt: false },
  );
  return { Campaign, CampaignRecipient, CampaignPacer };
}
