import { DataTypes, type Model, type Optional, type Sequelize } from 'sequelize';

export type MessageDirection = 'in' | 'out';

export interface WaMessageAttrs {
  id: number;
  tenantId: number;
  channelId: number;
  wamid: string;
  direction: MessageDirection;
  /** The customer's phone id; may be absent when the customer uses a username (BSUID only). */
  waId: string | null;
  userId: string | null;
  profileName: string | null;
  type: string;
  /** The message object exactly as WhatsApp sent it (JSON), unknown fields included. */
  payload: string;
  /** Inbound: 'received'. Outbound: accepted → sent → delivered → read (played), or failed. */
  status: string;
  statusAt: Date | null;
  errorCode: number | null;
  errorTitle: string | null;
  pricing: string | null;
  bizOpaqueCallbackData: string | null;
  occurredAt: Date;
  webhookEventId: number | null;
  conversationId: number | null;
  /** Outbound from the inbox: the agent who sent it (null for bots, campaigns, the API). */
  senderUserId: number | null;
  /** A private note between agents: stored in the thread, never sent to WhatsApp. */
  isNote: boolean;
  /** The wamid of the message this one quotes (reply context). */
  replyToWamid: string | null;
  /** JSON: { blobId, mime, size, filename, sha256, state: 'pending' | 'stored' | 'failed', error }. */
  media: string | null;
  /** The stored file of `media` once there is one (indexed: media access is checked through it). */
  mediaBlobId: number | null;
  /** The message's words, for search and previews. */
  bodyText: string | null;
  /** The sender's idempotency key: the same key in the same conversation never sends twice. */
  clientRef: string | null;
  createdAt: Date;
  updatedAt: Date;
}
export type WaMessageCreation = Optional<
  WaMessageAttrs,
  | 'id'
  | 'waId'
  | 'userId'
  | 'profileName'
  | 'statusAt'
  | 'errorCode'
  | 'errorTitle'
  | 'pricing'
  | 'bizOpaqueCallbackData'
  | 'webhookEventId'
  | 'conversationId'
  | 'senderUserId'
  | 'isNote'
  | 'replyToWamid'
  | 'media'
  | 'mediaBlobId'
  | 'bodyText'
  | 'clientRef'
  | 'createdAt'
  | 'updatedAt'
>;
export interface WaMessageInstance extends Model<WaMessageAttrs, WaMessageCreation>, WaMessageAttrs {}

export function defineWaMessage(sequelize: Sequelize) {
  return sequelize.define<WaMessageInstance>(
    'WaMessage',
    {
      id: { type: DataTypes.BIGINT, autoIncrement: true, primaryKey: true },
      tenantId: { type: DataTypes.INTEGER, allowNull: false },
      channelId: { type: DataTypes.INTEGER, allowNull: false },
      wamid: { type: DataTypes.STRING(191), allowNull: false },
      direction: { type: DataTypes.STRING(3), allowNull: false },
      waId: { type: DataTypes.STRING(32), allowNull: true },
      userId: { type: DataTypes.STRING(64), allowNull: true },
      profileName: { type: DataTypes.STRING(255), allowNull: true },
      type: { type: DataTypes.STRING(32), allowNull: false },
      payload: { type: sequelize.getDialect() === 'mysql' ? DataTypes.TEXT('long') : DataTypes.TEXT, allowNull: false },
      status: { type: DataTypes.STRING(12), allowNull: false },
      statusAt: { type: DataTypes.DATE(3), allowNull: true },
      errorCode: { type: DataTypes.INTEGER, allowNull: true },
      errorTitle: { type: DataTypes.STRING(500), allowNull: true },
      pricing: { type: DataTypes.TEXT, allowNull: true },
      bizOpaqueCallbackData: { type: DataTypes.STRING(512), allowNull: true },
      occurredAt: { type: DataTypes.DATE(3), allowNull: false },
      webhookEventId: { type: DataTypes.BIGINT, allowNull: true },
      conversationId: { type: DataTypes.BIGINT, allowNull: true },
      senderUserId: { type: DataTypes.INTEGER, allowNull: true },
      isNote: { type: DataTypes.BOOLEAN, allowNull: false, defaultValue: false },
      replyToWamid: { type: DataTypes.STRING(191), allowNull: true },
      media: { type: DataTypes.TEXT, allowNull: true },
      mediaBlobId: { type: DataTypes.BIGINT, allowNull: true },
      bodyText: { type: DataTypes.TEXT, allowNull: true },
      clientRef: { type: DataTypes.STRING(64), allowNull: true },
      createdAt: { type: DataTypes.DATE(3), allowNull: false },
      updatedAt: { type: DataTypes.DATE(3), allowNull: false },
    },
    { tableName: 'wa_messages', underscored: true },
  );
}
