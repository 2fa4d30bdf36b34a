import { html, svg, nothing, type PropertyValues } from 'lit';
import { CampaignsPart } from './campaigns-part.ts';
import { ui, errorMessage } from '../shared/ui.styles.ts';
import { styles } from './campaigns.styles.ts';
import {
  ACTIVE,
  FINAL,
  PAUSABLE,
  RESUMABLE,
  SKIP_LABELS,
  audienceSummary,
  count,
  money,
  percent,
  saveBlob,
  statusLabel,
  when,
  type Campaign,
  type CampaignProgressEvent,
  type CampaignStats,
  type Segment,
} from './campaigns.types.ts';

/** How often a running campaign is fetched when no realtime event came (the socket may be down). */
export const POLL_MS = 5000;

/**
 * The live report of one campaign: status, progress, counters, cost, failures by reason, a chart of
 * sends per minute, Pause / Resume / Cancel, and the recipients as CSV. It follows realtime
 * `campaigns` / `campaign.progress` events (the orchestrating element passes them to `progress()`)
 * and polls every 5 s while the campaign runs.
 *
 * @tag wa-campaign-report
 * @property {number} campaignId - The campaign to show.
 * @property {number} pollInterval - Milliseconds between polls while it runs (default 5000).
 * @event campaigns-changed - `detail: Campaign` — its status or numbers changed (the list updates).
 * @event campaigns-back - Back to the list.
 * @event campaigns-edit - `detail: Campaign` — a draft should open in the composer.
 * @csspart report - The report's frame.
 * @csspart chart - The per-minute chart.
 */
export class WaCampaignReport extends CampaignsPart {
  static override styles = [CampaignsPart.styles, ui, styles];
  static override properties = {
    ...CampaignsPart.properties,
    campaignId: { type: Number },
    pollInterval: { type: Number },
    segments: { attribute: false },
    _c: { state: true },
    _state: { state: true },
    _error: { state: true },
    _busy: { state: true },
    _confirm: { state: true },
    _actionError: { state: true },
    _width: { state: true },
  };

  declare campaignId: number | null;
  declare pollInterval: number;
  /** Saved segments, to name the audience. */
  declare segments: Segment[];
  declare _c: Campaign | null;
  declare _state: 'loading' | 'ready' | 'error';
  declare _error: unknown;
  declare _busy: string | null;
  declare _confirm: boolean;
  declare _actionError: string | null;
  /** The chart's width in px, from the element's own width (so its text is never scaled). */
  declare _width: number;

  #poll: ReturnType<typeof setTimeout> | null = null;
  #ctrl: AbortController | null = null;
  #resize: ResizeObserver | null = null;

  constructor() {
    super();
    this.campaignId = null;
    this.pollInterval = POLL_MS;
    this.segments = [];
    this._c = null;
    this._state = 'loading';
    this._busy = null;
    this._confirm = false;
    this._actionError = null;
    this._width = 600;
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.#stopPolling();
    this.#ctrl?.abort();
    this.#resize?.disconnect();
  }

