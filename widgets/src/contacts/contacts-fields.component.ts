import { html, nothing, type PropertyValues } from 'lit';
import { Task } from '@lit/task';
import { ifDefined } from 'lit/directives/if-defined.js';
import { repeat } from 'lit/directives/repeat.js';
import { ContactsPart } from './contacts-part.ts';
import { ui, errorMessage } from '../shared/ui.styles.ts';
import { styles } from './contacts.styles.ts';
import {
  ATTRIBUTE_KEY,
  ATTRIBUTE_TYPES,
  attributeTypeLabel,
  duplicateOption,
  parseOptions,
  suggestKey,
  type AttributeDef,
  type AttributeType,
} from './contacts.types.ts';

interface NewField {
  label: string;
  key: string;
  /** True once the user typed a key: the label no longer suggests one. */
  keyEdited: boolean;
  type: AttributeType;
  options: string;
}

const blank = (): NewField => ({ label: '', key: '', keyEdited: false, type: 'text', options: '' });

/** Why the options cannot be sent as typed (null when they can). */
function optionsProblem(options: string[]): string | null {
  if (!options.length) return 'A list field needs at least one option.';
  const dup = duplicateOption(options);
  return dup ? `“${dup}” is listed twice; each option must be different.` : null;
}

/**
 * The workspace's custom contact fields (attribute definitions): lists them, creates one (the key
 * is suggested from the label), renames one or changes a list's options (a field's type is fixed),
 * and deletes one with every contact's value of it. The server's refusals (a key taken, an option
 * still in use…) are shown next to the form they answer.
 *
 * @tag wa-contacts-fields
 * @event contacts-back - Back to the list.
 * @event contacts-attributes-changed - `detail: { items: AttributeDef[] }` — the definitions changed.
 * @csspart fields - The view's frame.
 */
export class WaContactsFields extends ContactsPart {
  static override styles = [ContactsPart.styles, ui, styles];
  static override properties = {
    ...ContactsPart.properties,
    _items: { state: true },
    _new: { state: true },
    _createError: { state: true },
    _creating: { state: true },
    _editing: { state: true },
    _editLabel: { state: true },
    _editOptions: { state: true },
    _editError: { state: true },
    _saving: { state: true },
    _deleting: { state: true },
    _deleteError: { state: true },
    _busy: { state: true },
  };

  /** The definitions as last read or changed here (null until loaded). */
  declare _items: AttributeDef[] | null;
  declare _new: NewField;
  declare _createError: string | null;
  declare _creating: boolean;
  declare _editing: AttributeDef | null;
  declare _editLabel: string;
  declare _editOptions: string;
  declare _editError: string | null;
  declare _saving: boolean;
  declare _deleting: AttributeDef | null;
  declare _deleteError: string | null;
  declare _busy: boolean;

  constructor() {
    super();
    this._items = null;
    this._new = blank();
    this._createError = null;
    this._creating = false;
    this._editing = null;
    this._editLabel = '';
    this._editOptions = '';
    this._editError = null;
    this._saving = false;
    this._deleting = null;
    this._deleteError = null;
    this._busy = false;
  }

