// Base of the elements inside <wa-inbox>'s shadow root. They take the API client, the host bridge
// and the theme from the inbox as properties (a standalone <wa-inbox> has no context provider its
// children could ask), and inherit its --wa-* tokens instead of redeclaring them, so a theme forced
// on the inbox reaches them. Their events bubble to the inbox but do not leave its shadow root.
import { LitElement, type CSSResultGroup } from 'lit';
import { base } from '../shared/tokens.styles.ts';
import type { ApiClient } from '../shared/api-client.ts';
import type { HostBridge } from '../shared/host-bridge.ts';

export class InboxPart extends LitElement {
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

  protected emit<T>(name: `inbox-${string}`, detail?: T): void {
    this.dispatchEvent(new CustomEvent(name, { detail, bubbles: true }));
  }

  protected toast(message: string, kind: 'info' | 'success' | 'error' = 'error'): void {
    this.bridge?.toast(message, { kind });
  }
}