  override connectedCallback(): void {
    super.connectedCallback();
    this.#resize = new ResizeObserver(([entry]) => {
      // The frame's padding and border take 34 px.
      const w = Math.max(260, Math.floor(entry.contentRect.width - 34));
      if (Math.abs(w - this._width) > 4) this._width = w;
    });
    this.#resize.observe(this);
    if (this._c) this.#schedule();
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if ((changed.has('campaignId') || changed.has('api')) && this.campaignId && this.api && this._c?.id !== this.campaignId) {
      this._c = null;
      void this.#load();
    }
  }

  protected override updated(changed: PropertyValues<this>): void {
    super.updated(changed);
    if (changed.has('pollInterval') && changed.get('pollInterval') !== undefined) this.#schedule();
    if (changed.has('_confirm')) {
      const d = this.renderRoot.querySelector<HTMLDialogElement>('#confirm-cancel');
      if (this._confirm && d && !d.open) d.showModal();
      if (!this._confirm && d?.open) d.close();
    }
  }

  /** A realtime `campaign.progress` event; ignored when it is about another campaign. */
  progress(e: CampaignProgressEvent) {
    if (!this._c || Number(e.campaignId) !== this._c.id) return;
    this.#apply({
      ...this._c,
      status: e.status,
      stats: e.stats ?? this._c.stats,
      ...(e.startedAt !== undefined ? { startedAt: e.startedAt } : {}),
      ...(e.completedAt !== undefined ? { completedAt: e.completedAt } : {}),
      ...(e.stopReason !== undefined ? { stopReason: e.stopReason } : {}),
    });
  }

  #apply(c: Campaign) {
    const changed = !this._c || this._c.status !== c.status || JSON.stringify(this._c.stats) !== JSON.stringify(c.stats);
    this._c = c;
    if (changed) this.emit('campaigns-changed', c);
    this.#schedule();
  }

  async #load(quiet = false) {
    const api = this.api;
    const id = this.campaignId;
    if (!api || !id) return;
    this.#ctrl?.abort();
    const ctrl = (this.#ctrl = new AbortController());
    if (!quiet) this._state = 'loading';
    try {
      const c = await api.get<Campaign>(`/api/v1/campaigns/${id}`, { signal: ctrl.signal });
      if (ctrl.signal.aborted || id !== this.campaignId) return;
      this._state = 'ready';
      this.#apply(c);
    } catch (e) {
      if ((e as Error).name === 'AbortError') return;
      if (quiet && this._c) this.#schedule();
      else {
        this._state = 'error';
        this._error = e;
      }
    } finally {
      if (this.#ctrl === ctrl) this.#ctrl = null;
    }
  }

  /** Polls again in `pollInterval` while the campaign sends; any update resets the clock. */
  #schedule() {
    this.#stopPolling();
    if (!this.isConnected || !this._c || !ACTIVE.has(this._c.status)) return;
    this.#poll = setTimeout(() => {
      this.#poll = null;
      void this.#load(true);
    }, this.pollInterval);
  }

  #stopPolling() {
    if (this.#poll) clearTimeout(this.#poll);
    this.#poll = null;
  }

  async #act(action: 'pause' | 'resume' | 'cancel') {
    const api = this.api;
    const c = this._c;
    if (!api || !c || this._busy) return;
    this._busy = action;
    this._actionError = null;
    try {
      const next = await api.post<Campaign>(`/api/v1/campaigns/${c.id}/${action}`);
      this.#apply(next && typeof next === 'object' && 'status' in next ? next : { ...c });
      if (!next || !('status' in next)) void this.#load(true);
      const words = { pause: 'paused', resume: 'resumed', cancel: 'cancelled' }[action];
      this.toast(`“${c.name}” ${words}.`, 'success');
    } catch (e) {
      this._actionError = `The campaign could not be ${{ pause: 'paused', resume: 'resumed', cancel: 'cancelled' }[action]}: ${errorMessage(e)}`;
    } finally {
      this._busy = null;
      this._confirm = false;
    }
  }

  async #export() {
    const api = this.api;
    const c = this._c;
    if (!api || !c) return;
    try {
      const blob = await api.blob(`/api/v1/campaigns/${c.id}/recipients.csv`);
      saveBlob(this.renderRoot, blob, `campaign-${c.id}-recipients.csv`);
    } catch (e) {
      this.toast(`The recipients could not be exported: ${errorMessage(e)}`);
    }
  }

  // ── rendering ────────────────────────────────────────────────────────────────────────────

  override render() {
    const back = html`<button type="button" class="btn ghost back" @click=${() => this.emit('campaigns-back')}>
      ← All campaigns
    </button>`;
    if (this._state === 'error') {
      return html`${back}
        <wa-error-state
          theme=${this.theme ?? nothing}
          heading="Couldn't load the campaign"
          .error=${this._error}
          @wa-retry=${() => void this.#load()}
        ></wa-error-state>`;
    }
    const c = this._c;
    if (!c)
      return html`${back}<wa-skeleton
          theme=${this.theme ?? nothing}
          variant="rows"
          lines="6"
          label="Loading the campaign"
        ></wa-skeleton>`;
    const s = c.stats;
    const pct = percent(s.progress);
    return html`${back}
      <section class="frame" part="report" aria-labelledby="report-title">
        <div class="report-head">
          <h3 id="report-title" tabindex="-1">${c.name}</h3>
          <span class="badge st-${c.status} status" role="status">${statusLabel(c.status)}</span>
          <span class="spacer"></span>
        </div>
        <p class="muted small">
          ${c.template.name} (${c.template.language}) · ${(c.template.category ?? '').toLowerCase()} ·
          ${audienceSummary(c.audience, this.segments)}
        </p>
        ${this.#times(c)}
        ${
          c.status === 'stopped' && c.stopReason
            ? html`<div class="warning" role="alert">
                <strong>Sending stopped:</strong> ${c.stopReason}${c.stopCode != null ? ` (error ${c.stopCode})` : ''}. Fix the
                cause, then resume.
              </div>`
            : nothing
        }
        ${this._actionError ? html`<div class="form-error" role="alert">${this._actionError}</div>` : nothing}
        <div class="row actions-row">
          ${
            c.status === 'draft'
              ? html`<button type="button" class="btn primary" @click=${() => this.emit('campaigns-edit', c)}>
                  Continue editing
                </button>`
              : nothing
          }
          ${
            PAUSABLE.has(c.status)
              ? html`<button type="button" class="btn" ?disabled=${!!this._busy} @click=${() => void this.#act('pause')}>
                  ${this._busy === 'pause' ? 'Pausing…' : 'Pause'}
                </button>`
              : nothing
          }
          ${
            RESUMABLE.has(c.status)
              ? html`<button type="button" class="btn primary" ?disabled=${!!this._busy} @click=${() => void this.#act('resume')}>
                  ${this._busy === 'resume' ? 'Resuming…' : 'Resume'}
                </button>`
              : nothing
          }
          ${
            !FINAL.has(c.status) && c.status !== 'draft'
              ? html`<button
                  type="button"
                  class="btn ghost danger-text"
                  ?disabled=${!!this._busy}
                  @click=${() => (this._confirm = true)}
                >
                  Cancel campaign
                </button>`
              : nothing
          }
          <span class="spacer"></span>
          ${
            c.status !== 'draft'
              ? html`<a
                  class="btn small export"
                  href=${`/api/v1/campaigns/${c.id}/recipients.csv`}
                  download=${`campaign-${c.id}-recipients.csv`}
                  @click=${(e: Event) => {
                    e.preventDefault();
                    void this.#export();
                  }}
                  >Export recipients (CSV)</a
                >`
              : nothing
          }
        </div>
        <div class="progress-line">
          <div class="row">
            <span id="progress-label">Progress</span>
            <strong class="pct">${pct}%</strong>
          </div>
          <div
            class="bar big"
            role="progressbar"
            aria-labelledby="progress-label"
            aria-valuemin="0"
            aria-valuemax="100"
            aria-valuenow=${pct}
          >
            <span style="width:${pct}%"></span>
          </div>
          <span class="muted small"
            >${count(s.total - s.skipped)} recipients${s.skipped ? ` (${count(s.skipped)} left out)` : ''} ·
            ${c.effectiveRatePerSecond} messages per second</span
          >
        </div>
        ${this.#counters(s)} ${this.#chart(s)} ${this.#reasons(s)}
      </section>
      <dialog id="confirm-cancel" aria-labelledby="cancel-title" @close=${() => (this._confirm = false)}>
        <h3 id="cancel-title">Cancel “${c.name}”?</h3>
        <p>Messages not sent yet will not be sent. Messages already sent stay delivered. This can't be undone.</p>
        <div class="actions">
          <button type="button" class="btn" @click=${() => (this._confirm = false)}>Keep sending</button>
          <button type="button" class="btn danger" ?disabled=${!!this._busy} @click=${() => void this.#act('cancel')}>
            ${this._busy === 'cancel' ? 'Cancelling…' : 'Cancel campaign'}
          </button>
        </div>
      </dialog>`;
  }

  #times(c: Campaign) {
    return html`<dl class="summary small">
      <dt>Created</dt>
      <dd>${when(c.createdAt)}</dd>
      ${
        c.scheduledAt
          ? html`<dt>Scheduled</dt>
              <dd>${when(c.scheduledAt)} <span class="muted">(${c.timezone})</span></dd>`
          : nothing
      }
      ${
        c.startedAt
          ? html`<dt>Started</dt>
              <dd>${when(c.startedAt)}</dd>`
          : nothing
      }
      ${
        c.completedAt
          ? html`<dt>Finished</dt>
              <dd>${when(c.completedAt)}</dd>`
          : nothing
      }
      ${
        c.quietHours
          ? html`<dt>Quiet hours</dt>
              <dd>${c.quietHours.start}–${c.quietHours.end}</dd>`
          : nothing
      }
    </dl>`;
  }

  #counters(s: CampaignStats) {
    const items: [string, number, string][] = [
      ['Queued', s.queued, ''],
      ['Sent', s.sent, ''],
      ['Delivered', s.delivered, 'good'],
      ['Read', s.read, 'good'],
      ['Replied', s.replied, 'good'],
      ['Failed', s.failed, s.failed ? 'bad' : ''],
      ['Skipped', s.skipped, ''],
      ['Reconciling', s.reconciling, ''],
    ];
    return html`<dl class="stats counters" aria-live="polite">
      ${items.map(
        ([label, n, cls]) =>
          html`<div class=${cls} data-counter=${label.toLowerCase()}>
            <dt>${label}</dt>
            <dd>${count(n)}</dd>
          </div>`,
      )}
      <div data-counter="cost">
        <dt>Cost</dt>
        <dd>${money(s.cost.amountMicros, s.cost.currency)}</dd>
      </div>
    </dl>`;
  }

  #chart(s: CampaignStats) {
    const points = s.timeline ?? [];
    if (!points.length) return html`<p class="muted small">The per-minute chart appears once messages go out.</p>`;
    const W = this._width;
    const H = 180;
    const L = 36;
    const B = 22;
    const max = Math.max(1, ...points.map((p) => p.sent + p.failed));
    const slot = (W - L - 4) / points.length;
    // A few minutes of data must not turn into a few wall-wide blocks.
    const bw = Math.max(1, Math.min(slot * 0.7, 24));
    const y = (v: number) => ((H - B - 6) * v) / max;
    const time = (iso: string) => new Date(iso).toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' });
    const totalSent = points.reduce((n, p) => n + p.sent, 0);
    const totalFailed = points.reduce((n, p) => n + p.failed, 0);
    const label = `Messages per minute over ${points.length} minutes: ${count(totalSent)} sent, ${count(totalFailed)} failed; at most ${count(max)} in one minute.`;
    const every = Math.max(1, Math.ceil(points.length / Math.max(2, Math.floor(W / 90))));
    return html`<h4>Sent per minute</h4>
      <div class="legend" aria-hidden="true">
        <span><i></i>Sent</span><span><i class="failed"></i>Failed</span>
      </div>
      <svg class="chart" part="chart" viewBox="0 0 ${W} ${H}" role="img" aria-label=${label}>
        <title>${label}</title>
        <line class="axis" x1=${L} y1=${H - B} x2=${W} y2=${H - B}></line>
        <text x=${L - 4} y=${H - B - y(max) + 4} text-anchor="end">${count(max)}</text>
        <text x=${L - 4} y=${H - B} text-anchor="end">0</text>
        ${points.map((p, i) => {
          const x = L + 2 + i * slot + (slot - bw) / 2;
          const hs = y(p.sent);
          const hf = y(p.failed);
          return svg`<g>
            <rect class="sent" x=${x} y=${H - B - hs} width=${bw} height=${hs}><title>${time(p.at)}: ${p.sent} sent</title></rect>
            <rect class="failed" x=${x} y=${H - B - hs - hf} width=${bw} height=${hf}><title>${time(p.at)}: ${p.failed} failed</title></rect>
            ${i % every === 0 ? svg`<text x=${x + bw / 2} y=${H - 6} text-anchor="middle">${time(p.at)}</text>` : nothing}
          </g>`;
        })}
      </svg>`;
  }

  #reasons(s: CampaignStats) {
    return html`${
      s.failedByReason.length
        ? html`<h4>Failed by reason</h4>
            <div class="table-wrap">
              <table class="data failed-reasons">
                <thead>
                  <tr>
                    <th scope="col">Reason</th>
                    <th scope="col">Error code</th>
                    <th scope="col" class="num">Recipients</th>
                  </tr>
                </thead>
                <tbody>
                  ${s.failedByReason.map(
                    (r) =>
                      html`<tr>
                        <td data-label="Reason">${r.reason}</td>
                        <td data-label="Error code" class="mono">${r.code ?? '—'}</td>
                        <td data-label="Recipients" class="num">${count(r.count)}</td>
                      </tr>`,
                  )}
                </tbody>
              </table>
            </div>`
        : nothing
    }
    ${
      s.skippedByReason.length
        ? html`<h4>Skipped</h4>
            <dl class="nums skipped">
              ${s.skippedByReason.map(
                (r) =>
                  html`<div>
                    <dt>${SKIP_LABELS[r.reason] ?? r.reason}:</dt>
                    <dd>${count(r.count)}</dd>
                  </div>`,
              )}
            </dl>`
        : nothing
    }`;
  }
}
