import { html, nothing, type PropertyValues } from 'lit';
import { ifDefined } from 'lit/directives/if-defined.js';
import { repeat } from 'lit/directives/repeat.js';
import { WaElement } from '../shared/base-element.ts';
import { ui, errorMessage } from '../shared/ui.styles.ts';
import { RealtimeController, type RealtimeEvent } from '../shared/realtime.ts';
import { styles } from './campaigns.styles.ts';
import {
  CAMPAIGN_STATUS_FILTERS,
  audienceSummary,
  count,
  percent,
  statusLabel,
  when,
  type Campaign,
  type CampaignProgressEvent,
  type Page,
  type Segment,
} from './campaigns.types.ts';
import type { WaCampaignReport } from './campaign-report.component.ts';
import type { WaCampaignWizard } from './campaign-wizard.component.ts';

type View = 'list' | 'compose' | 'report';

const PAGE = 25;

/**
 * Broadcast campaigns: the list (status, template, audience, progress and counts), a step-by-step
 * composer (template, audience with live counts, variables with a phone preview, schedule, cost
 * review, launch) and a live report per campaign (counters, cost, failures, a per-minute chart,
 * Pause / Resume / Cancel, recipients as CSV) that follows realtime `campaign.progress` events.
 *
 * Its layout follows its own width, so it works in a narrow column as on a page.
 * Managers and admins only: the API answers agents with 403, shown as such.
 *
 * @tag wa-campaign-composer
 * @property {'light'|'dark'} theme - Forces a theme; unset follows the host and prefers-color-scheme.
 * @property {number} campaignId - (attribute `campaign-id`) Opens this campaign's report (or the composer for a draft).
 * @event wa-campaign-open - `detail: { campaignId }` — a campaign was opened.
 * @event wa-campaign-launched - `detail: { campaignId, status }` — a campaign was sent or scheduled.
 * @csspart header - The title bar.
 * @csspart table - The campaign table.
 * @csspart composer - The composer's frame (inside wa-campaign-wizard).
 * @csspart report - The report's frame (inside wa-campaign-report).
 * @cssproperty --wa-campaigns-min-height - Minimum height (default 0).
 */
export class WaCampaignComposer extends WaElement {
  static override styles = [WaElement.styles, ui, styles];
  static override properties = {
    ...WaElement.properties,
    campaignId: { type: Number, attribute: 'campaign-id' },
    _view: { state: true },
    _openId: { state: true },
    _draft: { state: true },
    _status: { state: true },
    _items: { state: true },
    _cursor: { state: true },
    _listState: { state: true },
    _listError: { state: true },
    _loadingMore: { state: true },
    _segments: { state: true },
  };

  declare campaignId: number | undefined;
  declare _view: View;
  declare _openId: number | null;
  /** The draft the composer continues (null: a new campaign). */
  declare _draft: Campaign | null;
  declare _status: string;
  declare _items: Campaign[];
  declare _cursor: string | null;
  declare _listState: 'loading' | 'ready' | 'error';
  declare _listError: unknown;
  declare _loadingMore: boolean;
  /** Saved segments, only to name a campaign's audience (the list works without them). */
  declare _segments: Segment[];

  #context: { api: unknown; tenant: unknown } | null = null;
  #listCtrl: AbortController | null = null;

  /** Follows `campaigns`: list rows and the open report update as campaigns send. */
  protected readonly realtime = new RealtimeController(this, {
    topics: () => (this.api ? ['campaigns'] : []),
    onEvent: (e) => this.#onRealtime(e),
  });

  constructor() {
    super();
    this._view = 'list';
    this._openId = null;
    this._draft = null;
    this._status = '';
    this._items = [];
    this._cursor = null;
    this._listState = 'loading';
    this._loadingMore = false;
    this._segments = [];
  }

  override connectedCallback(): void {
    super.connectedCallback();
    if (this.api) this.#init();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.#listCtrl?.abort();
    this.#context = null;
  }

