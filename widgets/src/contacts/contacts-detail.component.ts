import { html, nothing, type PropertyValues } from 'lit';
import { Task } from '@lit/task';
import { ifDefined } from 'lit/directives/if-defined.js';
import { ContactsPart } from './contacts-part.ts';
import { ui, errorMessage } from '../shared/ui.styles.ts';
import { styles } from './contacts.styles.ts';
import type { WaContactsMerge } from './contacts-merge.component.ts';
import {
  actorLabel,
  ago,
  consentLabel,
  consentSourceLabel,
  displayName,
  proofSummary,
  sourceLabel,
  when,
  type AttributeDef,
  type AttributeValue,
  type ConsentEntry,
  type ConsentState,
  type Contact,
  type ContactConversation,
  type Note,
  type TagInfo,
} from './contacts.types.ts';

type Draft = Record<string, string>;

const FIELD_NAME = 'f:name';
const FIELD_EMAIL = 'f:email';

/** An attribute value as the text an input holds. */
function asText(def: AttributeDef, v: AttributeValue | undefined): string {
  if (v === null || v === undefined) return '';
  if (def.type === 'boolean') return v ? 'true' : 'false';
  if (def.type === 'date') return String(v).slice(0, 10);
  return String(v);
}

/** What the input holds, as the API takes it (null clears the value). */
function fromText(def: AttributeDef, s: string): AttributeValue {
  if (s.trim() === '') return null;
  if (def.type === 'number') return Number(s);
  if (def.type === 'boolean') return s === 'true';
  return s;
}

/**
 * One contact: profile and attributes (editable per type), tags, the consent state with its
 * history and a way to record an opt-in or opt-out, notes, and the contact's conversations.
 *
 * @tag wa-contacts-detail
 * @property {number} contactId - The contact to show.
 * @property {TagInfo[]} tags - Known tags, suggested when adding one.
 * @event contacts-back - Back to the list.
 * @event contacts-changed - `detail: Contact` — the contact was changed here.
 * @event contacts-open - `detail: { id }` — open another contact (the one this was merged into).
 * @event contacts-merged - `detail: { contact, otherId }` — a duplicate was merged into this contact.
 * @event wa-open-conversation - `detail: { conversationId }` (bubbles, composed) — open this conversation in the inbox.
 * @csspart detail - The detail view's frame.
 */
export class WaContactsDetail extends ContactsPart {
  static override styles = [ContactsPart.styles, ui, styles];
  static override properties = {
    ...ContactsPart.properties,
    contactId: { type: Number },
    tags: { attribute: false },
    _contact: { state: true },
    _draft: { state: true },
    _saving: { state: true },
    _formError: { state: true },
    _tagInput: { state: true },
    _confirm: { state: true },
    _consentNote: { state: true },
    _recording: { state: true },
    _note: { state: true },
    _addingNote: { state: true },
  };

  declare contactId: number | null;
  declare tags: TagInfo[];
  /** The freshest copy of the contact (from the load, then from each change). */
  declare _contact: Contact | null;
  declare _draft: Draft;
  declare _saving: boolean;
  declare _formError: string | null;
  declare _tagInput: string;
  declare _confirm: 'opt_in' | 'opt_out' | null;
  declare _consentNote: string;
  declare _recording: boolean;
  declare _note: string;
  declare _addingNote: boolean;

  constructor() {
    super();
    this.contactId = null;
    this.tags = [];
    this._contact = null;
    this._draft = {};
    this._saving = false;
    this._formError = null;
    this._tagInput = '';
    this._confirm = null;
    this._consentNote = '';
    this._recording = false;
    this._note = '';
    this._addingNote = false;
  }

