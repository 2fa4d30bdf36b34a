import { html, nothing, type PropertyValues } from 'lit';
import { Task } from '@lit/task';
import { ifDefined } from 'lit/directives/if-defined.js';
import { repeat } from 'lit/directives/repeat.js';
import { WaElement } from '../shared/base-element.ts';
import { ui, errorMessage } from '../shared/ui.styles.ts';
import { styles } from './contacts.styles.ts';
import {
  CONSENT_STATES,
  ago,
  consentLabel,
  displayName,
  isoDay,
  plural,
  saveBlob,
  type AttributeDef,
  type ConsentState,
  type Contact,
  type Page,
  type Segment,
  type SegmentDefinition,
  type TagInfo,
} from './contacts.types.ts';
import type { WaContactsDetail } from './contacts-detail.component.ts';
import type { WaContactsImport } from './contacts-import.component.ts';
import type { WaContactsSegmentBuilder } from './contacts-segment.component.ts';
import type { WaContactsFields } from './contacts-fields.component.ts';
import type { WaContactsKeywords } from './contacts-keywords.component.ts';

type View = 'list' | 'contact' | 'import' | 'fields' | 'keywords';
type Layout = 'wide' | 'narrow';

const PAGE = 25;
/** How long typing may pause before the list is searched. */
export const SEARCH_DEBOUNCE_MS = 300;

interface Meta {
  attributes: AttributeDef[];
  tags: TagInfo[];
  segments: Segment[];
}

/**
 * The contacts CRM: a searchable, filterable list (tags, consent, saved segments, or a segment built
 * on the spot with a live count), each contact's profile, tags, consent history, notes and
 * conversations, merging a duplicate into a contact, CSV import with column mapping and progress,
 * CSV export of what is shown, and the settings behind them: custom fields (attribute definitions)
 * and the STOP/START consent keywords with their replies.
 *
 * Its layout follows its own width (like `<wa-inbox>`), so it works in a CRM sidebar as on a page.
 * Managers and admins only: the API answers agents with 403, shown as such.
 *
 * @tag wa-contacts
 * @property {'light'|'dark'} theme - Forces a theme; unset follows the host and prefers-color-scheme.
 * @property {number} contactId - (attribute `contact-id`) Opens this contact.
 * @property {'wide'|'narrow'} layout - (reflected, read-only) Set from the element's own width.
 * @event wa-open-conversation - `detail: { conversationId }` — the user wants this conversation in the
 *   inbox (the console navigates there). Bubbles and crosses shadow roots.
 * @event wa-contact-open - `detail: { contactId }` — a contact was opened.
 * @csspart header - The title bar with the actions.
 * @csspart toolbar - Search and filters.
 * @csspart table - The contact table.
 * @csspart load-more - The "Load more" button.
 * @cssproperty --wa-contacts-min-height - Minimum height (default 480px).
 */
export class WaContacts extends WaElement {
  static override styles = [WaElement.styles, ui, styles];
  static override properties = {
    ...WaElement.properties,
    contactId: { type: Number, attribute: 'contact-id' },
    layout: { type: String, reflect: true },
    _view: { state: true },
    _openId: { state: true },
    _builder: { state: true },
    _q: { state: true },
    _tag: { state: true },
    _consent: { state: true },
    _segmentId: { state: true },
    _filter: { state: true },
    _items: { state: true },
    _cursor: { state: true },
    _listState: { state: true },
    _listError: { state: true },
    _loadingMore: { state: true },
    _exporting: { state: true },
  };

  declare contactId: number | undefined;
  declare layout: Layout;
  declare _view: View;
  declare _openId: number | null;
  declare _builder: boolean;
  declare _q: string;
  declare _tag: string;
  declare _consent: ConsentState | '';
  declare _segmentId: number | null;
  /** A definition applied from the builder (not saved). */
  declare _filter: SegmentDefinition | null;
  declare _items: Contact[];
  declare _cursor: string | null;
  declare _listState: 'loading' | 'ready' | 'error';
  declare _listError: unknown;
  declare _loadingMore: boolean;
  declare _exporting: boolean;

  #context: { api: unknown; tenant: unknown } | null = null;
  #listCtrl: AbortController | null = null;
  #search: ReturnType<typeof setTimeout> | null = null;
  #resize: ResizeObserver | null = null;

