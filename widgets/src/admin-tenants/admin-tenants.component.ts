import { html, nothing } from 'lit';
import { ifDefined } from 'lit/directives/if-defined.js';
import { Task, initialState } from '@lit/task';
import { WaElement } from '../shared/base-element.ts';
import { ui, errorMessage, formatTime } from '../shared/ui.styles.ts';
import { styles } from './admin-tenants.styles.ts';

export interface Tenant {
  id: number;
  name: string;
  slug: string;
  status: 'active' | 'suspended';
  plan: string;
  allowedOrigins: string[];
  suspendedAt: string | null;
  createdAt: string;
}
interface TenantPage {
  items: Tenant[];
  nextBefore: number | null;
}

/**
 * Platform operators' tenant list: search, status filter, create (optionally with a first admin),
 * suspend and resume with a reason.
 *
 * @tag wa-admin-tenants
 * @property {''|'active'|'suspended'} status - Status filter (attribute `status`); empty shows all.
 * @property {string} q - Search text on name and slug (attribute `q`).
 * @property {'light'|'dark'} theme - Forces a theme; unset follows the host and prefers-color-scheme.
 * @event wa-tenant-created - `detail: Tenant` after creation.
 * @event wa-tenant-status-changed - `detail: Tenant` after a suspend or resume.
 * @csspart table - The tenants table.
 */
export class WaAdminTenants extends WaElement {
  static override styles = [WaElement.styles, ui, styles];
  static override properties = {
    ...WaElement.properties,
    status: { type: String },
    q: { type: String },
    _formError: { state: true },
    _busy: { state: true },
    _confirm: { state: true },
    _more: { state: true },
    _next: { state: true },
  };
  static override modals = { _confirm: 'confirm' };

  declare status: '' | 'active' | 'suspended';
  declare q: string;
  declare _formError: string | null;
  declare _busy: boolean;
  declare _confirm: { tenant: Tenant; to: 'suspend' | 'resume' } | null;
  declare _more: Tenant[];
  declare _next: number | null;

  constructor() {
    super();
    this.status = '';
    this.q = '';
    this._formError = null;
    this._busy = false;
    this._confirm = null;
    this._more = [];
    this._next = null;
  }

