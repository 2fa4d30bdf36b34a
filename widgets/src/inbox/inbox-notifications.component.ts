import { html, nothing, type PropertyValues } from 'lit';
import { repeat } from 'lit/directives/repeat.js';
import { ifDefined } from 'lit/directives/if-defined.js';
import { InboxPart } from './inbox-part.ts';
import { ui, errorMessage } from '../shared/ui.styles.ts';
import { icons } from './icons.ts';
import { customerName, hue, initials, shortTime, type Conversation, type InboxNotification } from './inbox.types.ts';
import { styles } from './inbox-notifications.styles.ts';

/** The newest notifications the panel shows (GET /notifications pages newest first). */
const LIMIT = 20;
/** A burst of `notification.created` events fetches the list once. */
const SYNC_MS = 300;

/** `5m` → `5m ago`; days and dates as the list shows them. */
function ago(iso: string, now: number): string {
  const t = shortTime(iso, now);
  return t === 'now' ? 'just now' : /^\d+[mh]$/.test(t) ? `${t} ago` : t;
}

/**
 * The notifications bell in the inbox's top bar: the unread count as a badge, and a panel with the
 * caller's newest @mentions and assignments (unread ones highlighted). Picking one marks it (and the
 * other unread ones about that conversation) read and asks the inbox to open the conversation.
 * The inbox renders it only for a signed-in user (notifications belong to a person) and hands it
 * the realtime `notification.created` events through `notified()`.
 *
 * @tag wa-inbox-notifications
 * @event inbox-open-notification - `detail: { conversationId, messageId }` — open this conversation.
 * @event inbox-popup - The panel opened (the inbox closes its other popups).
 */
export class WaInboxNotifications extends InboxPart {
  static override styles = [InboxPart.styles, ui, styles];
  static override properties = {
    ...InboxPart.properties,
    conversations: { attribute: false },
    now: { type: Number },
    _open: { state: true },
    _items: { state: true },
    _unread: { state: true },
    _state: { state: true },
    _error: { state: true },
  };

  /** The inbox's loaded conversations: a mention names its customer when the conversation is among them. */
  declare conversations: Conversation[];
  declare now: number;
  declare _open: boolean;
  declare _items: InboxNotification[];
  declare _unread: number;
  declare _state: 'loading' | 'ready' | 'error';
  declare _error: unknown;

  #ctrl: AbortController | null = null;
  #sync: ReturnType<typeof setTimeout> | null = null;

  constructor() {
    super();
    this.conversations = [];
    this.now = Date.now();
    this._open = false;
    this._items = [];
    this._unread = 0;
    this._state = 'loading';
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.close();
    if (this.#sync) clearTimeout(this.#sync);
    this.#sync = null;
    this.#ctrl?.abort();
  }

  protected override updated(changed: PropertyValues<this>): void {
    if (changed.has('api') && this.api) void this.refresh();
  }

  /** Fetches the newest notifications and the unread count (after a reconnect or a tenant switch too). */
  async refresh() {
    const api = this.api;
    if (!api) return;
    this.#ctrl?.abort();
    const ctrl = (this.#ctrl = new AbortController());
    try {
      const r = await api.get<{ items: InboxNotification[]; unread: number }>('/api/v1/notifications', {
        signal: ctrl.signal,
        query: { limit: LIMIT },
      });
      if (ctrl.signal.aborted) return;
      this._items = r.items ?? [];
      this._unread = r.unread ?? this._items.filter((n) => !n.readAt).length;
      this._state = 'ready';
    } catch (e) {
      if (ctrl.signal.aborted || (e as Error).name === 'AbortError') return;
      // What was loaded stays; the error shows only when there is nothing to show.
      if (this._state !== 'ready') {
        this._state = 'error';
        this._error = e;
      }
    } finally {
      if (this.#ctrl === ctrl) this.#ctrl = null;
    }
  }

  /** A `notification.created` event: counts it at once, then fetches the list (once per burst). */
  notified(data: { id?: unknown }) {
    if (!this._items.some((n) => n.id === Number(data.id))) this._unread++;
    if (this.#sync) clearTimeout(this.#sync);
    this.#sync = setTimeout(() => {
      this.#sync = null;
      void this.refresh();
    }, SYNC_MS);
  }

  /** Closes the panel (Escape from the inbox, focus back on the bell). Returns whether it was open. */
  close(focusBell = false): boolean {
    if (!this._open) return false;
    this._open = false;
    document.removeEventListener('pointerdown', this.#outside, true);
    if (focusBell) this.renderRoot.querySelector<HTMLElement>('.bell')?.focus();
    return true;
  }

  #outside = (e: Event) => {
    if (!e.composedPath().includes(this)) this.close();
  };

  async #show() {
    this._open = true;
    this.emit('inbox-popup');
    document.addEventListener('pointerdown', this.#outside, true);
    // Fresh on every opening: the socket may be down, or never up (no realtime on this server).
    void this.refresh();
    await this.updateComplete;
    const panel = this.renderRoot.querySelector<HTMLElement>('.panel');
    if (!panel) return;
    // As tall as the inbox leaves room for below the bar (the inbox clips what overflows it).
    const inbox = (this.getRootNode() as ShadowRoot).host ?? document.documentElement;
    const room = inbox.getBoundingClientRect().bottom - panel.getBoundingClientRect().top - 8;
    panel.style.maxHeight = `${Math.max(160, Math.min(440, room))}px`;
    (this.renderRoot.querySelector<HTMLElement>('.item') ?? panel).focus();
  }

  #pick(n: InboxNotification) {
    const ids = this._items
      .filter((x) => !x.readAt && (x.id === n.id || (n.conversationId !== null && x.conversationId === n.conversationId)))
      .map((x) => x.id);
    if (ids.length) void this.#markRead(ids);
    this.close();
    if (n.conversationId !== null) {
      this.emit('inbox-open-notification', { conversationId: n.conversationId, messageId: n.messageId });
    }
  }

  /** Marks the given notifications read (all of them without ids): at once here, then on the server. */
  async #markRead(ids?: number[]) {
    const api = this.api;
    if (!api) return;
    const at = new Date().toISOString();
    const hit = (n: InboxNotification) => !n.readAt && (!ids || ids.includes(n.id));
    const count = this._items.filter(hit).length;
    this._items = this._items.map((n) => (hit(n) ? { ...n, readAt: at } : n));
    this._unread = ids ? Math.max(0, this._unread - count) : 0;
    // A list on its way predates this: fetch again once the server has it.
    const stale = this.#ctrl !== null;
    this.#ctrl?.abort();
    try {
      await api.post('/api/v1/notifications/read', ids ? { ids } : {});
      if (stale) void this.refresh();
    } catch (e) {
      this.toast(`Notifications could not be marked read: ${errorMessage(e)}`);
      void this.refresh();
    }
  }

