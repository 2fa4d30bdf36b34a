import { html, nothing } from 'lit';
import { ifDefined } from 'lit/directives/if-defined.js';
import { styleMap } from 'lit/directives/style-map.js';
import { live } from 'lit/directives/live.js';
import { Task, initialState } from '@lit/task';
import { WaElement } from '../shared/base-element.ts';
import { ui, errorMessage, callerRole } from '../shared/ui.styles.ts';
import { styles } from './inbox-settings.styles.ts';

export type AgentVisibility = 'all' | 'mine_team_unassigned' | 'mine_team' | 'mine';

export interface InboxSettings {
  agentVisibility: AgentVisibility;
  autoAssign: boolean;
}

export interface InboxAgent {
  id: number;
  name: string;
  email: string;
  role: string;
  presence: 'online' | 'away' | 'offline';
  capacity: number | null;
  openCount: number;
  teamIds: number[];
}

export interface Team {
  id: number;
  name: string;
  assignment: 'manual' | 'round_robin';
  memberIds: number[];
}

export interface Label {
  id: number;
  name: string;
  color: string;
}

export interface CannedResponse {
  id: number;
  shortcode: string;
  title: string;
  body: string;
  variables: string[];
}

interface Loaded {
  settings: InboxSettings;
  agents: InboxAgent[];
  teams: Team[];
  labels: Label[];
  canned: CannedResponse[];
  canManage: boolean;
}

/** What is being added (id null) or edited in a dialog. */
type Draft<T extends { id: number }> = Omit<T, 'id'> & { id: number | null };
type Deletion = { kind: 'team' | 'label' | 'canned'; id: number; name: string };

export const VISIBILITY: readonly { value: AgentVisibility; title: string; help: string }[] = [
  { value: 'all', title: 'Every conversation', help: 'Agents see the whole inbox.' },
  {
    value: 'mine_team_unassigned',
    title: "Their own, their teams' and unassigned ones",
    help: 'Agents see what is assigned to them or their teams, and what nobody has picked up yet.',
  },
  {
    value: 'mine_team',
    title: "Their own and their teams'",
    help: 'Agents see what is assigned to them or to a team they are in.',
  },
  { value: 'mine', title: 'Only their own', help: 'Agents see only the conversations assigned to them.' },
];

/** Variables the server fills in itself; any other one is asked from the agent when inserting. */
export const BUILT_IN_VARIABLES = ['contact.name', 'contact.phone', 'agent.name', 'business.name'] as const;

const VARIABLE = /\{\{\s*([A-Za-z0-9_.]+)\s*\}\}/g;
/** The distinct `{{variables}}` of a text, in order of appearance (same rule as the server). */
export const variablesOf = (text: string): string[] => [...new Set([...text.matchAll(VARIABLE)].map((m) => m[1]))];

/** Capacity as typed: blank means no limit; otherwise a whole number from 1 to 1000. */
export function parseCapacity(raw: string): { value: number | null } | { error: string } {
  const s = raw.trim();
  if (s === '') return { value: null };
  if (!/^\d+$/.test(s)) return { error: 'Use a whole number from 1 to 1000, or leave it blank for no limit.' };
  const n = Number(s);
  if (n < 1 || n > 1000) return { error: 'Use a whole number from 1 to 1000, or leave it blank for no limit.' };
  return { value: n };
}

const PRESENCE_LABEL = { online: 'Online', away: 'Away', offline: 'Offline' } as const;
const DEFAULT_COLOR = '#22c55e';

/**
 * Settings → Inbox: which conversations agents see, auto-assignment, agents' capacity, teams,
 * labels and canned responses. Everyone with inbox access can read it; the controls that change
 * things only appear for managers and admins (read from /auth/me; a 403 from the server is still
 * shown in plain words).
 *
 * @tag wa-inbox-settings
 * @property {'light'|'dark'} theme - Forces a theme; unset follows the host and prefers-color-scheme.
 * @event wa-inbox-settings-changed - `detail: { what: 'settings'|'capacity'|'team'|'label'|'canned' }` after any saved change.
 * @csspart section - Each of the five sections.
 */