  #query(before?: number) {
    return { limit: 50, before, status: this.status || undefined, q: this.q.trim() || undefined };
  }

  #data = new Task(this, {
    task: async ([api], { signal }) => {
      if (!api) return initialState;
      const page = await api.get<TenantPage>('/api/admin/tenants', { signal, query: this.#query() });
      this._more = [];
      this._next = page.nextBefore;
      return page.items;
    },
    args: () => [this.api, this.status, this.q] as const,
  });

  override render() {
    const skeleton = html`<wa-skeleton theme=${ifDefined(this.theme ?? undefined)} lines="5" variant="rows"></wa-skeleton>`;
    return html`
      <div class="page-header">
        <div>
          <h2>Tenants</h2>
          <p>Every workspace on this platform.</p>
        </div>
        <button class="btn primary" @click=${this.#openCreate}>Create tenant</button>
      </div>
      <form class="toolbar" role="search" aria-label="Find tenants" @submit=${this.#search}>
        <div class="field">
          <label for="f-q">Search</label>
          <input id="f-q" name="q" type="search" .value=${this.q} placeholder="Name or slug" autocomplete="off" />
        </div>
        <div class="field">
          <label for="f-status">Status</label>
          <select
            id="f-status"
            name="status"
            .value=${this.status}
            @change=${(e: Event) => (this.status = (e.target as HTMLSelectElement).value as '')}
          >
            <option value="">All</option>
            <option value="active">Active</option>
            <option value="suspended">Suspended</option>
          </select>
        </div>
        <button class="btn" type="submit">Search</button>
      </form>
      ${this.#data.render({
        initial: () => skeleton,
        pending: () => (this.#data.value ? this.#content([...this.#data.value, ...this._more]) : skeleton),
        error: (e) =>
          html`<wa-error-state
            theme=${ifDefined(this.theme ?? undefined)}
            heading="Couldn't load tenants"
            .error=${e}
            @wa-retry=${() => this.#data.run()}
          ></wa-error-state>`,
        complete: (items) => this.#content([...items, ...this._more]),
      })}
      ${this.#renderCreate()} ${this.#renderConfirm()}
    `;
  }

  #content(items: Tenant[]) {
    if (items.length === 0)
      return this.q || this.status
        ? html`<wa-empty-state
            theme=${ifDefined(this.theme ?? undefined)}
            heading="No tenants match"
            description="Try another search or status."
          ></wa-empty-state>`
        : html`<wa-empty-state
            theme=${ifDefined(this.theme ?? undefined)}
            heading="No tenants yet"
            description="Create the first workspace."
          ></wa-empty-state>`;
    return html`<div class="table-wrap">
        <table class="data" part="table">
          <caption class="visually-hidden">
            Tenants
          </caption>
          <thead>
            <tr>
              <th scope="col">Tenant</th>
              <th scope="col">Id</th>
              <th scope="col">Plan</th>
              <th scope="col">Status</th>
              <th scope="col">Created</th>
              <th scope="col"><span class="visually-hidden">Actions</span></th>
            </tr>
          </thead>
          <tbody>
            ${items.map(
              (t) =>
                html`<tr data-tenant=${t.slug}>
                  <td data-label="Tenant">
                    <div><strong>${t.name}</strong><span class="sub mono">${t.slug}</span></div>
                  </td>
                  <td data-label="Id">${t.id}</td>
                  <td data-label="Plan">${t.plan}</td>
                  <td data-label="Status">
                    <div>
                      <span class="badge ${t.status}">${t.status === 'active' ? 'Active' : 'Suspended'}</span>
                      ${t.suspendedAt ? html`<span class="sub">since ${formatTime(t.suspendedAt)}</span>` : nothing}
                    </div>
                  </td>
                  <td data-label="Created">${formatTime(t.createdAt)}</td>
                  <td class="row-actions">
                    ${
                      t.status === 'active'
                        ? html`<button
                            class="btn ghost danger-text small"
                            aria-label="Suspend ${t.name}"
                            @click=${() => (this._confirm = { tenant: t, to: 'suspend' })}
                          >
                            Suspend
                          </button>`
                        : html`<button
                            class="btn ghost small"
                            aria-label="Resume ${t.name}"
                            @click=${() => (this._confirm = { tenant: t, to: 'resume' })}
                          >
                            Resume
                          </button>`
                    }
                  </td>
                </tr>`,
            )}
          </tbody>
        </table>
      </div>
      ${
        this._next !== null
          ? html`<div class="load-more">
              <button class="btn" ?disabled=${this._busy} @click=${this.#loadMore}>Load more</button>
            </div>`
          : nothing
      }`;
  }

  #renderCreate() {
    return html`<dialog id="create" aria-labelledby="create-title" @close=${() => (this._formError = null)}>
      <form @submit=${this.#create}>
        <h3 id="create-title">Create a tenant</h3>
        ${this._formError ? html`<div class="form-error" role="alert">${this._formError}</div>` : nothing}
        <div class="field">
          <label for="t-name">Tenant name</label>
          <input id="t-name" name="name" required maxlength="120" autocomplete="off" />
        </div>
        <div class="form-row">
          <div class="field">
            <label for="t-slug">Slug (optional)</label>
            <input
              id="t-slug"
              name="slug"
              pattern="[a-z0-9](?:[a-z0-9\\-]*[a-z0-9])?"
              minlength="2"
              maxlength="63"
              autocomplete="off"
              aria-describedby="t-slug-help"
            />
            <span class="help" id="t-slug-help">Lowercase letters, digits and dashes; made from the name when empty.</span>
          </div>
          <div class="field">
            <label for="t-plan">Plan</label>
            <input id="t-plan" name="plan" value="free" required maxlength="32" autocomplete="off" />
          </div>
        </div>
        <fieldset>
          <legend>First admin (optional)</legend>
          <div class="field">
            <label for="a-email">Email</label>
            <input id="a-email" name="adminEmail" type="email" autocomplete="off" />
          </div>
          <div class="field">
            <label for="a-name">Name</label>
            <input id="a-name" name="adminName" autocomplete="off" />
          </div>
          <div class="field">
            <label for="a-password">Initial password</label>
            <input
              id="a-password"
              name="adminPassword"
              type="password"
              minlength="12"
              autocomplete="new-password"
              aria-describedby="a-password-help"
            />
            <span class="help" id="a-password-help"
              >Needed only when this email has no account yet (at least 12 characters).</span
            >
          </div>
        </fieldset>
        <div class="actions">
          <button type="button" class="btn" @click=${() => this.#dialog('create')?.close()}>Cancel</button>
          <button type="submit" class="btn primary" ?disabled=${this._busy}>Create tenant</button>
        </div>
      </form>
    </dialog>`;
  }

  #renderConfirm() {
    const c = this._confirm;
    return html`<dialog id="confirm" aria-labelledby="confirm-title" @close=${() => (this._confirm = null)}>
      ${
        c
          ? html`<form @submit=${(e: SubmitEvent) => this.#setStatus(e, c.tenant, c.to)}>
              <h3 id="confirm-title">${c.to === 'suspend' ? 'Suspend' : 'Resume'} ${c.tenant.name}?</h3>
              <p>
                ${
                  c.to === 'suspend'
                    ? 'Its users, API tokens and widgets stop working at once, until you resume it.'
                    : 'Its users, API tokens and widgets work again at once.'
                }
              </p>
              <div class="field">
                <label for="reason">Reason (kept in the audit log)</label>
                <input id="reason" name="reason" maxlength="500" autocomplete="off" />
              </div>
              <div class="actions">
                <button type="button" class="btn" @click=${() => (this._confirm = null)}>Cancel</button>
                <button type="submit" class="btn ${c.to === 'suspend' ? 'danger' : 'primary'}" ?disabled=${this._busy}>
                  ${c.to === 'suspend' ? 'Suspend tenant' : 'Resume tenant'}
                </button>
              </div>
            </form>`
          : nothing
      }
    </dialog>`;
  }

  #dialog(id: string) {
    return this.renderRoot.querySelector<HTMLDialogElement>(`#${id}`);
  }

  #search(e: SubmitEvent) {
    e.preventDefault();
    const f = new FormData(e.target as HTMLFormElement);
    this.q = String(f.get('q') ?? '').trim();
    this.status = String(f.get('status') ?? '') as '';
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
    const v = (k: string) => String(f.get(k) ?? '').trim();
    const body: Record<string, unknown> = { name: v('name'), plan: v('plan') || 'free' };
    if (v('slug')) body.slug = v('slug');
    if (v('adminEmail'))
      body.admin = {
        email: v('adminEmail'),
        name: v('adminName'),
        ...(v('adminPassword') ? { password: String(f.get('adminPassword')) } : {}),
      };
    this._busy = true;
    this._formError = null;
    try {
      const t = await api.post<Tenant>('/api/admin/tenants', body);
      this.#dialog('create')?.close();
      this.host?.toast(`${t.name} was created.`, { kind: 'success' });
      this.emit('wa-tenant-created', t);
      this.#data.run();
    } catch (err) {
      this._formError = errorMessage(err);
    } finally {
      this._busy = false;
    }
  }

  async #setStatus(e: SubmitEvent, t: Tenant, to: 'suspend' | 'resume') {
    e.preventDefault();
    const api = this.api;
    if (!api) return;
    const reason = String(new FormData(e.target as HTMLFormElement).get('reason') ?? '').trim();
    this._busy = true;
    try {
      const updated = await api.post<Tenant>(`/api/admin/tenants/${t.id}/${to}`, reason ? { reason } : {});
      this.host?.toast(`${t.name} is ${updated.status === 'active' ? 'active again' : 'suspended'}.`, { kind: 'success' });
      this.emit('wa-tenant-status-changed', updated);
      this.#data.run();
    } catch (err) {
      this.host?.toast(errorMessage(err), { kind: 'error' });
    } finally {
      this._confirm = null;
      this._busy = false;
    }
  }

  async #loadMore() {
    const api = this.api;
    if (!api || this._next === null) return;
    this._busy = true;
    try {
      const page = await api.get<TenantPage>('/api/admin/tenants', { query: this.#query(this._next) });
      this._more = [...this._more, ...page.items];
      this._next = page.nextBefore;
    } catch (err) {
      this.host?.toast(errorMessage(err), { kind: 'error' });
    } finally {
      this._busy = false;
    }
  }
}
