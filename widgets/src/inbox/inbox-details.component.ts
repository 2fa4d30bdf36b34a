import { html, nothing } from 'lit';
import { InboxPart } from './inbox-part.ts';
import { ui, formatTime } from '../shared/ui.styles.ts';
import { copyText } from '../shared/clipboard.ts';
import { icons } from './icons.ts';
import { safeColor } from './inbox-list.component.ts';
import {
  customerName,
  duration,
  hue,
  initials,
  phone,
  windowLeft,
  type Agent,
  type Conversation,
  type ConversationStatus,
  type Label,
  type Priority,
  type Team,
} from './inbox.types.ts';
import { styles } from './inbox-details.styles.ts';

const PRIORITIES: Priority[] = ['none', 'low', 'medium', 'high', 'urgent'];
const DAY = 24 * 3600_000;

function snoozeOptions(now = new Date()): { label: string; at: Date }[] {
  const inHours = (h: number) => new Date(now.getTime() + h * 3600_000);
  const at9 = (days: number) => {
    const d = new Date(now);
    d.setDate(d.getDate() + days);
    d.setHours(9, 0, 0, 0);
    return d;
  };
  const toMonday = (8 - now.getDay()) % 7 || 7;
  return [
    { label: 'For 1 hour', at: inHours(1) },
    { label: 'For 3 hours', at: inHours(3) },
    { label: 'Until tomorrow, 9:00', at: at9(1) },
    { label: 'Until Monday, 9:00', at: at9(toMonday) },
  ];
}

const cap = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

/**
 * The customer and the conversation's state: window countdown, status actions, assignee, team,
 * priority and labels. Changes are requests: the inbox calls the API and passes the result back.
 *
 * @tag wa-inbox-details
 * @event inbox-status - `detail: { status, snoozedUntil? }`.
 * @event inbox-assign - `detail: { assigneeUserId, teamId? }`.
 * @event inbox-priority - `detail: { priority }`.
 * @event inbox-labels - `detail: { labelIds }`.
 */
export class WaInboxDetails extends InboxPart {
  static override styles = [InboxPart.styles, ui, styles];
  static override properties = {
    ...InboxPart.properties,
    conversation: { attribute: false },
    agents: { attribute: false },
    teams: { attribute: false },
    labels: { attribute: false },
    myId: { attribute: false },
    busy: { type: Boolean },
    _now: { state: true },
  };

  declare conversation: Conversation | null;
  declare agents: Agent[];
  declare teams: Team[];
  declare labels: Label[];
  declare myId: number | null;
  declare busy: boolean;
  declare _now: number;

  #timer: ReturnType<typeof setInterval> | null = null;

  constructor() {
    super();
    this.conversation = null;
    this.agents = [];
    this.teams = [];
    this.labels = [];
    this.myId = null;
    this.busy = false;
    this._now = Date.now();
  }

