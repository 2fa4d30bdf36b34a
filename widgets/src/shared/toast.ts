// The page-level notification stack. Host bridges without a toast of their own dispatch a window
// `wa-toast` event; one region per page turns those into announced, dismissible notifications.
import { html, css, type PropertyValues } from 'lit';
import { WaElement } from './base-element.ts';
import type { ToastOptions } from './host-bridge.ts';

export type ToastKind = 'info' | 'success' | 'error';

export interface ToastItem {
  id: string;
  message: string;
  kind: ToastKind;
  /** Milliseconds before it disappears; 0 keeps it until dismissed. */
  duration: number;
}

export type ToastDismissReason = 'timeout' | 'user' | 'evicted' | 'api';

interface Timer {
  remaining: number;
  startedAt: number;
  handle: ReturnType<typeof setTimeout> | null;
}

/** How many toasts are on screen at once; more would cover the widget they report on. */
export const MAX_VISIBLE_TOASTS = 4;
const DEFAULT_DURATION = 5000;
// Errors usually carry something to act on (and a request id to copy), so they stay longer.
const ERROR_DURATION = 8000;

let nextId = 0;

/**
 * A fixed stack of notifications in the corner of the page.
 *
 * Info and success toasts are announced politely (`aria-live="polite"`), errors assertively
 * (`aria-live="assertive"`) and stack above the others. Auto-dismiss pauses while the pointer or keyboard focus is inside the region, so
 * nobody loses a message they are reading. Escape dismisses the focused toast.
 *
 * While connected, the region listens to the window `wa-toast` event (`detail: { message, kind,
 * duration }`) that host bridges dispatch; the first region on the page handles it and stops it from
 * reaching other regions, so two widgets each carrying a region never double a toast.
 *
 * @tag wa-toast-region
 *
 * @property {'light'|'dark'} theme - Colour theme (inherited from WaElement).
 *
 * @method show(message: string, options?: { kind?: 'info'|'success'|'error'; duration?: number }): string -
 *   Shows a toast and returns its id. `duration` defaults to 5000 ms (8000 ms for errors); 0 is sticky.
 * @method dismiss(id: string): void - Removes one toast.
 * @method clear(): void - Removes every toast.
 *
 * @event wa-toast-dismiss - A toast left. `detail: { id, message, kind, reason: 'timeout'|'user'|'evicted'|'api' }`.
 *
 * @csspart base - The positioned container (a manual popover where supported, so it sits in the top
 *   layer above host-page stacking contexts). Override `inset` here to move the stack.
 * @csspart toast - One notification; also carries `toast--info`, `toast--success` or `toast--error`.
 * @csspart message - The text of a notification.
 * @csspart close-button - The dismiss button.
 *
 * @cssproperty --wa-z - Stacking order when the popover API is unavailable.
 * @cssproperty --wa-toast-width - Width of the stack (default `min(360px, calc(100vw - 32px))`).
 */
