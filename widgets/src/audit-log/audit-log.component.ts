import { html, nothing } from 'lit';
import { ifDefined } from 'lit/directives/if-defined.js';
import { Task, initialState } from '@lit/task';
import { WaElement } from '../shared/base-element.ts';
import { ui, errorMessage, formatTime } from '../shared/ui.styles.ts';
import { styles } from './audit-log.styles.ts';

export interface AuditEntry {
  id: number;
  tenantId: number | null;
  actor: { type: string; id: number | null; label: string | null };
  action: string;
  target: { type: string; id: string | null } | null;
  ip: string | null;
  meta: Record<string, unknown> | null;
  createdAt: string;
}
interface AuditPage {
  items: AuditEntry[];
  nextBefore: number | null;
}

const PAGE = 50;

/**
 * The audit log, newest first, with an action filter and keyset "Load more". `scope="tenant"` reads
 * the current tenant's log (admins); `scope="platform"` reads every tenant's (super admins), with an
 * optional tenant filter.
 *
 * @tag wa-audit-log
 * @property {'tenant'|'platform'} scope - Which log to read (attribute `scope`, default `tenant`).
 * @property {string} action - Only entries with this exact action (attribute `action`); the filter field edits it.
 * @property {string} tenantId - Platform scope only: only entries of this tenant id (attribute `tenant-id`).
 * @property {'light'|'dark'} theme - Forces a theme; unset follows the host and prefers-color-scheme.
 * @event wa-filter-change - `detail: { action, tenantId }` when the user changes the filters.
 * @csspart table - The log table.
 */
export class WaAuditLog extends WaElement {
  static override styles = [WaElement.styles, ui, styles];
  static override properties = {
    ...WaElement.properties,
    scope: { type: String, reflect: true },
    action: { type: String },
    tenantId: { type: String, attribute: 'tenant-id' },
    _more: { state: true },
    _next: { state: true },
    _loadingMore: { state: true },
  };

  declare scope: 'tenant' | 'platform';
  declare action: string;
  declare tenantId: string;
  /** Pages fetched with "Load more", appended after the first page. */
  declare _more: AuditEntry[];
  declare _next: number | null;
  declare _loadingMore: boolean;

  constructor() {
    super();
    this.scope = 'tenant';
    this.action = '';
    this.tenantId = '';
    this._more = [];
    this._next = null;
    this._loadingMore = false;
  }