  override connectedCallback(): void {
    super.connectedCallback();
    // The countdown moves by the second, so people see the window closing.
    this.#timer = setInterval(() => {
      if (this.conversation?.window.open) this._now = Date.now();
    }, 1000);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
  }

  override render() {
    const c = this.conversation;
    if (!c) return nothing;
    const name = customerName(c);
    const number = phone(c.customer.waId);
    return html`
      <section class="customer" aria-label="Customer">
        <span class="avatar" style="--h:${hue(name)}" aria-hidden="true">${initials(name)}</span>
        <div class="who">
          <h3>${name}</h3>
          ${
            number
              ? html`<span class="number"
                  ><span class="mono" data-number>${number}</span>
                  <button
                    type="button"
                    class="btn ghost small"
                    aria-label="Copy the number"
                    @click=${(e: Event) =>
                      void copyText(
                        number,
                        (e.target as Element).closest('.number')?.querySelector('[data-number]') ?? null,
                        this.bridge,
                        'number',
                      ).then((ok) => ok && this.toast('Number copied.', 'success'))}
                  >
                    Copy
                  </button></span
                >`
              : nothing
          }
        </div>
      </section>
      ${this.#window(c)} ${this.#status(c)}
      <section aria-labelledby="h-assign">
        <h4 id="h-assign">Assignment</h4>
        <div class="field">
          <label for="assignee">Assignee</label>
          <select
            id="assignee"
            ?disabled=${this.busy}
            @change=${(e: Event) => {
              const v = (e.target as HTMLSelectElement).value;
              this.emit('inbox-assign', { assigneeUserId: v ? Number(v) : null });
            }}
          >
            <option value="" ?selected=${!c.assignee}>Unassigned</option>
            ${
              c.assignee && !this.agents.some((a) => a.id === c.assignee!.id)
                ? html`<option value=${c.assignee.id} selected>${c.assignee.name}</option>`
                : nothing
            }
            ${this.agents.map(
              (a) =>
                html`<option value=${a.id} ?selected=${c.assignee?.id === a.id}>
                  ${a.name}${a.id === this.myId ? ' (you)' : ''}${a.presence && a.presence !== 'offline' ? ` · ${a.presence}` : ''}
                </option>`,
            )}
          </select>
          ${
            this.myId !== null && c.assignee?.id !== this.myId
              ? html`<button
                  type="button"
                  class="btn ghost small self"
                  ?disabled=${this.busy}
                  @click=${() => this.emit('inbox-assign', { assigneeUserId: this.myId })}
                >
                  Assign to me
                </button>`
              : nothing
          }
        </div>
        <div class="field">
          <label for="team">Team</label>
          <select
            id="team"
            ?disabled=${this.busy}
            @change=${(e: Event) => {
              const v = (e.target as HTMLSelectElement).value;
              this.emit('inbox-assign', { assigneeUserId: c.assignee?.id ?? null, teamId: v ? Number(v) : null });
            }}
          >
            <option value="" ?selected=${!c.team}>No team</option>
            ${this.teams.map((t) => html`<option value=${t.id} ?selected=${c.team?.id === t.id}>${t.name}</option>`)}
          </select>
        </div>
        <div class="field">
          <label for="priority">Priority</label>
          <select
            id="priority"
            ?disabled=${this.busy}
            @change=${(e: Event) => this.emit('inbox-priority', { priority: (e.target as HTMLSelectElement).value })}
          >
            ${PRIORITIES.map((p) => html`<option value=${p} ?selected=${(c.priority ?? 'none') === p}>${p === 'none' ? 'No priority' : cap(p)}</option>`)}
          </select>
        </div>
      </section>
      ${this.#labels(c)}
    `;
  }

  #window(c: Conversation) {
    const left = windowLeft(c, this._now);
    const open = c.window.open && left > 0;
    return html`<section
      class="window ${open ? (left < 2 * 3600_000 ? 'closing' : 'open') : 'closed'}"
      aria-labelledby="h-window"
    >
      <h4 id="h-window">24-hour window</h4>
      ${
        open
          ? html`<p><strong>Open</strong> · closes in <span class="countdown">${duration(left)}</span></p>
              <div
                class="bar"
                role="progressbar"
                aria-label="Time left in the window"
                aria-valuemin="0"
                aria-valuemax="24"
                aria-valuenow=${Math.round(left / 3600_000)}
              >
                <span style="width:${Math.min(100, (left / DAY) * 100)}%"></span>
              </div>
              <p class="help">Free-form replies are possible until then.</p>`
          : html`<p><strong>Closed</strong></p>
              <p class="help">Only approved templates can be sent until the customer writes again.</p>`
      }
    </section>`;
  }

  #status(c: Conversation) {
    const set = (status: ConversationStatus, snoozedUntil?: string | null) =>
      this.emit('inbox-status', { status, ...(snoozedUntil !== undefined ? { snoozedUntil } : {}) });
    return html`<section aria-labelledby="h-status">
      <h4 id="h-status">Status</h4>
      <p class="status-line">
        <span class="badge status-${c.status}">${cap(c.status)}</span>
        ${c.status === 'snoozed' && c.snoozedUntil ? html`<span class="muted">until ${formatTime(c.snoozedUntil)}</span>` : nothing}
      </p>
      <div class="status-actions">
        ${
          c.status === 'resolved'
            ? html`<button type="button" class="btn small" ?disabled=${this.busy} @click=${() => set('open')}>Reopen</button>`
            : html`<button type="button" class="btn small primary" ?disabled=${this.busy} @click=${() => set('resolved')}>
                ${icons.check} Resolve
              </button>`
        }
        ${
          c.status === 'open'
            ? html`<button type="button" class="btn small" ?disabled=${this.busy} @click=${() => set('pending')}>
                Mark pending
              </button>`
            : c.status === 'pending' || c.status === 'snoozed'
              ? html`<button type="button" class="btn small" ?disabled=${this.busy} @click=${() => set('open', null)}>
                  ${c.status === 'snoozed' ? 'Unsnooze' : 'Mark open'}
                </button>`
              : nothing
        }
        <label class="visually-hidden" for="snooze">Snooze</label>
        <select
          id="snooze"
          class="inline"
          ?disabled=${this.busy}
          @change=${(e: Event) => {
            const sel = e.target as HTMLSelectElement;
            if (sel.value) set('snoozed', new Date(Number(sel.value)).toISOString());
            sel.value = '';
          }}
        >
          <option value="">Snooze…</option>
          ${snoozeOptions().map((o) => html`<option value=${o.at.getTime()}>${o.label}</option>`)}
        </select>
      </div>
    </section>`;
  }

  #labels(c: Conversation) {
    const on = new Set((c.labels ?? []).map((l) => l.id));
    const all = [...this.labels, ...(c.labels ?? []).filter((l) => !this.labels.some((x) => x.id === l.id))];
    return html`<section aria-labelledby="h-labels">
      <h4 id="h-labels">Labels</h4>
      ${
        all.length === 0
          ? html`<p class="help">No labels yet. Managers can create them for the team.</p>`
          : html`<ul class="labels">
              ${all.map(
                (l) =>
                  html`<li>
                    <label>
                      <input
                        type="checkbox"
                        .checked=${on.has(l.id)}
                        ?disabled=${this.busy}
                        @change=${(e: Event) => {
                          const ids = new Set(on);
                          if ((e.target as HTMLInputElement).checked) ids.add(l.id);
                          else ids.delete(l.id);
                          this.emit('inbox-labels', { labelIds: [...ids] });
                        }}
                      />
                      <span class="dot" style="background:${safeColor(l.color)}"></span>${l.name}
                    </label>
                  </li>`,
              )}
            </ul>`
      }
    </section>`;
  }
}
