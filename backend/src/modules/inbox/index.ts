// The inbox module owns conversations (one per customer and number) and the shared inbox's API: lists,
// history, sending, assignment and round-robin, teams, labels, canned replies, presence, notifications.
export { InboxService, serializeConversation, serializeConversations, loadRelations } from './inbox.service.ts';
export { inboxRoutes } from './inbox.routes.ts';
export { CollaborationService, variablesOf } from './collaboration.service.ts';
export { collaborationRoutes } from './collaboration.routes.ts';
export { NotificationsService, userTopic, type MentionNotice } from './notifications.ts';
export { ViewerRegistry, conversationTopic } from './viewers.ts';
export { RoundRobin, ONLINE_WINDOW_MS } from './assignment.ts';
export { MessagesService, DOWNLOAD_MEDIA_JOB, type MentionInput } from './messages.service.ts';
export { messagesRoutes } from './messages.routes.ts';
export { serializeMessages, serializeMessage } from './messages.serialize.ts';
export { recordInbound, previewOf } from './conversations.ts';
export { visibilityWhere, visibleConversation } from './access.ts';
export { CONVERSATION_STATUSES, type ConversationStatus } from './conversation.model.ts';
