// The shared inbox's collaboration data: assignment (assignee, team, priority, snooze), labels,
// teams with round-robin and capacity, agents' presence, canned responses, @mention notifications,
// what a sent message needs (sender, private note, reply context, media, idempotency key, searchable
// text), and stored media blobs.
import { DataTypes } from 'sequelize';
import type { MigrationFn } from '../backend/src/db/migrate.ts';

const tenantFk = {
  type: DataTypes.INTEGER,
  allowNull: false,
  references: { model: 'tenants', key: 'id' },
  onDelete: 'CASCADE',
} as const;
const times = {
  created_at: { type: DataTypes.DATE(3), allowNull: false },
  updated_at: { type: DataTypes.DATE(3), allowNull: false },
} as const;

export const up: MigrationFn = async ({ context: qi }) => {
  await qi.addColumn('conversations', 'priority', { type: DataTypes.STRING(8), allowNull: false, defaultValue: 'none' });
  await qi.addColumn('conversations', 'assignee_user_id', { type: DataTypes.INTEGER, allowNull: true });
  await qi.addColumn('conversations', 'team_id', { type: DataTypes.INTEGER, allowNull: true });
  await qi.addColumn('conversations', 'snoozed_until', { type: DataTypes.DATE(3), allowNull: true });
  await qi.addIndex('conversations', ['tenant_id', 'assignee_user_id', 'last_message_at', 'id'], {
    name: 'conversations_tenant_assignee_recent',
  });
  await qi.addIndex('conversations', ['tenant_id', 'team_id', 'last_message_at', 'id'], {
    name: 'conversations_tenant_team_recent',
  });

  await qi.addColumn('wa_messages', 'sender_user_id', { type: DataTypes.INTEGER, allowNull: true });
  await qi.addColumn('wa_messages', 'is_note', { type: DataTypes.BOOLEAN, allowNull: false, defaultValue: false });
  await qi.addColumn('wa_messages', 'reply_to_wamid', { type: DataTypes.STRING(191), allowNull: true });
  await qi.addColumn('wa_messages', 'media', { type: DataTypes.TEXT, allowNull: true });
  await qi.addColumn('wa_messages', 'body_text', { type: DataTypes.TEXT, allowNull: true });
  await qi.addColumn('wa_messages', 'client_ref', { type: DataTypes.STRING(64), allowNull: true });
  await qi.addIndex('wa_messages', ['conversation_id', 'client_ref'], { unique: true, name: 'wa_messages_client_ref' });
  await qi.addIndex('wa_messages', ['tenant_id', 'id'], { name: 'wa_messages_tenant_id' });

  await qi.createTable('teams', {
    id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true, allowNull: false },
    tenant_id: tenantFk,
    name: { type: DataTypes.STRING(100), allowNull: false },
    /** 'manual' or 'round_robin' (new conversations of the team go to online agents under capacity). */
    assignment: { type: DataTypes.STRING(16), allowNull: false, defaultValue: 'manual' },
    ...times,
  });
  await qi.addIndex('teams', ['tenant_id', 'name'], { unique: true, name: 'teams_tenant_name' });

  await qi.createTable('team_members', {
    team_id: {
      type: DataTypes.INTEGER,
      allowNull: false,
      primaryKey: true,
      references: { model: 'teams', key: 'id' },
      onDelete: 'CASCADE',
    },
    user_id: {
      type: DataTypes.INTEGER,
      allowNull: false,
      primaryKey: true,
      references: { model: 'users', key: 'id' },
      onDelete: 'CASCADE',
    },
    tenant_id: tenantFk,
    created_at: { type: DataTypes.DATE(3), allowNull: false },
  });
  await qi.addIndex('team_members', ['tenant_id', 'user_id'], { name: 'team_members_tenant_user' });

  await qi.createTable('inbox_agents', {
    id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true, allowNull: false },
    tenant_id: tenantFk,
    user_id: { type: DataTypes.INTEGER, allowNull: false, references: { model: 'users', key: 'id' }, onDelete: 'CASCADE' },
    /** Open conversations this agent may hold at once before round-robin skips them; null: no limit. */
    capacity: { type: DataTypes.INTEGER, allowNull: true },
    presence: { type: DataTypes.STRING(8), allowNull: false, defaultValue: 'offline' },
    last_seen_at: { type: DataTypes.DATE(3), allowNull: true },
    last_assigned_at: { type: DataTypes.DATE(3), allowNull: true },
    ...times,
  });
  await qi.addIndex('inbox_agents', ['tenant_id', 'user_id'], { unique: true, name: 'inbox_agents_tenant_user' });

  await qi.createTable('inbox_settings', {
    tenant_id: { ...tenantFk, primaryKey: true },
    /** What an agent (not a manager) sees: 'all', or 'mine_team_unassigned', 'mine_team', 'mine'. */
    agent_visibility: { type: DataTypes.STRING(24), allowNull: false, defaultValue: 'mine_team_unassigned' },
    /** Round-robin new conversations that have no team among all online agents. */
    auto_assign: { type: DataTypes.BOOLEAN, allowNull: false, defaultValue: false },
    ...times,
  });

  await qi.createTable('labels', {
    id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true, allowNull: false },
    tenant_id: tenantFk,
    name: { type: DataTypes.STRING(50), allowNull: false },
    color: { type: DataTypes.STRING(7), allowNull: false, defaultValue: '#6b7280' },
    ...times,
  });
  await qi.addIndex('labels', ['tenant_id', 'name'], { unique: true, name: 'labels_tenant_name' });

  await qi.createTable('conversation_labels', {
    conversation_id: {
      type: DataTypes.BIGINT,
      allowNull: false,
      primaryKey: true,
      references: { model: 'conversations', key: 'id' },
      onDelete: 'CASCADE',
    },
    label_id: {
      type: DataTypes.INTEGER,
      allowNull: false,
      primaryKey: true,
      references: { model: 'labels', key: 'id' },
      onDelete: 'CASCADE',
    },
    tenant_id: tenantFk,
    created_at: { type: DataTypes.DATE(3), allowNull: false },
  });
  await qi.addIndex('conversation_labels', ['label_id', 'conversation_id'], { name: 'conversation_labels_label' });

  await qi.createTable('canned_responses', {
    id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true, allowNull: false },
    tenant_id: tenantFk,
    shortcode: { type: DataTypes.STRING(50), allowNull: false },
    title: { type: DataTypes.STRING(120), allowNull: false },
    body: { type: DataTypes.TEXT, allowNull: false },
    ...times,
  });
  await qi.addIndex('canned_responses', ['tenant_id', 'shortcode'], { unique: true, name: 'canned_responses_tenant_shortcode' });

  await qi.createTable('notifications', {
    id: { type: DataTypes.BIGINT, autoIncrement: true, primaryKey: true, allowNull: false },
    tenant_id: tenantFk,
    user_id: { type: DataTypes.INTEGER, allowNull: false, references: { model: 'users', key: 'id' }, onDelete: 'CASCADE' },
    kind: { type: DataTypes.STRING(24), allowNull: false },
    conversation_id: { type: DataTypes.BIGINT, allowNull: true },
    message_id: { type: DataTypes.BIGINT, allowNull: true },
    actor_user_id: { type: DataTypes.INTEGER, allowNull: true },
    text: { type: DataTypes.STRING(255), allowNull: true },
    read_at: { type: DataTypes.DATE(3), allowNull: true },
    created_at: { type: DataTypes.DATE(3), allowNull: false },
  });
  await qi.addIndex('notifications', ['tenant_id', 'user_id', 'id'], { name: 'notifications_tenant_user' });

  await qi.createTable('blobs', {
    id: { type: DataTypes.BIGINT, autoIncrement: true, primaryKey: true, allowNull: false },
    tenant_id: tenantFk,
    /** Where the bytes live in the blob store (a path under data/media, or an object key). */
    storage_key: { type: DataTypes.STRING(255), allowNull: false },
    mime: { type: DataTypes.STRING(100), allowNull: false },
    size: { type: DataTypes.BIGINT, allowNull: false },
    sha256: { type: DataTypes.STRING(64), allowNull: false },
    filename: { type: DataTypes.STRING(255), allowNull: true },
    created_by_user_id: { type: DataTypes.INTEGER, allowNull: true },
    created_at: { type: DataTypes.DATE(3), allowNull: false },
  });
  await qi.addIndex('blobs', ['tenant_id', 'id'], { name: 'blobs_tenant' });
};

export const down: MigrationFn = async ({ context: qi }) => {
  for (const t of [
    'blobs',
    'notifications',
    'canned_responses',
    'conversation_labels',
    'labels',
    'inbox_settings',
    'inbox_agents',
    'team_members',
    'teams',
  ]) {
    await qi.dropTable(t);
  }
  await qi.removeIndex('wa_messages', 'wa_messages_tenant_id');
  await qi.removeIndex('wa_messages', 'wa_messages_client_ref');
  for (const c of ['client_ref', 'body_text', 'media', 'reply_to_wamid', 'is_note', 'sender_user_id'])
    await qi.removeColumn('wa_messages', c);
  await qi.removeIndex('conversations', 'conversations_tenant_team_recent');
  await qi.removeIndex('conversations', 'conversations_tenant_assignee_recent');
  for (const c of ['snoozed_until', 'team_id', 'assignee_user_id', 'priority']) await qi.removeColumn('conversations', c);
};
