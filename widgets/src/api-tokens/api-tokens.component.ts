import { html, nothing } from 'lit';
import { ifDefined } from 'lit/directives/if-defined.js';
import { Task, initialState } from '@lit/task';
import { WaElement } from '../shared/base-element.ts';
import { ui, errorMessage, formatTime } from '../shared/ui.styles.ts';
import { styles } from './api-tokens.styles.ts';
import { copyText } from '../shared/clipboard.ts';

export interface ApiToken {
  id: number;
  name: string;
  role: 'admin' | 'manager' | 'agent';
  prefix: string;
  createdBy: number | null;
  createdAt: string;
  lastUsedAt: string | null;
  expiresAt: string | null;
  revokedAt: string | null;
}

/**
 * API tokens of the tenant (admins only): list, create and revoke. A new token's secret is shown
 * once, in a dialog with a copy button; the server never returns it again.
 *
 * @tag wa-api-tokens
 * @property {'light'|'dark'} theme - Forces a theme; unset follows the host and prefers-color-scheme.
 * @event wa-token-created - `detail: ApiToken` (without the secret) after creation.
 * @event wa-token-revoked - `detail: ApiToken` after a revocation.
 * @csspart table - The tokens table.
 */
export class WaApiTokens extends WaElement {
  static override styles = [WaElement.styles, ui, styles];
  static override properties = {
    ...WaElement.properties,
    _formError: { state: true },
    _busy: { state: true },
    _secret: { state: true },
    _copied: { state: true },
    _confirm: { state: true },
  };
  static override modals = { _confirm: 'confirm', _secret: 'secret' };

  declare _formError: string | null;
  declare _busy: boolean;
  /** The freshly created token; kept only while its dialog is open. */
  declare _secret: (ApiToken & { token: string }) | null;
  declare _copied: boolean;
  declare _confirm: ApiToken | null;

  constructor() {
    super();
    this._formError = null;
    this._busy = false;
    this._secret = null;
    this._copied = false;
    this._confirm = null;
  }

