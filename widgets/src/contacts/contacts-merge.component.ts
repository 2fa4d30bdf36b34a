import { html, nothing, type PropertyValues } from 'lit';
import { ContactsPart } from './contacts-part.ts';
import { ui, errorMessage } from '../shared/ui.styles.ts';
import { styles } from './contacts.styles.ts';
import { displayName, type Contact, type Page } from './contacts.types.ts';

/** How long typing may pause before the duplicates are searched. */
export const MERGE_SEARCH_DEBOUNCE_MS = 250;

/** The merge's refusals in words (the server's message for anything else). */
function mergeError(err: unknown, other: Contact | null): string {
  const code = (err as { code?: string } | null)?.code;
  const who = other ? displayName(other) : 'That contact';
  if (code === 'already_merged') return `${who} was already merged into another contact. Search again and pick another one.`;
  if (code === 'merge_same_contact') return 'A contact cannot be merged into itself. Pick another one.';
  if (code === 'contact_merged') return 'This contact was itself merged into another one: open that one and merge there.';
  return errorMessage(err);
}

/**
 * The "Merge with another contact…" dialog of a contact: finds the duplicate by name, phone or email,
 * says what the merge does, and merges it into this contact (POST /contacts/:id/merge).
 *
 * @tag wa-contacts-merge
 * @property {Contact} contact - The contact that stays (the merge's winner).
 * @event contacts-merged - `detail: { contact, otherId }` — merged; `contact` is the result.
 * @csspart dialog - The dialog.
 */
export class WaContactsMerge extends ContactsPart {
  static override styles = [ContactsPart.styles, ui, styles];
  static override properties = {
    ...ContactsPart.properties,
    contact: { attribute: false },
    _open: { state: true },
    _q: { state: true },
    _results: { state: true },
    _searching: { state: true },
    _searchError: { state: true },
    _picked: { state: true },
    _merging: { state: true },
    _error: { state: true },
  };

  declare contact: Contact | null;
  declare _open: boolean;
  declare _q: string;
  declare _results: Contact[] | null;
  declare _searching: boolean;
  declare _searchError: string | null;
  declare _picked: Contact | null;
  declare _merging: boolean;
  declare _error: string | null;

  #timer: ReturnType<typeof setTimeout> | null = null;
  #ctrl: AbortController | null = null;

  constructor() {
    super();
    this.contact = null;
    this._open = false;
    this._q = '';
    this._results = null;
    this._searching = false;
    this._searchError = null;
    this._picked = null;
    this._merging = false;
    this._error = null;
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    if (this.#timer) clearTimeout(this.#timer);
    this.#ctrl?.abort();
  }

  /** Opens the dialog with an empty search. */
  show() {
    this._open = true;
    this._q = '';
    this._results = null;
    this._picked = null;
    this._error = null;
    this._searchError = null;
  }

  protected override updated(changed: PropertyValues<this>): void {
    super.updated(changed);
    if (!changed.has('_open')) return;
    const d = this.renderRoot.querySelector<HTMLDialogElement>('dialog');
    if (this._open && d && !d.open) {
      d.showModal();
      this.renderRoot.querySelector<HTMLInputElement>('#merge-q')?.focus();
    }
    if (!this._open && d?.open) d.close();
  }

  #close() {
    this._open = false;
    this.#ctrl?.abort();
    if (this.#timer) clearTimeout(this.#timer);
  }

  #onSearch(q: string) {
    this._q = q;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = setTimeout(() => void this.#search(), MERGE_SEARCH_DEBOUNCE_MS);
  }

  async #search() {
    this.#timer = null;
    const api = this.api;
    const q = this._q.trim();
    this.#ctrl?.abort();
    if (!api || !q) {
      this._results = null;
      this._searching = false;
      return;
    }
    const ctrl = (this.#ctrl = new AbortController());
    this._searching = true;
    this._searchError = null;
    try {
      const page = await api.get<Page<Contact>>('/api/v1/contacts', { signal: ctrl.signal, query: { q, limit: 10 } });
      if (ctrl.signal.aborted) return;
      this._results = page.items.filter((c) => c.id !== this.contact?.id && !c.mergedIntoId);
      if (this._picked && !this._results.some((c) => c.id === this._picked!.id)) this._picked = null;
    } catch (e) {
      if ((e as Error).name === 'AbortError') return;
      this._searchError = `The search failed: ${errorMessage(e)}`;
    } finally {
      if (this.#ctrl === ctrl) {
        this._searching = false;
        this.#ctrl = null;
      }
    }
  }

  async #merge() {
    const api = this.api;
    const c = this.contact;
    const other = this._picked;
    if (!api || !c || !other || this._merging) return;
    this._merging = true;
    this._error = null;
    try {
      const merged = await api.post<Contact>(`/api/v1/contacts/${c.id}/merge`, { otherId: other.id });
      this.#close();
      this.emit('contacts-merged', { contact: merged, otherId: other.id });
      this.toast(`${displayName(other)} was merged into ${displayName(merged)}.`, 'success');
    } catch (err) {
      this._error = mergeError(err, other);
    } finally {
      this._merging = false;
    }
  }

