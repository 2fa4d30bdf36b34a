import { html, nothing, type PropertyValues, type TemplateResult } from 'lit';
import { repeat } from 'lit/directives/repeat.js';
import { ifDefined } from 'lit/directives/if-defined.js';
import { InboxPart } from './inbox-part.ts';
import { ui } from '../shared/ui.styles.ts';
import { icons } from './icons.ts';
import {
  DEFAULT_FILTERS,
  WINDOW_WARNING_MS,
  customerName,
  duration,
  hue,
  initials,
  messageText,
  shortTime,
  summary,
  windowLeft,
  type Conversation,
  type ConversationStatus,
  type Filters,
  type Label,
  type Search,
  type SearchHit,
  type Team,
} from './inbox.types.ts';
import { styles } from './inbox-list.styles.ts';

const STATUSES: [ConversationStatus, string][] = [
  ['open', 'Open'],
  ['pending', 'Pending'],
  ['snoozed', 'Snoozed'],
  ['resolved', 'Resolved'],
];
const ASSIGNEES: [Filters['assignee'], string][] = [
  ['me', 'Mine'],
  ['none', 'Unassigned'],
  ['all', 'All'],
];

/** The server's bounds for a search (GET /messages/search), and how long typing may pause. */
export const SEARCH_MIN = 2;
const SEARCH_MAX = 100;
const SEARCH_DEBOUNCE_MS = 300;

/**
 * The text around the first match of `q`, every match in a <mark>. Only text and Lit templates:
 * what customers wrote never becomes markup.
 */
export function highlight(text: string, q: string): (string | TemplateResult)[] {
  const flat = text.replace(/\s+/g, ' ').trim();
  const words = q
    .trim()
    .replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
    .replace(/\s+/g, '\\s+');
  const re = new RegExp(words || '$^', 'giu');
  // A match far into a long message: start a little before it, at a word boundary.
  const first = flat.search(re);
  let start = 0;
  if (first > 40) {
    const space = flat.lastIndexOf(' ', first - 12);
    start = space > first - 40 ? space + 1 : first - 24;
  }
  const s = flat.slice(start);
  const out: (string | TemplateResult)[] = start > 0 ? ['…'] : [];
  let at = 0;
  for (const m of s.matchAll(re)) {
    if (!m[0]) break;
    out.push(s.slice(at, m.index), html`<mark>${m[0]}</mark>`);
    at = m.index + m[0].length;
  }
  out.push(s.slice(at));
  return out;
}

/**
 * The conversation list with its filter bar, and message search above it: while there is a query
 * the matching messages replace the list. Pages further as the user scrolls down.
 *
 * @tag wa-inbox-list
 * @event inbox-select - `detail: { id }`.
 * @event inbox-filter - `detail: Filters` — the filters changed.
 * @event inbox-more - Load the next page.
 * @event inbox-reload - Load again after an error.
 * @event inbox-search - `detail: { q }` — search for this (trimmed; '' or too short ends the search).
 * @event inbox-open-hit - `detail: SearchHit` — open the conversation of a search result at its message.
 */
export class WaInboxList extends InboxPart {
  static override styles = [InboxPart.styles, ui, styles];
  static override properties = {
    ...InboxPart.properties,
    conversations: { attribute: false },
    selectedId: { attribute: false },
    filters: { attribute: false },
    teams: { attribute: false },
    labels: { attribute: false },
    state: { type: String },
    error: { attribute: false },
    hasMore: { type: Boolean },
    loadingMore: { type: Boolean },
    now: { type: Number },
    search: { attribute: false },
    userless: { type: Boolean },
    _q: { state: true },
    _picked: { state: true },
  };

  declare conversations: Conversation[];
  declare selectedId: number | null;
  declare filters: Filters;
  declare teams: Team[];
  declare labels: Label[];
  declare state: 'loading' | 'ready' | 'error';
  declare error: unknown;
  declare hasMore: boolean;
  declare loadingMore: boolean;
  declare now: number;
  /** The inbox's search state (null when not searching). */
  declare search: Search | null;
  /** The caller is no user (an API or embed token): nothing is "mine". */
  declare userless: boolean;
  declare _q: string;
  declare _picked: number | null;

