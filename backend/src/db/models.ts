// The model registry: every model of the product is listed here and bound to one Sequelize instance.
// Modules receive `Models` through their dependencies instead of importing each other's models.
import type { Sequelize } from 'sequelize';
import { defineTenant } from '../modules/tenants/tenant.model.ts';
import { defineUser } from '../modules/users/user.model.ts';
import { defineMembership } from '../modules/users/membership.model.ts';
import { defineSession } from '../modules/auth/session.model.ts';
import { defineApiToken } from '../modules/auth/api-token.model.ts';
import { defineSetupToken } from '../modules/auth/setup-token.model.ts';
import { defineCredential } from '../modules/credentials/credential.model.ts';
import { defineAuditLog } from '../modules/audit/audit-log.model.ts';
import { defineChannel } from '../modules/channels/channel.model.ts';
import { defineWebhookEvent } from '../modules/channels/webhook-event.model.ts';
import { defineWaMessage } from '../modules/channels/wa-message.model.ts';
import { defineWaStatusEvent } from '../modules/channels/wa-status-event.model.ts';
import { defineConversation } from '../modules/inbox/conversation.model.ts';
import { defineCollaborationModels } from '../modules/inbox/collaboration.models.ts';
import { defineBlob } from '../modules/media/blob.model.ts';
import { defineContactModels } from '../modules/contacts/contacts.models.ts';
import { defineConsentModels } from '../modules/consent/consent.models.ts';
import { defineCampaignModels } from '../modules/campaigns/campaigns.models.ts';

export function createModels(sequelize: Sequelize) {
  const models = {
    Tenant: defineTenant(sequelize),
    User: defineUser(sequelize),
    Membership: defineMembership(sequelize),
    Session: defineSession(sequelize),
    ApiToken: defineApiToken(sequelize),
    SetupToken: defineSetupToken(sequelize),
    Credential: defineCredential(sequelize),
    AuditLog: defineAuditLog(sequelize),
    Channel: defineChannel(sequelize),
    WebhookEvent: defineWebhookEvent(sequelize),
    WaMessage: defineWaMessage(sequelize),
    WaStatusEvent: defineWaStatusEvent(sequelize),
    Conversation: defineConversation(sequelize),
    ...defineCollaborationModels(sequelize),
    Blob: defineBlob(sequelize),
    ...defineContactModels(sequelize),
    ...defineConsentModels(sequelize),
    ...defineCampaignModels(sequelize),
  };
  models.Membership.belongsTo(models.User, { foreignKey: 'userId', as: 'user' });
  models.Membership.belongsTo(models.Tenant, { foreignKey: 'tenantId', as: 'tenant' });
  models.User.hasMany(models.Membership, { foreignKey: 'userId', as: 'memberships' });
  // Message search joins each hit to its conversation (agent visibility is a conversation rule).
  models.WaMessage.belongsTo(models.Conversation, { foreignKey: 'conversationId', as: 'conversation', constraints: false });
  return models;
}

export type Models = ReturnType<typeof createModels>;

/**
 * Every column that holds an encryption-service envelope. The key-rotation command re-encrypts
 * exactly these, so a new encrypted column must be added here.
 */
export const ENCRYPTED_COLUMNS: ReadonlyArray<{ table: string; column: string; keyIdColumn?: string; context: string }> = [
  { table: 'credentials', column: 'ciphertext', keyIdColumn: 'key_id', context: 'credentials.ciphertext' },
  { table: 'channels', column: 'access_token_enc', context: 'channels.access_token' },
  { table: 'channels', column: 'app_secret_enc', context: 'channels.app_secret' },
];

/** Tables that carry a non-null tenant_id; the tenant-isolation tests cover each of them. */
export const TENANT_OWNED_TABLES = [
  'memberships',
  'api_tokens',
  'credentials',
  'audit_logs',
  'channels',
  'wa_messages',
  'wa_status_events',
  'conversations',
  'teams',
  'team_members',
  'inbox_agents',
  'inbox_settings',
  'labels',
  'conversation_labels',
  'canned_responses',
  'notifications',
  'blobs',
  'contacts',
  'contact_attributes',
  'contact_attribute_values',
  'tags',
  'contact_tags',
  'contact_notes',
  'segments',
  'contact_imports',
  'contact_import_errors',
  'consent_entries',
  'consent_settings',
  'campaigns',
  'campaign_recipients',
] as const;
