// The two "nothing to show" screens every list widget needs, so each widget does not invent its own
// wording, layout and accessibility for "no data yet" and "that failed".
import { html, css, nothing } from 'lit';
import { WaElement } from './base-element.ts';
import { ApiError } from './api-client.ts';

const stateStyles = css`
  .base {
    display: flex;
    flex-direction: column;
    align-items: center;
    gap: var(--wa-space-2);
    padding: var(--wa-space-6) var(--wa-space-4);
    text-align: center;
    color: var(--wa-color-text);
  }
  .icon {
    color: var(--wa-color-text-muted);
    font-size: 32px;
    line-height: 1;
  }
  .icon:not(.has-icon) {
    display: none;
  }
  .heading {
    margin: 0;
    font-size: var(--wa-font-size-lg);
    font-weight: 600;
  }
  .description {
    margin: 0;
    max-width: 48ch;
    color: var(--wa-color-text-muted);
  }
  .action {
    margin-top: var(--wa-space-2);
  }
  button {
    display: inline-flex;
    align-items: center;
    min-height: 36px;
    padding: 0 var(--wa-space-4);
    border: 1px solid var(--wa-color-primary);
    border-radius: var(--wa-radius-sm);
    background: var(--wa-color-primary);
    color: var(--wa-color-on-primary);
    font-weight: 500;
    cursor: pointer;
  }
  button:hover {
    background: var(--wa-color-primary-hover);
  }
  button:focus-visible {
    outline: 2px solid var(--wa-color-focus);
    outline-offset: 2px;
  }
  .request-id {
    margin: 0;
    color: var(--wa-color-text-muted);
    font-size: var(--wa-font-size-sm);
  }
  .request-id code {
    font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace;
    user-select: all;
  }
`;

/**
 * Shown when a list or view has nothing in it yet, ideally with the action that fills it.
 *
 * @tag wa-empty-state
 *
 * @property {string} heading - Short title, e.g. "No team members yet". Rendered as a paragraph with
 *   heading-like styling (the embedding page owns the heading outline).
 * @property {string} description - One or two sentences on why it is empty and what to do.
 * @property {'light'|'dark'} theme - Colour theme (inherited from WaElement).
 *
 * @slot icon - An optional decorative illustration or icon (hidden from assistive technology).
 * @slot action - The call to action, usually a button.
 * @slot - Extra content under the description.
 *
 * @csspart base - The centred wrapper.
 * @csspart icon - The icon wrapper.
 * @csspart heading - The heading text.
 * @csspart description - The description text.
 * @csspart action - The wrapper around the action slot.
 */
export class WaEmptyState extends WaElement {
  static override styles = [WaElement.styles, stateStyles];
  static override properties = {
    ...WaElement.properties,
    heading: { type: String },
    description: { type: String },
    _hasIcon: { state: true },
  };

  declare heading: string;
  declare description: string;
  declare _hasIcon: boolean;

  constructor() {
    super();
    this.heading = '';
    this.description = '';
    this._hasIcon = false;
  }

  override render() {
    return html`<div part="base" class="base">
      <div part="icon" class="icon ${this._hasIcon ? 'has-icon' : ''}" aria-hidden="true">
        <slot name="icon" @slotchange=${this.#onIconSlot}></slot>
      </div>
      ${this.heading ? html`<p part="heading" class="heading">${this.heading}</p>` : nothing}
      ${this.description ? html`<p part="description" class="description">${this.description}</p>` : nothing}
      <slot></slot>
      <div part="action" class="action"><slot name="action"></slot></div>
    </div>`;
  }

  #onIconSlot(e: Event) {
    this._hasIcon = (e.target as HTMLSlotElement).assignedNodes({ flatten: true }).length > 0;
  }
}

/** Turns whatever a task rejected with into a sentence a person can act on. */
export function friendlyErrorMessage(error: unknown): string {
  if (error instanceof ApiError) {
    if (error.message) return error.message;
    return `The server could not complete the request (${error.status}).`;
  }
  // fetch rejects with a TypeError when the network or CORS fails; its text ("Failed to fetch")
  // means nothing to a merchant.
  if (error instanceof TypeError) return 'We could not reach the server. Check your connection and try again.';
  return 'Something unexpected happened. Please try again.';
}

/**
 * Shown in place of a view whose data failed to load. Displays the server's message and the request
 * id (so a user can quote it to support), and offers a retry.
 *
 * @tag wa-error-state
 *
 * @property {string} heading - Title; defaults to "Something went wrong".
 * @property {unknown} error - What the failed task rejected with. An `ApiError` shows its message and
 *   request id; network failures and anything else get a generic, non-technical sentence.
 * @property {boolean} noRetry - (attribute `no-retry`) Hides the "Try again" button, for errors a
 *   retry cannot fix.
 * @property {'light'|'dark'} theme - Colour theme (inherited from WaElement).
 *
 * @event wa-retry - The user asked to try again (button click, or Enter/Space on it). No detail.
 *
 * @slot - Extra content under the message, e.g. a link to the status page.
 *
 * @csspart base - The wrapper (carries `role="alert"`).
 * @csspart heading - The heading text.
 * @csspart message - The error message.
 * @csspart request-id - The "Reference" line with the request id.
 * @csspart retry-button - The "Try again" button.
 */
export class WaErrorState extends WaElement {
  static override styles = [WaElement.styles, stateStyles];
  static override properties = {
    ...WaElement.properties,
    heading: { type: String },
    error: { attribute: false },
    noRetry: { type: Boolean, attribute: 'no-retry' },
  };

  declare heading: string;
  declare error: unknown;
  declare noRetry: boolean;

  constructor() {
    super();
    this.heading = '';
    this.error = undefined;
    this.noRetry = false;
  }

  override render() {
    const requestId = this.error instanceof ApiError ? this.error.requestId : null;
    return html`<div part="base" class="base" role="alert">
      <p part="heading" class="heading">${this.heading || 'Something went wrong'}</p>
      <p part="message" class="description">${friendlyErrorMessage(this.error)}</p>
      ${requestId ? html`<p part="request-id" class="request-id">Reference: <code>${requestId}</code></p>` : nothing}
      <slot></slot>
      ${
        this.noRetry
          ? nothing
          : html`<div class="action">
              <button part="retry-button" type="button" @click=${this.#retry}>Try again</button>
            </div>`
      }
    </div>`;
  }

  #retry() {
    this.emit('wa-retry');
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'wa-empty-state': WaEmptyState;
    'wa-error-state': WaErrorState;
  }
}
