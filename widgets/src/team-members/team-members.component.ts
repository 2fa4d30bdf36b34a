import { html, nothing } from 'lit';
import { ifDefined } from 'lit/directives/if-defined.js';
import { Task, initialState } from '@lit/task';
import { WaElement } from '../shared/base-element.ts';
import { ui, errorMessage, formatTime, callerRole } from '../shared/ui.styles.ts';
import { styles } from './team-members.styles.ts';

export interface Member {
  userId: number;
  email: string;
  name: string;
  role: 'admin' | 'manager' | 'agent';
  lastLoginAt: string | null;
  createdAt: string;
}

const ROLES = ['admin', 'manager', 'agent'] as const;

/**
 * The tenant's team: who is a member and with which role; admins add people, change roles and
 * remove members. Manage actions only appear when the caller's role allows them (read from
 * /auth/me; a 403 from the server is still shown in plain words).
 *
 * @tag wa-team-members
 * @property {'light'|'dark'} theme - Forces a theme; unset follows the host and prefers-color-scheme.
 * @event wa-member-added - `detail: Member` after a member was added.
 * @event wa-member-updated - `detail: Member` after a role change.
 * @event wa-member-removed - `detail: { userId }` after a removal.
 * @csspart table - The members table.
 */
export class WaTeamMembers extends WaElement {
  static override styles = [WaElement.styles, ui, styles];
  static override properties = {
    ...WaElement.properties,
    _formError: { state: true },
    _busy: { state: true },
    _confirm: { state: true },
  };
  static override modals = { _confirm: 'confirm' };

  declare _formError: string | null;
  declare _busy: boolean;
  declare _confirm: Member | null;

  constructor() {
    super();
    this._formError = null;
    this._busy = false;
    this._confirm = null;
  }

