import { html, nothing, type PropertyValues } from 'lit';
import { repeat } from 'lit/directives/repeat.js';
import { ifDefined } from 'lit/directives/if-defined.js';
import { InboxPart } from './inbox-part.ts';
import { ui } from '../shared/ui.styles.ts';
import { icons } from './icons.ts';
import { renderBody, statusTicks } from './message-bubble.ts';
import { clock, customerName, dayDiff, dayLabel, obj, str, summary, type Conversation, type Message } from './inbox.types.ts';
import { styles } from './inbox-thread.styles.ts';

export const REACTIONS = ['👍', '❤️', '😂', '😮', '😢', '🙏'];

interface Reaction {
  emoji: string;
  count: number;
  mine: boolean;
  who: string[];
}

/** Latest reaction per reactor on each message (by the wamid it points at); '' took it back. */
function reactionsOf(messages: Message[], myId: number | null): Map<string, Reaction[]> {
  const per = new Map<string, Map<string, { emoji: string; name: string; mine: boolean }>>();
  for (const m of messages) {
    if (m.type !== 'reaction') continue;
    const r = obj(m.content.reaction);
    const target = str(r.message_id) ?? str(r.messageId);
    if (!target) continue;
    const who = m.direction === 'in' ? 'customer' : `agent:${m.sender?.id ?? 'us'}`;
    const map = per.get(target) ?? new Map();
    per.set(target, map);
    const emoji = typeof r.emoji === 'string' ? r.emoji : '';
    if (emoji) {
      map.set(who, {
        emoji,
        name: m.direction === 'in' ? 'Customer' : m.sender?.name || 'Your team',
        mine: m.direction === 'out' && (m.sender?.id == null || m.sender.id === myId),
      });
    } else map.delete(who);
  }
  const out = new Map<string, Reaction[]>();
  for (const [target, map] of per) {
    const byEmoji = new Map<string, Reaction>();
    for (const v of map.values()) {
      const e = byEmoji.get(v.emoji) ?? { emoji: v.emoji, count: 0, mine: false, who: [] };
      e.count++;
      e.mine ||= v.mine;
      e.who.push(v.name);
      byEmoji.set(v.emoji, e);
    }
    if (byEmoji.size) out.set(target, [...byEmoji.values()]);
  }
  return out;
}

/**
 * The message history of one conversation, oldest at the top. Scrolling near the top asks for
 * older messages (`inbox-older`) and keeps what the user was reading in place when they arrive;
 * new messages keep the view at the bottom when it was there. Incoming messages are announced
 * politely to screen readers; loaded history is not.
 *
 * @tag wa-inbox-thread
 * @event inbox-older - Load the page before the oldest message.
 * @event inbox-retry - `detail: Message` — send a failed message again.
 * @event inbox-reply - `detail: Message` — quote this message in the reply.
 * @event inbox-react - `detail: { message, emoji }` — react ('' removes my reaction).
 * @event inbox-reload - Load the thread again after an error.
 */
export class WaInboxThread extends InboxPart {
  static override styles = [InboxPart.styles, ui, styles];
  static override properties = {
    ...InboxPart.properties,
    conversation: { attribute: false },
    messages: { attribute: false },
    state: { type: String },
    error: { attribute: false },
    hasOlder: { type: Boolean },
    loadingOlder: { type: Boolean },
    myId: { attribute: false },
    _picker: { state: true },
    _away: { state: true },
    _announce: { state: true },
  };

  declare conversation: Conversation | null;
  declare messages: Message[];
  declare state: 'loading' | 'ready' | 'error';
  declare error: unknown;
  declare hasOlder: boolean;
  declare loadingOlder: boolean;
  declare myId: number | null;
  declare _picker: number | null;
  declare _away: boolean;
  declare _announce: string[];

  #pinned = true;
  #lastTop = 0;
  #before: { height: number; top: number; first: number | undefined; conv: number | undefined } | null = null;
  #resize: ResizeObserver | null = null;
  #announcedFor: number | undefined;

  constructor() {
    super();
    this.conversation = null;
    this.messages = [];
    this.state = 'loading';
    this.hasOlder = false;
    this.loadingOlder = false;
    this.myId = null;
    this._picker = null;
    this._away = false;
    this._announce = [];
  }