  #load = new Task(this, {
    task: async ([api], { signal }) => {
      if (!api) return [] as AttributeDef[];
      const { items } = await api.get<{ items: AttributeDef[] }>('/api/v1/contact-attributes', { signal });
      this._items = items;
      return items;
    },
    args: () => [this.api] as const,
  });

  protected override updated(changed: PropertyValues<this>): void {
    super.updated(changed);
    for (const [prop, id] of [
      ['_editing', '#edit-dialog'],
      ['_deleting', '#delete-dialog'],
    ] as const) {
      if (!changed.has(prop)) continue;
      const d = this.renderRoot.querySelector<HTMLDialogElement>(id);
      if (this[prop] && d && !d.open) d.showModal();
      if (!this[prop] && d?.open) d.close();
    }
  }

  /** Focuses the heading (after navigating here). */
  focusFirst() {
    void this.updateComplete.then(() => this.renderRoot.querySelector<HTMLElement>('h3')?.focus());
  }

  #changed(items: AttributeDef[]) {
    this._items = items;
    this.emit('contacts-attributes-changed', { items });
  }

  async #create(e: SubmitEvent) {
    e.preventDefault();
    const api = this.api;
    if (!api || this._creating) return;
    const n = this._new;
    const label = n.label.trim();
    const key = n.key.trim();
    const options = n.type === 'list' ? parseOptions(n.options) : null;
    const problem = !label
      ? 'Give the field a label.'
      : !ATTRIBUTE_KEY.test(key)
        ? 'Keys are lower_snake_case: a letter, then letters, digits and underscores (e.g. shoe_size).'
        : options
          ? optionsProblem(options)
          : null;
    if (problem) {
      this._createError = problem;
      return;
    }
    this._creating = true;
    this._createError = null;
    try {
      const def = await api.post<AttributeDef>('/api/v1/contact-attributes', {
        key,
        label,
        type: n.type,
        ...(options ? { options } : {}),
      });
      this.#changed([...(this._items ?? []), def]);
      this._new = blank();
      this.toast(`Field “${def.label}” created.`, 'success');
      void this.updateComplete.then(() => this.renderRoot.querySelector<HTMLInputElement>('#new-label')?.focus());
    } catch (err) {
      this._createError = errorMessage(err);
    } finally {
      this._creating = false;
    }
  }

  #startEdit(a: AttributeDef) {
    this._editing = a;
    this._editLabel = a.label;
    this._editOptions = (a.options ?? []).join('\n');
    this._editError = null;
  }

  async #saveEdit(e: SubmitEvent) {
    e.preventDefault();
    const a = this._editing;
    const api = this.api;
    if (!a || !api || this._saving) return;
    const body: { label?: string; options?: string[] } = {};
    const label = this._editLabel.trim();
    if (!label) {
      this._editError = 'Give the field a label.';
      return;
    }
    if (label !== a.label) body.label = label;
    if (a.type === 'list') {
      const options = parseOptions(this._editOptions);
      const problem = optionsProblem(options);
      if (problem) {
        this._editError = problem;
        return;
      }
      if (options.join('\n') !== (a.options ?? []).join('\n')) body.options = options;
    }
    if (!Object.keys(body).length) {
      this._editing = null;
      return;
    }
    this._saving = true;
    this._editError = null;
    try {
      const next = await api.patch<AttributeDef>(`/api/v1/contact-attributes/${a.id}`, body);
      this.#changed((this._items ?? []).map((x) => (x.id === next.id ? next : x)));
      this._editing = null;
      this.toast(`Field “${next.label}” saved.`, 'success');
    } catch (err) {
      this._editError = errorMessage(err);
    } finally {
      this._saving = false;
    }
  }

  async #delete() {
    const a = this._deleting;
    const api = this.api;
    if (!a || !api || this._busy) return;
    this._busy = true;
    this._deleteError = null;
    try {
      await api.delete(`/api/v1/contact-attributes/${a.id}`);
      this.#changed((this._items ?? []).filter((x) => x.id !== a.id));
      this._deleting = null;
      this.toast(`Field “${a.label}” deleted.`, 'info');
      void this.updateComplete.then(() => this.renderRoot.querySelector<HTMLElement>('#new-label')?.focus());
    } catch (err) {
      this._deleteError = errorMessage(err);
    } finally {
      this._busy = false;
    }
  }

  override render() {
    const t = ifDefined(this.theme);
    return html`<div class="settings" part="fields">
      <button type="button" class="btn small ghost back" @click=${() => this.emit('contacts-back')}>← Back to contacts</button>
      <h3 tabindex="-1">Custom fields</h3>
      <p class="muted">
        Fields every contact can have, such as a customer number or a shoe size. Their values are edited on each contact and can
        be used in segments and imports.
      </p>
      ${
        this._items
          ? this.#table(this._items)
          : this.#load.render({
              initial: () => html`<wa-skeleton theme=${t} variant="rows" lines="4" label="Loading fields"></wa-skeleton>`,
              pending: () => html`<wa-skeleton theme=${t} variant="rows" lines="4" label="Loading fields"></wa-skeleton>`,
              complete: () => nothing,
              error: (e) =>
                html`<wa-error-state
                  theme=${t}
                  heading="Couldn't load the fields"
                  .error=${e}
                  @wa-retry=${() => this.#load.run()}
                ></wa-error-state>`,
            })
      }
      ${this.#createForm()} ${this.#editDialog()} ${this.#deleteDialog()}
    </div>`;
  }

  #table(items: AttributeDef[]) {
    if (!items.length) return html`<p class="muted empty-note">No custom fields yet. Create the first one below.</p>`;
    return html`<div class="table-wrap">
      <table class="data fields">
        <caption class="visually-hidden">
          Custom fields
        </caption>
        <thead>
          <tr>
            <th scope="col">Label</th>
            <th scope="col">Key</th>
            <th scope="col">Type</th>
            <th scope="col">Options</th>
            <th scope="col"><span class="visually-hidden">Actions</span></th>
          </tr>
        </thead>
        <tbody>
          ${repeat(
            items,
            (a) => a.id,
            (a) =>
              html`<tr>
                <td data-label="Label"><strong>${a.label}</strong></td>
                <td data-label="Key" class="mono">${a.key}</td>
                <td data-label="Type">${attributeTypeLabel(a.type)}</td>
                <td data-label="Options">
                  ${
                    a.options?.length
                      ? html`<span class="tags">${a.options.map((o) => html`<span class="tag">${o}</span>`)}</span>`
                      : html`<span class="muted">—</span>`
                  }
                </td>
                <td class="row-actions">
                  <button type="button" class="btn small" aria-label="Edit ${a.label}" @click=${() => this.#startEdit(a)}>
                    Edit
                  </button>
                  <button
                    type="button"
                    class="btn small ghost danger-text"
                    aria-label="Delete ${a.label}"
                    @click=${() => {
                      this._deleteError = null;
                      this._deleting = a;
                    }}
                  >
                    Delete
                  </button>
                </td>
              </tr>`,
          )}
        </tbody>
      </table>
    </div>`;
  }

  #createForm() {
    const n = this._new;
    const set = (patch: Partial<NewField>) => {
      const next = { ...this._new, ...patch };
      if (patch.label !== undefined && !next.keyEdited) next.key = suggestKey(patch.label);
      this._new = next;
    };
    return html`<section class="card new-field" aria-labelledby="new-field-title">
      <h4 id="new-field-title">New field</h4>
      <form @submit=${this.#create} novalidate>
        ${this._createError ? html`<div class="form-error" role="alert">${this._createError}</div>` : nothing}
        <div class="form-row">
          <div class="field">
            <label for="new-label">Label</label>
            <input
              id="new-label"
              .value=${n.label}
              maxlength="100"
              autocomplete="off"
              @input=${(e: Event) => set({ label: (e.target as HTMLInputElement).value })}
            />
          </div>
          <div class="field">
            <label for="new-key">Key</label>
            <input
              id="new-key"
              class="mono"
              .value=${n.key}
              maxlength="64"
              autocomplete="off"
              spellcheck="false"
              aria-describedby="new-key-help"
              aria-invalid=${n.key && !ATTRIBUTE_KEY.test(n.key) ? 'true' : 'false'}
              @input=${(e: Event) => {
                const key = (e.target as HTMLInputElement).value;
                set({ key, keyEdited: key !== '' });
              }}
            />
            <span id="new-key-help" class="help">Used in imports and the API; lower_snake_case; cannot change later.</span>
          </div>
          <div class="field">
            <label for="new-type">Type</label>
            <select id="new-type" @change=${(e: Event) => set({ type: (e.target as HTMLSelectElement).value as AttributeType })}>
              ${ATTRIBUTE_TYPES.map(([v, label]) => html`<option value=${v} ?selected=${n.type === v}>${label}</option>`)}
            </select>
            <span class="help">Cannot change later.</span>
          </div>
        </div>
        ${
          n.type === 'list'
            ? html`<div class="field">
                <label for="new-options">Options</label>
                <textarea
                  id="new-options"
                  rows="3"
                  aria-describedby="new-options-help"
                  .value=${n.options}
                  @input=${(e: Event) => set({ options: (e.target as HTMLTextAreaElement).value })}
                ></textarea>
                <span id="new-options-help" class="help">One per line, or separated by commas.</span>
              </div>`
            : nothing
        }
        <div class="actions">
          <button type="submit" class="btn primary small" ?disabled=${this._creating}>
            ${this._creating ? 'Creating…' : 'Create field'}
          </button>
        </div>
      </form>
    </section>`;
  }

  #editDialog() {
    const a = this._editing;
    return html`<dialog id="edit-dialog" aria-labelledby="edit-title" @close=${() => (this._editing = null)}>
      ${
        a
          ? html`<h3 id="edit-title">Edit the field “${a.label}”</h3>
              <form @submit=${this.#saveEdit} novalidate>
                ${this._editError ? html`<div class="form-error" role="alert">${this._editError}</div>` : nothing}
                <div class="field">
                  <label for="edit-label">Label</label>
                  <input
                    id="edit-label"
                    .value=${this._editLabel}
                    maxlength="100"
                    autocomplete="off"
                    @input=${(e: Event) => (this._editLabel = (e.target as HTMLInputElement).value)}
                  />
                </div>
                <p class="help">
                  Key <span class="mono">${a.key}</span> · Type ${attributeTypeLabel(a.type)}. The key and type cannot change: for
                  another type, create a new field.
                </p>
                ${
                  a.type === 'list'
                    ? html`<div class="field">
                        <label for="edit-options">Options</label>
                        <textarea
                          id="edit-options"
                          rows="5"
                          aria-describedby="edit-options-help"
                          .value=${this._editOptions}
                          @input=${(e: Event) => (this._editOptions = (e.target as HTMLTextAreaElement).value)}
                        ></textarea>
                        <span id="edit-options-help" class="help">
                          One per line, or separated by commas. An option still set on contacts cannot be removed.
                        </span>
                      </div>`
                    : nothing
                }
                <div class="actions">
                  <button type="button" class="btn" @click=${() => (this._editing = null)}>Cancel</button>
                  <button type="submit" class="btn primary" ?disabled=${this._saving}>
                    ${this._saving ? 'Saving…' : 'Save'}
                  </button>
                </div>
              </form>`
          : nothing
      }
    </dialog>`;
  }

  #deleteDialog() {
    const a = this._deleting;
    return html`<dialog id="delete-dialog" aria-labelledby="delete-title" @close=${() => (this._deleting = null)}>
      ${
        a
          ? html`<h3 id="delete-title">Delete the field “${a.label}”?</h3>
              <p>
                Every contact's ${a.label} value is removed with it, and segments that filter on it must be changed. This cannot
                be undone.
              </p>
              ${this._deleteError ? html`<div class="form-error" role="alert">${this._deleteError}</div>` : nothing}
              <div class="actions">
                <button type="button" class="btn" @click=${() => (this._deleting = null)}>Cancel</button>
                <button type="button" class="btn danger" ?disabled=${this._busy} @click=${() => void this.#delete()}>
                  ${this._busy ? 'Deleting…' : 'Delete field'}
                </button>
              </div>`
          : nothing
      }
    </dialog>`;
  }
}
