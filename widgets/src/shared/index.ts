// Shared widget foundations: API client, host bridges, context keys, base element and design tokens.
export { ApiClient, ApiError, type ApiClientOptions, type RequestOptions, type UploadOptions } from './api-client.ts';
export { apiContext, hostContext } from './context.ts';
export { ConsoleBridge, ScriptBridge, ShopifyBridge, HubSpotBridge, expiryOf } from './host-bridge.ts';
export type { HostBridge, HostKind, ThemeName, ToastOptions, BridgeOptions, ScriptBridgeOptions } from './host-bridge.ts';
export { WaElement, defineElement } from './base-element.ts';
export { tokens, base } from './tokens.styles.ts';
export { standaloneBridge, type StandaloneConfig } from './standalone.ts';
export { WaToastRegion, MAX_VISIBLE_TOASTS, type ToastItem, type ToastKind, type ToastDismissReason } from './toast.ts';
export { WaEmptyState, WaErrorState, friendlyErrorMessage } from './states.ts';
export { WaSkeleton, type SkeletonVariant } from './skeleton.ts';
export {
  RealtimeClient,
  RealtimeController,
  realtimeFor,
  type RealtimeClientOptions,
  type RealtimeControllerOptions,
  type RealtimeEvent,
  type RealtimeServerError,
  type RealtimeStatus,
} from './realtime.ts';
