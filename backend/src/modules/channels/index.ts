// The channels module owns connected WhatsApp numbers (credentials, Embedded Signup, health) and the
// webhook pipeline: signed raw events persisted before acknowledgement, then processed exactly once.
export { ChannelsService, TOKEN_CONTEXT, SECRET_CONTEXT } from './channels.service.ts';
export { channelsRoutes } from './channels.routes.ts';
export { webhookRouter, type WebhookSecrets } from './webhooks.routes.ts';
export { WebhookIngest, verifySignature } from './webhook-ingest.ts';
export { WebhookProcessor, STATUS_RANK, statusesBelow, type FreshInbound } from './webhook-processor.ts';
export { serviceWindow, windowFrom, assertWindowOpen, SERVICE_WINDOW_MS, type ServiceWindow } from './service-window.ts';