  get #scroller(): HTMLElement | null {
    return this.renderRoot.querySelector('.scroller');
  }

  override connectedCallback(): void {
    super.connectedCallback();
    this.#resize = new ResizeObserver(() => {
      if (this.#pinned) this.scrollToBottom();
    });
    void this.updateComplete.then(() => this.#observe());
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.#resize?.disconnect();
    this.#resize = null;
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('messages') || changed.has('conversation')) {
      const el = this.#scroller;
      const old = (changed.get('messages') as Message[] | undefined) ?? this.messages;
      const oldConv = changed.has('conversation')
        ? (changed.get('conversation') as Conversation | null)?.id
        : this.conversation?.id;
      this.#before = el
        ? {
            height: el.scrollHeight,
            top: el.scrollTop,
            first: old[0]?.id,
            conv: oldConv,
          }
        : null;
      this.#queueAnnouncements(old, oldConv);
    }
    if (changed.has('conversation') && (changed.get('conversation') as Conversation | null)?.id !== this.conversation?.id) {
      this._picker = null;
    }
  }

  protected override updated(changed: PropertyValues<this>): void {
    const el = this.#scroller;
    this.#observe();
    if (!el) return;
    if (changed.has('messages') || changed.has('conversation')) {
      const b = this.#before;
      const first = this.messages[0]?.id;
      if (!b || b.conv !== this.conversation?.id) {
        this.#pinned = true;
        this.scrollToBottom();
      } else if (b.first !== undefined && first !== b.first && this.messages.some((m) => m.id === b.first)) {
        // Older messages were prepended: keep the same message under the reader's eyes.
        el.scrollTop = el.scrollHeight - b.height + b.top;
      } else if (this.#pinned || this.messages.at(-1)?.local) {
        this.scrollToBottom();
      }
      this.#before = null;
    }
    // A first page shorter than the view leaves nothing to scroll: fetch more right away.
    if (
      this.state === 'ready' &&
      this.hasOlder &&
      !this.loadingOlder &&
      el.clientHeight > 0 &&
      el.scrollHeight <= el.clientHeight + 40
    ) {
      this.emit('inbox-older');
    }
  }

  /** Media loading in, or the composer growing, must not push a reader at the bottom off it. */
  #observe() {
    for (const sel of ['.scroller', '.messages']) {
      const el = this.renderRoot.querySelector(sel);
      if (el) this.#resize?.observe(el);
    }
  }

  scrollToBottom() {
    const el = this.#scroller;
    if (el) el.scrollTop = el.scrollHeight;
    this.#lastTop = el?.scrollTop ?? 0;
    this.#pinned = true;
    this._away = false;
  }

  #onScroll = () => {
    const el = this.#scroller;
    if (!el) return;
    const fromBottom = el.scrollHeight - el.scrollTop - el.clientHeight;
    // Only scrolling up lets go of the bottom: media loading in after our own scroll to the
    // bottom makes the distance grow without the reader having moved.
    const up = el.scrollTop < this.#lastTop;
    this.#lastTop = el.scrollTop;
    if (up) this.#pinned = fromBottom < 60;
    else if (fromBottom < 60) this.#pinned = true;
    this._away = fromBottom > 400;
    if (el.scrollTop < 200 && this.hasOlder && !this.loadingOlder && this.state === 'ready') this.emit('inbox-older');
  };

  /** New incoming messages (after the previous newest) are read out; history and first loads are not. */
  #queueAnnouncements(old: Message[], oldConv: number | undefined) {
    const conv = this.conversation?.id;
    if (conv !== oldConv || this.#announcedFor !== conv || old.length === 0) {
      this.#announcedFor = conv;
      if (conv !== oldConv) this._announce = [];
      return;
    }
    // Ids grow with arrival: older pages have smaller ones, new messages larger.
    const newest = Math.max(0, ...old.filter((m) => !m.local).map((m) => m.id));
    const fresh = this.messages.filter((m) => m.direction === 'in' && !m.local && m.id > newest && m.type !== 'reaction');
    if (fresh.length) {
      const who = this.conversation ? customerName(this.conversation) : 'Customer';
      this._announce = [...this._announce, ...fresh.map((m) => `${who}: ${summary(m)}`)].slice(-5);
    }
  }

  override render() {
    if (this.state === 'error') {
      return html`<wa-error-state
        theme=${ifDefined(this.theme)}
        heading="Couldn't load the messages"
        .error=${this.error}
        @wa-retry=${() => this.emit('inbox-reload')}
      ></wa-error-state>`;
    }
    if (this.state === 'loading') {
      return html`<div class="loading-wrap">
        <wa-skeleton theme=${ifDefined(this.theme)} lines="6" label="Loading messages"></wa-skeleton>
      </div>`;
    }
    const reactions = reactionsOf(this.messages, this.myId);
    const visible = this.messages.filter((m) => m.type !== 'reaction');
    const who = this.conversation ? customerName(this.conversation) : 'the customer';
    const now = Date.now();
    const rows: ({ day: string; key: string } | Message)[] = [];
    let lastDay: number | null = null;
    for (const m of visible) {
      const t = Date.parse(m.occurredAt);
      if (lastDay === null || dayDiff(lastDay, t) !== 0)
        rows.push({ day: dayLabel(m.occurredAt, now), key: `d${m.occurredAt.slice(0, 10)}-${m.id}` });
      lastDay = t;
      rows.push(m);
    }
    return html`
      <div class="scroller" @scroll=${this.#onScroll}>
        ${
          !this.hasOlder && visible.length > 0
            ? html`<p class="start">This is the start of your conversation with ${who}.</p>`
            : nothing
        }
        ${visible.length === 0 ? html`<p class="start">No messages yet.</p>` : nothing}
        <ol class="messages" aria-label="Messages with ${who}">
          ${repeat(
            rows,
            (r) => ('day' in r ? r.key : r.clientRef ? `c${r.clientRef}` : `m${r.id}`),
            (r) => ('day' in r ? html`<li class="day"><span>${r.day}</span></li>` : this.#message(r, reactions)),
          )}
        </ol>
      </div>
      ${this.loadingOlder ? html`<div class="older" role="status">Loading earlier messages…</div>` : nothing}
      ${
        this._away
          ? html`<button class="jump" type="button" @click=${() => this.scrollToBottom()}>
              ${icons.back}<span>Latest messages</span>
            </button>`
          : nothing
      }
      <div class="visually-hidden" role="log" aria-live="polite" aria-label="New messages">
        ${this._announce.map((a) => html`<p>${a}</p>`)}
      </div>
    `;
  }

  #message(m: Message, reactions: Map<string, Reaction[]>) {
    const out = m.direction === 'out';
    const note = !!m.note || m.type === 'note';
    const rs = m.wamid ? reactions.get(m.wamid) : undefined;
    const failed = m.status === 'failed' || m.local?.state === 'failed';
    const canReact = !note && !!m.wamid && !m.local;
    const cls = ['msg', out ? 'out' : 'in', note ? 'note' : '', m.type === 'sticker' ? 'sticker' : '', failed ? 'failed' : '']
      .filter(Boolean)
      .join(' ');
    return html`<li class=${cls} data-id=${m.id} data-type=${m.type}>
      <div class="bubble">
        ${
          note
            ? html`<div class="note-label">
                ${icons.lock} Private note${m.sender?.name ? ` · ${m.sender.name}` : ''}
                <span class="muted">· Only your team sees this</span>
              </div>`
            : out && m.campaign
              ? html`<div class="sender">Campaign · ${m.campaign.name}</div>`
              : out && m.sender?.name
                ? html`<div class="sender">${m.sender.name}</div>`
                : nothing
        }
        ${
          m.replyTo
            ? html`<button type="button" class="quote" @click=${() => this.#jumpTo(m.replyTo!.id)}>
                <span class="visually-hidden">Reply to: </span>${m.replyTo.text ?? 'a message'}
              </button>`
            : nothing
        }
        ${renderBody(m, { api: this.api, bridge: this.bridge })}
        <div class="meta">
          <time datetime=${m.occurredAt}>${clock(m.occurredAt)}</time>
          ${statusTicks(m)}
        </div>
        ${
          rs
            ? html`<div class="reactions">
                ${rs.map(
                  (r) =>
                    html`<span class="reaction ${r.mine ? 'mine' : ''}" title=${r.who.join(', ')}
                      >${r.emoji}${r.count > 1 ? html`<small>${r.count}</small>` : nothing}<span class="visually-hidden">
                        from ${r.who.join(', ')}</span
                      ></span
                    >`,
                )}
              </div>`
            : nothing
        }
      </div>
      ${
        m.local?.state === 'held'
          ? nothing
          : html`<div class="actions">
              ${
                !m.local
                  ? html`<button
                      type="button"
                      class="act"
                      aria-label="Reply to this message"
                      title="Reply"
                      @click=${() => this.emit('inbox-reply', m)}
                    >
                      ${icons.reply}
                    </button>`
                  : nothing
              }
              ${
                canReact
                  ? html`<button
                      type="button"
                      class="act"
                      aria-label="React to this message"
                      title="React"
                      aria-expanded=${this._picker === m.id ? 'true' : 'false'}
                      @click=${() => (this._picker = this._picker === m.id ? null : m.id)}
                    >
                      ${icons.smile}
                    </button>`
                  : nothing
              }
            </div>`
      }
      ${this._picker === m.id ? this.#picker(m, rs?.find((r) => r.mine)?.emoji) : nothing} ${failed ? this.#failure(m) : nothing}
    </li>`;
  }

  #picker(m: Message, mine: string | undefined) {
    const pick = (emoji: string) => {
      this._picker = null;
      this.emit('inbox-react', { message: m, emoji });
    };
    return html`<div
      class="picker"
      role="group"
      aria-label="Reactions"
      @keydown=${(e: KeyboardEvent) => {
        if (e.key === 'Escape') {
          e.stopPropagation();
          this._picker = null;
        }
      }}
    >
      ${REACTIONS.map(
        (e) =>
          html`<button
            type="button"
            aria-label="React with ${e}"
            aria-pressed=${mine === e ? 'true' : 'false'}
            @click=${() => pick(mine === e ? '' : e)}
          >
            ${e}
          </button>`,
      )}
      ${mine ? html`<button type="button" class="remove" @click=${() => pick('')}>Remove</button>` : nothing}
    </div>`;
  }

  #failure(m: Message) {
    const reason = m.local?.error ?? m.error?.reason ?? 'WhatsApp did not accept this message.';
    const hint = m.local ? null : m.error?.hint;
    return html`<div class="failure">
      <span><strong>Not delivered:</strong> ${reason}${hint ? html` <span class="hint">${hint}</span>` : nothing}</span>
      <button type="button" class="btn small" @click=${() => this.emit('inbox-retry', m)}>Retry</button>
    </div>`;
  }

  #jumpTo(id: number | null) {
    if (id === null || !this.reveal(id, true)) this.toast('That message is further back in the history.', 'info');
  }

  /**
   * Scrolls a loaded message into the middle of the view and outlines it for a moment; the view
   * stops following new messages. False when the message is not loaded.
   */
  reveal(id: number, smooth = false): boolean {
    const el = this.renderRoot.querySelector<HTMLElement>(`li[data-id="${id}"]`);
    const box = this.#scroller;
    if (!el || !box) return false;
    this.#pinned = false;
    const still = !smooth || matchMedia('(prefers-reduced-motion: reduce)').matches;
    // The thread's own scroller only (scrollIntoView would move the host page too).
    const at = el.getBoundingClientRect().top - box.getBoundingClientRect().top;
    box.scrollTo({ top: box.scrollTop + at - (box.clientHeight - el.offsetHeight) / 2, behavior: still ? 'auto' : 'smooth' });
    el.classList.add('flash');
    setTimeout(() => el.classList.remove('flash'), 2000);
    return true;
  }

  /** Closes the reaction picker (Escape from the inbox). Returns whether one was open. */
  closePopups(): boolean {
    if (this._picker === null) return false;
    this._picker = null;
    return true;
  }
}