  #debounce: ReturnType<typeof setTimeout> | null = null;
  #asked = '';

  constructor() {
    super();
    this.conversations = [];
    this.selectedId = null;
    this.filters = DEFAULT_FILTERS;
    this.teams = [];
    this.labels = [];
    this.state = 'loading';
    this.hasMore = false;
    this.loadingMore = false;
    this.now = Date.now();
    this.search = null;
    this.userless = false;
    this._q = '';
    this._picked = null;
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    if (this.#debounce) clearTimeout(this.#debounce);
    this.#debounce = null;
  }

  get #scroller() {
    return this.renderRoot.querySelector<HTMLElement>('.scroller');
  }

  protected override updated(changed: PropertyValues<this>): void {
    if (changed.has('selectedId') && this.selectedId !== null) {
      this.renderRoot.querySelector(`button[data-id="${this.selectedId}"]`)?.scrollIntoView({ block: 'nearest' });
    }
    this.#maybeMore();
  }

  #maybeMore = () => {
    const el = this.#scroller;
    // A hidden list (one pane at a time) has no height: it must not page through everything.
    if (!el || !this.hasMore || this.loadingMore || this.state !== 'ready' || el.clientHeight === 0 || this.#searching) return;
    if (el.scrollTop + el.clientHeight >= el.scrollHeight - 300) this.emit('inbox-more');
  };