  override render() {
    const c = this.contact;
    return html`<dialog part="dialog" class="merge-dialog" aria-labelledby="merge-title" @close=${() => this.#close()}>
      ${c && this._open ? this.#body(c) : nothing}
    </dialog>`;
  }

  #body(c: Contact) {
    const me = displayName(c);
    const other = this._picked;
    return html`<h3 id="merge-title">Merge a duplicate into ${me}</h3>
      <div class="field">
        <label for="merge-q">Find the duplicate</label>
        <input
          id="merge-q"
          type="search"
          placeholder="Name, phone or email"
          autocomplete="off"
          aria-describedby="merge-status"
          .value=${this._q}
          @input=${(e: Event) => this.#onSearch((e.target as HTMLInputElement).value)}
          @keydown=${(e: KeyboardEvent) => {
            if (e.key === 'Enter') {
              e.preventDefault();
              if (this.#timer) clearTimeout(this.#timer);
              void this.#search();
            }
          }}
        />
      </div>
      <p id="merge-status" class="help" role="status">
        ${
          this._searching
            ? 'Searching…'
            : this._searchError
              ? ''
              : this._results === null
                ? 'Type a name, phone number or email.'
                : this._results.length
                  ? `${this._results.length} ${this._results.length === 1 ? 'contact' : 'contacts'} found.`
                  : 'No other contact matches.'
        }
      </p>
      ${this._searchError ? html`<div class="form-error" role="alert">${this._searchError}</div>` : nothing}
      ${
        this._results?.length
          ? html`<fieldset class="merge-results">
              <legend class="visually-hidden">Pick the duplicate</legend>
              ${this._results.map(
                (r) =>
                  html`<label class="merge-option">
                    <input
                      type="radio"
                      name="merge-other"
                      .checked=${other?.id === r.id}
                      @change=${() => {
                        this._picked = r;
                        this._error = null;
                      }}
                    />
                    <span>
                      <strong>${displayName(r)}</strong>
                      <span class="muted small">${[r.phone, r.email].filter(Boolean).join(' · ') || `Contact ${r.id}`}</span>
                    </span>
                  </label>`,
              )}
            </fieldset>`
          : nothing
      }
      ${
        other
          ? html`<p class="merge-explain" role="status">
              <strong>${displayName(other)}</strong> will be merged into <strong>${me}</strong>: its conversations, tags, notes
              and consent history move here; ${displayName(other)} is kept only as history. Details ${me} lacks (phone, email,
              fields) are taken from it. This cannot be undone.
            </p>`
          : nothing
      }
      ${this._error ? html`<div class="form-error" role="alert">${this._error}</div>` : nothing}
      <div class="actions">
        <button type="button" class="btn" @click=${() => this.#close()}>Cancel</button>
        <button type="button" class="btn primary" ?disabled=${!other || this._merging} @click=${() => void this.#merge()}>
          ${this._merging ? 'Merging…' : other ? `Merge into ${me}` : 'Merge'}
        </button>
      </div>`;
  }
}