  protected override contextChanged(): void {
    super.contextChanged();
    if (this.isConnected && this.api) this.#init();
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('campaignId') && this.campaignId && this.campaignId !== this._openId) this.#openId(this.campaignId);
  }

  #init() {
    const key = { api: this.api, tenant: this.api?.tenant };
    if (this.#context && this.#context.api === key.api && this.#context.tenant === key.tenant) return;
    const first = this.#context === null;
    this.#context = key;
    if (!first) {
      this._view = 'list';
      this._openId = null;
      this._draft = null;
    }
    void this.#load();
    void this.api
      ?.get<{ items: Segment[] }>('/api/v1/segments')
      .then((r) => (this._segments = r.items ?? []))
      .catch(() => (this._segments = []));
  }

  // ── data ─────────────────────────────────────────────────────────────────────────────────

  async #load(more = false) {
    const api = this.api;
    if (!api || (more && (!this._cursor || this._loadingMore))) return;
    this.#listCtrl?.abort();
    const ctrl = (this.#listCtrl = new AbortController());
    if (more) this._loadingMore = true;
    else this._listState = 'loading';
    try {
      const page = await api.get<Page<Campaign>>('/api/v1/campaigns', {
        signal: ctrl.signal,
        query: { status: this._status || undefined, limit: PAGE, cursor: (more && this._cursor) || undefined },
      });
      if (ctrl.signal.aborted) return;
      if (more) {
        const known = new Set(this._items.map((c) => c.id));
        this._items = [...this._items, ...page.items.filter((c) => !known.has(c.id))];
      } else this._items = page.items;
      this._cursor = page.nextCursor;
      this._listState = 'ready';
    } catch (e) {
      if ((e as Error).name === 'AbortError') return;
      if (more) this.host?.toast(`More campaigns could not be loaded: ${errorMessage(e)}`, { kind: 'error' });
      else {
        this._listState = 'error';
        this._listError = e;
      }
    } finally {
      if (this.#listCtrl === ctrl) {
        this._loadingMore = false;
        this.#listCtrl = null;
      }
    }
  }

  #reload() {
    this._cursor = null;
    void this.#load();
  }

  #onRealtime(e: RealtimeEvent) {
    if (e.event !== 'campaign.progress') return;
    const d = e.data as CampaignProgressEvent | undefined;
    if (!d || d.campaignId == null) return;
    const id = Number(d.campaignId);
    this._items = this._items.map((c) => (c.id === id ? { ...c, status: d.status ?? c.status, stats: d.stats ?? c.stats } : c));
    this.renderRoot.querySelector<WaCampaignReport>('wa-campaign-report')?.progress({ ...d, campaignId: id });
  }

  #upsert(c: Campaign) {
    const known = this._items.some((x) => x.id === c.id);
    this._items = known ? this._items.map((x) => (x.id === c.id ? c : x)) : [c, ...this._items];
  }

  // ── navigation ───────────────────────────────────────────────────────────────────────────

  #open(c: Campaign) {
    if (c.status === 'draft') this.#compose(c);
    else this.#openId(c.id);
  }

  #openId(id: number) {
    this._openId = id;
    this._view = 'report';
    this.emit('wa-campaign-open', { campaignId: id });
    void this.updateComplete.then(() => this.renderRoot.querySelector<WaCampaignReport>('wa-campaign-report')?.focusHeading());
  }

  #compose(draft: Campaign | null) {
    this._draft = draft;
    this._openId = draft?.id ?? null;
    this._view = 'compose';
    void this.updateComplete.then(() => this.renderRoot.querySelector<WaCampaignWizard>('wa-campaign-wizard')?.focusHeading());
  }

  #backToList() {
    const id = this._openId;
    this._view = 'list';
    this._openId = null;
    this._draft = null;
    this.#reload();
    void this.updateComplete.then(() => {
      const row = id ? this.renderRoot.querySelector<HTMLElement>(`button.open[data-id="${id}"]`) : null;
      (row ?? this.renderRoot.querySelector<HTMLElement>('h2'))?.focus();
    });
  }

  // ── rendering ────────────────────────────────────────────────────────────────────────────

  override render() {
    const t = ifDefined(this.theme ?? undefined);
    if (this._view === 'compose') {
      return html`<wa-campaign-wizard
        theme=${t}
        .api=${this.api}
        .bridge=${this.host}
        .campaign=${this._draft}
        @campaigns-close=${() => this.#backToList()}
        @campaigns-saved=${(e: CustomEvent<Campaign>) => {
          this._openId = e.detail.id;
          this.#upsert(e.detail);
        }}
        @campaigns-launched=${(e: CustomEvent<Campaign>) => {
          this.#upsert(e.detail);
          this.emit('wa-campaign-launched', { campaignId: e.detail.id, status: e.detail.status });
          this._draft = null;
          this.#openId(e.detail.id);
        }}
      ></wa-campaign-wizard>`;
    }
    if (this._view === 'report' && this._openId) {
      return html`<wa-campaign-report
        theme=${t}
        .api=${this.api}
        .bridge=${this.host}
        .campaignId=${this._openId}
        .segments=${this._segments}
        @campaigns-back=${() => this.#backToList()}
        @campaigns-changed=${(e: CustomEvent<Campaign>) => this.#upsert(e.detail)}
        @campaigns-edit=${(e: CustomEvent<Campaign>) => this.#compose(e.detail)}
      ></wa-campaign-report>`;
    }
    return html`<div class="head" part="header">
        <h2 tabindex="-1">Campaigns</h2>
        <div class="head-actions">
          <label class="visually-hidden" for="status-filter">Status</label>
          <select
            id="status-filter"
            class="inline"
            @change=${(e: Event) => {
              this._status = (e.target as HTMLSelectElement).value;
              this.#reload();
            }}
          >
            ${CAMPAIGN_STATUS_FILTERS.map(([v, label]) => html`<option value=${v} ?selected=${this._status === v}>${label}</option>`)}
          </select>
          <button type="button" class="btn primary new-btn" @click=${() => this.#compose(null)}>New campaign</button>
        </div>
      </div>
      ${this.#list()}`;
  }

  #list() {
    const t = ifDefined(this.theme ?? undefined);
    if (this._listState === 'loading' && this._items.length === 0) {
      return html`<wa-skeleton theme=${t} variant="rows" lines="5" label="Loading campaigns"></wa-skeleton>`;
    }
    if (this._listState === 'error') {
      return (this._listError as { status?: number } | undefined)?.status === 403
        ? html`<wa-empty-state
            theme=${t}
            heading="Campaigns are for managers and admins"
            description="Ask an admin of this workspace if you need access."
          ></wa-empty-state>`
        : html`<wa-error-state
            theme=${t}
            heading="Couldn't load the campaigns"
            .error=${this._listError}
            @wa-retry=${() => this.#reload()}
          ></wa-error-state>`;
    }
    if (this._items.length === 0) {
      return this._status
        ? html`<wa-empty-state theme=${t} heading="No campaign with this status" description="Choose another status.">
            <button
              slot="action"
              type="button"
              class="btn"
              @click=${() => {
                this._status = '';
                this.#reload();
              }}
            >
              Show all campaigns
            </button>
          </wa-empty-state>`
        : html`<wa-empty-state
            theme=${t}
            heading="No campaigns yet"
            description="Send an approved template to a segment of your contacts or to an uploaded list of numbers."
          >
            <button slot="action" type="button" class="btn primary" @click=${() => this.#compose(null)}>New campaign</button>
          </wa-empty-state>`;
    }
    return html`<div
        class="table-wrap ${this._listState === 'loading' ? 'refreshing' : ''}"
        aria-busy=${this._listState === 'loading' ? 'true' : 'false'}
      >
        <table class="data campaigns" part="table">
          <caption class="visually-hidden">
            Campaigns
          </caption>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Status</th>
              <th scope="col">Template</th>
              <th scope="col">Audience</th>
              <th scope="col">Progress</th>
              <th scope="col">Results</th>
              <th scope="col">When</th>
            </tr>
          </thead>
          <tbody>
            ${repeat(
              this._items,
              (c) => c.id,
              (c) => {
                const pct = percent(c.stats?.progress ?? 0);
                const s = c.stats;
                return html`<tr data-id=${c.id}>
                  <td data-label="Name">
                    <button type="button" class="open" data-id=${c.id} @click=${() => this.#open(c)}>${c.name}</button>
                  </td>
                  <td data-label="Status"><span class="badge st-${c.status}">${statusLabel(c.status)}</span></td>
                  <td data-label="Template">
                    <div>${c.template.name}</div>
                    <div class="muted small">${(c.template.category ?? '').toLowerCase()} · ${c.template.language}</div>
                  </td>
                  <td data-label="Audience">${audienceSummary(c.audience, this._segments)}</td>
                  <td data-label="Progress">
                    ${
                      c.status === 'draft'
                        ? html`<span class="muted">—</span>`
                        : c.status === 'scheduled' && !s?.total
                          ? html`<span class="muted">Not started</span>`
                          : html`<div class="progress-cell">
                              <span
                                class="bar"
                                role="progressbar"
                                aria-label="Progress of ${c.name}"
                                aria-valuemin="0"
                                aria-valuemax="100"
                                aria-valuenow=${pct}
                                ><span style="width:${pct}%"></span
                              ></span>
                              <span>${pct}% of ${count((s?.total ?? 0) - (s?.skipped ?? 0))}</span>
                            </div>`
                    }
                  </td>
                  <td data-label="Results">
                    ${
                      s && c.status !== 'draft'
                        ? html`<dl class="nums">
                            <div>
                              <dt>Sent</dt>
                              <dd>${count(s.sent)}</dd>
                            </div>
                            <div>
                              <dt>Delivered</dt>
                              <dd>${count(s.delivered)}</dd>
                            </div>
                            <div>
                              <dt>Read</dt>
                              <dd>${count(s.read)}</dd>
                            </div>
                            <div class=${s.failed ? 'bad' : ''}>
                              <dt>Failed</dt>
                              <dd>${count(s.failed)}</dd>
                            </div>
                          </dl>`
                        : html`<span class="muted">—</span>`
                    }
                  </td>
                  <td data-label="When" class="small">
                    ${
                      c.scheduledAt && (c.status === 'scheduled' || !c.startedAt)
                        ? html`<div>Scheduled ${when(c.scheduledAt)}</div>`
                        : c.startedAt
                          ? html`<div>Started ${when(c.startedAt)}</div>`
                          : nothing
                    }
                    <div class="muted">Created ${when(c.createdAt)}</div>
                  </td>
                </tr>`;
              },
            )}
          </tbody>
        </table>
      </div>
      ${
        this._cursor
          ? html`<div class="load-more">
              <button type="button" class="btn" ?disabled=${this._loadingMore} @click=${() => void this.#load(true)}>
                ${this._loadingMore ? 'Loading…' : 'Load more'}
              </button>
            </div>`
          : nothing
      }`;
  }
}