  #set(patch: Partial<Filters>) {
    this.emit('inbox-filter', { ...this.filters, ...patch });
  }

  /** Focuses the selected conversation's row (or the first). */
  focusList() {
    const rows = [...this.renderRoot.querySelectorAll<HTMLButtonElement>('button.conv')];
    (rows.find((b) => b.getAttribute('aria-current') === 'true') ?? rows[0])?.focus();
  }

  // ── search ───────────────────────────────────────────────────────────────────────────────

  get #searching(): boolean {
    return this._q.trim() !== '';
  }

  get #input() {
    return this.renderRoot.querySelector<HTMLInputElement>('input[type="search"]');
  }

  /** Asks the inbox to search once typing pauses; a query too short to search ends it at once. */
  #queueSearch(now = false) {
    if (this.#debounce) clearTimeout(this.#debounce);
    this.#debounce = null;
    const ask = () => {
      this.#debounce = null;
      const q = this._q.trim();
      if (q === this.#asked && !now) return;
      this.#asked = q;
      this.emit('inbox-search', { q });
    };
    if (now || this._q.trim().length < SEARCH_MIN) ask();
    else this.#debounce = setTimeout(ask, SEARCH_DEBOUNCE_MS);
  }

  #clearSearch() {
    this._q = '';
    this._picked = null;
    this.#queueSearch();
    this.#input?.focus();
  }

  #onSearchKey(e: KeyboardEvent) {
    if (e.key === 'Escape' && this.#searching) {
      // Handled here: the inbox's own Escape (closing popups) sees it as done.
      e.preventDefault();
      this.#clearSearch();
    }
  }

  #onInputKey(e: KeyboardEvent) {
    if (e.key === 'Enter') {
      e.preventDefault();
      if (this._q.trim().length >= SEARCH_MIN) this.#queueSearch(true);
    } else if (e.key === 'ArrowDown' && this.#searching) {
      const first = this.renderRoot.querySelector<HTMLButtonElement>('button.hit');
      if (first) {
        e.preventDefault();
        first.focus();
      }
    }
  }

  #onListKey(e: KeyboardEvent) {
    const rows = [...this.renderRoot.querySelectorAll<HTMLButtonElement>('button.conv')];
    const i = rows.indexOf(this.shadowRoot?.activeElement as HTMLButtonElement);
    let next = -1;
    if (e.key === 'ArrowUp' && i === 0 && this.#searching) {
      e.preventDefault();
      this.#input?.focus();
      return;
    }
    if (e.key === 'ArrowDown') next = Math.min(rows.length - 1, i + 1);
    else if (e.key === 'ArrowUp') next = Math.max(0, i - 1);
    else if (e.key === 'Home') next = 0;
    else if (e.key === 'End') next = rows.length - 1;
    if (next < 0) return;
    e.preventDefault();
    rows[next]?.focus();
  }

  override render() {
    const searching = this.#searching;
    return html`
      <div class="search ${searching ? 'active' : ''}" role="search" @keydown=${this.#onSearchKey}>
        <label class="visually-hidden" for="q">Search messages</label>
        ${icons.search}
        <input
          id="q"
          type="search"
          placeholder="Search messages"
          autocomplete="off"
          spellcheck="false"
          enterkeyhint="search"
          maxlength=${SEARCH_MAX}
          .value=${this._q}
          @input=${(e: Event) => {
            this._q = (e.target as HTMLInputElement).value;
            this.#queueSearch();
          }}
          @keydown=${this.#onInputKey}
        />
        ${
          this._q
            ? html`<button type="button" class="clear" aria-label="Clear search" @click=${() => this.#clearSearch()}>
                ${icons.close}
              </button>`
            : nothing
        }
      </div>
      ${searching ? nothing : this.#filters()}
      <div class="scroller" @scroll=${this.#maybeMore} @keydown=${this.#onSearchKey}>
        ${searching ? this.#results() : this.#body()}
      </div>
    `;
  }

  #results() {
    const q = this._q.trim();
    if (q.length < SEARCH_MIN) {
      return html`<p class="hint" role="status">Type at least ${SEARCH_MIN} characters to search messages.</p>`;
    }
    const s = this.search;
    const current = s?.q === q ? s : null;
    if (current?.state === 'error') {
      return html`<wa-error-state
        theme=${ifDefined(this.theme)}
        heading="Couldn't search the messages"
        .error=${current.error}
        @wa-retry=${() => this.#queueSearch(true)}
      ></wa-error-state>`;
    }
    const loading = !current || current.state === 'loading';
    // What the previous query found stays (dimmed) while the next answer is on its way.
    const items = s?.items ?? [];
    const n = items.length;
    const status = loading
      ? 'Searching…'
      : n
        ? `${n} ${n === 1 ? 'message' : 'messages'}, newest first`
        : `No messages match “${q}”`;
    return html`<p class="search-status ${!loading && !n ? 'visually-hidden' : ''}" role="status">${status}</p>
      ${
        loading && !n
          ? html`<div class="pad">
              <wa-skeleton theme=${ifDefined(this.theme)} variant="rows" lines="4" label="Searching messages"></wa-skeleton>
            </div>`
          : !n
            ? html`<wa-empty-state
                theme=${ifDefined(this.theme)}
                heading="No messages match “${q}”"
                description="Search finds words in messages, captions and notes. Try fewer or other words."
              ></wa-empty-state>`
            : html`<ul
                class="list hits ${loading ? 'stale' : ''}"
                aria-label="Messages found"
                aria-busy=${loading ? 'true' : 'false'}
                @keydown=${this.#onListKey}
              >
                ${repeat(
                  items,
                  (h) => h.message.id,
                  (h) => this.#hit(h, s!.q),
                )}
              </ul>`
      }`;
  }

  #hit(h: SearchHit, q: string) {
    const m = h.message;
    const name = customerName(h.conversation);
    const who = m.note ? 'Note' : m.direction === 'out' ? m.sender?.name || 'You' : null;
    return html`<li>
      <button
        type="button"
        class="conv hit"
        data-message=${m.id}
        aria-current=${this._picked === m.id ? 'true' : 'false'}
        @click=${() => {
          this._picked = m.id;
          this.emit('inbox-open-hit', h);
        }}
      >
        <span class="avatar" style="--h:${hue(name)}" aria-hidden="true">${initials(name)}</span>
        <span class="main">
          <span class="top">
            <span class="name">${name}</span>
            <time datetime=${m.occurredAt}>${shortTime(m.occurredAt, this.now)}</time>
          </span>
          <span class="snippet"
            >${who ? html`<span class="who">${who}: </span>` : nothing}${highlight(messageText(m) ?? summary(m), q)}</span
          >
        </span>
      </button>
    </li>`;
  }

  #filters() {
    const f = this.filters;
    const extra = [f.team, f.label, f.window].filter(Boolean).length;
    return html`
      <div class="filters">
        <div class="tabs" role="group" aria-label="Status">
          ${STATUSES.map(
            ([v, label]) =>
              html`<button
                type="button"
                aria-pressed=${f.status === v ? 'true' : 'false'}
                @click=${() => this.#set({ status: v })}
              >
                ${label}
              </button>`,
          )}
        </div>
        <div class="row">
          <div class="seg" role="group" aria-label="Assigned to">
            ${ASSIGNEES.filter(([v]) => v !== 'me' || !this.userless).map(
              ([v, label]) =>
                html`<button
                  type="button"
                  aria-pressed=${f.assignee === v ? 'true' : 'false'}
                  @click=${() => this.#set({ assignee: v })}
                >
                  ${label}
                </button>`,
            )}
          </div>
          <button
            type="button"
            class="toggle"
            aria-pressed=${f.unread ? 'true' : 'false'}
            @click=${() => this.#set({ unread: !f.unread })}
          >
            Unread
          </button>
          <details class="more" ?open=${extra > 0}>
            <summary>Filters${extra ? html` <span class="count">${extra}</span>` : nothing}</summary>
            <div class="more-body">
              <label>
                <span>Team</span>
                <select class="inline" @change=${(e: Event) => this.#set({ team: (e.target as HTMLSelectElement).value })}>
                  <option value="" ?selected=${!f.team}>Any team</option>
                  <option value="none" ?selected=${f.team === 'none'}>No team</option>
                  ${this.teams.map((t) => html`<option value=${t.id} ?selected=${f.team === String(t.id)}>${t.name}</option>`)}
                </select>
              </label>
              <label>
                <span>Label</span>
                <select class="inline" @change=${(e: Event) => this.#set({ label: (e.target as HTMLSelectElement).value })}>
                  <option value="" ?selected=${!f.label}>Any label</option>
                  ${this.labels.map((l) => html`<option value=${l.id} ?selected=${f.label === String(l.id)}>${l.name}</option>`)}
                </select>
              </label>
              <label>
                <span>24-hour window</span>
                <select
                  class="inline"
                  @change=${(e: Event) => this.#set({ window: (e.target as HTMLSelectElement).value as Filters['window'] })}
                >
                  <option value="" ?selected=${!f.window}>Open or closed</option>
                  <option value="open" ?selected=${f.window === 'open'}>Open</option>
                  <option value="closed" ?selected=${f.window === 'closed'}>Closed</option>
                </select>
              </label>
            </div>
          </details>
        </div>
      </div>
    `;
  }

  #body() {
    if (this.state === 'error') {
      return html`<wa-error-state
        theme=${ifDefined(this.theme)}
        heading="Couldn't load the conversations"
        .error=${this.error}
        @wa-retry=${() => this.emit('inbox-reload')}
      ></wa-error-state>`;
    }
    if (this.state === 'loading') {
      return html`<div class="pad">
        <wa-skeleton theme=${ifDefined(this.theme)} variant="rows" lines="6" label="Loading conversations"></wa-skeleton>
      </div>`;
    }
    if (this.conversations.length === 0) {
      const f = this.filters;
      const isDefault = f.status === 'open' && f.assignee === 'all' && !f.team && !f.label && !f.unread && !f.window;
      return isDefault
        ? html`<wa-empty-state
            theme=${ifDefined(this.theme)}
            heading="No conversations yet"
            description="Messages your customers send to your WhatsApp number appear here."
          ></wa-empty-state>`
        : html`<wa-empty-state
            theme=${ifDefined(this.theme)}
            heading="Nothing here"
            description="No conversation matches these filters."
          >
            <button slot="action" class="btn" type="button" @click=${() => this.emit('inbox-filter', { ...DEFAULT_FILTERS })}>
              Clear filters
            </button>
          </wa-empty-state>`;
    }
    return html`<ul class="list" aria-label="Conversations" @keydown=${this.#onListKey}>
        ${repeat(
          this.conversations,
          (c) => c.id,
          (c) => this.#row(c),
        )}
      </ul>
      ${
        this.loadingMore
          ? html`<div class="more-status" role="status">Loading more…</div>`
          : this.hasMore
            ? html`<div class="more-status">
                <button class="btn small" type="button" @click=${() => this.emit('inbox-more')}>Load more</button>
              </div>`
            : nothing
      }`;
  }

  #row(c: Conversation) {
    const name = customerName(c);
    const left = windowLeft(c, this.now);
    const closing = c.window.open && left > 0 && left < WINDOW_WARNING_MS;
    const selected = c.id === this.selectedId;
    const pri = c.priority && c.priority !== 'none' && c.priority !== 'low' ? c.priority : null;
    const labels = c.labels ?? [];
    return html`<li>
      <button
        type="button"
        class="conv ${c.unreadCount ? 'unread' : ''}"
        data-id=${c.id}
        aria-current=${selected ? 'true' : 'false'}
        @click=${() => this.emit('inbox-select', { id: c.id })}
      >
        <span class="avatar" style="--h:${hue(name)}" aria-hidden="true">${initials(name)}</span>
        <span class="main">
          <span class="top">
            <span class="name">${name}</span>
            <time datetime=${c.lastMessageAt}>${shortTime(c.lastMessageAt, this.now)}</time>
          </span>
          <span class="bottom">
            <span class="preview">${c.preview ?? ''}</span>
            ${
              c.unreadCount
                ? html`<span class="unread-badge"
                    >${c.unreadCount > 99 ? '99+' : c.unreadCount}<span class="visually-hidden"> unread</span></span
                  >`
                : nothing
            }
          </span>
          ${
            closing || !c.window.open || pri || labels.length || c.assignee
              ? html`<span class="tags">
                  ${
                    closing
                      ? html`<span class="tag warn" title="The 24-hour window closes soon"
                          >${icons.clock} ${duration(left)} left</span
                        >`
                      : !c.window.open
                        ? html`<span class="tag">Window closed</span>`
                        : nothing
                  }
                  ${pri ? html`<span class="tag pri-${pri}">${pri[0].toUpperCase() + pri.slice(1)}</span>` : nothing}
                  ${labels
                    .slice(0, 2)
                    .map(
                      (l) =>
                        html`<span class="tag label"
                          ><span class="dot" style="background:${safeColor(l.color)}"></span>${l.name}</span
                        >`,
                    )}
                  ${labels.length > 2 ? html`<span class="tag">+${labels.length - 2}</span>` : nothing}
                  <span class="spacer"></span>
                  ${
                    c.assignee
                      ? html`<span class="mini" style="--h:${hue(c.assignee.name)}" title="Assigned to ${c.assignee.name}"
                          ><span aria-hidden="true">${initials(c.assignee.name)}</span
                          ><span class="visually-hidden">Assigned to ${c.assignee.name}</span></span
                        >`
                      : nothing
                  }
                </span>`
              : nothing
          }
        </span>
      </button>
    </li>`;
  }
}

/** Label colours come from users: only plain hex colours reach a style attribute. */
export function safeColor(color: string | null | undefined): string {
  return /^#[0-9a-f]{3,8}$/i.test(color ?? '') ? color! : 'var(--wa-color-text-muted)';
}
