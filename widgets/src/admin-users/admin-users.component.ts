import { html, nothing } from 'lit';
import { ifDefined } from 'lit/directives/if-defined.js';
import { Task, initialState } from '@lit/task';
import { WaElement } from '../shared/base-element.ts';
import { ui, errorMessage, formatTime } from '../shared/ui.styles.ts';
import { styles } from './admin-users.styles.ts';

export interface AdminUser {
  id: number;
  email: string;
  name: string;
  isSuperAdmin: boolean;
  lockedUntil: string | null;
  lastLoginAt: string | null;
  memberships: { tenantId: number; role: 'admin' | 'manager' | 'agent' }[];
}
interface UserPage {
  items: AdminUser[];
  nextBefore: number | null;
}

/**
 * Platform operators' user list across all tenants: search, memberships (tenant id and role),
 * super-admin badge and account lockout.
 *
 * @tag wa-admin-users
 * @property {string} q - Search text on email and name (attribute `q`).
 * @property {'light'|'dark'} theme - Forces a theme; unset follows the host and prefers-color-scheme.
 * @csspart table - The users table.
 */
export class WaAdminUsers extends WaElement {
  static override styles = [WaElement.styles, ui, styles];
  static override properties = {
    ...WaElement.properties,
    q: { type: String },
    _more: { state: true },
    _next: { state: true },
    _loadingMore: { state: true },
  };

  declare q: string;
  declare _more: AdminUser[];
  declare _next: number | null;
  declare _loadingMore: boolean;

  constructor() {
    super();
    this.q = '';
    this._more = [];
    this._next = null;
    this._loadingMore = false;
  }

  #data = new Task(this, {
    task: async ([api, q], { signal }) => {
      if (!api) return initialState;
      const page = await api.get<UserPage>('/api/admin/users', { signal, query: { limit: 50, q: q.trim() || undefined } });
      this._more = [];
      this._next = page.nextBefore;
      return page.items;
    },
    args: () => [this.api, this.q] as const,
  });

  override render() {
    const skeleton = html`<wa-skeleton theme=${ifDefined(this.theme ?? undefined)} lines="5" variant="rows"></wa-skeleton>`;
    return html`
      <div class="page-header">
        <div>
          <h2>Users</h2>
          <p>Everyone with an account, and the tenants they belong to.</p>
        </div>
      </div>
      <form class="toolbar" role="search" aria-label="Find users" @submit=${this.#search}>
        <div class="field">
          <label for="f-q">Search</label>
          <input id="f-q" name="q" type="search" .value=${this.q} placeholder="Email or name" autocomplete="off" />
        </div>
        <button class="btn" type="submit">Search</button>
      </form>
      ${this.#data.render({
        initial: () => skeleton,
        pending: () => skeleton,
        error: (e) =>
          html`<wa-error-state
            theme=${ifDefined(this.theme ?? undefined)}
            heading="Couldn't load users"
            .error=${e}
            @wa-retry=${() => this.#data.run()}
          ></wa-error-state>`,
        complete: (items) => this.#content([...items, ...this._more]),
      })}
    `;
  }

  #content(items: AdminUser[]) {
    if (items.length === 0)
      return html`<wa-empty-state
        theme=${ifDefined(this.theme ?? undefined)}
        heading=${this.q ? 'No users match' : 'No users yet'}
      ></wa-empty-state>`;
    return html`<div class="table-wrap">
        <table class="data" part="table">
          <caption class="visually-hidden">
            Users
          </caption>
          <thead>
            <tr>
              <th scope="col">User</th>
              <th scope="col">Memberships</th>
              <th scope="col">Last sign-in</th>
              <th scope="col">Locked until</th>
            </tr>
          </thead>
          <tbody>
            ${items.map((u) => {
              const locked = u.lockedUntil !== null && Date.parse(u.lockedUntil) > Date.now();
              return html`<tr>
                <td data-label="User">
                  <div>
                    <strong>${u.name || u.email}</strong>
                    ${u.isSuperAdmin ? html` <span class="badge super">Super admin</span>` : nothing}
                    ${u.name ? html`<span class="sub">${u.email}</span>` : nothing}
                  </div>
                </td>
                <td data-label="Memberships">
                  ${
                    u.memberships.length
                      ? html`<ul class="chips">
                          ${u.memberships.map((m) => html`<li><span class="badge ${m.role}">Tenant ${m.tenantId} · ${m.role}</span></li>`)}
                        </ul>`
                      : html`<span class="muted">None</span>`
                  }
                </td>
                <td data-label="Last sign-in">
                  ${u.lastLoginAt ? formatTime(u.lastLoginAt) : html`<span class="muted">Never</span>`}
                </td>
                <td data-label="Locked until">
                  ${locked ? html`<span class="locked">${formatTime(u.lockedUntil)}</span>` : html`<span class="muted">Not locked</span>`}
                </td>
              </tr>`;
            })}
          </tbody>
        </table>
      </div>
      ${
        this._next !== null
          ? html`<div class="load-more">
              <button class="btn" ?disabled=${this._loadingMore} @click=${this.#loadMore}>
                ${this._loadingMore ? 'Loading…' : 'Load more'}
              </button>
            </div>`
          : nothing
      }`;
  }

  #search(e: SubmitEvent) {
    e.preventDefault();
    this.q = String(new FormData(e.target as HTMLFormElement).get('q') ?? '').trim();
  }

  async #loadMore() {
    const api = this.api;
    if (!api || this._next === null) return;
    this._loadingMore = true;
    try {
      const page = await api.get<UserPage>('/api/admin/users', {
        query: { limit: 50, q: this.q || undefined, before: this._next },
      });
      this._more = [...this._more, ...page.items];
      this._next = page.nextBefore;
    } catch (err) {
      this.host?.toast(errorMessage(err), { kind: 'error' });
    } finally {
      this._loadingMore = false;
    }
  }
}