export class WaInboxSettings extends WaElement {
  static override styles = [WaElement.styles, ui, styles];
  static override properties = {
    ...WaElement.properties,
    _busy: { state: true },
    _formError: { state: true },
    _capacityErrors: { state: true },
    _team: { state: true },
    _label: { state: true },
    _canned: { state: true },
    _cannedBody: { state: true },
    _confirm: { state: true },
  };
  static override modals = { _team: 'team', _label: 'label', _canned: 'canned', _confirm: 'confirm' };

  declare _busy: boolean;
  /** The server's message for the open dialog. */
  declare _formError: string | null;
  /** Agent id → why the typed capacity was not saved. */
  declare _capacityErrors: Record<number, string>;
  declare _team: Draft<Team> | null;
  declare _label: Draft<Label> | null;
  declare _canned: Draft<CannedResponse> | null;
  /** The canned response text as typed, for the live list of variables. */
  declare _cannedBody: string;
  declare _confirm: Deletion | null;

  constructor() {
    super();
    this._busy = false;
    this._formError = null;
    this._capacityErrors = {};
    this._team = null;
    this._label = null;
    this._canned = null;
    this._cannedBody = '';
    this._confirm = null;
  }

  #data = new Task(this, {
    task: async ([api], { signal }) => {
      if (!api) return initialState;
      const [settings, agents, teams, labels, canned, role] = await Promise.all([
        api.get<InboxSettings>('/api/v1/inbox/settings', { signal }),
        api.get<{ items: InboxAgent[] }>('/api/v1/inbox/agents', { signal }),
        api.get<{ items: Team[] }>('/api/v1/teams', { signal }),
        api.get<{ items: Label[] }>('/api/v1/labels', { signal }),
        api.get<{ items: CannedResponse[] }>('/api/v1/canned-responses', { signal }),
        callerRole(api, signal),
      ]);
      return {
        settings,
        agents: agents.items,
        teams: teams.items,
        labels: labels.items,
        canned: canned.items,
        // Unknown role (embed token): show the controls and let the server decide.
        canManage: role === null || role === 'manager' || role === 'admin' || role === 'super_admin',
      } satisfies Loaded;
    },
    args: () => [this.api, this.api?.tenant] as const,
  });

  get #theme() {
    return ifDefined(this.theme ?? undefined);
  }

  override render() {
    const skeleton = html`<wa-skeleton theme=${this.#theme} lines="6" variant="rows"></wa-skeleton>`;
    const value = this.#data.value;
    return html`
      <div class="page-header">
        <div>
          <h2>Inbox settings</h2>
          <p>Who sees which conversations, how they are shared out, and the shortcuts your team works with.</p>
        </div>
      </div>
      ${this.#data.render({
        initial: () => skeleton,
        // A reload after a change keeps the old content on screen instead of flashing a skeleton.
        pending: () => (value ? this.#content(value) : skeleton),
        error: (e) =>
          (e as { status?: number }).status === 403
            ? html`<wa-empty-state
                theme=${this.#theme}
                heading="Not available for your role"
                description="Ask a manager or an admin of this workspace to change the inbox settings."
              ></wa-empty-state>`
            : html`<wa-error-state
                theme=${this.#theme}
                heading="Couldn't load the inbox settings"
                .error=${e}
                @wa-retry=${() => this.#data.run()}
              ></wa-error-state>`,
        complete: (v) => this.#content(v),
      })}
      ${this.#renderTeamDialog()} ${this.#renderLabelDialog()} ${this.#renderCannedDialog()} ${this.#renderConfirm()}
    `;
  }

  #content(d: Loaded) {
    return html`
      ${
        d.canManage
          ? nothing
          : html`<p class="note" role="note">You can look at these settings; only managers and admins can change them.</p>`
      }
      ${this.#visibilitySection(d)} ${this.#agentsSection(d)} ${this.#teamsSection(d)} ${this.#labelsSection(d)}
      ${this.#cannedSection(d)}
    `;
  }

  // ---------------------------------------------------------------------------------------------
  // Who agents see

  #visibilitySection({ settings, canManage }: Loaded) {
    return html`<section part="section" aria-labelledby="s-visibility">
      <h3 id="s-visibility">Who agents see</h3>
      <p class="section-help">Managers and admins always see every conversation.</p>
      <fieldset class="radios" ?disabled=${!canManage}>
        <legend class="visually-hidden">Conversations an agent sees</legend>
        ${VISIBILITY.map(
          (o) =>
            html`<label class="radio">
              <input
                type="radio"
                name="agentVisibility"
                value=${o.value}
                .checked=${live(settings.agentVisibility === o.value)}
                aria-describedby="v-${o.value}"
                @change=${() => this.#saveSettings({ agentVisibility: o.value })}
              />
              <span><strong>${o.title}</strong><span class="help" id="v-${o.value}">${o.help}</span></span>
            </label>`,
        )}
      </fieldset>
      <label class="switch-row">
        <input
          type="checkbox"
          role="switch"
          class="switch"
          .checked=${live(settings.autoAssign)}
          ?disabled=${!canManage}
          aria-describedby="auto-help"
          @change=${(e: Event) => this.#saveSettings({ autoAssign: (e.target as HTMLInputElement).checked })}
        />
        <span
          ><strong>Assign automatically</strong
          ><span class="help" id="auto-help"
            >New conversations without a team go to the next online agent under capacity.</span
          ></span
        >
      </label>
    </section>`;
  }

  async #saveSettings(change: Partial<InboxSettings>) {
    const api = this.api;
    const current = this.#data.value?.settings;
    if (!api || !current) return;
    // Shown at once; put back as it was if the server refuses.
    const before = { ...current };
    Object.assign(current, change);
    this._busy = true;
    try {
      Object.assign(current, await api.patch<InboxSettings>('/api/v1/inbox/settings', change));
      this.host?.toast('Inbox settings saved.', { kind: 'success' });
      this.emit('wa-inbox-settings-changed', { what: 'settings' });
    } catch (err) {
      Object.assign(current, before);
      this.host?.toast(errorMessage(err), { kind: 'error' });
    } finally {
      this._busy = false;
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Agents

  #agentsSection({ agents, teams, canManage }: Loaded) {
    const teamName = new Map(teams.map((t) => [t.id, t.name]));
    return html`<section part="section" aria-labelledby="s-agents">
      <h3 id="s-agents">Agents</h3>
      <p class="section-help">
        Capacity is how many open conversations an agent takes before automatic assignment skips them. Leave it blank for no
        limit.
      </p>
      ${
        agents.length === 0
          ? html`<wa-empty-state
              theme=${this.#theme}
              heading="No agents yet"
              description="Add people under Settings → Team; they appear here."
            ></wa-empty-state>`
          : html`<div class="table-wrap">
              <table class="data">
                <caption class="visually-hidden">
                  Agents
                </caption>
                <thead>
                  <tr>
                    <th scope="col">Agent</th>
                    <th scope="col">Teams</th>
                    <th scope="col">Open</th>
                    <th scope="col">Capacity</th>
                  </tr>
                </thead>
                <tbody>
                  ${agents.map((a) => {
                    const error = this._capacityErrors[a.id];
                    const names = a.teamIds.map((id) => teamName.get(id)).filter(Boolean);
                    return html`<tr data-agent=${a.id}>
                      <td data-label="Agent">
                        <span class="who">
                          <strong>${a.name || a.email}</strong>
                          <span class="presence ${a.presence}"
                            ><span class="dot" aria-hidden="true"></span>${PRESENCE_LABEL[a.presence]}</span
                          >
                        </span>
                      </td>
                      <td data-label="Teams">${names.length ? names.join(', ') : html`<span class="muted">None</span>`}</td>
                      <td data-label="Open">${a.openCount}</td>
                      <td data-label="Capacity">
                        ${
                          canManage
                            ? html`<span class="capacity">
                                <input
                                  class="capacity-input"
                                  inputmode="numeric"
                                  placeholder="No limit"
                                  aria-label="Capacity of ${a.name || a.email}"
                                  aria-invalid=${error ? 'true' : 'false'}
                                  aria-describedby=${ifDefined(error ? `cap-error-${a.id}` : undefined)}
                                  .value=${a.capacity === null ? '' : String(a.capacity)}
                                  @change=${(e: Event) => this.#saveCapacity(a, e.target as HTMLInputElement)}
                                />
                                ${error ? html`<span class="error-text" id="cap-error-${a.id}" role="alert">${error}</span>` : nothing}
                              </span>`
                            : a.capacity === null
                              ? html`<span class="muted">No limit</span>`
                              : a.capacity
                        }
                      </td>
                    </tr>`;
                  })}
                </tbody>
              </table>
            </div>`
      }
    </section>`;
  }

  async #saveCapacity(agent: InboxAgent, input: HTMLInputElement) {
    const api = this.api;
    if (!api) return;
    const parsed = parseCapacity(input.value);
    if ('error' in parsed) {
      this._capacityErrors = { ...this._capacityErrors, [agent.id]: parsed.error };
      return;
    }
    const { [agent.id]: _, ...rest } = this._capacityErrors;
    this._capacityErrors = rest;
    if (parsed.value === agent.capacity) return;
    try {
      const saved = await api.patch<InboxAgent>(`/api/v1/inbox/agents/${agent.id}`, { capacity: parsed.value });
      // Remember it at once: a quick second edit (before the reload below lands) compares against
      // what was just saved, and the reload then renders the same value instead of overwriting typing.
      agent.capacity = saved.capacity;
      this.requestUpdate();
      const who = agent.name || agent.email;
      this.host?.toast(
        saved.capacity === null
          ? `${who} has no capacity limit now.`
          : `${who} takes up to ${saved.capacity} open conversations.`,
        { kind: 'success' },
      );
      this.emit('wa-inbox-settings-changed', { what: 'capacity' });
      this.#data.run();
    } catch (err) {
      this._capacityErrors = { ...this._capacityErrors, [agent.id]: errorMessage(err) };
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Teams

  #teamsSection({ teams, agents, canManage }: Loaded) {
    const agentName = new Map(agents.map((a) => [a.id, a.name || a.email]));
    return html`<section part="section" aria-labelledby="s-teams">
      <div class="section-head">
        <h3 id="s-teams">Teams</h3>
        ${
          canManage
            ? html`<button
                class="btn small"
                @click=${() => this.#open('_team', { id: null, name: '', assignment: 'manual', memberIds: [] })}
              >
                Add team
              </button>`
            : nothing
        }
      </div>
      ${
        teams.length === 0
          ? html`<wa-empty-state
              theme=${this.#theme}
              heading="No teams yet"
              description="Group agents into teams (Sales, Support…) to route conversations to them."
            ></wa-empty-state>`
          : html`<ul class="items" aria-label="Teams">
              ${teams.map((t) => {
                const members = t.memberIds.map((id) => agentName.get(id) ?? `User ${id}`);
                return html`<li class="item" data-team=${t.id}>
                  <div class="item-main">
                    <div class="item-title">
                      <strong>${t.name}</strong>
                      <span class="badge ${t.assignment === 'round_robin' ? 'success' : ''}"
                        >${t.assignment === 'round_robin' ? 'Round robin' : 'Manual'}</span
                      >
                    </div>
                    <p class="muted">${members.length ? members.join(', ') : 'No members yet'}</p>
                  </div>
                  ${
                    canManage
                      ? html`<div class="item-actions">
                          <button
                            class="btn small ghost"
                            aria-label="Edit team ${t.name}"
                            @click=${() => this.#open('_team', { ...t })}
                          >
                            Edit
                          </button>
                          <button
                            class="btn small ghost danger-text"
                            aria-label="Delete team ${t.name}"
                            @click=${() => (this._confirm = { kind: 'team', id: t.id, name: t.name })}
                          >
                            Delete
                          </button>
                        </div>`
                      : nothing
                  }
                </li>`;
              })}
            </ul>`
      }
    </section>`;
  }

  #renderTeamDialog() {
    const t = this._team;
    const agents = this.#data.value?.agents ?? [];
    return html`<dialog id="team" aria-labelledby="team-title" @close=${() => (this._team = null)}>
      ${
        t
          ? html`<form @submit=${this.#saveTeam}>
              <h3 id="team-title">${t.id === null ? 'Add a team' : `Edit ${t.name}`}</h3>
              ${this.#formError()}
              <div class="field">
                <label for="team-name">Name</label>
                <input id="team-name" name="name" required maxlength="100" autocomplete="off" value=${t.name} />
              </div>
              <label class="switch-row">
                <input
                  type="checkbox"
                  role="switch"
                  class="switch"
                  name="roundRobin"
                  ?checked=${t.assignment === 'round_robin'}
                  aria-describedby="rr-help"
                />
                <span
                  ><strong>Round robin</strong
                  ><span class="help" id="rr-help"
                    >New conversations for this team go to its members in turn (online, under capacity). Off: someone assigns them
                    by hand.</span
                  ></span
                >
              </label>
              <fieldset class="members">
                <legend>Members</legend>
                ${
                  agents.length === 0
                    ? html`<p class="muted">No one to add yet.</p>`
                    : agents.map(
                        (a) =>
                          html`<label class="check"
                            ><input type="checkbox" name="member" value=${a.id} ?checked=${t.memberIds.includes(a.id)} />${
                              a.name || a.email
                            }</label
                          >`,
                      )
                }
              </fieldset>
              <div class="actions">
                <button type="button" class="btn" @click=${() => (this._team = null)}>Cancel</button>
                <button type="submit" class="btn primary" ?disabled=${this._busy}>
                  ${t.id === null ? 'Add team' : 'Save team'}
                </button>
              </div>
            </form>`
          : nothing
      }
    </dialog>`;
  }

  async #saveTeam(e: SubmitEvent) {
    e.preventDefault();
    const t = this._team;
    if (!t) return;
    const f = new FormData(e.target as HTMLFormElement);
    const body = {
      name: String(f.get('name') ?? '').trim(),
      assignment: f.get('roundRobin') ? 'round_robin' : 'manual',
      memberIds: f.getAll('member').map(Number),
    };
    await this.#submit(
      t.id === null ? ['post', '/api/v1/teams'] : ['patch', `/api/v1/teams/${t.id}`],
      body,
      () => (this._team = null),
      `Team ${body.name} was ${t.id === null ? 'added' : 'saved'}.`,
      'team',
    );
  }

  // ---------------------------------------------------------------------------------------------
  // Labels

  #labelsSection({ labels, canManage }: Loaded) {
    return html`<section part="section" aria-labelledby="s-labels">
      <div class="section-head">
        <h3 id="s-labels">Labels</h3>
        ${
          canManage
            ? html`<button class="btn small" @click=${() => this.#open('_label', { id: null, name: '', color: DEFAULT_COLOR })}>
                Add label
              </button>`
            : nothing
        }
      </div>
      ${
        labels.length === 0
          ? html`<wa-empty-state
              theme=${this.#theme}
              heading="No labels yet"
              description="Labels tag conversations (VIP, Refund…) so agents can filter the inbox by them."
            ></wa-empty-state>`
          : html`<ul class="chips" aria-label="Labels">
              ${labels.map(
                (l) =>
                  html`<li class="label-chip" data-label-id=${l.id}>
                    ${
                      canManage
                        ? html`<button
                              class="chip-main"
                              aria-label="Edit label ${l.name}"
                              @click=${() => this.#open('_label', { ...l })}
                            >
                              <span class="swatch" style=${styleMap({ background: l.color })}></span>${l.name}
                            </button>
                            <button
                              class="chip-remove"
                              aria-label="Delete label ${l.name}"
                              @click=${() => (this._confirm = { kind: 'label', id: l.id, name: l.name })}
                            >
                              <span aria-hidden="true">×</span>
                            </button>`
                        : html`<span class="chip-main"
                            ><span class="swatch" style=${styleMap({ background: l.color })}></span>${l.name}</span
                          >`
                    }
                  </li>`,
              )}
            </ul>`
      }
    </section>`;
  }

  #renderLabelDialog() {
    const l = this._label;
    return html`<dialog id="label" aria-labelledby="label-title" @close=${() => (this._label = null)}>
      ${
        l
          ? html`<form @submit=${this.#saveLabel}>
              <h3 id="label-title">${l.id === null ? 'Add a label' : `Edit ${l.name}`}</h3>
              ${this.#formError()}
              <div class="form-row">
                <div class="field">
                  <label for="label-name">Name</label>
                  <input id="label-name" name="name" required maxlength="50" autocomplete="off" value=${l.name} />
                </div>
                <div class="field color-field">
                  <label for="label-color">Colour</label>
                  <input id="label-color" name="color" type="color" value=${l.color} />
                </div>
              </div>
              <div class="actions">
                <button type="button" class="btn" @click=${() => (this._label = null)}>Cancel</button>
                <button type="submit" class="btn primary" ?disabled=${this._busy}>
                  ${l.id === null ? 'Add label' : 'Save label'}
                </button>
              </div>
            </form>`
          : nothing
      }
    </dialog>`;
  }

  async #saveLabel(e: SubmitEvent) {
    e.preventDefault();
    const l = this._label;
    if (!l) return;
    const f = new FormData(e.target as HTMLFormElement);
    const body = { name: String(f.get('name') ?? '').trim(), color: String(f.get('color') ?? DEFAULT_COLOR) };
    await this.#submit(
      l.id === null ? ['post', '/api/v1/labels'] : ['patch', `/api/v1/labels/${l.id}`],
      body,
      () => (this._label = null),
      `Label ${body.name} was ${l.id === null ? 'added' : 'saved'}.`,
      'label',
    );
  }

  // ---------------------------------------------------------------------------------------------
  // Canned responses

  #cannedSection({ canned, canManage }: Loaded) {
    return html`<section part="section" aria-labelledby="s-canned">
      <div class="section-head">
        <h3 id="s-canned">Canned responses</h3>
        ${
          canManage
            ? html`<button
                class="btn small"
                @click=${() => this.#open('_canned', { id: null, shortcode: '', title: '', body: '', variables: [] })}
              >
                Add response
              </button>`
            : nothing
        }
      </div>
      ${
        canned.length === 0
          ? html`<wa-empty-state
              theme=${this.#theme}
              heading="No canned responses yet"
              description="Save answers you send often; agents insert them by typing / and the shortcode."
            ></wa-empty-state>`
          : html`<ul class="items" aria-label="Canned responses">
              ${canned.map(
                (c) =>
                  html`<li class="item" data-canned=${c.id}>
                    <div class="item-main">
                      <div class="item-title"><span class="mono shortcode">/${c.shortcode}</span><strong>${c.title}</strong></div>
                      <p class="preview">${c.body}</p>
                      ${this.#variableChips(c.variables)}
                    </div>
                    ${
                      canManage
                        ? html`<div class="item-actions">
                            <button
                              class="btn small ghost"
                              aria-label="Edit response /${c.shortcode}"
                              @click=${() => this.#open('_canned', { ...c })}
                            >
                              Edit
                            </button>
                            <button
                              class="btn small ghost danger-text"
                              aria-label="Delete response /${c.shortcode}"
                              @click=${() => (this._confirm = { kind: 'canned', id: c.id, name: `/${c.shortcode}` })}
                            >
                              Delete
                            </button>
                          </div>`
                        : nothing
                    }
                  </li>`,
              )}
            </ul>`
      }
    </section>`;
  }

  #variableChips(vars: string[]) {
    if (vars.length === 0) return nothing;
    return html`<ul class="vars" aria-label="Variables">
      ${vars.map((v) => {
        const auto = (BUILT_IN_VARIABLES as readonly string[]).includes(v);
        return html`<li class="var ${auto ? 'auto' : 'ask'}">
          {{${v}}}<span class="visually-hidden">${auto ? ' (filled in automatically)' : ' (the agent fills it in)'}</span>
        </li>`;
      })}
    </ul>`;
  }

  #renderCannedDialog() {
    const c = this._canned;
    return html`<dialog id="canned" class="wide" aria-labelledby="canned-title" @close=${() => (this._canned = null)}>
      ${
        c
          ? html`<form @submit=${this.#saveCanned}>
              <h3 id="canned-title">${c.id === null ? 'Add a canned response' : `Edit /${c.shortcode}`}</h3>
              ${this.#formError()}
              <div class="form-row">
                <div class="field">
                  <label for="canned-shortcode">Shortcode</label>
                  <input
                    id="canned-shortcode"
                    name="shortcode"
                    required
                    maxlength="50"
                    pattern="[A-Za-z0-9_\\-]+"
                    autocomplete="off"
                    aria-describedby="shortcode-help"
                    value=${c.shortcode}
                  />
                  <span class="help" id="shortcode-help">Letters, digits, - or _. Agents type it after a slash.</span>
                </div>
                <div class="field">
                  <label for="canned-title-input">Title</label>
                  <input id="canned-title-input" name="title" required maxlength="120" autocomplete="off" value=${c.title} />
                </div>
              </div>
              <div class="field">
                <label for="canned-body">Text</label>
                <textarea
                  id="canned-body"
                  name="body"
                  rows="5"
                  required
                  maxlength="4096"
                  aria-describedby="body-help"
                  .value=${c.body}
                  @input=${(e: Event) => (this._cannedBody = (e.target as HTMLTextAreaElement).value)}
                ></textarea>
                <span class="help" id="body-help">
                  Use {{variables}}: ${BUILT_IN_VARIABLES.map((v, i) => html`${i ? ', ' : ''}<code>{{${v}}}</code>`)} are filled
                  in automatically; any other name, like <code>{{order_number}}</code>, is asked from the agent.
                </span>
              </div>
              <div class="detected" aria-live="polite">
                ${
                  variablesOf(this._cannedBody).length
                    ? html`<span class="help">Variables in this text:</span>${this.#variableChips(variablesOf(this._cannedBody))}`
                    : nothing
                }
              </div>
              <div class="actions">
                <button type="button" class="btn" @click=${() => (this._canned = null)}>Cancel</button>
                <button type="submit" class="btn primary" ?disabled=${this._busy}>
                  ${c.id === null ? 'Add response' : 'Save response'}
                </button>
              </div>
            </form>`
          : nothing
      }
    </dialog>`;
  }

  async #saveCanned(e: SubmitEvent) {
    e.preventDefault();
    const c = this._canned;
    if (!c) return;
    const f = new FormData(e.target as HTMLFormElement);
    const body = {
      shortcode: String(f.get('shortcode') ?? '').trim(),
      title: String(f.get('title') ?? '').trim(),
      body: String(f.get('body') ?? ''),
    };
    await this.#submit(
      c.id === null ? ['post', '/api/v1/canned-responses'] : ['patch', `/api/v1/canned-responses/${c.id}`],
      body,
      () => (this._canned = null),
      `Response /${body.shortcode.toLowerCase()} was ${c.id === null ? 'added' : 'saved'}.`,
      'canned',
    );
  }

  // ---------------------------------------------------------------------------------------------
  // Shared: dialogs, saving, deleting

  #open<K extends '_team' | '_label' | '_canned'>(prop: K, draft: NonNullable<this[K]>) {
    this._formError = null;
    if (prop === '_canned') this._cannedBody = (draft as Draft<CannedResponse>).body;
    this[prop] = draft;
  }

  #formError() {
    return this._formError ? html`<div class="form-error" role="alert">${this._formError}</div>` : nothing;
  }

  async #submit(
    [method, path]: ['post' | 'patch', string],
    body: unknown,
    close: () => void,
    done: string,
    what: 'team' | 'label' | 'canned',
  ) {
    const api = this.api;
    if (!api) return;
    this._busy = true;
    this._formError = null;
    try {
      await (method === 'post' ? api.post(path, body) : api.patch(path, body));
      close();
      this.host?.toast(done, { kind: 'success' });
      this.emit('wa-inbox-settings-changed', { what });
      this.#data.run();
    } catch (err) {
      // 409 (name or shortcode taken) and 400 (validation) come with a message written for people.
      this._formError = errorMessage(err);
    } finally {
      this._busy = false;
    }
  }

  #renderConfirm() {
    const d = this._confirm;
    const consequence = {
      team: 'Its conversations keep their assignee; new ones are no longer routed to this team.',
      label: 'It is taken off every conversation that carries it.',
      canned: 'Agents can no longer insert it.',
    };
    const noun = { team: 'team', label: 'label', canned: 'response' };
    return html`<dialog id="confirm" aria-labelledby="confirm-title" @close=${() => (this._confirm = null)}>
      ${
        d
          ? html`<h3 id="confirm-title">Delete ${noun[d.kind]} ${d.name}?</h3>
              <p>${consequence[d.kind]} This cannot be undone.</p>
              <div class="actions">
                <button class="btn" @click=${() => (this._confirm = null)}>Cancel</button>
                <button class="btn danger" ?disabled=${this._busy} @click=${() => this.#delete(d)}>Delete ${noun[d.kind]}</button>
              </div>`
          : nothing
      }
    </dialog>`;
  }

  async #delete(d: Deletion) {
    const api = this.api;
    if (!api) return;
    const path = { team: '/api/v1/teams/', label: '/api/v1/labels/', canned: '/api/v1/canned-responses/' }[d.kind] + d.id;
    this._busy = true;
    try {
      await api.delete(path);
      this.host?.toast(`${d.name} was deleted.`, { kind: 'success' });
      this.emit('wa-inbox-settings-changed', { what: d.kind });
      this.#data.run();
    } catch (err) {
      this.host?.toast(errorMessage(err), { kind: 'error' });
    } finally {
      this._confirm = null;
      this._busy = false;
    }
  }
}
