// A widget pasted on a site owner's page has no shell above it to provide the API client and host
// bridge. The loader leaves its configuration on `window.WA_CONFIG` (from the script tag's data-
// attributes); widgets then share one ScriptBridge built from it, unless an element carries its own
// `data-wa-token` / `data-wa-token-endpoint` / `data-wa-publishable-key`.
import { ScriptBridge, type ThemeName } from './host-bridge.ts';

export interface StandaloneConfig {
  /** Our server's origin (where the loader came from). */
  baseUrl: string;
  token?: string | null;
  tokenEndpoint?: string | null;
  /** The tenant's publishable key, for visitor-facing widgets (the chat bubble). */
  publishableKey?: string | null;
  tenant?: string | number | null;
  theme?: ThemeName;
}

declare global {
  interface Window {
    WA_CONFIG?: StandaloneConfig;
  }
}

let shared: ScriptBridge | null = null;

export function standaloneBridge(el: HTMLElement): ScriptBridge | null {
  const cfg = globalThis.window?.WA_CONFIG;
  const token = el.dataset.waToken ?? null;
  const tokenEndpoint = el.dataset.waTokenEndpoint ?? null;
  const publishableKey = el.dataset.waPublishableKey ?? null;
  const baseUrl = el.dataset.waBase ?? cfg?.baseUrl;
  if (!baseUrl) return null;
  if (token || tokenEndpoint || publishableKey) {
    return new ScriptBridge({ baseUrl, token, tokenEndpoint, publishableKey, theme: cfg?.theme });
  }
  if (!cfg || (!cfg.token && !cfg.tokenEndpoint && !cfg.publishableKey)) return null;
  shared ??= new ScriptBridge({
    baseUrl,
    token: cfg.token,
    tokenEndpoint: cfg.tokenEndpoint,
    publishableKey: cfg.publishableKey,
    tenant: cfg.tenant,
    theme: cfg.theme,
  });
  return shared;
}