  #data = new Task(this, {
    task: async ([api], { signal }) => {
      if (!api) return initialState;
      return (await api.get<{ items: ApiToken[] }>('/api/v1/api-tokens', { signal })).items;
    },
    args: () => [this.api, this.api?.tenant] as const,
  });

  override render() {
    const skeleton = html`<wa-skeleton theme=${ifDefined(this.theme ?? undefined)} lines="4" variant="rows"></wa-skeleton>`;
    return html`
      <div class="page-header">
        <div>
          <h2>API tokens</h2>
          <p>Tokens let your own systems call the API. Each acts with the role you give it.</p>
        </div>
        <button class="btn primary" @click=${this.#openCreate}>Create token</button>
      </div>
      ${this.#data.render({
        initial: () => skeleton,
        pending: () => (this.#data.value ? this.#content(this.#data.value) : skeleton),
        error: (e) =>
          (e as { status?: number }).status === 403
            ? html`<wa-empty-state
                theme=${ifDefined(this.theme ?? undefined)}
                heading="Only admins manage API tokens"
                description="Ask an admin of this workspace for a token."
              ></wa-empty-state>`
            : html`<wa-error-state
                theme=${ifDefined(this.theme ?? undefined)}
                heading="Couldn't load API tokens"
                .error=${e}
                @wa-retry=${() => this.#data.run()}
              ></wa-error-state>`,
        complete: (items) => this.#content(items),
      })}
      ${this.#renderCreate()} ${this.#renderSecret()} ${this.#renderConfirm()}
    `;
  }

  #content(items: ApiToken[]) {
    if (items.length === 0)
      return html`<wa-empty-state
        theme=${ifDefined(this.theme ?? undefined)}
        heading="No API tokens"
        description="Create one to connect your own systems to the API."
      ></wa-empty-state>`;
    return html`<div class="table-wrap">
      <table class="data" part="table">
        <caption class="visually-hidden">
          API tokens
        </caption>
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Role</th>
            <th scope="col">Starts with</th>
            <th scope="col">Created</th>
            <th scope="col">Last used</th>
            <th scope="col">Expires</th>
            <th scope="col"><span class="visually-hidden">Actions</span></th>
          </tr>
        </thead>
        <tbody>
          ${items.map((t) => {
            const expired = t.expiresAt !== null && Date.parse(t.expiresAt) < Date.now();
            return html`<tr>
              <td data-label="Name"><strong>${t.name}</strong></td>
              <td data-label="Role"><span class="badge ${t.role}">${t.role}</span></td>
              <td data-label="Starts with"><span class="mono">${t.prefix}…</span></td>
              <td data-label="Created">${formatTime(t.createdAt)}</td>
              <td data-label="Last used">${t.lastUsedAt ? formatTime(t.lastUsedAt) : html`<span class="muted">Never</span>`}</td>
              <td data-label="Expires">${t.expiresAt ? formatTime(t.expiresAt) : html`<span class="muted">Never</span>`}</td>
              <td class="row-actions">
                ${
                  t.revokedAt
                    ? html`<span class="badge revoked">Revoked</span>`
                    : expired
                      ? html`<span class="badge">Expired</span>`
                      : html`<button
                          class="btn ghost danger-text small"
                          aria-label="Revoke ${t.name}"
                          @click=${() => (this._confirm = t)}
                        >
                          Revoke
                        </button>`
                }
              </td>
            </tr>`;
          })}
        </tbody>
      </table>
    </div>`;
  }

  #renderCreate() {
    return html`<dialog id="create" aria-labelledby="create-title" @close=${() => (this._formError = null)}>
      <form @submit=${this.#create}>
        <h3 id="create-title">Create an API token</h3>
        ${this._formError ? html`<div class="form-error" role="alert">${this._formError}</div>` : nothing}
        <div class="field">
          <label for="t-name">Name</label>
          <input id="t-name" name="name" required maxlength="120" autocomplete="off" aria-describedby="t-name-help" />
          <span class="help" id="t-name-help">What uses it, e.g. "Order sync".</span>
        </div>
        <div class="field">
          <label for="t-role">Role</label>
          <select id="t-role" name="role">
            <option value="agent">Agent</option>
            <option value="manager" selected>Manager</option>
            <option value="admin">Admin</option>
          </select>
        </div>
        <div class="field">
          <label for="t-exp">Expires after (days)</label>
          <input
            id="t-exp"
            name="expiresInDays"
            type="number"
            min="1"
            max="3650"
            inputmode="numeric"
            aria-describedby="t-exp-help"
          />
          <span class="help" id="t-exp-help">Leave empty for a token that never expires.</span>
        </div>
        <div class="actions">
          <button type="button" class="btn" @click=${() => this.#dialog('create')?.close()}>Cancel</button>
          <button type="submit" class="btn primary" ?disabled=${this._busy}>Create token</button>
        </div>
      </form>
    </dialog>`;
  }

  #renderSecret() {
    const s = this._secret;
    return html`<dialog
      id="secret"
      aria-labelledby="secret-title"
      @close=${() => ((this._secret = null), (this._copied = false))}
    >
      ${
        s
          ? html`<h3 id="secret-title">Your new token "${s.name}"</h3>
              <div class="once">
                <p class="warning" id="secret-warning">Copy it now: you won't see this token again. Store it somewhere safe.</p>
                <code class="secret mono" aria-describedby="secret-warning" data-token>${s.token}</code>
              </div>
              <div class="actions">
                <span class="help" role="status">${this._copied ? 'Copied to the clipboard.' : ''}</span>
                <button class="btn" @click=${this.#copy}>Copy</button>
                <button class="btn primary" @click=${() => this.#dialog('secret')?.close()}>Done</button>
              </div>`
          : nothing
      }
    </dialog>`;
  }

  #renderConfirm() {
    const t = this._confirm;
    return html`<dialog id="confirm" aria-labelledby="confirm-title" @close=${() => (this._confirm = null)}>
      ${
        t
          ? html`<h3 id="confirm-title">Revoke "${t.name}"?</h3>
              <p>Anything using this token stops working immediately. This can't be undone.</p>
              <div class="actions">
                <button class="btn" @click=${() => (this._confirm = null)}>Cancel</button>
                <button class="btn danger" ?disabled=${this._busy} @click=${() => this.#revoke(t)}>Revoke token</button>
              </div>`
          : nothing
      }
    </dialog>`;
  }

  #dialog(id: string) {
    return this.renderRoot.querySelector<HTMLDialogElement>(`#${id}`);
  }

  #openCreate() {
    this._formError = null;
    const d = this.#dialog('create');
    d?.querySelector('form')?.reset();
    d?.showModal();
  }

  async #create(e: SubmitEvent) {
    e.preventDefault();
    const api = this.api;
    if (!api) return;
    const f = new FormData(e.target as HTMLFormElement);
    const days = String(f.get('expiresInDays') ?? '').trim();
    this._busy = true;
    this._formError = null;
    try {
      const created = await api.post<ApiToken & { token: string }>('/api/v1/api-tokens', {
        name: String(f.get('name') ?? '').trim(),
        role: String(f.get('role')),
        expiresInDays: days ? Number(days) : null,
      });
      this.#dialog('create')?.close();
      this._secret = created;
      const { token: _secret, ...rest } = created;
      this.emit('wa-token-created', rest);
      this.#data.run();
    } catch (err) {
      this._formError = errorMessage(err);
    } finally {
      this._busy = false;
    }
  }

  async #copy() {
    if (!this._secret) return;
    this._copied = await copyText(this._secret.token, this.renderRoot.querySelector('[data-token]'), this.host, 'token');
  }

  async #revoke(t: ApiToken) {
    const api = this.api;
    if (!api) return;
    this._busy = true;
    try {
      const revoked = await api.delete<ApiToken>(`/api/v1/api-tokens/${t.id}`);
      this.host?.toast(`"${t.name}" was revoked.`, { kind: 'success' });
      this.emit('wa-token-revoked', revoked);
      this.#data.run();
    } catch (err) {
      this.host?.toast(errorMessage(err), { kind: 'error' });
    } finally {
      this._confirm = null;
      this._busy = false;
    }
  }
}
