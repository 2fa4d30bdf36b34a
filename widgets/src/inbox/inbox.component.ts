import { html, nothing, type PropertyValues } from 'lit';
import { ifDefined } from 'lit/directives/if-defined.js';
import { WaElement } from '../shared/base-element.ts';
import { ApiError } from '../shared/api-client.ts';
import { RealtimeController, type RealtimeEvent } from '../shared/realtime.ts';
import { ui, errorMessage } from '../shared/ui.styles.ts';
import { icons } from './icons.ts';
import {
  DEFAULT_FILTERS,
  byActivity,
  byTime,
  customerName,
  duration,
  hue,
  initials,
  isTextField,
  matches,
  phone,
  summary,
  uuid,
  windowLeft,
  type Agent,
  type Conversation,
  type Filters,
  type Label,
  type Message,
  type Page,
  type Presence,
  type Ref,
  type Search,
  type SearchHit,
  type SendRequest,
  type Team,
} from './inbox.types.ts';
import type { WaInboxComposer } from './inbox-composer.component.ts';
import type { WaInboxTemplatePicker } from './template-picker.component.ts';
import type { WaInboxThread } from './inbox-thread.component.ts';
import type { WaInboxNotifications } from './inbox-notifications.component.ts';
import { SEARCH_MIN, type WaInboxList } from './inbox-list.component.ts';
import { styles } from './inbox.styles.ts';

type Layout = 'wide' | 'medium' | 'narrow';
type Pane = 'list' | 'thread' | 'details';

interface Viewer {
  name: string;
  viewingUntil: number;
  typingUntil: number;
}

const PAGE = 25;
const THREAD_PAGE = 30;
/** The realtime catch-up's page, and how far back it follows a burst before starting over. */
const NEWEST_PAGE = 20;
const CATCH_UP_PAGE = 50;
const CATCH_UP_PAGES = 10;
const SEARCH_LIMIT = 30;
const VIEWING_EVERY_MS = 10_000;
const VIEWING_TTL_MS = 30_000;
const TYPING_TTL_MS = 6_000;
const PRESENCE_EVERY_MS = 30_000;
const AWAY_AFTER_HIDDEN_MS = 5 * 60_000;

const SHORTCUTS: [string, string][] = [
  ['j', 'Next conversation'],
  ['k', 'Previous conversation'],
  ['r', 'Reply'],
  ['e', 'Resolve'],
  ['/', 'Canned responses'],
  ['?', 'These shortcuts'],
  ['Esc', 'Close a popup'],
];

function readStorage(key: string): string | null {
  try {
    return localStorage.getItem(key);
  } catch {
    return null;
  }
}
function writeStorage(key: string, value: string | null) {
  try {
    if (value) localStorage.setItem(key, value);
    else localStorage.removeItem(key);
  } catch {
    // Storage blocked (sandboxed iframe, privacy mode): drafts last for this page only.
  }
}

/**
 * The shared team inbox: conversations | thread | contact details, collapsing to one pane at a
 * time when the widget itself is narrow (an iframe or a CRM sidebar), with back navigation.
 * Live through the realtime socket (topic `inbox`, and `conversation:<id>` for who is viewing or
 * typing); presence is kept by a heartbeat while the inbox is on screen.
 *
 * Size it from outside (`wa-inbox { height: 100vh }`); it defaults to 640 px.
 *
 * @tag wa-inbox
 * @property {'light'|'dark'} theme - Forces a theme; unset follows the host and prefers-color-scheme.
 * @property {number} conversationId - (attribute `conversation-id`) Opens this conversation.
 * @event wa-conversation-open - `detail: { conversationId }` when a conversation is opened.
 * @cssproperty --wa-inbox-height - Height when the host page sets none (default 640px).
 */
export class WaInbox extends WaElement {
  static override styles = [WaElement.styles, ui, styles];
  static override properties = {
    ...WaElement.properties,
    conversationId: { type: Number, attribute: 'conversation-id' },
    layout: { type: String, reflect: true },
    _filters: { state: true },
    _convs: { state: true },
    _cursor: { state: true },
    _listState: { state: true },
    _listError: { state: true },
    _loadingMore: { state: true },
    _selectedId: { state: true },
    _conv: { state: true },
    _messages: { state: true },
    _older: { state: true },
    _threadState: { state: true },
    _threadError: { state: true },
    _loadingOlder: { state: true },
    _pane: { state: true },
    _details: { state: true },
    _agents: { state: true },
    _teams: { state: true },
    _labels: { state: true },
    _myId: { state: true },
    _presence: { state: true },
    _viewers: { state: true },
    _collision: { state: true },
    _help: { state: true },
    _replyTo: { state: true },
    _closedMode: { state: true },
    _busy: { state: true },
    _now: { state: true },
    _search: { state: true },
    _userless: { state: true },
  };

  declare conversationId: number | undefined;
  /** Set from the element's own width: three panes, two (details on demand), or one at a time. */
  declare layout: Layout;
  declare _filters: Filters;
  declare _convs: Conversation[];
  declare _cursor: string | null;
  declare _listState: 'loading' | 'ready' | 'error';
  declare _listError: unknown;
  declare _loadingMore: boolean;
  declare _selectedId: number | null;
  declare _conv: Conversation | null;
  declare _messages: Message[];
  declare _older: string | null;
  declare _threadState: 'loading' | 'ready' | 'error';
  declare _threadError: unknown;
  declare _loadingOlder: boolean;
  declare _pane: Pane;
  declare _details: boolean;
  declare _agents: Agent[];
  declare _teams: Team[];
  declare _labels: Label[];
  declare _myId: number | null;
  declare _presence: Presence;
  declare _viewers: Map<number, Viewer>;
  declare _collision: { clientRef: string; by: Ref; text: string } | null;
  declare _help: boolean;
  declare _replyTo: Message | null;
  declare _closedMode: 'template' | 'note';
  declare _busy: boolean;
  declare _now: number;
  declare _search: Search | null;
  /** The API says the caller is no user (an API or embed token): no presence, viewing or "mine". */
  declare _userless: boolean;

  #me: Ref | null = null;
  #context: { api: unknown; tenant: unknown } | null = null;
  #listCtrl: AbortController | null = null;
  #threadCtrl: AbortController | null = null;
  #drafts = new Map<number, string>();
  #seq = 0;
  #resize: ResizeObserver | null = null;
  #tick: ReturnType<typeof setInterval> | null = null;
  #presenceTimer: ReturnType<typeof setInterval> | null = null;
  #viewingTimer: ReturnType<typeof setInterval> | null = null;
  #awayTimer: ReturnType<typeof setTimeout> | null = null;
  #autoAway = false;
  #pendingConvs = new Set<number>();
  #convFlush: ReturnType<typeof setTimeout> | null = null;
  #newestFlush: ReturnType<typeof setTimeout> | null = null;
  #previewUrls = new Set<string>();
  #rtSeenOpen = false;
  #rtWasDown = false;
  #searchCtrl: AbortController | null = null;
  /** A message to scroll to once its conversation's newest page is in (opened from a search). */
  #reveal: number | null = null;
  /** Settles once /auth/me has answered (or failed): presence and viewing wait for it. */
  #whoami: Promise<void> = Promise.resolve();
  #refreshing = false;
  #refreshAgain = false;

