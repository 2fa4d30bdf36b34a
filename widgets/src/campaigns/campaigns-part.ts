// Base of the elements inside <wa-campaign-composer>'s shadow root (the step-by-step composer and the
// live report). Like the contacts parts they take the API client, the host bridge and the theme from
// the orchestrating element as properties, inherit its --wa-* tokens, and emit `campaigns-*` events
// that bubble to it without leaving its shadow root.
import { LitElement, type CSSResultGroup } from 'lit';
import { base } from '../shared/tokens.styles.ts';
import type { ApiClient } from '../shared/api-client.ts';
import type { HostBridge } from '../shared/host-bridge.ts';

export class CampaignsPart extends LitElement {
  static override styles: CSSResultGroup = [base];
  static override properties = {
    api: { attribute: false },
    bridge: { attribute: false },
    theme: { type: String },
  };

  declare api: ApiClient | undefined;
  declare bridge: HostBridge | undefined;
  /** Passed on to the shared state elements (they set tokens on their own :host). */
  declare theme: string | undefined;

  protected emit<T>(name: `campaigns-${string}`, detail?: T): void {
    this.dispatchEvent(new CustomEvent(name, { detail, bubbles: true }));
  }

  protected toast(message: string, kind: 'info' | 'success' | 'error' = 'error'): void {
    this.bridge?.toast(message, { kind });
  }

  /** Focuses the view's heading (after it opened). */
  focusHeading() {
    void this.updateComplete.then(() => this.renderRoot.querySelector<HTMLElement>('h3')?.focus());
  }
}
