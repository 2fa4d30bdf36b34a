// Models of the inbox's collaboration tables: teams and their members, agents' presence and
// capacity, the tenant's inbox settings, labels, canned responses and notifications.
import { DataTypes, type Model, type Optional, type Sequelize } from 'sequelize';

export const TEAM_ASSIGNMENT = ['manual', 'round_robin'] as const;
export const PRESENCE = ['online', 'away', 'offline'] as const;
export const AGENT_VISIBILITY = ['all', 'mine_team_unassigned', 'mine_team', 'mine'] as const;
export const PRIORITIES = ['none', 'low', 'medium', 'high', 'urgent'] as const;
export type Presence = (typeof PRESENCE)[number];
export type AgentVisibility = (typeof AGENT_VISIBILITY)[number];

const times = {
  createdAt: { type: DataTypes.DATE(3), allowNull: false },
  updatedAt: { type: DataTypes.DATE(3), allowNull: false },
};

export interface TeamAttrs {
  id: number;
  tenantId: number;
  name: string;
  assignment: (typeof TEAM_ASSIGNMENT)[number];
  createdAt: Date;
  updatedAt: Date;
}
export interface TeamInstance
  extends Model<TeamAttrs, Optional<TeamAttrs, 'id' | 'assignment' | 'createdAt' | 'updatedAt'>>, TeamAttrs {}

export interface TeamMemberAttrs {
  teamId: number;
  userId: number;
  tenantId: number;
  createdAt: Date;
}
export interface TeamMemberInstance extends Model<TeamMemberAttrs, Optional<TeamMemberAttrs, 'createdAt'>>, TeamMemberAttrs {}

export interface InboxAgentAttrs {
  id: number;
  tenantId: number;
  userId: number;
  capacity: number | null;
  presence: Presence;
  lastSeenAt: Date | null;
  lastAssignedAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}
export interface InboxAgentInstance
  extends
    Model<
      InboxAgentAttrs,
      Optional<InboxAgentAttrs, 'id' | 'capacity' | 'presence' | 'lastSeenAt' | 'lastAssignedAt' | 'createdAt' | 'updatedAt'>
    >,
    InboxAgentAttrs {}

export interface InboxSettingsAttrs {
  tenantId: number;
  agentVisibility: AgentVisibility;
  autoAssign: boolean;
  createdAt: Date;
  updatedAt: Date;
}
export interface InboxSettingsInstance
  extends
    Model<InboxSettingsAttrs, Optional<InboxSettingsAttrs, 'agentVisibility' | 'autoAssign' | 'createdAt' | 'updatedAt'>>,
    InboxSettingsAttrs {}

export interface LabelAttrs {
  id: number;
  tenantId: number;
  name: string;
  color: string;
  createdAt: Date;
  updatedAt: Date;
}
export interface LabelInstance
  extends Model<LabelAttrs, Optional<LabelAttrs, 'id' | 'color' | 'createdAt' | 'updatedAt'>>, LabelAttrs {}

export interface ConversationLabelAttrs {
  conversationId: number;
  labelId: number;
  tenantId: number;
  createdAt: Date;
}
export interface ConversationLabelInstance
  extends Model<ConversationLabelAttrs, Optional<ConversationLabelAttrs, 'createdAt'>>, ConversationLabelAttrs {}

export interface CannedResponseAttrs {
  id: number;
  tenantId: number;
  shortcode: string;
  title: string;
  /** Text with `{{variables}}`: contact fields fill some, the agent is prompted for the rest. */
  body: string;
  createdAt: Date;
  updatedAt: Date;
}
export interface CannedResponseInstance
  extends Model<CannedResponseAttrs, Optional<CannedResponseAttrs, 'id' | 'createdAt' | 'updatedAt'>>, CannedResponseAttrs {}

export interface NotificationAttrs {
  id: number;
  tenantId: number;
  userId: number;
  /** 'mention' or 'assigned'. */
  kind: string;
  conversationId: number | null;
  messageId: number | null;
  actorUserId: number | null;
  text: string | null;
  readAt: Date | null;
  createdAt: Date;
}
export interface NotificationInstance
  extends
    Model<
      NotificationAttrs,
      Optional<NotificationAttrs, 'id' | 'conversationId' | 'messageId' | 'actorUserId' | 'text' | 'readAt' | 'createdAt'>
    >,
    NotificationAttrs {}