export class WaToastRegion extends WaElement {
  static override styles = [
    WaElement.styles,
    css`
      :host {
        display: contents;
      }
      .region {
        position: fixed;
        inset: auto var(--wa-space-4) var(--wa-space-4) auto;
        z-index: var(--wa-z);
        width: var(--wa-toast-width, min(360px, calc(100vw - 32px)));
        margin: 0;
        padding: 0;
        border: 0;
        background: transparent;
        overflow: visible;
        display: flex;
        flex-direction: column;
        gap: var(--wa-space-2);
        /* The empty region must never swallow clicks meant for the page below it. */
        pointer-events: none;
        color: var(--wa-color-text);
        font: var(--wa-font-size) / var(--wa-line-height) var(--wa-font);
      }
      .stack {
        display: flex;
        flex-direction: column;
        gap: var(--wa-space-2);
      }
      .toast {
        pointer-events: auto;
        display: flex;
        align-items: flex-start;
        gap: var(--wa-space-2);
        padding: var(--wa-space-3) var(--wa-space-3) var(--wa-space-3) var(--wa-space-4);
        border: 1px solid var(--wa-color-border);
        border-inline-start: 4px solid var(--wa-color-primary);
        border-radius: var(--wa-radius);
        background: var(--wa-color-bg);
        box-shadow: var(--wa-shadow);
        animation: wa-toast-in 160ms ease-out;
      }
      .toast--success {
        border-inline-start-color: var(--wa-color-success);
      }
      .toast--error {
        border-inline-start-color: var(--wa-color-danger);
      }
      .message {
        flex: 1;
        min-width: 0;
        overflow-wrap: anywhere;
        padding-block: 2px;
      }
      .close {
        flex: none;
        display: inline-grid;
        place-items: center;
        width: 28px;
        height: 28px;
        padding: 0;
        border: 0;
        border-radius: var(--wa-radius-sm);
        background: transparent;
        color: var(--wa-color-text-muted);
        font-size: 18px;
        line-height: 1;
        cursor: pointer;
      }
      .close:hover {
        background: var(--wa-color-surface);
        color: var(--wa-color-text);
      }
      .close:focus-visible,
      .toast:focus-visible {
        outline: 2px solid var(--wa-color-focus);
        outline-offset: 2px;
      }
      @keyframes wa-toast-in {
        from {
          opacity: 0;
          transform: translateY(8px);
        }
      }
      @media (prefers-reduced-motion: reduce) {
        .toast {
          animation: none;
        }
      }
    `,
  ];

  static override properties = {
    ...WaElement.properties,
    _toasts: { state: true },
  };

  declare _toasts: ToastItem[];

  readonly #timers = new Map<string, Timer>();
  #paused = false;

  constructor() {
    super();
    this._toasts = [];
  }

  /** Shows a toast and returns its id (for `dismiss`). */
  show(message: string, options: ToastOptions = {}): string {
    const kind: ToastKind = options.kind ?? 'info';
    const duration = Math.max(0, options.duration ?? (kind === 'error' ? ERROR_DURATION : DEFAULT_DURATION));
    const item: ToastItem = { id: `wa-toast-${++nextId}`, message: String(message), kind, duration };
    let toasts = [...this._toasts, item];
    while (toasts.length > MAX_VISIBLE_TOASTS) {
      // Make room by dropping the oldest toast that would have left on its own anyway; a sticky one
      // only goes when everything on screen is sticky.
      const victim = toasts.find((t) => t.duration > 0 && t !== item) ?? toasts[0];
      toasts = toasts.filter((t) => t !== victim);
      this.#stopTimer(victim.id);
      this.#announceDismiss(victim, 'evicted');
    }
    this._toasts = toasts;
    if (duration > 0) this.#startTimer(item.id, duration);
    return item.id;
  }

  /** Removes one toast (no-op when it has already gone). */
  dismiss(id: string): void {
    this.#remove(id, 'api');
  }

  /** Removes every toast. */
  clear(): void {
    for (const t of [...this._toasts]) this.#remove(t.id, 'api');
  }

  override connectedCallback(): void {
    super.connectedCallback();
    globalThis.addEventListener('wa-toast', this.#onWindowToast);
    if (this.hasUpdated) this.#showPopover();
    if (this.#paused) this.#unpause();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    globalThis.removeEventListener('wa-toast', this.#onWindowToast);
    // Kept with their remaining time: a region moved in the DOM carries on where it was.
    this.#pause();
  }

  protected override firstUpdated(changed: PropertyValues): void {
    super.firstUpdated(changed);
    this.#showPopover();
  }

  // In the top layer the stack escapes transformed or z-indexed ancestors on the host page; the
  // fixed positioning and --wa-z remain the fallback for engines without popover. Removing the
  // element closes the popover, so a re-connected region opens it again.
  #showPopover(): void {
    const region = this.renderRoot.querySelector<HTMLElement>('.region');
    if (!region || typeof region.showPopover !== 'function' || !region.isConnected) return;
    try {
      if (!region.matches(':popover-open')) region.showPopover();
    } catch {
      // Not supported for this element in this engine: fixed positioning still applies.
    }
  }

  #onWindowToast = (event: Event): void => {
    const detail = (event as CustomEvent<{ message?: unknown } & ToastOptions>).detail;
    if (!detail || typeof detail.message !== 'string') return;
    event.stopImmediatePropagation();
    this.show(detail.message, { kind: detail.kind, duration: detail.duration });
  };

