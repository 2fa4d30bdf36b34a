// The base element of every widget: token styles, a `theme` attribute, and the API client and host
// bridge arriving through @lit/context (a shell provides them; a standalone widget gets its own root
// from the loader). Decorators are avoided so the sources stay erasable TypeScript.
import { LitElement, type CSSResultGroup, type PropertyValues } from 'lit';
import { ContextConsumer } from '@lit/context';
import { apiContext, hostContext } from './context.ts';
import type { ApiClient } from './api-client.ts';
import type { HostBridge, ThemeName } from './host-bridge.ts';
import { base, tokens } from './tokens.styles.ts';
import { standaloneBridge } from './standalone.ts';

export class WaElement extends LitElement {
  static override styles: CSSResultGroup = [tokens, base];
  static override properties = {
    theme: { type: String, reflect: true },
  };

  /** `light`, `dark`, or unset to follow prefers-color-scheme (and the host bridge's choice). */
  declare theme: ThemeName | undefined;

  /**
   * Modal dialogs driven by state: property name → id of a `<dialog>` in the shadow root. The dialog
   * opens (as a modal, so focus is trapped and Escape closes it) while the property is truthy and
   * closes when it is cleared.
   */
  static modals: Readonly<Record<string, string>> = {};

  protected override updated(changed: PropertyValues): void {
    super.updated(changed);
    const modals = (this.constructor as typeof WaElement).modals;
    for (const [prop, id] of Object.entries(modals)) {
      if (!changed.has(prop)) continue;
      const d = this.renderRoot.querySelector<HTMLDialogElement>(`#${id}`);
      const want = Boolean((this as unknown as Record<string, unknown>)[prop]);
      if (want && d && !d.open) d.showModal();
      if (!want && d?.open) d.close();
    }
  }

  readonly #api = new ContextConsumer(this, { context: apiContext, subscribe: true, callback: () => this.contextChanged() });
  readonly #host = new ContextConsumer(this, { context: hostContext, subscribe: true, callback: () => this.contextChanged() });

  get api(): ApiClient | undefined {
    return this.#api.value ?? this.#fallback?.api;
  }

  get host(): HostBridge | undefined {
    return this.#host.value ?? this.#fallback ?? undefined;
  }

  /** Called when the API client or host bridge arrives or changes (tenant switch); re-runs tasks. */
  protected contextChanged(): void {
    const host = this.host;
    if (host && host.look !== 'default') this.dataset.look = host.look;
    if (host && !this.hasAttribute('theme') && host.theme !== 'auto') this.theme = host.theme;
    this.requestUpdate();
  }

  #fallback: HostBridge | null = null;

  override connectedCallback(): void {
    super.connectedCallback();
    // Providers answer synchronously while the element connects; if none did, this widget stands
    // alone on a foreign page and builds its bridge from the loader's configuration.
    if (!this.#host.value && !this.#fallback) {
      this.#fallback = standaloneBridge(this);
      if (this.#fallback) this.contextChanged();
    }
  }

  /** Emits a `wa-*` event that crosses shadow boundaries. */
  protected emit<T>(name: `wa-${string}`, detail?: T, options: { cancelable?: boolean } = {}): boolean {
    return this.dispatchEvent(
      new CustomEvent(name, { detail, bubbles: true, composed: true, cancelable: options.cancelable ?? false }),
    );
  }
}

/** Registers a tag once, even when two bundles (or a host page) try to define it. */
export function defineElement(tag: string, ctor: CustomElementConstructor): void {
  if (!customElements.get(tag)) customElements.define(tag, ctor);
}
