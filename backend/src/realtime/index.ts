// Owns real-time delivery: the event bus (in-process, or Redis pub/sub across instances) and the
// authenticated, tenant-scoped WebSocket hub that pushes bus events to subscribed clients.
export { createEventBus, normalizeEvent, DEFAULT_CHANNEL } from './bus.ts';
export type { EventBus, EventBusOptions, EventHandler, ManagedEventBus, RealtimeEvent } from './bus.ts';
export {
  createRealtimeHub,
  TOPIC_PATTERN,
  DEFAULT_HEARTBEAT_MS,
  DEFAULT_MAX_PAYLOAD_BYTES,
  DEFAULT_MAX_TOPICS_PER_CLIENT,
} from './hub.ts';
export type { ErrorCode, RealtimeHub, RealtimeHubOptions, RealtimePrincipal } from './hub.ts';