  #load = new Task(this, {
    task: async ([api, id], { signal }) => {
      if (!api || !id) return null;
      const c = await api.get<Contact>(`/api/v1/contacts/${id}`, { signal });
      this._contact = c;
      this._draft = this.#draftOf(c);
      return c;
    },
    args: () => [this.api, this.contactId] as const,
  });

  #consent = new Task(this, {
    task: async ([api, id], { signal }) => {
      if (!api || !id) return null;
      return api.get<{ state: ConsentState; items: ConsentEntry[] }>(`/api/v1/contacts/${id}/consent`, { signal });
    },
    args: () => [this.api, this.contactId] as const,
  });

  #notes = new Task(this, {
    task: async ([api, id], { signal }) => {
      if (!api || !id) return [] as Note[];
      return (await api.get<{ items: Note[] }>(`/api/v1/contacts/${id}/notes`, { signal })).items;
    },
    args: () => [this.api, this.contactId] as const,
  });

  #convs = new Task(this, {
    task: async ([api, id], { signal }) => {
      if (!api || !id) return [] as ContactConversation[];
      return (await api.get<{ items: ContactConversation[] }>(`/api/v1/contacts/${id}/conversations`, { signal })).items;
    },
    args: () => [this.api, this.contactId] as const,
  });

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('contactId')) {
      this._contact = null;
      this._formError = null;
      this._confirm = null;
    }
    // Attribute definitions may arrive after the contact: give their inputs the contact's values.
    if (changed.has('attributeDefs') && this._contact) this._draft = { ...this.#draftOf(this._contact), ...this._draft };
  }

  protected override updated(changed: PropertyValues<this>): void {
    super.updated(changed);
    if (changed.has('_confirm')) {
      const d = this.renderRoot.querySelector<HTMLDialogElement>('#consent-dialog');
      if (this._confirm && d && !d.open) d.showModal();
      if (!this._confirm && d?.open) d.close();
    }
  }

  /** Focuses the heading (after navigating here). */
  focusHeading() {
    void this.updateComplete.then(() => this.renderRoot.querySelector<HTMLElement>('h3.name')?.focus());
  }

  #draftOf(c: Contact): Draft {
    const d: Draft = { [FIELD_NAME]: c.name ?? '', [FIELD_EMAIL]: c.email ?? '' };
    for (const a of this.attributeDefs) d[a.key] = asText(a, c.attributes[a.key]);
    return d;
  }

  #changed(c: Contact) {
    this._contact = c;
    this.emit('contacts-changed', c);
  }

  async #save(e: SubmitEvent) {
    e.preventDefault();
    const c = this._contact;
    if (!c || !this.api) return;
    const d = this._draft;
    const body: { name?: string | null; email?: string | null; attributes?: Record<string, AttributeValue> } = {};
    if (d[FIELD_NAME].trim() !== (c.name ?? '')) body.name = d[FIELD_NAME].trim() || null;
    if (d[FIELD_EMAIL].trim() !== (c.email ?? '')) body.email = d[FIELD_EMAIL].trim() || null;
    const attrs: Record<string, AttributeValue> = {};
    for (const a of this.attributeDefs) {
      if ((d[a.key] ?? '') !== asText(a, c.attributes[a.key])) attrs[a.key] = fromText(a, d[a.key] ?? '');
    }
    if (Object.keys(attrs).length) body.attributes = attrs;
    if (Object.keys(body).length === 0) {
      this.toast('Nothing to save: no field was changed.', 'info');
      return;
    }
    this._saving = true;
    this._formError = null;
    try {
      const next = await this.api.patch<Contact>(`/api/v1/contacts/${c.id}`, body);
      this.#changed(next);
      this._draft = this.#draftOf(next);
      this.toast('Contact saved.', 'success');
    } catch (err) {
      this._formError = errorMessage(err);
    } finally {
      this._saving = false;
    }
  }

  async #addTag(e: SubmitEvent) {
    e.preventDefault();
    const c = this._contact;
    const tags = this._tagInput
      .split(',')
      .map((t) => t.trim())
      .filter(Boolean);
    if (!c || !this.api || tags.length === 0) return;
    try {
      this.#changed(await this.api.post<Contact>(`/api/v1/contacts/${c.id}/tags`, { tags }));
      this._tagInput = '';
    } catch (err) {
      this.toast(`The tag could not be added: ${errorMessage(err)}`);
    }
  }

  async #removeTag(tag: string) {
    const c = this._contact;
    if (!c || !this.api) return;
    try {
      this.#changed(await this.api.delete<Contact>(`/api/v1/contacts/${c.id}/tags/${encodeURIComponent(tag)}`));
      this.toast(`Tag “${tag}” removed.`, 'info');
      void this.updateComplete.then(() => this.renderRoot.querySelector<HTMLInputElement>('#tag-input')?.focus());
    } catch (err) {
      this.toast(`The tag could not be removed: ${errorMessage(err)}`);
    }
  }

  async #recordConsent() {
    const c = this._contact;
    const action = this._confirm;
    if (!c || !this.api || !action) return;
    this._recording = true;
    try {
      const note = this._consentNote.trim();
      await this.api.post(`/api/v1/contacts/${c.id}/consent`, { action, source: 'agent', ...(note ? { proof: { note } } : {}) });
      this._confirm = null;
      this._consentNote = '';
      this.toast(action === 'opt_out' ? 'Opt-out recorded.' : 'Opt-in recorded.', 'success');
      void this.#consent.run();
      // The contact's state changed with the entry: fetch it so the list row follows.
      try {
        this.#changed(await this.api.get<Contact>(`/api/v1/contacts/${c.id}`));
      } catch {
        // The timeline still shows the new entry.
      }
    } catch (err) {
      this.toast(`The consent change could not be recorded: ${errorMessage(err)}`);
    } finally {
      this._recording = false;
    }
  }

  async #addNote(e: SubmitEvent) {
    e.preventDefault();
    const c = this._contact;
    const body = this._note.trim();
    if (!c || !this.api || !body) return;
    this._addingNote = true;
    try {
      await this.api.post(`/api/v1/contacts/${c.id}/notes`, { body });
      this._note = '';
      void this.#notes.run();
    } catch (err) {
      this.toast(`The note could not be saved: ${errorMessage(err)}`);
    } finally {
      this._addingNote = false;
    }
  }

  #openConversation(id: number) {
    this.dispatchEvent(
      new CustomEvent('wa-open-conversation', { detail: { conversationId: id }, bubbles: true, composed: true }),
    );
  }

  override render() {
    const t = ifDefined(this.theme);
    const back = html`<button type="button" class="btn small ghost back" @click=${() => this.emit('contacts-back')}>
      ← Back to contacts
    </button>`;
    const c = this._contact;
    if (!c) {
      return html`<div class="detail" part="detail">
        ${back}
        ${this.#load.render({
          initial: () => html`<wa-skeleton theme=${t} lines="6"></wa-skeleton>`,
          pending: () => html`<wa-skeleton theme=${t} lines="6"></wa-skeleton>`,
          complete: () => nothing,
          error: (e) =>
            html`<wa-error-state
              theme=${t}
              heading="Couldn't load this contact"
              .error=${e}
              @wa-retry=${() => this.#load.run()}
            ></wa-error-state>`,
        })}
      </div>`;
    }
    const name = displayName(c);
    return html`<div class="detail" part="detail">
      ${back}
      <header class="detail-head">
        <span class="avatar" aria-hidden="true">${name.slice(0, 1).toUpperCase()}</span>
        <div>
          <h3 class="name" tabindex="-1">${name}</h3>
          <p class="muted">
            ${c.phone ? html`<span class="mono">${c.phone}</span>` : nothing}
            ${c.email ? html`· <span>${c.email}</span>` : nothing} · Added ${when(c.createdAt)} (${sourceLabel(c.source)}) · Last
            seen ${ago(c.lastSeenAt).toLowerCase()}
          </p>
        </div>
        <span class="badge consent ${c.consent.state}">${consentLabel(c.consent.state)}</span>
      </header>
      ${
        c.mergedIntoId
          ? nothing
          : html`<div class="actions start detail-actions">
              <button
                type="button"
                class="btn small merge-btn"
                aria-haspopup="dialog"
                @click=${() => this.renderRoot.querySelector<WaContactsMerge>('wa-contacts-merge')?.show()}
              >
                Merge with another contact…
              </button>
            </div>`
      }
      ${
        c.mergedIntoId
          ? html`<div class="form-error" role="status">
              This contact was merged into another one.
              <button type="button" class="btn small" @click=${() => this.emit('contacts-open', { id: c.mergedIntoId })}>
                Open the merged contact
              </button>
            </div>`
          : nothing
      }
      <div class="detail-grid">
        <div class="col">${this.#profile(c)} ${this.#tags(c)} ${this.#notesSection()}</div>
        <div class="col">${this.#consentSection(c)} ${this.#conversations()}</div>
      </div>
      ${this.#confirmDialog(c)}
      <wa-contacts-merge
        theme=${t}
        .api=${this.api}
        .bridge=${this.bridge}
        .contact=${c}
        @contacts-merged=${(e: CustomEvent<{ contact: Contact; otherId: number }>) => this.#merged(e.detail)}
      ></wa-contacts-merge>
    </div>`;
  }

  /** A duplicate was merged in: show the result, and its history, notes and conversations with the duplicate's. */
  #merged(detail: { contact: Contact; otherId: number }) {
    const next = detail.contact;
    this._contact = next;
    this.emit('contacts-merged', detail);
    this._draft = this.#draftOf(next);
    void this.#consent.run();
    void this.#notes.run();
    void this.#convs.run();
    void this.updateComplete.then(() => this.renderRoot.querySelector<HTMLElement>('.merge-btn')?.focus());
  }

  #profile(c: Contact) {
    const d = this._draft;
    const set = (k: string) => (e: Event) => {
      this._draft = { ...this._draft, [k]: (e.target as HTMLInputElement | HTMLSelectElement).value };
    };
    return html`<section class="card" aria-labelledby="profile-title">
      <h4 id="profile-title">Profile</h4>
      <form @submit=${this.#save} novalidate>
        ${this._formError ? html`<div class="form-error" role="alert">${this._formError}</div>` : nothing}
        <div class="form-row">
          <div class="field">
            <label for="f-name">Name</label>
            <input id="f-name" .value=${d[FIELD_NAME] ?? ''} @input=${set(FIELD_NAME)} autocomplete="off" />
          </div>
          <div class="field">
            <label for="f-email">Email</label>
            <input id="f-email" type="email" .value=${d[FIELD_EMAIL] ?? ''} @input=${set(FIELD_EMAIL)} autocomplete="off" />
          </div>
          <div class="field">
            <span class="label">Phone</span>
            <span class="mono static">${c.phone ?? '—'}</span>
          </div>
          ${this.attributeDefs.map((a) => this.#attrField(a, d[a.key] ?? '', set(a.key)))}
        </div>
        <div class="actions">
          <button type="submit" class="btn primary small" ?disabled=${this._saving}>
            ${this._saving ? 'Saving…' : 'Save changes'}
          </button>
        </div>
      </form>
    </section>`;
  }

  #attrField(a: AttributeDef, value: string, onChange: (e: Event) => void) {
    const id = `attr-${a.key}`;
    const label = a.label || a.key;
    let control;
    if (a.type === 'boolean') {
      control = html`<select id=${id} @change=${onChange}>
        <option value="" ?selected=${value === ''}>—</option>
        <option value="true" ?selected=${value === 'true'}>Yes</option>
        <option value="false" ?selected=${value === 'false'}>No</option>
      </select>`;
    } else if (a.type === 'list' && a.options?.length) {
      control = html`<select id=${id} @change=${onChange}>
        <option value="" ?selected=${value === ''}>—</option>
        ${a.options.map((o) => html`<option value=${o} ?selected=${value === o}>${o}</option>`)}
        ${value && !a.options.includes(value) ? html`<option value=${value} selected>${value}</option>` : nothing}
      </select>`;
    } else {
      const kind = a.type === 'number' ? 'number' : a.type === 'date' ? 'date' : 'text';
      control = html`<input id=${id} type=${kind} .value=${value} @input=${onChange} autocomplete="off" />`;
    }
    return html`<div class="field">
      <label for=${id}>${label}</label>
      ${control}
    </div>`;
  }

  #tags(c: Contact) {
    return html`<section class="card" aria-labelledby="tags-title">
      <h4 id="tags-title">Tags</h4>
      ${
        c.tags.length
          ? html`<ul class="chips">
              ${c.tags.map(
                (tag) =>
                  html`<li class="chip">
                    <span>${tag}</span>
                    <button type="button" class="chip-x" aria-label="Remove tag ${tag}" @click=${() => void this.#removeTag(tag)}>
                      ×
                    </button>
                  </li>`,
              )}
            </ul>`
          : html`<p class="muted">No tags yet.</p>`
      }
      <form class="inline-form" @submit=${this.#addTag}>
        <label for="tag-input" class="visually-hidden">Add a tag</label>
        <input
          id="tag-input"
          list="detail-tags"
          placeholder="Add a tag"
          .value=${this._tagInput}
          @input=${(e: Event) => (this._tagInput = (e.target as HTMLInputElement).value)}
        />
        <datalist id="detail-tags">${this.tags.map((t) => html`<option value=${t.name}></option>`)}</datalist>
        <button type="submit" class="btn small" ?disabled=${!this._tagInput.trim()}>Add tag</button>
      </form>
    </section>`;
  }

  #consentSection(c: Contact) {
    const t = ifDefined(this.theme);
    return html`<section class="card" aria-labelledby="consent-title">
      <h4 id="consent-title">Marketing consent</h4>
      <p>
        Currently <span class="badge consent ${c.consent.state}">${consentLabel(c.consent.state)}</span>
        ${c.consent.changedAt ? html`<span class="muted">since ${when(c.consent.changedAt)}</span>` : nothing}
      </p>
      <div class="actions start">
        <button type="button" class="btn small" @click=${() => (this._confirm = 'opt_in')}>Record opt-in</button>
        <button type="button" class="btn small" @click=${() => (this._confirm = 'opt_out')}>Record opt-out</button>
      </div>
      <h5>History</h5>
      ${this.#consent.render({
        initial: () => html`<wa-skeleton theme=${t} lines="3"></wa-skeleton>`,
        pending: () =>
          this.#consent.value
            ? this.#timeline(this.#consent.value.items)
            : html`<wa-skeleton theme=${t} lines="3"></wa-skeleton>`,
        error: (e) =>
          html`<wa-error-state
            theme=${t}
            heading="Couldn't load the consent history"
            .error=${e}
            @wa-retry=${() => this.#consent.run()}
          ></wa-error-state>`,
        complete: (v) => this.#timeline(v?.items ?? []),
      })}
    </section>`;
  }

  #timeline(items: ConsentEntry[]) {
    if (!items.length) return html`<p class="muted">No consent recorded yet.</p>`;
    return html`<ol class="timeline" aria-label="Consent history">
      ${items.map((e) => {
        const proof = proofSummary(e.proof);
        const actor = actorLabel(e.actor);
        return html`<li class="entry ${e.action}">
          <span class="dot" aria-hidden="true"></span>
          <div>
            <strong>${e.action === 'opt_out' ? 'Opted out' : 'Opted in'}</strong>
            <span class="muted">· ${consentSourceLabel(e.source)}${actor ? ` · ${actor}` : ''}</span>
            <div class="muted small"><time datetime=${e.occurredAt}>${when(e.occurredAt)}</time></div>
            ${proof ? html`<div class="proof">${proof}</div>` : nothing}
          </div>
        </li>`;
      })}
    </ol>`;
  }

  #confirmDialog(c: Contact) {
    const out = this._confirm === 'opt_out';
    return html`<dialog
      id="consent-dialog"
      aria-labelledby="consent-dialog-title"
      @close=${() => (this._confirm = null)}
      @cancel=${() => (this._confirm = null)}
    >
      <h3 id="consent-dialog-title">${out ? 'Record an opt-out?' : 'Record an opt-in?'}</h3>
      <p>
        ${
          out
            ? `${displayName(c)} will no longer receive marketing messages. The entry is kept in the consent history and cannot be edited.`
            : `${displayName(c)} may receive marketing messages again. Only record this when the customer agreed.`
        }
      </p>
      <div class="field">
        <label for="consent-note">Note (optional, kept as proof)</label>
        <textarea
          id="consent-note"
          rows="2"
          .value=${this._consentNote}
          @input=${(e: Event) => (this._consentNote = (e.target as HTMLTextAreaElement).value)}
        ></textarea>
      </div>
      <div class="actions">
        <button type="button" class="btn" @click=${() => (this._confirm = null)}>Cancel</button>
        <button
          type="button"
          class="btn ${out ? 'danger' : 'primary'}"
          ?disabled=${this._recording}
          @click=${() => void this.#recordConsent()}
        >
          ${out ? 'Record opt-out' : 'Record opt-in'}
        </button>
      </div>
    </dialog>`;
  }

  #notesSection() {
    const t = ifDefined(this.theme);
    return html`<section class="card" aria-labelledby="notes-title">
      <h4 id="notes-title">Notes</h4>
      ${this.#notes.render({
        initial: () => html`<wa-skeleton theme=${t} lines="2"></wa-skeleton>`,
        pending: () =>
          this.#notes.value ? this.#noteList(this.#notes.value) : html`<wa-skeleton theme=${t} lines="2"></wa-skeleton>`,
        error: (e) =>
          html`<wa-error-state
            theme=${t}
            heading="Couldn't load the notes"
            .error=${e}
            @wa-retry=${() => this.#notes.run()}
          ></wa-error-state>`,
        complete: (items) => this.#noteList(items),
      })}
      <form @submit=${this.#addNote}>
        <div class="field">
          <label for="note-input">New note</label>
          <textarea
            id="note-input"
            rows="2"
            .value=${this._note}
            @input=${(e: Event) => (this._note = (e.target as HTMLTextAreaElement).value)}
          ></textarea>
        </div>
        <div class="actions">
          <button type="submit" class="btn small" ?disabled=${this._addingNote || !this._note.trim()}>Add note</button>
        </div>
      </form>
    </section>`;
  }

  #noteList(items: Note[]) {
    if (!items.length) return html`<p class="muted">No notes yet.</p>`;
    return html`<ul class="notes">
      ${items.map(
        (n) =>
          html`<li>
            <p class="note-body">${n.body}</p>
            <span class="muted small">${n.author?.name ?? 'Someone'} · ${when(n.createdAt)}</span>
          </li>`,
      )}
    </ul>`;
  }

  #conversations() {
    const t = ifDefined(this.theme);
    return html`<section class="card" aria-labelledby="convs-title">
      <h4 id="convs-title">Conversations</h4>
      ${this.#convs.render({
        initial: () => html`<wa-skeleton theme=${t} lines="2"></wa-skeleton>`,
        pending: () => html`<wa-skeleton theme=${t} lines="2"></wa-skeleton>`,
        error: (e) =>
          html`<wa-error-state
            theme=${t}
            heading="Couldn't load the conversations"
            .error=${e}
            @wa-retry=${() => this.#convs.run()}
          ></wa-error-state>`,
        complete: (items) =>
          items.length
            ? html`<ul class="convs">
                ${items.map(
                  (cv) =>
                    html`<li>
                      <button type="button" class="conv" @click=${() => this.#openConversation(cv.id)}>
                        <span class="badge status-${cv.status}">${cv.status}</span>
                        <span class="preview">${cv.preview ?? 'No messages yet'}</span>
                        <span class="muted small">${ago(cv.lastMessageAt)}</span>
                        ${cv.unreadCount ? html`<span class="badge success">${cv.unreadCount} unread</span>` : nothing}
                        <span class="visually-hidden">Open in the inbox</span>
                      </button>
                    </li>`,
                )}
              </ul>`
            : html`<p class="muted">No conversations with this contact yet.</p>`,
      })}
    </section>`;
  }
}