  get #path() {
    return this.scope === 'platform' ? '/api/admin/audit-logs' : '/api/v1/audit-logs';
  }

  #query(before?: number) {
    return {
      limit: PAGE,
      before,
      action: this.action.trim() || undefined,
      tenantId: this.scope === 'platform' && this.tenantId.trim() ? this.tenantId.trim() : undefined,
    };
  }

  #data = new Task(this, {
    task: async ([api], { signal }) => {
      if (!api) return initialState;
      const page = await api.get<AuditPage>(this.#path, { signal, query: this.#query() });
      this._more = [];
      this._next = page.nextBefore;
      return page.items;
    },
    args: () => [this.api, this.api?.tenant, this.scope, this.action, this.tenantId] as const,
  });

  override render() {
    const skeleton = html`<wa-skeleton theme=${ifDefined(this.theme ?? undefined)} lines="6" variant="rows"></wa-skeleton>`;
    return html`
      <div class="page-header">
        <div>
          <h2>Audit log</h2>
          <p>
            ${this.scope === 'platform' ? 'Security-relevant actions across all tenants.' : 'Security-relevant actions in this workspace.'}
          </p>
        </div>
      </div>
      <form class="toolbar" role="search" aria-label="Filter the audit log" @submit=${this.#applyFilter}>
        <div class="field">
          <label for="f-action">Action</label>
          <input id="f-action" name="action" .value=${this.action} placeholder="e.g. member.added" autocomplete="off" />
        </div>
        ${
          this.scope === 'platform'
            ? html`<div class="field">
                <label for="f-tenant">Tenant id</label>
                <input
                  id="f-tenant"
                  name="tenantId"
                  .value=${this.tenantId}
                  inputmode="numeric"
                  pattern="[0-9]*"
                  autocomplete="off"
                />
              </div>`
            : nothing
        }
        <button class="btn" type="submit">Filter</button>
        ${this.action || this.tenantId ? html`<button class="btn ghost" type="button" @click=${this.#clearFilter}>Clear</button>` : nothing}
      </form>
      ${this.#data.render({
        initial: () => skeleton,
        pending: () => skeleton,
        error: (e) =>
          (e as { status?: number }).status === 403
            ? html`<wa-empty-state
                theme=${ifDefined(this.theme ?? undefined)}
                heading="Only admins can read the audit log"
              ></wa-empty-state>`
            : html`<wa-error-state
                theme=${ifDefined(this.theme ?? undefined)}
                heading="Couldn't load the audit log"
                .error=${e}
                @wa-retry=${() => this.#data.run()}
              ></wa-error-state>`,
        complete: (items) => this.#content([...items, ...this._more]),
      })}
    `;
  }

  #content(items: AuditEntry[]) {
    if (items.length === 0)
      return html`<wa-empty-state
        theme=${ifDefined(this.theme ?? undefined)}
        heading=${this.action || this.tenantId ? 'No entries match this filter' : 'No entries yet'}
        description="Sign-ins, member changes, tokens and other security-relevant actions appear here."
      ></wa-empty-state>`;
    const platform = this.scope === 'platform';
    return html`<div class="table-wrap">
        <table class="data" part="table">
          <caption class="visually-hidden">
            Audit log entries, newest first
          </caption>
          <thead>
            <tr>
              <th scope="col">Time</th>
              ${platform ? html`<th scope="col">Tenant</th>` : nothing}
              <th scope="col">Actor</th>
              <th scope="col">Action</th>
              <th scope="col">Target</th>
              <th scope="col">IP</th>
              <th scope="col">Details</th>
            </tr>
          </thead>
          <tbody>
            ${items.map(
              (e) =>
                html`<tr>
                  <td data-label="Time"><time datetime=${e.createdAt}>${formatTime(e.createdAt)}</time></td>
                  ${platform ? html`<td data-label="Tenant">${e.tenantId ?? html`<span class="muted">Platform</span>`}</td>` : nothing}
                  <td data-label="Actor">${e.actor.label ?? `${e.actor.type}${e.actor.id !== null ? ` #${e.actor.id}` : ''}`}</td>
                  <td data-label="Action"><span class="action mono">${e.action}</span></td>
                  <td data-label="Target">
                    ${e.target ? `${e.target.type}${e.target.id !== null ? ` #${e.target.id}` : ''}` : html`<span class="muted">—</span>`}
                  </td>
                  <td data-label="IP"><span class="mono">${e.ip ?? '—'}</span></td>
                  <td data-label="Details">${details(e.meta)}</td>
                </tr>`,
            )}
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

  #applyFilter(e: SubmitEvent) {
    e.preventDefault();
    const f = new FormData(e.target as HTMLFormElement);
    this.action = String(f.get('action') ?? '').trim();
    this.tenantId = String(f.get('tenantId') ?? '').trim();
    this.emit('wa-filter-change', { action: this.action, tenantId: this.tenantId });
  }

  #clearFilter() {
    this.action = '';
    this.tenantId = '';
    this.emit('wa-filter-change', { action: '', tenantId: '' });
  }

  async #loadMore() {
    const api = this.api;
    if (!api || this._next === null) return;
    this._loadingMore = true;
    try {
      const page = await api.get<AuditPage>(this.#path, { query: this.#query(this._next) });
      this._more = [...this._more, ...page.items];
      this._next = page.nextBefore;
    } catch (err) {
      this.host?.toast(errorMessage(err), { kind: 'error' });
    } finally {
      this._loadingMore = false;
    }
  }
}

function details(meta: Record<string, unknown> | null) {
  if (!meta || Object.keys(meta).length === 0) return html`<span class="muted">—</span>`;
  const text = Object.entries(meta)
    .map(([k, v]) => `${k}: ${typeof v === 'string' ? v : JSON.stringify(v)}`)
    .join('\n');
  return html`<p class="details">${text}</p>`;
}