export function defineCollaborationModels(sequelize: Sequelize) {
  const Team = sequelize.define<TeamInstance>(
    'Team',
    {
      id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true },
      tenantId: { type: DataTypes.INTEGER, allowNull: false },
      name: { type: DataTypes.STRING(100), allowNull: false },
      assignment: { type: DataTypes.STRING(16), allowNull: false, defaultValue: 'manual' },
      ...times,
    },
    { tableName: 'teams', underscored: true },
  );
  const TeamMember = sequelize.define<TeamMemberInstance>(
    'TeamMember',
    {
      teamId: { type: DataTypes.INTEGER, allowNull: false, primaryKey: true },
      userId: { type: DataTypes.INTEGER, allowNull: false, primaryKey: true },
      tenantId: { type: DataTypes.INTEGER, allowNull: false },
      createdAt: { type: DataTypes.DATE(3), allowNull: false },
    },
    { tableName: 'team_members', underscored: true, updatedAt: false },
  );
  const InboxAgent = sequelize.define<InboxAgentInstance>(
    'InboxAgent',
    {
      id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true },
      tenantId: { type: DataTypes.INTEGER, allowNull: false },
      userId: { type: DataTypes.INTEGER, allowNull: false },
      capacity: { type: DataTypes.INTEGER, allowNull: true },
      presence: { type: DataTypes.STRING(8), allowNull: false, defaultValue: 'offline' },
      lastSeenAt: { type: DataTypes.DATE(3), allowNull: true },
      lastAssignedAt: { type: DataTypes.DATE(3), allowNull: true },
      ...times,
    },
    { tableName: 'inbox_agents', underscored: true },
  );
  const InboxSettings = sequelize.define<InboxSettingsInstance>(
    'InboxSettings',
    {
      tenantId: { type: DataTypes.INTEGER, allowNull: false, primaryKey: true },
      agentVisibility: { type: DataTypes.STRING(24), allowNull: false, defaultValue: 'mine_team_unassigned' },
      autoAssign: { type: DataTypes.BOOLEAN, allowNull: false, defaultValue: false },
      ...times,
    },
    { tableName: 'inbox_settings', underscored: true },
  );
  const Label = sequelize.define<LabelInstance>(
    'Label',
    {
      id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true },
      tenantId: { type: DataTypes.INTEGER, allowNull: false },
      name: { type: DataTypes.STRING(50), allowNull: false },
      color: { type: DataTypes.STRING(7), allowNull: false, defaultValue: '#6b7280' },
      ...times,
    },
    { tableName: 'labels', underscored: true },
  );
  const ConversationLabel = sequelize.define<ConversationLabelInstance>(
    'ConversationLabel',
    {
      conversationId: { type: DataTypes.BIGINT, allowNull: false, primaryKey: true },
      labelId: { type: DataTypes.INTEGER, allowNull: false, primaryKey: true },
      tenantId: { type: DataTypes.INTEGER, allowNull: false },
      createdAt: { type: DataTypes.DATE(3), allowNull: false },
    },
    { tableName: 'conversation_labels', underscored: true, updatedAt: false },
  );
  const CannedResponse = sequelize.define<CannedResponseInstance>(
    'CannedResponse',
    {
      id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true },
      tenantId: { type: DataTypes.INTEGER, allowNull: false },
      shortcode: { type: DataTypes.STRING(50), allowNull: false },
      title: { type: DataTypes.STRING(120), allowNull: false },
      body: { type: DataTypes.TEXT, allowNull: false },
      ...times,
    },
    { tableName: 'canned_responses', underscored: true },
  );
  const Notification = sequelize.define<NotificationInstance>(
    'Notification',
    {
      id: { type: DataTypes.BIGINT, autoIncrement: true, primaryKey: true },
      tenantId: { type: DataTypes.INTEGER, allowNull: false },
      userId: { type: DataTypes.INTEGER, allowNull: false },
      kind: { type: DataTypes.STRING(24), allowNull: false },
      conversationId: { type: DataTypes.BIGINT, allowNull: true },
      messageId: { type: DataTypes.BIGINT, allowNull: true },
      actorUserId: { type: DataTypes.INTEGER, allowNull: true },
      text: { type: DataTypes.STRING(255), allowNull: true },
      readAt: { type: DataTypes.DATE(3), allowNull: true },
      createdAt: { type: DataTypes.DATE(3), allowNull: false },
    },
    { tableName: 'notifications', underscored: true, updatedAt: false },
  );
  return { Team, TeamMember, InboxAgent, InboxSettings, Label, ConversationLabel, CannedResponse, Notification };
}
