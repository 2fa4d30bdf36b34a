// Base of the elements inside <wa-contacts>'s shadow root (segment builder, contact detail, import
// wizard). Like the inbox's parts they take the API client, the host bridge and the theme from the
// orchestrating element as properties, inherit its --wa-* tokens, and emit `contacts-*` events that
// bubble to it without leaving its shadow root.
import { LitElement, type CSSResultGroup } from 'lit';
import { base } from '../shared/tokens.styles.ts';
import type { ApiClient } from '../shared/api-client.ts';
import type { HostBridge } from '../shared/host-bridge.ts';
import type { AttributeDef } from './contacts.types.ts';

export class ContactsPart extends LitElement {
  static override styles: CSSResultGroup = [base];
  static override properties = {
    api: { attribute: false },
    bridge: { attribute: false },
    attributeDefs: { attribute: false },
    theme: { type: String },
  };

  declare api: ApiClient | undefined;
  declare bridge: HostBridge | undefined;
  /** The tenant's attribute definitions (GET /contact-attributes), loaded once by <wa-contacts>. */
  declare attributeDefs: AttributeDef[];
  /** Passed on to the shared state elements (they set tokens on their own :host). */
  declare theme: string | undefined;

  constructor() {
    super();
    this.attributeDefs = [];
  }

  protected emit<T>(name: `contacts-${string}`, detail?: T): void {
    this.dispatchEvent(new CustomEvent(name, { detail, bubbles: true }));
  }

  protected toast(message: string, kind: 'info' | 'success' | 'error' = 'error'): void {
    this.bridge?.toast(message, { kind });
  }
}
