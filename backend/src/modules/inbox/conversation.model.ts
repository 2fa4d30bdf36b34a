import { DataTypes, type Model, type Optional, type Sequelize } from 'sequelize';

export const CONVERSATION_STATUSES = ['open', 'pending', 'snoozed', 'resolved'] as const;
export type ConversationStatus = (typeof CONVERSATION_STATUSES)[number];

export interface ConversationAttrs {
  id: number;
  tenantId: number;
  channelId: number;
  /** The customer's wa_id, or their business-scoped user id when they hide their number. */
  customerKey: string;
  waId: string | null;
  userId: string | null;
  profileName: string | null;
  status: ConversationStatus;
  unreadCount: number;
  lastMessageAt: Date;
  lastInboundAt: Date | null;
  /** lastInboundAt + 24 h: until then free-form messages may be sent. */
  windowExpiresAt: Date | null;
  preview: string | null;
  priority: 'none' | 'low' | 'medium' | 'high' | 'urgent';
  assigneeUserId: number | null;
  teamId: number | null;
  /** Status 'snoozed' until then; the conversation reopens when it passes or the customer writes. */
  snoozedUntil: Date | null;
  /** The CRM contact this customer is (set on the first inbound message; moved by a merge). */
  contactId: number | null;
  createdAt: Date;
  updatedAt: Date;
}
export type ConversationCreation = Optional<
  ConversationAttrs,
  | 'id'
  | 'waId'
  | 'userId'
  | 'profileName'
  | 'status'
  | 'unreadCount'
  | 'lastInboundAt'
  | 'windowExpiresAt'
  | 'preview'
  | 'priority'
  | 'assigneeUserId'
  | 'teamId'
  | 'snoozedUntil'
  | 'contactId'
  | 'createdAt'
  | 'updatedAt'
>;
export interface ConversationInstance extends Model<ConversationAttrs, ConversationCreation>, ConversationAttrs {}

export function defineConversation(sequelize: Sequelize) {
  return sequelize.define<ConversationInstance>(
    'Conversation',
    {
      id: { type: DataTypes.BIGINT, autoIncrement: true, primaryKey: true },
      tenantId: { type: DataTypes.INTEGER, allowNull: false },
      channelId: { type: DataTypes.INTEGER, allowNull: false },
      customerKey: { type: DataTypes.STRING(64), allowNull: false },
      waId: { type: DataTypes.STRING(32), allowNull: true },
      userId: { type: DataTypes.STRING(64), allowNull: true },
      profileName: { type: DataTypes.STRING(255), allowNull: true },
      status: { type: DataTypes.STRING(12), allowNull: false, defaultValue: 'open' },
      unreadCount: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
      lastMessageAt: { type: DataTypes.DATE(3), allowNull: false },
      lastInboundAt: { type: DataTypes.DATE(3), allowNull: true },
      windowExpiresAt: { type: DataTypes.DATE(3), allowNull: true },
      preview: { type: DataTypes.STRING(255), allowNull: true },
      priority: { type: DataTypes.STRING(8), allowNull: false, defaultValue: 'none' },
      assigneeUserId: { type: DataTypes.INTEGER, allowNull: true },
      teamId: { type: DataTypes.INTEGER, allowNull: true },
      snoozedUntil: { type: DataTypes.DATE(3), allowNull: true },
      contactId: { type: DataTypes.BIGINT, allowNull: true },
      createdAt: { type: DataTypes.DATE(3), allowNull: false },
      updatedAt: { type: DataTypes.DATE(3), allowNull: false },
    },
    { tableName: 'conversations', underscored: true },
  );
}
