// The inbox module owns conversations (one per customer and number) and the shared inbox's API.
// This first part: conversations kept current by the webhook pipeline, lists and message history.
export { InboxService, serializeConversation } from './inbox.service.ts';
export { inboxRoutes } from './inbox.routes.ts';
export { recordInbound, previewOf } from './conversations.ts';
export { CONVERSATION_STATUSES, type ConversationStatus } from './conversation.model.ts';