  #data = new Task(this, {
    task: async ([api], { signal }) => {
      if (!api) return initialState; // no API client yet: wait for the context to arrive
      const [list, role] = await Promise.all([
        api.get<{ items: Member[] }>('/api/v1/members', { signal }),
        callerRole(api, signal),
      ]);
      // Unknown role (embed token): show the actions and let the server decide.
      return { items: list.items, canManage: role === null || role === 'admin' || role === 'super_admin' };
    },
    args: () => [this.api, this.api?.tenant] as const,
  });

  get #addDialog() {
    return this.renderRoot.querySelector<HTMLDialogElement>('#add');
  }

  override render() {
    return html`
      <div class="page-header">
        <div>
          <h2>Team</h2>
          <p>People who can sign in to this workspace, and what they may do.</p>
        </div>
        ${this.#data.value?.canManage ? html`<button class="btn primary" @click=${this.#openAdd}>Add member</button>` : nothing}
      </div>
      ${this.#data.render({
        initial: () => html`<wa-skeleton theme=${ifDefined(this.theme ?? undefined)} lines="5" variant="rows"></wa-skeleton>`,
        // A reload after a change keeps the old rows on screen instead of flashing a skeleton.
        pending: () =>
          this.#data.value
            ? this.#content(this.#data.value)
            : html`<wa-skeleton theme=${ifDefined(this.theme ?? undefined)} lines="5" variant="rows"></wa-skeleton>`,
        error: (e) =>
          (e as { status?: number }).status === 403
            ? html`<wa-empty-state
                theme=${ifDefined(this.theme ?? undefined)}
                heading="Not available for your role"
                description="Ask an admin of this workspace if you need to see the team."
              ></wa-empty-state>`
            : html`<wa-error-state
                theme=${ifDefined(this.theme ?? undefined)}
                heading="Couldn't load the team"
                .error=${e}
                @wa-retry=${() => this.#data.run()}
              ></wa-error-state>`,
        complete: (v) => this.#content(v),
      })}
      ${this.#renderAddDialog()} ${this.#renderConfirm()}
    `;
  }

  #content({ items, canManage }: { items: Member[]; canManage: boolean }) {
    return items.length === 0
      ? html`<wa-empty-state
          theme=${ifDefined(this.theme ?? undefined)}
          heading="No members yet"
          description="Add the people who will work in this workspace."
        ></wa-empty-state>`
      : this.#table(items, canManage);
  }

  #table(items: Member[], canManage: boolean) {
    return html`<div class="table-wrap">
      <table class="data" part="table">
        <caption class="visually-hidden">
          Team members
        </caption>
        <thead>
          <tr>
            <th scope="col">Member</th>
            <th scope="col">Role</th>
            <th scope="col">Last sign-in</th>
            ${canManage ? html`<th scope="col"><span class="visually-hidden">Actions</span></th>` : nothing}
          </tr>
        </thead>
        <tbody>
          ${items.map(
            (m) =>
              html`<tr>
                <td data-label="Member">
                  <span class="who"
                    ><strong>${m.name || m.email}</strong>${m.name ? html`<span class="muted">${m.email}</span>` : nothing}</span
                  >
                </td>
                <td data-label="Role">
                  ${
                    canManage
                      ? html`<select
                          class="inline"
                          aria-label="Role of ${m.name || m.email}"
                          .value=${m.role}
                          ?disabled=${this._busy}
                          @change=${(e: Event) => this.#changeRole(m, e.target as HTMLSelectElement)}
                        >
                          ${ROLES.map((r) => html`<option value=${r} ?selected=${r === m.role}>${label(r)}</option>`)}
                        </select>`
                      : html`<span class="badge ${m.role}">${label(m.role)}</span>`
                  }
                </td>
                <td data-label="Last sign-in">
                  ${m.lastLoginAt ? formatTime(m.lastLoginAt) : html`<span class="muted">Never</span>`}
                </td>
                ${
                  canManage
                    ? html`<td class="row-actions">
                        <button
                          class="btn ghost danger-text small"
                          @click=${() => (this._confirm = m)}
                          aria-label="Remove ${m.name || m.email}"
                        >
                          Remove
                        </button>
                      </td>`
                    : nothing
                }
              </tr>`,
          )}
        </tbody>
      </table>
    </div>`;
  }

  #renderAddDialog() {
    return html`<dialog id="add" aria-labelledby="add-title" @close=${() => (this._formError = null)}>
      <form @submit=${this.#add}>
        <h3 id="add-title">Add a team member</h3>
        ${this._formError ? html`<div class="form-error" role="alert">${this._formError}</div>` : nothing}
        <div class="field">
          <label for="m-email">Email</label>
          <input id="m-email" name="email" type="email" required autocomplete="off" />
        </div>
        <div class="field">
          <label for="m-name">Name</label>
          <input id="m-name" name="name" autocomplete="off" />
        </div>
        <div class="field">
          <label for="m-role">Role</label>
          <select id="m-role" name="role">
            <option value="agent">Agent: the shared inbox</option>
            <option value="manager">Manager: campaigns, contacts, bots</option>
            <option value="admin">Admin: everything in this workspace</option>
          </select>
        </div>
        <div class="field">
          <label for="m-password">Initial password</label>
          <input
            id="m-password"
            name="password"
            type="password"
            minlength="12"
            autocomplete="new-password"
            aria-describedby="m-password-help"
          />
          <span class="help" id="m-password-help"
            >Only needed when this person has no account yet (at least 12 characters). Share it with them safely.</span
          >
        </div>
        <div class="actions">
          <button type="button" class="btn" @click=${() => this.#addDialog?.close()}>Cancel</button>
          <button type="submit" class="btn primary" ?disabled=${this._busy}>Add member</button>
        </div>
      </form>
    </dialog>`;
  }

  #renderConfirm() {
    const m = this._confirm;
    return html`<dialog id="confirm" aria-labelledby="confirm-title" @close=${() => (this._confirm = null)}>
      ${
        m
          ? html`<h3 id="confirm-title">Remove ${m.name || m.email}?</h3>
              <p>They lose access to this workspace at once. Their account stays, and you can add them again later.</p>
              <div class="actions">
                <button class="btn" @click=${() => (this._confirm = null)}>Cancel</button>
                <button class="btn danger" ?disabled=${this._busy} @click=${() => this.#remove(m)}>Remove</button>
              </div>`
          : nothing
      }
    </dialog>`;
  }

  #openAdd() {
    this._formError = null;
    const d = this.#addDialog;
    d?.querySelector('form')?.reset();
    d?.showModal();
  }

  async #add(e: SubmitEvent) {
    e.preventDefault();
    const api = this.api;
    if (!api) return;
    const form = e.target as HTMLFormElement;
    const f = new FormData(form);
    const password = String(f.get('password') ?? '');
    this._busy = true;
    this._formError = null;
    try {
      const m = await api.post<Member>('/api/v1/members', {
        email: String(f.get('email') ?? '').trim(),
        name: String(f.get('name') ?? '').trim(),
        role: String(f.get('role')),
        ...(password ? { password } : {}),
      });
      this.#addDialog?.close();
      this.host?.toast(`${m.name || m.email} was added as ${label(m.role).toLowerCase()}.`, { kind: 'success' });
      this.emit('wa-member-added', m);
      this.#data.run();
    } catch (err) {
      this._formError = errorMessage(err);
      // The fix for this error is in one field: take the user there.
      if ((err as { code?: string }).code === 'password_required') form.querySelector<HTMLInputElement>('#m-password')?.focus();
    } finally {
      this._busy = false;
    }
  }

  async #changeRole(m: Member, select: HTMLSelectElement) {
    const api = this.api;
    if (!api) return;
    const role = select.value;
    this._busy = true;
    try {
      const updated = await api.patch<Member>(`/api/v1/members/${m.userId}`, { role });
      this.host?.toast(`${m.name || m.email} is now ${label(updated.role).toLowerCase()}.`, { kind: 'success' });
      this.emit('wa-member-updated', updated);
      this.#data.run();
    } catch (err) {
      select.value = m.role; // the server refused: show the role they still have
      this.host?.toast(errorMessage(err), { kind: 'error' });
    } finally {
      this._busy = false;
    }
  }

  async #remove(m: Member) {
    const api = this.api;
    if (!api) return;
    this._busy = true;
    try {
      await api.delete(`/api/v1/members/${m.userId}`);
      this._confirm = null;
      this.host?.toast(`${m.name || m.email} was removed.`, { kind: 'success' });
      this.emit('wa-member-removed', { userId: m.userId });
      this.#data.run();
    } catch (err) {
      this._confirm = null;
      this.host?.toast(errorMessage(err), { kind: 'error' });
    } finally {
      this._busy = false;
    }
  }
}

function label(role: string): string {
  return role.charAt(0).toUpperCase() + role.slice(1);
}