  #onKey(e: KeyboardEvent) {
    if (e.key === 'Escape' && this._open) {
      // Handled here: the inbox's own Escape (closing popups) sees it as done.
      e.preventDefault();
      this.close(true);
      return;
    }
    if (!this._open) return;
    const items = [...this.renderRoot.querySelectorAll<HTMLButtonElement>('button.item')];
    const i = items.indexOf(this.shadowRoot?.activeElement as HTMLButtonElement);
    let next = -1;
    if (e.key === 'ArrowDown') next = Math.min(items.length - 1, i + 1);
    else if (e.key === 'ArrowUp') next = Math.max(0, i - 1);
    else if (e.key === 'Home' && i >= 0) next = 0;
    else if (e.key === 'End' && i >= 0) next = items.length - 1;
    if (next < 0) return;
    e.preventDefault();
    items[next]?.focus();
  }

  override render() {
    const n = this._unread;
    return html`<div class="wrap" @keydown=${this.#onKey}>
      <button
        type="button"
        class="bell"
        aria-label=${n ? `Notifications, ${n} unread` : 'Notifications'}
        aria-haspopup="dialog"
        aria-expanded=${this._open ? 'true' : 'false'}
        aria-controls="panel"
        @click=${() => (this._open ? this.close() : void this.#show())}
      >
        ${icons.bell}${n ? html`<span class="badge" aria-hidden="true">${n > 99 ? '99+' : n}</span>` : nothing}
      </button>
      ${this._open ? this.#panel() : nothing}
    </div>`;
  }

  #panel() {
    return html`<div id="panel" class="panel" role="dialog" aria-label="Notifications" tabindex="-1">
      <div class="head">
        <h3>Notifications</h3>
        <button
          type="button"
          class="btn ghost small"
          ?disabled=${!this._unread}
          @click=${() => {
            void this.#markRead();
            this.renderRoot.querySelector<HTMLElement>('.panel')?.focus();
          }}
        >
          Mark all read
        </button>
      </div>
      ${this.#body()}
    </div>`;
  }

  #body() {
    if (this._state === 'error') {
      return html`<div class="note" role="alert">
        <p>Notifications could not be loaded: ${errorMessage(this._error)}</p>
        <button type="button" class="btn small" @click=${() => void this.refresh()}>Try again</button>
      </div>`;
    }
    if (this._state === 'loading') {
      return html`<wa-skeleton
        theme=${ifDefined(this.theme)}
        variant="rows"
        lines="3"
        label="Loading notifications"
      ></wa-skeleton>`;
    }
    if (!this._items.length) {
      return html`<p class="note">
        No notifications yet. When a teammate @mentions you in a note or assigns you a conversation, it shows up here.
      </p>`;
    }
    return html`<ul class="items" aria-label="Newest notifications">
      ${repeat(
        this._items,
        (n) => n.id,
        (n) => this.#item(n),
      )}
    </ul>`;
  }

  #item(n: InboxNotification) {
    const who = n.actor?.name || (n.actor ? 'A teammate' : null);
    const conv = n.conversationId === null ? undefined : this.conversations.find((c) => c.id === n.conversationId);
    const unread = !n.readAt;
    const what =
      n.kind === 'mention'
        ? html`<strong>${who ?? 'A teammate'}</strong> mentioned you`
        : n.kind === 'assigned'
          ? who
            ? html`<strong>${who}</strong> assigned a conversation to you`
            : 'A conversation was assigned to you'
          : 'Notification';
    // Assignments say whose conversation in their text; a mention's text is the note.
    const text = n.kind === 'mention' ? (n.text ? `“${n.text}”` : null) : n.text;
    const where = n.kind === 'mention' && conv ? customerName(conv) : null;
    return html`<li>
      <button type="button" class="item ${unread ? 'unread' : ''}" data-id=${n.id} @click=${() => this.#pick(n)}>
        ${
          who
            ? html`<span class="avatar" style="--h:${hue(who)}" aria-hidden="true">${initials(who)}</span>`
            : html`<span class="avatar system" aria-hidden="true">${icons.person}</span>`
        }
        <span class="main">
          <span class="what">${unread ? html`<span class="visually-hidden">Unread: </span>` : nothing}${what}</span>
          ${text ? html`<span class="text">${text}</span>` : nothing}
          <span class="meta">
            ${where ? html`<span>${where} · </span>` : nothing}<time
              datetime=${n.createdAt}
              title=${new Date(n.createdAt).toLocaleString()}
              >${ago(n.createdAt, this.now)}</time
            >
          </span>
        </span>
        ${unread ? html`<span class="dot" aria-hidden="true"></span>` : nothing}
      </button>
    </li>`;
  }
}