  #rt = new RealtimeController(this, {
    topics: () =>
      this.api
        ? [
            'inbox',
            ...(this._selectedId ? [`conversation:${this._selectedId}`] : []),
            ...(this._myId !== null ? [`user:${this._myId}`] : []),
          ]
        : [],
    onEvent: (e) => this.#onRealtime(e),
  });

  constructor() {
    super();
    this.layout = 'wide';
    this._filters = { ...DEFAULT_FILTERS };
    this._convs = [];
    this._cursor = null;
    this._listState = 'loading';
    this._loadingMore = false;
    this._selectedId = null;
    this._conv = null;
    this._messages = [];
    this._older = null;
    this._threadState = 'loading';
    this._loadingOlder = false;
    this._pane = 'list';
    this._details = false;
    this._agents = [];
    this._teams = [];
    this._labels = [];
    this._myId = null;
    this._presence = 'online';
    this._viewers = new Map();
    this._collision = null;
    this._help = false;
    this._replyTo = null;
    this._closedMode = 'template';
    this._busy = false;
    this._now = Date.now();
    this._search = null;
    this._userless = false;
  }

  // ── lifecycle ────────────────────────────────────────────────────────────────────────────

  override connectedCallback(): void {
    super.connectedCallback();
    this.#resize = new ResizeObserver(([entry]) => {
      const w = entry.contentRect.width;
      const layout: Layout = w >= 1000 ? 'wide' : w >= 640 ? 'medium' : 'narrow';
      if (layout !== this.layout) this.layout = layout;
    });
    this.#resize.observe(this);
    addEventListener('keydown', this.#onKey);
    document.addEventListener('visibilitychange', this.#onVisibility);
    let n = 0;
    this.#tick = setInterval(() => {
      this.#pruneViewers();
      if (++n % 8 === 0) this._now = Date.now();
    }, 2000);
    if (this.api) this.#init();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.#resize?.disconnect();
    removeEventListener('keydown', this.#onKey);
    document.removeEventListener('visibilitychange', this.#onVisibility);
    for (const t of [this.#tick, this.#presenceTimer]) if (t) clearInterval(t);
    for (const t of [this.#awayTimer, this.#convFlush, this.#newestFlush]) if (t) clearTimeout(t);
    this.#tick = this.#presenceTimer = this.#awayTimer = this.#convFlush = this.#newestFlush = null;
    this.#pendingConvs.clear();
    this.#leave();
    this.#listCtrl?.abort();
    this.#threadCtrl?.abort();
    this.#searchCtrl?.abort();
    for (const u of this.#previewUrls) URL.revokeObjectURL(u);
    this.#previewUrls.clear();
    this.#context = null;
  }

  protected override contextChanged(): void {
    super.contextChanged();
    if (this.isConnected && this.api) this.#init();
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('conversationId') && this.conversationId && this.conversationId !== this._selectedId && this.#context) {
      this.#select(this.conversationId);
    }
  }

  protected override updated(changed: PropertyValues<this>): void {
    super.updated(changed);
    // Whenever the socket (re)opens, events may have been missed since the data was loaded (or
    // while it was down): catch up over HTTP.
    const status = this.#rt.status;
    if (status === 'open') {
      if (this.#rtWasDown || !this.#rtSeenOpen) {
        if (this._listState === 'ready') void this.#refreshList();
        if (this._selectedId) this.#queueNewest();
        // The bell loads when it appears; after a drop, notifications may have been missed.
        if (this.#rtWasDown && this.#rtSeenOpen) void this.#bell?.refresh();
      }
      this.#rtSeenOpen = true;
      this.#rtWasDown = false;
    } else this.#rtWasDown = true;
  }

  /** The first page again, merged into what is loaded (later pages stay). */
  async #refreshList() {
    const api = this.api;
    if (!api) return;
    try {
      const page = await api.get<Page<Conversation>>('/api/v1/conversations', { query: this.#query(null) });
      if (api === this.api) for (const c of page.items) this.#upsert(c);
    } catch {
      // The next event or reconnect tries again.
    }
  }

  /** (Re)starts for the current API client and tenant; a tenant switch starts over. */
  #init() {
    const key = { api: this.api, tenant: this.api?.tenant };
    if (this.#context && this.#context.api === key.api && this.#context.tenant === key.tenant) return;
    const first = this.#context === null;
    this.#context = key;
    if (!first) {
      this.#leave();
      this._selectedId = null;
      this._conv = null;
      this._messages = [];
      this._pane = 'list';
      this.#drafts.clear();
      // The same words, in the other tenant's messages.
      if (this._search) void this.#search(this._search.q);
      void this.#bell?.refresh();
    }
    void this.#loadList();
    this.#whoami = this.#loadTeamData();
    // The heartbeat waits for /auth/me: a caller who is no user has no presence to keep.
    void this.#whoami.then(() => this.#ping());
    if (this.#presenceTimer) clearInterval(this.#presenceTimer);
    this.#presenceTimer = setInterval(() => this.#ping(), PRESENCE_EVERY_MS);
    if (this.conversationId) this.#select(this.conversationId);
  }

  get #tenant(): string {
    return String(this.api?.tenant ?? this.host?.tenant ?? 'default');
  }

  // ── data ─────────────────────────────────────────────────────────────────────────────────

  async #loadTeamData() {
    const api = this.api;
    if (!api) return;
    // The list works without these; each one missing only hides what it feeds.
    const get = <T>(path: string) => api.get<T>(path).catch(() => null);
    this._userless = false;
    const [me, agents, teams, labels] = await Promise.all([
      get<{ user: { id: number; name: string; email: string } | null }>('/api/v1/auth/me'),
      get<{ items: Agent[] }>('/api/v1/inbox/agents'),
      get<{ items: Team[] }>('/api/v1/teams'),
      get<{ items: Label[] }>('/api/v1/labels'),
    ]);
    if (api !== this.api) return;
    this.#me = me?.user ? { id: me.user.id, name: me.user.name || me.user.email } : null;
    this._myId = this.#me?.id ?? null;
    // Only a clear answer counts: a failed /auth/me leaves presence and viewing trying.
    this._userless = me !== null && me.user === null;
    if (this._userless && this._filters.assignee === 'me') this.#setFilters({ ...this._filters, assignee: 'all' });
    this._agents = agents?.items ?? [];
    this._teams = teams?.items ?? [];
    this._labels = labels?.items ?? [];
  }

  #query(cursor?: string | null) {
    const f = this._filters;
    return {
      status: f.status,
      assignee: f.assignee === 'all' ? undefined : f.assignee,
      team: f.team || undefined,
      label: f.label || undefined,
      unread: f.unread ? 'true' : undefined,
      window: f.window || undefined,
      limit: PAGE,
      cursor: cursor ?? undefined,
    };
  }

  async #loadList(more = false) {
    const api = this.api;
    if (!api || (more && (!this._cursor || this._loadingMore))) return;
    this.#listCtrl?.abort();
    const ctrl = (this.#listCtrl = new AbortController());
    if (more) this._loadingMore = true;
    else if (this._listState !== 'ready') this._listState = 'loading';
    try {
      const page = await api.get<Page<Conversation>>('/api/v1/conversations', {
        signal: ctrl.signal,
        query: this.#query(more ? this._cursor : null),
      });
      if (ctrl.signal.aborted) return;
      if (more) {
        const known = new Set(this._convs.map((c) => c.id));
        this._convs = [...this._convs, ...page.items.filter((c) => !known.has(c.id))];
      } else this._convs = page.items;
      this._cursor = page.nextCursor;
      this._listState = 'ready';
      const sel = this._convs.find((c) => c.id === this._selectedId);
      if (sel) this._conv = sel;
    } catch (e) {
      if ((e as Error).name === 'AbortError') return;
      if (more) this.host?.toast(`More conversations could not be loaded: ${errorMessage(e)}`, { kind: 'error' });
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

  #setFilters(f: Filters) {
    this._filters = f;
    this._listState = 'loading';
    this._convs = [];
    this._cursor = null;
    void this.#loadList();
  }

  /** Puts a fresh copy of a conversation where it belongs (or takes it out of a list it no longer matches). */
  #upsert(c: Conversation) {
    if (c.id === this._selectedId) this._conv = c;
    const had = this._convs.some((x) => x.id === c.id);
    const rest = this._convs.filter((x) => x.id !== c.id);
    if (!matches(c, this._filters, this._myId)) {
      if (had) this._convs = rest;
      return;
    }
    const list = [...rest, c].sort(byActivity);
    // Older than everything loaded while more pages wait: it arrives with its page.
    if (!had && this._cursor && list.at(-1) === c) return;
    this._convs = list;
  }

  #drop(id: number) {
    this._convs = this._convs.filter((c) => c.id !== id);
    if (id === this._selectedId) {
      this.host?.toast('That conversation is no longer visible to you.', { kind: 'info' });
      this.#leave();
      this._selectedId = null;
      this._conv = null;
      this._messages = [];
      this._pane = 'list';
    }
  }

  async #refetchConv(id: number) {
    const api = this.api;
    if (!api) return;
    try {
      const c = await api.get<Conversation>(`/api/v1/conversations/${id}`);
      if (api !== this.api) return;
      this.#upsert(c);
      if (c.id === this._selectedId && c.unreadCount > 0 && document.visibilityState === 'visible') void this.#markRead(c.id);
    } catch (e) {
      if (e instanceof ApiError && e.status === 404) this.#drop(id);
    }
  }

  async #markRead(id: number) {
    try {
      const c = await this.api!.post<Conversation>(`/api/v1/conversations/${id}/read`);
      this.#upsert(c);
    } catch {
      // The badge stays; the next update tries again.
    }
  }

  /** Opens a conversation; `known` is a fresh copy from elsewhere (a search result) when it is not listed. */
  #select(id: number, known?: Conversation) {
    this.#reveal = null;
    if (id === this._selectedId) {
      if (this.layout === 'narrow') this._pane = 'thread';
      return;
    }
    this.#leave();
    this._selectedId = id;
    this._conv = this._convs.find((c) => c.id === id) ?? known ?? null;
    this._messages = [];
    this._older = null;
    this._threadState = 'loading';
    this._loadingOlder = false;
    this._replyTo = null;
    this._collision = null;
    this._closedMode = 'template';
    this._viewers = new Map();
    this._pane = 'thread';
    void this.#loadThread(id);
    if (!this._conv || this._conv.unreadCount > 0) void this.#refetchConv(id);
    this.#viewing(id);
    this.emit('wa-conversation-open', { conversationId: id });
  }

  async #loadThread(id: number) {
    const api = this.api;
    if (!api) return;
    this.#threadCtrl?.abort();
    const ctrl = (this.#threadCtrl = new AbortController());
    this._threadState = 'loading';
    try {
      const page = await api.get<Page<Message>>(`/api/v1/conversations/${id}/messages`, {
        signal: ctrl.signal,
        query: { limit: THREAD_PAGE },
      });
      if (ctrl.signal.aborted || this._selectedId !== id) return;
      this._messages = [];
      this.#merge(page.items);
      this._older = page.nextCursor;
      this._threadState = 'ready';
      if (this.#reveal) void this.#revealMessage();
    } catch (e) {
      if ((e as Error).name === 'AbortError') return;
      if (e instanceof ApiError && e.status === 404) return this.#drop(id);
      this._threadState = 'error';
      this._threadError = e;
    }
  }

  async #loadOlder() {
    const id = this._selectedId;
    const before = this._older;
    if (!id || !before || this._loadingOlder || !this.api) return;
    this._loadingOlder = true;
    try {
      const page = await this.api.get<Page<Message>>(`/api/v1/conversations/${id}/messages`, {
        query: { limit: THREAD_PAGE, before },
      });
      if (this._selectedId !== id) return;
      this.#merge(page.items);
      this._older = page.nextCursor;
    } catch (e) {
      this.host?.toast(`Earlier messages could not be loaded: ${errorMessage(e)}`, { kind: 'error' });
    } finally {
      if (this._selectedId === id) this._loadingOlder = false;
    }
  }

  /**
   * Catches the open thread up after an event: the newest page, then, while no message of a page is
   * one we already had (a burst bigger than a page), the pages before it, so nothing in between goes
   * missing. After CATCH_UP_PAGES without meeting the loaded history it starts over from what it
   * fetched: the rest comes back through "earlier messages". One catch-up runs at a time.
   */
  async #refreshNewest() {
    const id = this._selectedId;
    const api = this.api;
    if (!id || !api || this._threadState !== 'ready') return;
    if (this.#refreshing) {
      this.#refreshAgain = true;
      return;
    }
    this.#refreshing = true;
    try {
      const known = new Set(this._messages.filter((m) => !m.local && m.id > 0).map((m) => m.id));
      const url = `/api/v1/conversations/${id}/messages`;
      let page = await api.get<Page<Message>>(url, { query: { limit: NEWEST_PAGE } });
      const items = [...page.items];
      let met = page.items.some((m) => known.has(m.id));
      for (let n = 0; !met && known.size && page.nextCursor && n < CATCH_UP_PAGES; n++) {
        if (this._selectedId !== id) return;
        page = await api.get<Page<Message>>(url, { query: { limit: CATCH_UP_PAGE, before: page.nextCursor } });
        items.push(...page.items);
        met = page.items.some((m) => known.has(m.id));
      }
      if (this._selectedId !== id || api !== this.api) return;
      if (!met && page.nextCursor) {
        // A hole between what is loaded and what arrived: keep only the unbroken newest run.
        this._messages = this._messages.filter((m) => m.local);
        this._older = page.nextCursor;
      }
      this.#merge(items);
      this.#typedThenSent(items.filter((m) => !known.has(m.id)));
    } catch {
      // The next event (or reconnect) catches up.
    } finally {
      this.#refreshing = false;
      if (this.#refreshAgain) {
        this.#refreshAgain = false;
        void this.#refreshNewest();
      }
    }
  }

  /** A teammate's message ends their "typing…" at once (they stay among the viewers). */
  #typedThenSent(fresh: Message[]) {
    let viewers: Map<number, Viewer> | null = null;
    for (const m of fresh) {
      const who = m.sender?.id;
      const v = who == null ? undefined : (viewers ?? this._viewers).get(who);
      if (!v || !v.typingUntil) continue;
      viewers ??= new Map(this._viewers);
      viewers.set(who!, { ...v, typingUntil: 0 });
    }
    if (viewers) this._viewers = viewers;
  }

  async #revealMessage() {
    const id = this.#reveal;
    this.#reveal = null;
    if (!id || this._threadState !== 'ready') return;
    await this.updateComplete;
    const thread = this.renderRoot.querySelector<WaInboxThread>('wa-inbox-thread');
    if (!thread) return;
    await thread.updateComplete;
    if (!thread.reveal(id)) {
      this.host?.toast('That message is further back in the conversation: scroll up to find it.', { kind: 'info' });
    }
  }

  // ── search ───────────────────────────────────────────────────────────────────────────────

  async #search(q: string) {
    this.#searchCtrl?.abort();
    this.#searchCtrl = null;
    const api = this.api;
    if (!api || q.length < SEARCH_MIN) {
      this._search = null;
      return;
    }
    const ctrl = (this.#searchCtrl = new AbortController());
    this._search = { q, state: 'loading', items: this._search?.items ?? [] };
    try {
      const r = await api.get<{ items: SearchHit[] }>('/api/v1/messages/search', {
        signal: ctrl.signal,
        query: { q, limit: SEARCH_LIMIT },
      });
      if (ctrl.signal.aborted) return;
      this._search = { q, state: 'ready', items: r.items ?? [] };
    } catch (e) {
      if (ctrl.signal.aborted || (e as Error).name === 'AbortError') return;
      this._search = { q, state: 'error', items: [], error: e };
    } finally {
      if (this.#searchCtrl === ctrl) this.#searchCtrl = null;
    }
  }

  /** Opens a search result's conversation and shows the message when it is in the loaded page. */
  #openHit(hit: SearchHit) {
    const id = hit.conversation.id;
    if (id === this._selectedId) {
      if (this.layout === 'narrow') this._pane = 'thread';
      this.#reveal = hit.message.id;
      void this.#revealMessage();
      return;
    }
    this.#select(id, hit.conversation);
    this.#reveal = hit.message.id;
  }

  /** Opens a notification's conversation (at the note that mentioned the user) and moves focus there. */
  #openNotification(id: number, messageId: number | null) {
    if (id === this._selectedId) {
      if (this.layout === 'narrow') this._pane = 'thread';
      if (messageId) {
        this.#reveal = messageId;
        void this.#revealMessage();
      }
    } else {
      this.#select(id);
      this.#reveal = messageId;
    }
    void this.updateComplete.then(() => this.renderRoot.querySelector<HTMLElement>('.thread-head .title')?.focus());
  }

  /** Merges messages by id; a confirmed message replaces the optimistic one with its clientRef. */
  #merge(items: Message[]) {
    const byId = new Map(this._messages.filter((m) => !m.local).map((m) => [m.id, m]));
    let locals = this._messages.filter((m) => m.local);
    for (const m of items) {
      const mine = m.clientRef ? locals.find((l) => l.clientRef === m.clientRef) : undefined;
      // What we sent is known here even when the server leaves it out (a template's filled text).
      byId.set(m.id, mine && !m.text && mine.text ? { ...m, text: mine.text } : m);
      if (mine) locals = locals.filter((l) => l !== mine);
    }
    this._messages = [...byId.values(), ...locals].sort(byTime);
  }

  #patchLocal(clientRef: string, patch: (m: Message) => Message | null) {
    const out: Message[] = [];
    for (const m of this._messages) {
      if (m.clientRef !== clientRef || !m.local) out.push(m);
      else {
        const next = patch(m);
        if (next) out.push(next);
      }
    }
    this._messages = out;
  }

  // ── realtime, presence, viewing ──────────────────────────────────────────────────────────

  #onRealtime(e: RealtimeEvent) {
    const d = (e.data ?? {}) as Record<string, unknown>;
    const conv = Number(d.conversationId);
    switch (e.event) {
      case 'conversation.updated':
        this.#queueConv(conv);
        break;
      case 'message.created':
      case 'message.status':
      case 'message.updated':
        if (conv === this._selectedId) this.#queueNewest();
        if (e.event === 'message.created') this.#queueConv(conv);
        break;
      case 'notification.created': {
        const what =
          d.kind === 'mention'
            ? 'You were mentioned in a note.'
            : d.kind === 'assigned'
              ? 'A conversation was assigned to you.'
              : null;
        if (what) this.host?.toast(what, { kind: 'info' });
        this.#bell?.notified(d);
        this.#queueConv(conv);
        break;
      }
      case 'agent.presence':
        this._agents = this._agents.map((a) => (a.id === Number(d.userId) ? { ...a, presence: d.presence as Presence } : a));
        break;
      case 'conversation.activity': {
        const user = Number(d.userId);
        if (conv !== this._selectedId || user === this._myId) break;
        const viewers = new Map(this._viewers);
        const now = Date.now();
        const v = viewers.get(user) ?? { name: String(d.name ?? 'A teammate'), viewingUntil: 0, typingUntil: 0 };
        if (d.kind === 'left') viewers.delete(user);
        else {
          v.viewingUntil = now + VIEWING_TTL_MS;
          if (d.kind === 'typing') v.typingUntil = now + TYPING_TTL_MS;
          viewers.set(user, { ...v });
        }
        this._viewers = viewers;
        break;
      }
    }
  }

  #queueConv(id: number) {
    if (!Number.isFinite(id)) return;
    this.#pendingConvs.add(id);
    if (this.#convFlush) return;
    this.#convFlush = setTimeout(() => {
      this.#convFlush = null;
      const ids = [...this.#pendingConvs];
      this.#pendingConvs.clear();
      for (const i of ids) void this.#refetchConv(i);
    }, 120);
  }

  #queueNewest() {
    if (this.#newestFlush) return;
    this.#newestFlush = setTimeout(() => {
      this.#newestFlush = null;
      void this.#refreshNewest();
    }, 120);
  }

  #ping() {
    if (this._userless) return;
    this.api?.put('/api/v1/inbox/presence', { status: this._presence }).catch(() => {});
  }

  async #setPresence(p: Presence, manual = true) {
    this._presence = p;
    if (manual) this.#autoAway = false;
    if (this._userless) return;
    try {
      await this.api?.put('/api/v1/inbox/presence', { status: p });
    } catch (e) {
      if (manual) this.host?.toast(`Your status could not be changed: ${errorMessage(e)}`, { kind: 'error' });
    }
  }

  #onVisibility = () => {
    if (document.visibilityState === 'hidden') {
      if (this._selectedId) void this.#activity(this._selectedId, 'left');
      if (this._presence !== 'online') return;
      this.#awayTimer = setTimeout(() => {
        this.#autoAway = true;
        void this.#setPresence('away', false);
      }, AWAY_AFTER_HIDDEN_MS);
    } else {
      if (this._selectedId) void this.#activity(this._selectedId, 'viewing');
      if (this.#awayTimer) clearTimeout(this.#awayTimer);
      this.#awayTimer = null;
      if (this.#autoAway) {
        this.#autoAway = false;
        void this.#setPresence('online', false);
      }
    }
  };

  #viewing(id: number) {
    // Nobody is viewing a conversation in a tab in the background.
    const ping = () => {
      if (document.visibilityState !== 'hidden') void this.#activity(id, 'viewing');
    };
    ping();
    this.#viewingTimer = setInterval(ping, VIEWING_EVERY_MS);
  }

  /** Stops announcing that this agent views the open conversation. */
  #leave() {
    if (this.#viewingTimer) clearInterval(this.#viewingTimer);
    this.#viewingTimer = null;
    if (this._selectedId) void this.#activity(this._selectedId, 'left');
  }

  async #activity(id: number, kind: 'viewing' | 'typing' | 'left') {
    await this.#whoami;
    if (this._userless) return;
    try {
      const r = await this.api?.post<{ viewers?: { userId: number; name: string; typing: boolean }[] }>(
        `/api/v1/conversations/${id}/activity`,
        { kind },
      );
      if (kind === 'left' || id !== this._selectedId || !r?.viewers) return;
      const now = Date.now();
      const viewers = new Map<number, Viewer>();
      for (const v of r.viewers) {
        if (v.userId === this._myId) continue;
        const had = this._viewers.get(v.userId);
        viewers.set(v.userId, {
          name: v.name,
          viewingUntil: now + VIEWING_TTL_MS,
          typingUntil: v.typing ? now + TYPING_TTL_MS : (had?.typingUntil ?? 0),
        });
      }
      this._viewers = viewers;
    } catch {
      // Presence of others is a nicety; the conversation works without it.
    }
  }

  #pruneViewers() {
    const now = Date.now();
    let changed = false;
    const next = new Map<number, Viewer>();
    for (const [id, v] of this._viewers) {
      if (v.viewingUntil <= now && v.typingUntil <= now) {
        changed = true;
        continue;
      }
      if (v.typingUntil && v.typingUntil <= now) {
        changed = true;
        next.set(id, { ...v, typingUntil: 0 });
      } else next.set(id, v);
    }
    if (changed) this._viewers = next;
  }

  // ── sending ──────────────────────────────────────────────────────────────────────────────

  get #newestSeen(): number | undefined {
    return this._messages.filter((m) => !m.local && m.id > 0).at(-1)?.id;
  }

  #send(req: SendRequest) {
    const conv = this._conv;
    if (!conv) return;
    const clientRef = uuid();
    const reply = this._replyTo;
    const isNote = req.body.type === 'note';
    const payload: Record<string, unknown> = {
      ...req.body,
      clientRef,
      ...(!isNote && this.#newestSeen ? { afterMessageId: this.#newestSeen } : {}),
      ...(reply ? { replyToMessageId: reply.id } : {}),
    };
    if (req.previewUrl) this.#previewUrls.add(req.previewUrl);
    const temp: Message = {
      id: -++this.#seq,
      wamid: null,
      direction: 'out',
      type: isNote ? 'text' : req.body.type,
      status: 'pending',
      error: null,
      occurredAt: new Date().toISOString(),
      content: req.content ?? { type: req.body.type, text: { body: req.text } },
      text: req.text,
      note: isNote,
      sender: this.#me,
      replyTo: reply ? { id: reply.id, wamid: reply.wamid, text: summary(reply) } : null,
      media: req.media ?? null,
      clientRef,
      local: { state: 'sending', payload, previewUrl: req.previewUrl },
    };
    this._messages = [...this._messages, temp];
    this._replyTo = null;
    void this.#post(conv.id, temp);
  }

  async #post(convId: number, temp: Message) {
    const api = this.api;
    const ref = temp.clientRef!;
    if (!api) return;
    try {
      const m = await api.post<Message>(`/api/v1/conversations/${convId}/messages`, temp.local!.payload);
      if (this._selectedId !== convId) return;
      this.#merge([m]);
      if (this._collision?.clientRef === ref) this._collision = null;
      const c = this._conv;
      if (c && !m.note) this.#upsert({ ...c, lastMessageAt: m.occurredAt, preview: summary(m) });
    } catch (e) {
      if (this._selectedId !== convId) {
        this.host?.toast(`A message to another conversation was not sent: ${errorMessage(e)}`, { kind: 'error' });
        return;
      }
      if (e instanceof ApiError && e.status === 409 && e.code === 'reply_collision') {
        const d = (e.details ?? {}) as { message?: Message; by?: Ref };
        if (d.message) this.#merge([d.message]);
        this.#patchLocal(ref, (m) => ({ ...m, local: { ...m.local!, state: 'held' } }));
        this._collision = {
          clientRef: ref,
          by: d.by ?? d.message?.sender ?? { id: 0, name: 'A teammate' },
          text: d.message ? summary(d.message) : '',
        };
      } else if (e instanceof ApiError && e.status === 409 && e.code === 'service_window_closed') {
        this.#patchLocal(ref, () => null);
        if (temp.text && !this.#draftFor(convId)) this.#saveDraft(convId, temp.text);
        const c = this._conv;
        if (c) this.#upsert({ ...c, window: { open: false, expiresAt: c.window.expiresAt } });
        this._closedMode = 'template';
        this.host?.toast(
          "The 24-hour window has closed, so WhatsApp won't deliver a free-form message. Send an approved template instead.",
          { kind: 'info', duration: 8000 },
        );
        void this.#refetchConv(convId);
      } else {
        this.#patchLocal(ref, (m) => ({ ...m, local: { ...m.local!, state: 'failed', error: errorMessage(e) } }));
      }
    }
  }

  #resolveCollision(send: boolean) {
    const c = this._collision;
    if (!c || !this._conv) return;
    this._collision = null;
    const held = this._messages.find((m) => m.clientRef === c.clientRef && m.local);
    if (!held) return;
    if (send) {
      const next = {
        ...held,
        local: { ...held.local!, state: 'sending' as const, payload: { ...held.local!.payload, force: true } },
      };
      this.#patchLocal(c.clientRef, () => next);
      void this.#post(this._conv.id, next);
    } else {
      this.#patchLocal(c.clientRef, () => null);
      const composer = this.renderRoot.querySelector<WaInboxComposer>('wa-inbox-composer');
      if (held.text && composer && !composer._text.trim()) composer.setText(held.text);
      composer?.focusInput();
    }
  }

  async #retry(m: Message) {
    if (!this._conv) return;
    if (m.local) {
      const next = { ...m, local: { ...m.local, state: 'sending' as const, error: undefined } };
      this.#patchLocal(m.clientRef!, () => next);
      void this.#post(this._conv.id, next);
      return;
    }
    const id = this._selectedId;
    this._messages = this._messages.map((x) => (x.id === m.id ? { ...x, status: 'pending', error: null } : x));
    try {
      const r = await this.api!.post<Message>(`/api/v1/messages/${m.id}/retry`);
      if (this._selectedId === id) this.#merge([r]);
    } catch (e) {
      if (this._selectedId === id) this.#merge([m]);
      this.host?.toast(`The message could not be sent again: ${errorMessage(e)}`, { kind: 'error' });
    }
  }

  async #react(target: Message, emoji: string) {
    const conv = this._conv;
    if (!conv || !this.api) return;
    const clientRef = uuid();
    const reaction = { message_id: target.wamid, emoji };
    const temp: Message = {
      id: -++this.#seq,
      wamid: null,
      direction: 'out',
      type: 'reaction',
      status: 'pending',
      error: null,
      occurredAt: new Date().toISOString(),
      content: { type: 'reaction', reaction },
      sender: this.#me,
      clientRef,
      local: { state: 'sending', payload: {} },
    };
    this._messages = [...this._messages, temp];
    try {
      const m = await this.api.post<Message>(`/api/v1/conversations/${conv.id}/messages`, {
        type: 'reaction',
        messageId: target.id,
        emoji,
        clientRef,
      });
      if (this._selectedId !== conv.id) return;
      // Reactions are shown on their target: make sure the stored one points at it.
      const r = (m.content?.reaction ?? {}) as Record<string, unknown>;
      this.#merge([{ ...m, content: { ...m.content, reaction: { ...reaction, ...r } } }]);
    } catch (e) {
      this.#patchLocal(clientRef, () => null);
      this.host?.toast(`The reaction could not be sent: ${errorMessage(e)}`, { kind: 'error' });
    }
  }

  // ── drafts ───────────────────────────────────────────────────────────────────────────────

  #draftKey(id: number) {
    return `wa-inbox-draft:${this.#tenant}:${id}`;
  }

  #draftFor(id: number): string {
    return this.#drafts.get(id) ?? readStorage(this.#draftKey(id)) ?? '';
  }

  #saveDraft(id: number, text: string) {
    this.#drafts.set(id, text);
    writeStorage(this.#draftKey(id), text.trim() ? text : null);
  }

  // ── conversation actions ─────────────────────────────────────────────────────────────────

  async #change(method: 'patch' | 'post' | 'put', path: string, body: unknown, done?: string) {
    const id = this._selectedId;
    if (!id || !this.api) return;
    this._busy = true;
    try {
      const c = await this.api[method]<Conversation>(`/api/v1/conversations/${id}${path}`, body);
      this.#upsert(c);
      if (done) this.host?.toast(done, { kind: 'success' });
    } catch (e) {
      this.host?.toast(errorMessage(e), { kind: 'error' });
      this.requestUpdate();
    } finally {
      this._busy = false;
    }
  }

  #setStatus(detail: { status: string; snoozedUntil?: string | null }) {
    const name = this._conv ? customerName(this._conv) : 'the customer';
    const words: Record<string, string> = {
      resolved: `Conversation with ${name} resolved.`,
      open: `Conversation with ${name} reopened.`,
      pending: `Conversation with ${name} marked pending.`,
      snoozed: `Conversation with ${name} snoozed.`,
    };
    void this.#change('patch', '', detail, words[detail.status]);
  }

  #resolve() {
    const c = this._conv;
    if (!c) return;
    if (c.status === 'resolved') {
      this.host?.toast('This conversation is already resolved.', { kind: 'info' });
      return;
    }
    this.#setStatus({ status: 'resolved' });
  }

  // ── keyboard ─────────────────────────────────────────────────────────────────────────────

  #onKey = (e: KeyboardEvent) => {
    if (e.defaultPrevented || e.ctrlKey || e.metaKey || e.altKey) return;
    const path = e.composedPath();
    const target = path[0];
    const page = target === document.body || target === document.documentElement || target === document || target === window;
    if (!path.includes(this) && !page) return;
    if (e.key === 'Escape') {
      if (this.#closePopups()) e.preventDefault();
      return;
    }
    if (isTextField(target) || path.some((n) => n instanceof HTMLDialogElement)) return;
    switch (e.key) {
      case 'j':
        this.#step(1);
        break;
      case 'k':
        this.#step(-1);
        break;
      case 'r':
        void this.#focusReply();
        break;
      case 'e':
        this.#resolve();
        break;
      case '/':
        void this.#focusReply(true);
        break;
      case '?':
        this.#toggleHelp();
        break;
      default:
        return;
    }
    e.preventDefault();
  };

  #closePopups(): boolean {
    if (this.#bell?.close(true)) return true;
    if (this._help) {
      this._help = false;
      this.renderRoot.querySelector<HTMLElement>('.help-btn')?.focus();
      return true;
    }
    const composer = this.renderRoot.querySelector<WaInboxComposer>('wa-inbox-composer');
    const thread = this.renderRoot.querySelector<WaInboxThread>('wa-inbox-thread');
    if (composer?.closePopups() || thread?.closePopups()) return true;
    if (this._details && this.layout === 'medium') {
      this._details = false;
      return true;
    }
    return false;
  }

  #toggleHelp() {
    this._help = !this._help;
    if (this._help) this.#bell?.close();
  }

  get #bell() {
    return this.renderRoot.querySelector<WaInboxNotifications>('wa-inbox-notifications');
  }

  #step(delta: number) {
    const list = this._convs;
    if (!list.length) return;
    const i = list.findIndex((c) => c.id === this._selectedId);
    const next = i < 0 ? (delta > 0 ? 0 : list.length - 1) : Math.min(list.length - 1, Math.max(0, i + delta));
    const inList = this.renderRoot.querySelector<WaInboxList>('wa-inbox-list');
    const hadFocus = !!inList?.shadowRoot?.activeElement;
    this.#select(list[next].id);
    if (hadFocus) void inList!.updateComplete.then(() => inList!.focusList());
    if (i >= list.length - 3 && this._cursor) void this.#loadList(true);
  }

  async #focusReply(canned = false) {
    if (!this._conv) return;
    this._pane = 'thread';
    await this.updateComplete;
    const composer = this.renderRoot.querySelector<WaInboxComposer>('wa-inbox-composer');
    if (composer) {
      await composer.updateComplete;
      if (canned) composer.openCanned();
      else composer.focusInput();
      return;
    }
    this.renderRoot.querySelector<WaInboxTemplatePicker>('wa-inbox-template-picker')?.focusInput();
  }

  // ── rendering ────────────────────────────────────────────────────────────────────────────

  #back(to: Pane) {
    this._pane = to;
    void this.updateComplete.then(() => {
      if (to === 'list') this.renderRoot.querySelector<WaInboxList>('wa-inbox-list')?.focusList();
      else this.renderRoot.querySelector<HTMLElement>('.thread-head .title')?.focus();
    });
  }

  override render() {
    const t = ifDefined(this.theme ?? undefined);
    const narrow = this.layout === 'narrow';
    const pane = narrow ? this._pane : null;
    const conv = this._conv;
    const showDetails = conv && (this.layout === 'wide' || (this.layout === 'medium' && this._details) || pane === 'details');
    return html`
      <div class="bar">
        <h2>Inbox</h2>
        ${this.#rtSeenOpen && this.#rt.status !== 'open' ? html`<span class="rt" role="status">Reconnecting…</span>` : nothing}
        <span class="spacer"></span>
        ${
          this._userless
            ? nothing
            : html`<label class="presence">
                <span class="dot ${this._presence}" aria-hidden="true"></span>
                <span class="visually-hidden">Your status</span>
                <select @change=${(e: Event) => void this.#setPresence((e.target as HTMLSelectElement).value as Presence)}>
                  <option value="online" ?selected=${this._presence === 'online'}>Online</option>
                  <option value="away" ?selected=${this._presence === 'away'}>Away</option>
                </select>
              </label>`
        }
        ${
          this._myId === null
            ? nothing
            : html`<wa-inbox-notifications
                theme=${t}
                .api=${this.api}
                .bridge=${this.host}
                .conversations=${this._convs}
                .now=${this._now}
                @inbox-open-notification=${(e: CustomEvent<{ conversationId: number; messageId: number | null }>) =>
                  this.#openNotification(e.detail.conversationId, e.detail.messageId)}
                @inbox-popup=${() => (this._help = false)}
              ></wa-inbox-notifications>`
        }
        <button
          type="button"
          class="icon-btn help-btn"
          aria-label="Keyboard shortcuts"
          aria-expanded=${this._help ? 'true' : 'false'}
          @click=${() => this.#toggleHelp()}
        >
          ?
        </button>
        ${this._help ? this.#helpPopover() : nothing}
      </div>
      <div class="panes ${showDetails ? 'with-details' : ''}">
        <wa-inbox-list
          class="pane list"
          ?hidden=${narrow && pane !== 'list'}
          theme=${t}
          .api=${this.api}
          .bridge=${this.host}
          .conversations=${this._convs}
          .selectedId=${this._selectedId}
          .filters=${this._filters}
          .teams=${this._teams}
          .labels=${this._labels}
          .state=${this._listState}
          .error=${this._listError}
          .hasMore=${!!this._cursor}
          .loadingMore=${this._loadingMore}
          .now=${this._now}
          .search=${this._search}
          ?userless=${this._userless}
          @inbox-select=${(e: CustomEvent<{ id: number }>) => this.#select(e.detail.id)}
          @inbox-search=${(e: CustomEvent<{ q: string }>) => void this.#search(e.detail.q)}
          @inbox-open-hit=${(e: CustomEvent<SearchHit>) => this.#openHit(e.detail)}
          @inbox-filter=${(e: CustomEvent<Filters>) => this.#setFilters(e.detail)}
          @inbox-more=${() => void this.#loadList(true)}
          @inbox-reload=${() => void this.#loadList()}
        ></wa-inbox-list>
        <section class="pane thread" ?hidden=${narrow && pane !== 'thread'} aria-label="Conversation">
          ${
            conv
              ? this.#threadPane(conv)
              : this._listState === 'ready' && this._convs.length === 0
                ? nothing
                : html`<wa-empty-state
                    theme=${t}
                    heading="Pick a conversation"
                    description="Choose a conversation on the left to read it and reply. Press ? for keyboard shortcuts."
                  ></wa-empty-state>`
          }
        </section>
        ${showDetails ? this.#detailsPane(conv) : nothing}
      </div>
    `;
  }

  #helpPopover() {
    return html`<div class="help-pop" role="dialog" aria-label="Keyboard shortcuts">
      <div class="help-head">
        <strong>Keyboard shortcuts</strong>
        <button type="button" class="icon-btn" aria-label="Close" @click=${() => this.#closePopups()}>${icons.close}</button>
      </div>
      <dl>
        ${SHORTCUTS.map(
          ([k, what]) =>
            html`<div>
              <dt><kbd>${k}</kbd></dt>
              <dd>${what}</dd>
            </div>`,
        )}
      </dl>
      <p class="muted">Shortcuts work when you are not typing in a field.</p>
    </div>`;
  }

  #viewersLine() {
    const now = Date.now();
    const list = [...this._viewers.values()].filter((v) => v.viewingUntil > now || v.typingUntil > now);
    if (!list.length) return nothing;
    const typing = list.filter((v) => v.typingUntil > now);
    const names = (vs: Viewer[]) =>
      vs.length === 1
        ? vs[0].name
        : `${vs
            .slice(0, -1)
            .map((v) => v.name)
            .join(', ')} and ${vs.at(-1)!.name}`;
    const text = typing.length
      ? `${names(typing)} ${typing.length === 1 ? 'is' : 'are'} typing…`
      : `${names(list)} ${list.length === 1 ? 'is' : 'are'} viewing`;
    return html`<span class="viewers ${typing.length ? 'typing' : ''}" role="status">
      ${list.slice(0, 3).map((v) => html`<span class="mini" style="--h:${hue(v.name)}" aria-hidden="true">${initials(v.name)}</span>`)}
      <span class="viewers-text">${text}</span>
    </span>`;
  }

  #threadPane(conv: Conversation) {
    const t = ifDefined(this.theme ?? undefined);
    const narrow = this.layout === 'narrow';
    const name = customerName(conv);
    const left = windowLeft(conv);
    const open = conv.window.open && (left > 0 || !conv.window.expiresAt);
    const detailsOpen = this.layout === 'medium' ? this._details : this._pane === 'details';
    return html`
      <header class="thread-head">
        ${
          narrow
            ? html`<button type="button" class="icon-btn" aria-label="Back to conversations" @click=${() => this.#back('list')}>
                ${icons.back}
              </button>`
            : nothing
        }
        <span class="avatar" style="--h:${hue(name)}" aria-hidden="true">${initials(name)}</span>
        <div class="head-text">
          <h3 class="title" tabindex="-1">${name}</h3>
          <span class="sub">
            ${conv.customer.name && conv.customer.waId ? html`<span>${phone(conv.customer.waId)}</span>` : nothing}
            ${
              conv.customer.profileName && conv.customer.profileName !== conv.customer.name
                ? html`<span class="profile-name" title="Their name on WhatsApp">~${conv.customer.profileName}</span>`
                : nothing
            }
            <span class="win ${open ? (left < 2 * 3600_000 ? 'closing' : 'open') : 'closed'}"
              >${open ? (conv.window.expiresAt ? `Window open · ${duration(left)} left` : 'Window open') : 'Window closed'}</span
            >
            ${this.#viewersLine()}
          </span>
        </div>
        ${
          conv.status === 'resolved'
            ? html`<button
                type="button"
                class="btn small"
                ?disabled=${this._busy}
                @click=${() => this.#setStatus({ status: 'open' })}
              >
                Reopen
              </button>`
            : html`<button type="button" class="btn small" ?disabled=${this._busy} @click=${() => this.#resolve()}>
                ${icons.check}<span class="label">Resolve</span>
              </button>`
        }
        ${
          this.layout !== 'wide'
            ? html`<button
                type="button"
                class="icon-btn"
                aria-label="Contact details"
                aria-expanded=${detailsOpen ? 'true' : 'false'}
                @click=${() => (this.layout === 'medium' ? (this._details = !this._details) : (this._pane = 'details'))}
              >
                ${icons.info}
              </button>`
            : nothing
        }
      </header>
      <wa-inbox-thread
        theme=${t}
        .api=${this.api}
        .bridge=${this.host}
        .conversation=${conv}
        .messages=${this._messages}
        .state=${this._threadState}
        .error=${this._threadError}
        .hasOlder=${!!this._older}
        .loadingOlder=${this._loadingOlder}
        .myId=${this._myId}
        @inbox-older=${() => void this.#loadOlder()}
        @inbox-reload=${() => void this.#loadThread(conv.id)}
        @inbox-retry=${(e: CustomEvent<Message>) => void this.#retry(e.detail)}
        @inbox-reply=${(e: CustomEvent<Message>) => {
          this._replyTo = e.detail;
          void this.#focusReply();
        }}
        @inbox-react=${(e: CustomEvent<{ message: Message; emoji: string }>) => void this.#react(e.detail.message, e.detail.emoji)}
      ></wa-inbox-thread>
      ${
        this._collision
          ? html`<div class="collision" role="alert">
              <p>
                <strong>${this._collision.by.name} just replied:</strong>
                ${this._collision.text ? `“${this._collision.text}”` : ''}
              </p>
              <div class="collision-actions">
                <button type="button" class="btn small" @click=${() => this.#resolveCollision(false)}>Cancel</button>
                <button type="button" class="btn small primary" @click=${() => this.#resolveCollision(true)}>Send anyway</button>
              </div>
            </div>`
          : nothing
      }
      ${
        open || this._closedMode === 'note'
          ? html`<wa-inbox-composer
              theme=${t}
              .api=${this.api}
              .bridge=${this.host}
              .conversation=${conv}
              .draft=${this.#draftFor(conv.id)}
              .replyTo=${this._replyTo}
              .agents=${this._agents}
              ?noteOnly=${!open}
              @inbox-send=${(e: CustomEvent<SendRequest>) => this.#send(e.detail)}
              @inbox-draft=${(e: CustomEvent<{ text: string }>) => this.#saveDraft(conv.id, e.detail.text)}
              @inbox-typing=${() => void this.#activity(conv.id, 'typing')}
              @inbox-reply-cancel=${() => (this._replyTo = null)}
              @inbox-closed-mode=${() => (this._closedMode = 'template')}
            ></wa-inbox-composer>`
          : html`<wa-inbox-template-picker
              theme=${t}
              .api=${this.api}
              .bridge=${this.host}
              .conversation=${conv}
              @inbox-send=${(e: CustomEvent<SendRequest>) => this.#send(e.detail)}
              @inbox-closed-mode=${() => (this._closedMode = 'note')}
            ></wa-inbox-template-picker>`
      }
    `;
  }

  #detailsPane(conv: Conversation) {
    const narrow = this.layout === 'narrow';
    return html`<aside class="pane details ${this.layout}" aria-label="Contact details">
      ${
        this.layout !== 'wide'
          ? html`<div class="details-head">
              ${
                narrow
                  ? html`<button
                      type="button"
                      class="icon-btn"
                      aria-label="Back to the conversation"
                      @click=${() => this.#back('thread')}
                    >
                      ${icons.back}
                    </button>`
                  : nothing
              }
              <strong>Contact details</strong>
              <span class="spacer"></span>
              ${
                narrow
                  ? nothing
                  : html`<button
                      type="button"
                      class="icon-btn"
                      aria-label="Close contact details"
                      @click=${() => (this._details = false)}
                    >
                      ${icons.close}
                    </button>`
              }
            </div>`
          : nothing
      }
      <wa-inbox-details
        theme=${ifDefined(this.theme ?? undefined)}
        .api=${this.api}
        .bridge=${this.host}
        .conversation=${conv}
        .agents=${this._agents}
        .teams=${this._teams}
        .labels=${this._labels}
        .myId=${this._myId}
        ?busy=${this._busy}
        @inbox-status=${(e: CustomEvent<{ status: string; snoozedUntil?: string | null }>) => this.#setStatus(e.detail)}
        @inbox-assign=${(e: CustomEvent<{ assigneeUserId: number | null; teamId?: number | null }>) => {
          const who = this._agents.find((a) => a.id === e.detail.assigneeUserId)?.name;
          void this.#change(
            'post',
            '/assign',
            e.detail,
            e.detail.teamId !== undefined ? 'Team changed.' : who ? `Assigned to ${who}.` : 'Unassigned.',
          );
        }}
        @inbox-priority=${(e: CustomEvent<{ priority: string }>) => void this.#change('patch', '', e.detail)}
        @inbox-labels=${(e: CustomEvent<{ labelIds: number[] }>) => void this.#change('put', '/labels', e.detail)}
      ></wa-inbox-details>
    </aside>`;
  }
}