  #meta = new Task(this, {
    task: async ([api], { signal }): Promise<Meta> => {
      if (!api) return { attributes: [], tags: [], segments: [] };
      // The list works without these; each one missing only hides what it feeds.
      const get = <T>(path: string) =>
        api.get<{ items: T[] }>(path, { signal }).then(
          (r) => r.items ?? [],
          (e: unknown) => {
            if ((e as Error).name === 'AbortError') throw e;
            return [] as T[];
          },
        );
      const [attributes, tags, segments] = await Promise.all([
        get<AttributeDef>('/api/v1/contact-attributes'),
        get<TagInfo>('/api/v1/tags'),
        get<Segment>('/api/v1/segments'),
      ]);
      return { attributes, tags, segments };
    },
    args: () => [this.api, this.api?.tenant] as const,
  });

  constructor() {
    super();
    this.layout = 'wide';
    this._view = 'list';
    this._openId = null;
    this._builder = false;
    this._q = '';
    this._tag = '';
    this._consent = '';
    this._segmentId = null;
    this._filter = null;
    this._items = [];
    this._cursor = null;
    this._listState = 'loading';
    this._loadingMore = false;
    this._exporting = false;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    this.#resize = new ResizeObserver(([entry]) => {
      const layout: Layout = entry.contentRect.width >= 720 ? 'wide' : 'narrow';
      if (layout !== this.layout) this.layout = layout;
    });
    this.#resize.observe(this);
    if (this.api) this.#init();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.#resize?.disconnect();
    this.#listCtrl?.abort();
    if (this.#search) clearTimeout(this.#search);
    this.#context = null;
  }

  protected override contextChanged(): void {
    super.contextChanged();
    if (this.isConnected && this.api) this.#init();
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('contactId') && this.contactId && this.contactId !== this._openId) this.#open(this.contactId, false);
  }

  /** (Re)starts for the current API client and tenant; a tenant switch starts over. */
  #init() {
    const key = { api: this.api, tenant: this.api?.tenant };
    if (this.#context && this.#context.api === key.api && this.#context.tenant === key.tenant) return;
    const first = this.#context === null;
    this.#context = key;
    if (!first) {
      this._view = 'list';
      this._openId = null;
      this._segmentId = null;
      this._filter = null;
      this._tag = '';
    }
    void this.#load();
  }

  // ── data ─────────────────────────────────────────────────────────────────────────────────

  get #metaValue(): Meta {
    return this.#meta.value ?? { attributes: [], tags: [], segments: [] };
  }

  #query(cursor: string | null) {
    return {
      q: this._q.trim() || undefined,
      tag: this._tag || undefined,
      consent: this._consent || undefined,
      segment: this._segmentId ?? undefined,
      filter: this._filter ? JSON.stringify(this._filter) : undefined,
      limit: PAGE,
      cursor: cursor ?? undefined,
    };
  }

  async #load(more = false) {
    const api = this.api;
    if (!api || (more && (!this._cursor || this._loadingMore))) return;
    this.#listCtrl?.abort();
    const ctrl = (this.#listCtrl = new AbortController());
    if (more) this._loadingMore = true;
    else this._listState = 'loading';
    try {
      const page = await api.get<Page<Contact>>('/api/v1/contacts', {
        signal: ctrl.signal,
        query: this.#query(more ? this._cursor : null),
      });
      if (ctrl.signal.aborted) return;
      if (more) {
        const known = new Set(this._items.map((c) => c.id));
        this._items = [...this._items, ...page.items.filter((c) => !known.has(c.id))];
      } else this._items = page.items;
      this._cursor = page.nextCursor;
      this._listState = 'ready';
    } catch (e) {
      if ((e as Error).name === 'AbortError') return;
      if (more) this.host?.toast(`More contacts could not be loaded: ${errorMessage(e)}`, { kind: 'error' });
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

  #reload() {
    this._cursor = null;
    void this.#load();
  }

  #onSearch(value: string) {
    this._q = value;
    if (this.#search) clearTimeout(this.#search);
    this.#search = setTimeout(() => {
      this.#search = null;
      this.#reload();
    }, SEARCH_DEBOUNCE_MS);
  }

  #clearFilters() {
    this._q = '';
    this._tag = '';
    this._consent = '';
    this._segmentId = null;
    this._filter = null;
    this.#reload();
  }

  #open(id: number, focus = true) {
    this._openId = id;
    this._view = 'contact';
    this.emit('wa-contact-open', { contactId: id });
    if (focus) {
      void this.updateComplete.then(() => this.renderRoot.querySelector<WaContactsDetail>('wa-contacts-detail')?.focusHeading());
    }
  }

  #backToList() {
    const id = this._openId;
    this._view = 'list';
    this._openId = null;
    void this.updateComplete.then(() => {
      const row = id ? this.renderRoot.querySelector<HTMLElement>(`button.open[data-id="${id}"]`) : null;
      (row ?? this.renderRoot.querySelector<HTMLElement>('h2'))?.focus();
    });
  }

  #updated(c: Contact) {
    this._items = this._items.map((x) => (x.id === c.id ? c : x));
    // A new tag shows up in the filters.
    if (c.tags.some((t) => !this.#metaValue.tags.some((k) => k.name === t))) void this.#meta.run();
  }

  /** A duplicate was merged into a contact: the duplicate leaves the list, the contact shows its new self. */
  #merged(d: { contact: Contact; otherId: number }) {
    this._items = this._items.filter((x) => x.id !== d.otherId).map((x) => (x.id === d.contact.id ? d.contact : x));
    this.#reload();
    void this.#meta.run();
  }

  /** Opens a settings view (custom fields or consent keywords) and focuses its heading. */
  #openSettings(view: 'fields' | 'keywords') {
    this._view = view;
    void this.updateComplete.then(() =>
      this.renderRoot
        .querySelector<WaContactsFields | WaContactsKeywords>('wa-contacts-fields, wa-contacts-keywords')
        ?.focusFirst(),
    );
  }

  #closeSettings(from: 'fields' | 'keywords') {
    this._view = 'list';
    void this.updateComplete.then(() => this.renderRoot.querySelector<HTMLElement>(`.${from}-btn`)?.focus());
  }

  /** The export's filter: a saved segment, else the builder's filter with the tag and consent chips. */
  #exportQuery(): Record<string, string | undefined> {
    if (this._segmentId) return { segment: String(this._segmentId) };
    const chips: SegmentDefinition['conditions'] = [];
    if (this._tag) chips.push({ field: 'tags', op: 'any', tags: [this._tag] });
    if (this._consent) chips.push({ field: 'consent', op: 'is', value: this._consent });
    let def: SegmentDefinition | null = this._filter;
    if (chips.length) {
      if (!def) def = { match: 'all', conditions: chips };
      else if (def.match === 'all') def = { match: 'all', conditions: [...def.conditions, ...chips] };
    }
    return { filter: def ? JSON.stringify(def) : undefined };
  }

  async #export() {
    const api = this.api;
    if (!api || this._exporting) return;
    this._exporting = true;
    try {
      const blob = await api.blob('/api/v1/contacts/export.csv', { query: this.#exportQuery() });
      const seg = this.#metaValue.segments.find((s) => s.id === this._segmentId);
      const what = seg
        ? seg.name
            .toLowerCase()
            .replace(/[^a-z0-9]+/g, '-')
            .replace(/^-|-$/g, '') || 'segment'
        : 'contacts';
      saveBlob(this.renderRoot, blob, `${seg ? `contacts-${what}` : what}-${isoDay(new Date())}.csv`);
      this.host?.toast('Export downloaded.', { kind: 'success' });
    } catch (e) {
      this.host?.toast(`The export failed: ${errorMessage(e)}`, { kind: 'error' });
    } finally {
      this._exporting = false;
    }
  }

  // ── rendering ────────────────────────────────────────────────────────────────────────────

  override render() {
    const t = ifDefined(this.theme ?? undefined);
    const meta = this.#metaValue;
    if (this._view === 'contact' && this._openId) {
      return html`<wa-contacts-detail
        theme=${t}
        .api=${this.api}
        .bridge=${this.host}
        .attributeDefs=${meta.attributes}
        .tags=${meta.tags}
        .contactId=${this._openId}
        @contacts-back=${() => this.#backToList()}
        @contacts-changed=${(e: CustomEvent<Contact>) => this.#updated(e.detail)}
        @contacts-open=${(e: CustomEvent<{ id: number }>) => this.#open(e.detail.id)}
        @contacts-merged=${(e: CustomEvent<{ contact: Contact; otherId: number }>) => this.#merged(e.detail)}
      ></wa-contacts-detail>`;
    }
    if (this._view === 'fields') {
      return html`<wa-contacts-fields
        theme=${t}
        .api=${this.api}
        .bridge=${this.host}
        @contacts-attributes-changed=${() => void this.#meta.run()}
        @contacts-back=${() => this.#closeSettings('fields')}
      ></wa-contacts-fields>`;
    }
    if (this._view === 'keywords') {
      return html`<wa-contacts-keywords
        theme=${t}
        .api=${this.api}
        .bridge=${this.host}
        @contacts-back=${() => this.#closeSettings('keywords')}
      ></wa-contacts-keywords>`;
    }
    if (this._view === 'import') {
      return html`<wa-contacts-import
        theme=${t}
        .api=${this.api}
        .bridge=${this.host}
        .attributeDefs=${meta.attributes}
        @contacts-imported=${() => {
          this.#reload();
          void this.#meta.run();
        }}
        @contacts-close=${() => {
          this._view = 'list';
          void this.updateComplete.then(() => this.renderRoot.querySelector<HTMLElement>('.import-btn')?.focus());
        }}
      ></wa-contacts-import>`;
    }
    return html`
      <div class="head" part="header">
        <h2 tabindex="-1">Contacts</h2>
        <div class="head-actions">
          <button
            type="button"
            class="btn small"
            aria-expanded=${this._builder ? 'true' : 'false'}
            @click=${() => {
              this._builder = !this._builder;
              if (this._builder) {
                void this.updateComplete.then(() =>
                  this.renderRoot.querySelector<WaContactsSegmentBuilder>('wa-contacts-segment-builder')?.focusFirst(),
                );
              }
            }}
          >
            Build segment
          </button>
          <button
            type="button"
            class="btn small import-btn"
            @click=${() => {
              this._view = 'import';
              void this.updateComplete.then(() =>
                this.renderRoot.querySelector<WaContactsImport>('wa-contacts-import')?.focusFirst(),
              );
            }}
          >
            Import CSV
          </button>
          <button type="button" class="btn small" ?disabled=${this._exporting} @click=${() => void this.#export()}>
            ${this._exporting ? 'Exporting…' : 'Export CSV'}
          </button>
          <button type="button" class="btn small fields-btn" @click=${() => this.#openSettings('fields')}>Fields</button>
          <button type="button" class="btn small keywords-btn" @click=${() => this.#openSettings('keywords')}>
            Consent keywords
          </button>
        </div>
      </div>
      ${this.#toolbar(meta)}
      ${
        this._builder
          ? html`<wa-contacts-segment-builder
              theme=${t}
              .api=${this.api}
              .bridge=${this.host}
              .attributeDefs=${meta.attributes}
              .tags=${meta.tags}
              .definition=${this._filter ?? meta.segments.find((s) => s.id === this._segmentId)?.definition ?? null}
              @contacts-close=${() => (this._builder = false)}
              @contacts-apply=${(e: CustomEvent<{ definition: SegmentDefinition }>) => {
                this._filter = e.detail.definition;
                this._segmentId = null;
                this.#reload();
              }}
              @contacts-saved=${(e: CustomEvent<Segment>) => {
                this._segmentId = e.detail.id;
                this._filter = null;
                this._builder = false;
                void this.#meta.run();
                this.#reload();
              }}
            ></wa-contacts-segment-builder>`
          : nothing
      }
      ${this.#list()}
    `;
  }

  #toolbar(meta: Meta) {
    const seg = meta.segments.find((s) => s.id === this._segmentId);
    const active: [string, () => void][] = [];
    if (this._tag) active.push([`Tag: ${this._tag}`, () => (this._tag = '')]);
    if (this._consent) active.push([`Consent: ${consentLabel(this._consent)}`, () => (this._consent = '')]);
    if (this._segmentId) active.push([`Segment: ${seg?.name ?? `#${this._segmentId}`}`, () => (this._segmentId = null)]);
    if (this._filter)
      active.push([`Custom filter (${plural(this._filter.conditions.length, 'condition')})`, () => (this._filter = null)]);
    return html`<div class="toolbar-row" part="toolbar">
        <div class="search">
          <label for="search" class="visually-hidden">Search contacts</label>
          <input
            id="search"
            type="search"
            placeholder="Search name, phone or email"
            .value=${this._q}
            @input=${(e: Event) => this.#onSearch((e.target as HTMLInputElement).value)}
            @keydown=${(e: KeyboardEvent) => {
              if (e.key === 'Enter') {
                if (this.#search) clearTimeout(this.#search);
                this.#search = null;
                this.#reload();
              }
            }}
          />
        </div>
        <div class="chips-group" role="group" aria-label="Consent">
          ${CONSENT_STATES.map(
            ([v, label]) =>
              html`<button
                type="button"
                class="filter-chip"
                aria-pressed=${this._consent === v ? 'true' : 'false'}
                @click=${() => {
                  this._consent = this._consent === v ? '' : v;
                  this.#reload();
                }}
              >
                ${label}
              </button>`,
          )}
        </div>
        <span class="select">
          <label for="tag-filter">Tag</label>
          <select
            id="tag-filter"
            class="inline"
            @change=${(e: Event) => {
              this._tag = (e.target as HTMLSelectElement).value;
              this.#reload();
            }}
          >
            <option value="" ?selected=${!this._tag}>Any tag</option>
            ${meta.tags.map((tg) => html`<option value=${tg.name} ?selected=${this._tag === tg.name}>${tg.name} (${tg.contacts})</option>`)}
          </select>
        </span>
        <span class="select">
          <label for="segment-filter">Segment</label>
          <select
            id="segment-filter"
            class="inline"
            @change=${(e: Event) => {
              const v = (e.target as HTMLSelectElement).value;
              this._segmentId = v ? Number(v) : null;
              if (v) this._filter = null;
              this.#reload();
            }}
          >
            <option value="" ?selected=${!this._segmentId}>All contacts</option>
            ${meta.segments.map((s) => html`<option value=${s.id} ?selected=${this._segmentId === s.id}>${s.name}</option>`)}
          </select>
        </span>
      </div>
      ${
        active.length
          ? html`<ul class="active-filters" aria-label="Active filters">
              ${active.map(
                ([label, clear]) =>
                  html`<li class="chip">
                    <span>${label}</span>
                    <button
                      type="button"
                      class="chip-x"
                      aria-label="Remove filter ${label}"
                      @click=${() => {
                        clear();
                        this.#reload();
                      }}
                    >
                      ×
                    </button>
                  </li>`,
              )}
              <li><button type="button" class="btn small ghost" @click=${() => this.#clearFilters()}>Clear filters</button></li>
            </ul>`
          : nothing
      }`;
  }

  #list() {
    const t = ifDefined(this.theme ?? undefined);
    if (this._listState === 'loading' && this._items.length === 0) {
      return html`<wa-skeleton theme=${t} variant="rows" lines="6" label="Loading contacts"></wa-skeleton>`;
    }
    if (this._listState === 'error') {
      const forbidden = (this._listError as { status?: number } | undefined)?.status === 403;
      return forbidden
        ? html`<wa-empty-state
            theme=${t}
            heading="Contacts are for managers and admins"
            description="Ask an admin of this workspace if you need access."
          ></wa-empty-state>`
        : html`<wa-error-state
            theme=${t}
            heading="Couldn't load the contacts"
            .error=${this._listError}
            @wa-retry=${() => this.#reload()}
          ></wa-error-state>`;
    }
    const filtered = !!(this._q.trim() || this._tag || this._consent || this._segmentId || this._filter);
    if (this._items.length === 0) {
      return filtered
        ? html`<wa-empty-state theme=${t} heading="No contact matches" description="Try other words or fewer filters.">
            <button slot="action" type="button" class="btn" @click=${() => this.#clearFilters()}>Clear filters</button>
          </wa-empty-state>`
        : html`<wa-empty-state
            theme=${t}
            heading="No contacts yet"
            description="Contacts appear when customers message you, or import them from a CSV file."
          >
            <button slot="action" type="button" class="btn primary" @click=${() => (this._view = 'import')}>Import CSV</button>
          </wa-empty-state>`;
    }
    return html`<div
        class="table-wrap ${this._listState === 'loading' ? 'refreshing' : ''}"
        aria-busy=${this._listState === 'loading' ? 'true' : 'false'}
      >
        <table class="data contacts" part="table">
          <caption class="visually-hidden">
            Contacts
          </caption>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Phone</th>
              <th scope="col">Tags</th>
              <th scope="col">Consent</th>
              <th scope="col">Last seen</th>
            </tr>
          </thead>
          <tbody>
            ${repeat(
              this._items,
              (c) => c.id,
              (c) =>
                html`<tr>
                  <td data-label="Name">
                    <div>
                      <button type="button" class="open" data-id=${c.id} @click=${() => this.#open(c.id)}>
                        ${displayName(c)}
                      </button>
                      ${c.email ? html`<div class="muted small">${c.email}</div>` : nothing}
                    </div>
                  </td>
                  <td data-label="Phone" class="mono">${c.phone ?? '—'}</td>
                  <td data-label="Tags">
                    ${c.tags.length ? html`<span class="tags">${c.tags.map((tag) => html`<span class="tag">${tag}</span>`)}</span>` : html`<span class="muted">—</span>`}
                  </td>
                  <td data-label="Consent">
                    <span class="badge consent ${c.consent.state}">${consentLabel(c.consent.state)}</span>
                  </td>
                  <td data-label="Last seen">${ago(c.lastSeenAt)}</td>
                </tr>`,
            )}
          </tbody>
        </table>
      </div>
      ${
        this._cursor
          ? html`<div class="load-more">
              <button
                type="button"
                class="btn"
                part="load-more"
                ?disabled=${this._loadingMore}
                @click=${() => void this.#load(true)}
              >
                ${this._loadingMore ? 'Loading…' : 'Load more'}
              </button>
            </div>`
          : nothing
      }`;
  }
}