  #remove(id: string, reason: ToastDismissReason): void {
    const item = this._toasts.find((t) => t.id === id);
    if (!item) return;
    this.#stopTimer(id);
    this._toasts = this._toasts.filter((t) => t.id !== id);
    this.#announceDismiss(item, reason);
  }

  #announceDismiss(item: ToastItem, reason: ToastDismissReason): void {
    this.emit('wa-toast-dismiss', { id: item.id, message: item.message, kind: item.kind, reason });
  }

  #startTimer(id: string, ms: number): void {
    const timer: Timer = { remaining: ms, startedAt: Date.now(), handle: null };
    this.#timers.set(id, timer);
    if (!this.#paused) timer.handle = setTimeout(() => this.#remove(id, 'timeout'), ms);
  }

  #stopTimer(id: string): void {
    const timer = this.#timers.get(id);
    if (timer?.handle) clearTimeout(timer.handle);
    this.#timers.delete(id);
  }

  // WCAG 2.2.1: a message must not vanish while someone is reading or reaching for it.
  #pause = (): void => {
    if (this.#paused) return;
    this.#paused = true;
    const now = Date.now();
    for (const timer of this.#timers.values()) {
      if (timer.handle) clearTimeout(timer.handle);
      timer.handle = null;
      timer.remaining = Math.max(0, timer.remaining - (now - timer.startedAt));
    }
  };

  #resume = (): void => {
    if (!this.#paused) return;
    // Focus may move between two toasts; only resume once it has really left the region.
    if (this.renderRoot.querySelector('.region:hover') || this.matches(':focus-within')) return;
    this.#unpause();
  };

  #unpause(): void {
    this.#paused = false;
    for (const [id, timer] of this.#timers) {
      timer.startedAt = Date.now();
      // A little grace after leaving so the toast doesn't vanish the instant the pointer moves off.
      timer.handle = setTimeout(() => this.#remove(id, 'timeout'), Math.max(timer.remaining, 1000));
    }
  }

  #onKeydown = (event: KeyboardEvent): void => {
    if (event.key !== 'Escape') return;
    const toast = (event.target as HTMLElement).closest?.('[data-toast-id]');
    const id = toast?.getAttribute('data-toast-id');
    if (id) {
      event.stopPropagation();
      this.#remove(id, 'user');
    }
  };

  #renderToast(t: ToastItem) {
    return html`<div part="toast toast--${t.kind}" class="toast toast--${t.kind}" data-toast-id=${t.id} aria-atomic="true">
      <div part="message" class="message">${t.message}</div>
      <button
        part="close-button"
        class="close"
        type="button"
        aria-label="Dismiss notification"
        @click=${() => this.#remove(t.id, 'user')}
      >
        <span aria-hidden="true">×</span>
      </button>
    </div>`;
  }

  override render() {
    const polite = this._toasts.filter((t) => t.kind !== 'error');
    const urgent = this._toasts.filter((t) => t.kind === 'error');
    // Both live regions are always rendered, even when empty: screen readers only announce changes
    // to a live region that already existed before the content arrived.
    return html`<section
      part="base"
      class="region"
      popover="manual"
      aria-label="Notifications"
      @mouseenter=${this.#pause}
      @mouseleave=${this.#resume}
      @focusin=${this.#pause}
      @focusout=${() => setTimeout(this.#resume)}
      @keydown=${this.#onKeydown}
    >
      <div class="stack urgent" aria-live="assertive" aria-relevant="additions">${urgent.map((t) => this.#renderToast(t))}</div>
      <div class="stack polite" role="status" aria-live="polite" aria-relevant="additions">
        ${polite.map((t) => this.#renderToast(t))}
      </div>
    </section>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'wa-toast-region': WaToastRegion;
  }
}
