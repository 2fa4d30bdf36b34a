import { html, nothing, type PropertyValues } from 'lit';
import { ContactsPart } from './contacts-part.ts';
import { ui, errorMessage } from '../shared/ui.styles.ts';
import { ApiError } from '../shared/api-client.ts';
import { styles } from './contacts.styles.ts';
import {
  ATTRIBUTE_OPS,
  CONSENT_STATES,
  FIELDS,
  FIELD_OPS,
  NO_VALUE,
  SOURCES,
  incomplete,
  newCondition,
  plural,
  type Condition,
  type Segment,
  type SegmentDefinition,
  type TagInfo,
} from './contacts.types.ts';

/** How long typing may pause before the live count asks the server. */
export const COUNT_DEBOUNCE_MS = 400;
const MAX_CONDITIONS = 20;

const splitList = (s: string) =>
  s
    .split(',')
    .map((x) => x.trim())
    .filter(Boolean);

/** The definition as the API wants it: only the keys each condition kind has. */
export function cleanDefinition(def: SegmentDefinition): SegmentDefinition {
  return {
    match: def.match,
    conditions: def.conditions.map((c) => {
      if (c.field === 'tags') return { field: c.field, op: c.op, tags: c.tags ?? [] };
      const out: Condition = { field: c.field, op: c.op };
      if (c.field === 'attribute') out.key = c.key;
      if (!NO_VALUE.has(c.op)) out.value = c.value;
      return out;
    }),
  };
}

/**
 * Builds a segment definition condition by condition, shows how many contacts match (live, debounced
 * POST /segments/count), applies it to the list, or saves it under a name (POST /segments).
 *
 * @tag wa-contacts-segment-builder
 * @property {SegmentDefinition} definition - Where to start (a copy is edited).
 * @property {TagInfo[]} tags - Known tags, suggested in tag conditions.
 * @event contacts-apply - `detail: { definition }` — show the list filtered by it.
 * @event contacts-saved - `detail: Segment` — a segment was saved.
 * @event contacts-close - The builder was closed.
 * @csspart builder - The builder's frame.
 * @csspart count - The live count.
 */
export class WaContactsSegmentBuilder extends ContactsPart {
  static override styles = [ContactsPart.styles, ui, styles];
  static override properties = {
    ...ContactsPart.properties,
    definition: { attribute: false },
    tags: { attribute: false },
    _def: { state: true },
    _count: { state: true },
    _name: { state: true },
    _nameError: { state: true },
    _saving: { state: true },
  };

  declare definition: SegmentDefinition | null;
  declare tags: TagInfo[];
  declare _def: SegmentDefinition;
  declare _count: { state: 'idle' | 'loading' | 'ready' | 'error' | 'incomplete'; n?: number; message?: string };
  declare _name: string;
  declare _nameError: string | null;
  declare _saving: boolean;

  #timer: ReturnType<typeof setTimeout> | null = null;
  #ctrl: AbortController | null = null;

  constructor() {
    super();
    this.definition = null;
    this.tags = [];
    this._def = { match: 'all', conditions: [] };
    this._count = { state: 'idle' };
    this._name = '';
    this._nameError = null;
    this._saving = false;
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    if (this.#timer) clearTimeout(this.#timer);
    this.#ctrl?.abort();
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    // A definition coming back from "Apply" is what is already being edited: no new count.
    if (
      changed.has('definition') &&
      this.definition &&
      JSON.stringify(this.definition) !== JSON.stringify(cleanDefinition(this._def))
    ) {
      this._def = structuredClone(this.definition);
      this.#queueCount();
    }
    if (changed.has('attributeDefs') && this._def.conditions.length === 0 && !this.definition) {
      // Start with one condition so the builder never opens empty.
      this._def = { match: 'all', conditions: [newCondition('tags', this.attributeDefs)] };
      this.#queueCount();
    }
  }

  /** Focuses the first control (after opening). */
  focusFirst() {
    void this.updateComplete.then(() => this.renderRoot.querySelector<HTMLElement>('select, input')?.focus());
  }

  #change(next: SegmentDefinition) {
    this._def = next;
    this.#queueCount();
  }

  #setCondition(i: number, c: Condition) {
    const conditions = [...this._def.conditions];
    conditions[i] = c;
    this.#change({ ...this._def, conditions });
  }

  #problem(): string | null {
    if (this._def.conditions.length === 0) return 'Add a condition to see who matches.';
    for (const [i, c] of this._def.conditions.entries()) {
      const p = incomplete(c, this.attributeDefs);
      if (p) return `Condition ${i + 1}: ${p}`;
    }
    return null;
  }

  #queueCount() {
    if (this.#timer) clearTimeout(this.#timer);
    this.#ctrl?.abort();
    const problem = this.#problem();
    if (problem) {
      this._count = { state: 'incomplete', message: problem };
      return;
    }
    this._count = { state: 'loading', n: this._count.n };
    this.#timer = setTimeout(() => void this.#runCount(), COUNT_DEBOUNCE_MS);
  }

  async #runCount() {
    this.#timer = null;
    const api = this.api;
    if (!api) return;
    const ctrl = (this.#ctrl = new AbortController());
    try {
      const r = await api.post<{ count: number; tookMs?: number }>(
        '/api/v1/segments/count',
        { definition: cleanDefinition(this._def) },
        { signal: ctrl.signal },
      );
      if (ctrl.signal.aborted) return;
      this._count = { state: 'ready', n: r.count };
    } catch (e) {
      if (ctrl.signal.aborted || (e as Error).name === 'AbortError') return;
      this._count = { state: 'error', message: errorMessage(e) };
    }
  }

  async #save(e: SubmitEvent) {
    e.preventDefault();
    const name = this._name.trim();
    if (!name) {
      this._nameError = 'Give the segment a name.';
      return;
    }
    const problem = this.#problem();
    if (problem) {
      this._nameError = problem;
      return;
    }
    this._saving = true;
    this._nameError = null;
    try {
      const seg = await this.api!.post<Segment>('/api/v1/segments', { name, definition: cleanDefinition(this._def) });
      this._name = '';
      this.toast(`Segment “${seg.name}” saved.`, 'success');
      this.emit('contacts-saved', seg);
    } catch (err) {
      this._nameError =
        err instanceof ApiError && err.status === 409
          ? err.message || `A segment named “${name}” already exists. Pick another name.`
          : errorMessage(err);
    } finally {
      this._saving = false;
    }
  }

  override render() {
    const def = this._def;
    const problem = this._count.state === 'incomplete';
    return html`<section class="builder" part="builder" aria-labelledby="builder-title">
      <div class="builder-head">
        <h3 id="builder-title">Segment builder</h3>
        <button type="button" class="btn small ghost" @click=${() => this.emit('contacts-close')}>Close</button>
      </div>
      <div class="match">
        <label for="match">Contacts matching</label>
        <select
          id="match"
          class="inline"
          .value=${def.match}
          @change=${(e: Event) => this.#change({ ...def, match: (e.target as HTMLSelectElement).value as 'all' | 'any' })}
        >
          <option value="all" ?selected=${def.match === 'all'}>all</option>
          <option value="any" ?selected=${def.match === 'any'}>any</option>
        </select>
        <span>of these conditions</span>
      </div>
      <ol class="conditions">
        ${def.conditions.map((c, i) => this.#condition(c, i))}
      </ol>
      <div class="builder-actions">
        <button
          type="button"
          class="btn small"
          ?disabled=${def.conditions.length >= MAX_CONDITIONS}
          @click=${() => {
            this.#change({ ...def, conditions: [...def.conditions, newCondition('tags', this.attributeDefs)] });
            void this.updateComplete.then(() =>
              [...this.renderRoot.querySelectorAll<HTMLSelectElement>('.cond select.field-select')].at(-1)?.focus(),
            );
          }}
        >
          Add condition
        </button>
        <p class="count ${this._count.state}" part="count" role="status" aria-live="polite">
          ${
            this._count.state === 'ready'
              ? html`<strong>${plural(this._count.n ?? 0, 'contact')}</strong> match`
              : this._count.state === 'loading'
                ? this._count.n !== undefined
                  ? html`<strong>${plural(this._count.n, 'contact')}</strong> match · counting…`
                  : 'Counting…'
                : (this._count.message ?? '')
          }
        </p>
        <span class="spacer"></span>
        <button
          type="button"
          class="btn primary small"
          ?disabled=${problem}
          @click=${() => this.emit('contacts-apply', { definition: cleanDefinition(def) })}
        >
          Apply to list
        </button>
      </div>
      <form class="save" @submit=${this.#save} novalidate>
        <div class="field">
          <label for="seg-name">Segment name</label>
          <input
            id="seg-name"
            .value=${this._name}
            maxlength="120"
            aria-invalid=${this._nameError ? 'true' : 'false'}
            aria-describedby="seg-name-error"
            @input=${(e: Event) => {
              this._name = (e.target as HTMLInputElement).value;
              this._nameError = null;
            }}
          />
          <span id="seg-name-error" class="error-text" role=${this._nameError ? 'alert' : nothing}>${this._nameError ?? ''}</span>
        </div>
        <button type="submit" class="btn small" ?disabled=${this._saving}>${this._saving ? 'Saving…' : 'Save as segment'}</button>
      </form>
    </section>`;
  }

  #condition(c: Condition, i: number) {
    const n = i + 1;
    const attr = c.field === 'attribute' ? this.attributeDefs.find((a) => a.key === c.key) : undefined;
    const ops = c.field === 'attribute' ? (attr ? ATTRIBUTE_OPS[attr.type] : []) : FIELD_OPS[c.field];
    return html`<li class="cond">
      <select
        class="inline field-select"
        aria-label="Condition ${n} field"
        @change=${(e: Event) =>
          this.#setCondition(i, newCondition((e.target as HTMLSelectElement).value as Condition['field'], this.attributeDefs))}
      >
        ${FIELDS.map(
          ([v, label]) =>
            html`<option value=${v} ?selected=${c.field === v} ?disabled=${v === 'attribute' && !this.attributeDefs.length}>
              ${label}
            </option>`,
        )}
      </select>
      ${
        c.field === 'attribute'
          ? html`<select
              class="inline"
              aria-label="Condition ${n} attribute"
              @change=${(e: Event) => {
                const key = (e.target as HTMLSelectElement).value;
                const a = this.attributeDefs.find((x) => x.key === key);
                this.#setCondition(i, { field: 'attribute', key, op: a ? ATTRIBUTE_OPS[a.type][0][0] : 'eq', value: '' });
              }}
            >
              ${this.attributeDefs.map((a) => html`<option value=${a.key} ?selected=${a.key === c.key}>${a.label || a.key}</option>`)}
            </select>`
          : nothing
      }
      <select
        class="inline"
        aria-label="Condition ${n} operator"
        @change=${(e: Event) => this.#setCondition(i, withOp(c, (e.target as HTMLSelectElement).value))}
      >
        ${ops.map(([v, label]) => html`<option value=${v} ?selected=${c.op === v}>${label}</option>`)}
      </select>
      ${this.#value(c, i, attr?.type, attr?.options ?? null)}
      <button
        type="button"
        class="btn small ghost danger-text"
        aria-label="Remove condition ${n}"
        @click=${() => this.#change({ ...this._def, conditions: this._def.conditions.filter((_, j) => j !== i) })}
      >
        Remove
      </button>
    </li>`;
  }

  #value(c: Condition, i: number, type: string | undefined, options: string[] | null) {
    const n = i + 1;
    const set = (value: unknown) => this.#setCondition(i, { ...c, value });
    const input = (label: string, kind: string, value: unknown, onValue: (v: string) => void) =>
      html`<input
        class="value"
        type=${kind}
        aria-label=${label}
        .value=${value === undefined || value === null ? '' : String(value)}
        @input=${(e: Event) => onValue((e.target as HTMLInputElement).value)}
      />`;
    const num = (v: string) => (v === '' ? '' : Number(v));
    if (c.field === 'tags') {
      return html`<input
          class="value wide"
          list="known-tags"
          aria-label="Condition ${n} tags (separate with commas)"
          placeholder="vip, newsletter"
          .value=${(c.tags ?? []).join(', ')}
          @input=${(e: Event) => this.#setCondition(i, { ...c, tags: splitList((e.target as HTMLInputElement).value) })}
        />
        <datalist id="known-tags">${this.tags.map((t) => html`<option value=${t.name}></option>`)}</datalist>`;
    }
    if (NO_VALUE.has(c.op)) return nothing;
    if (c.field === 'consent') {
      return html`<select
        class="inline"
        aria-label="Condition ${n} consent"
        @change=${(e: Event) => set((e.target as HTMLSelectElement).value)}
      >
        ${CONSENT_STATES.map(([v, label]) => html`<option value=${v} ?selected=${c.value === v}>${label}</option>`)}
      </select>`;
    }
    if (c.field === 'source') {
      return html`<select
        class="inline"
        aria-label="Condition ${n} source"
        @change=${(e: Event) => set((e.target as HTMLSelectElement).value)}
      >
        ${SOURCES.map(([v, label]) => html`<option value=${v} ?selected=${c.value === v}>${label}</option>`)}
      </select>`;
    }
    if (c.op === 'within_last_days' || c.op === 'not_within_last_days') {
      return html`${input(`Condition ${n} days`, 'number', c.value, (v) => set(num(v)))}<span class="unit">days</span>`;
    }
    if (c.field === 'created') return input(`Condition ${n} date`, 'date', c.value, set);
    // Attribute values, by type.
    const kind = type === 'number' ? 'number' : type === 'date' ? 'date' : 'text';
    const conv = (v: string) => (type === 'number' ? num(v) : v);
    if (c.op === 'between') {
      const pair = Array.isArray(c.value) ? (c.value as unknown[]) : ['', ''];
      return html`${input(`Condition ${n} from`, kind, pair[0], (v) => set([conv(v), pair[1]]))}
        <span class="unit">and</span> ${input(`Condition ${n} to`, kind, pair[1], (v) => set([pair[0], conv(v)]))}`;
    }
    if (c.op === 'in') {
      return html`<input
        class="value wide"
        aria-label="Condition ${n} values (separate with commas)"
        .value=${Array.isArray(c.value) ? (c.value as string[]).join(', ') : ''}
        @input=${(e: Event) => set(splitList((e.target as HTMLInputElement).value))}
      />`;
    }
    if (type === 'list' && options?.length && (c.op === 'eq' || c.op === 'neq')) {
      return html`<select
        class="inline"
        aria-label="Condition ${n} value"
        @change=${(e: Event) => set((e.target as HTMLSelectElement).value)}
      >
        <option value="" ?selected=${!c.value}>Choose…</option>
        ${options.map((o) => html`<option value=${o} ?selected=${c.value === o}>${o}</option>`)}
      </select>`;
    }
    return input(`Condition ${n} value`, kind, c.value, (v) => set(conv(v)));
  }
}

/** The condition with another operator, its value reshaped for what that operator takes. */
function withOp(c: Condition, op: string): Condition {
  const next: Condition = { ...c, op };
  if (NO_VALUE.has(op)) delete next.value;
  else if (op === 'between') next.value = ['', ''];
  else if (op === 'in') next.value = [];
  else if (op === 'within_last_days' || op === 'not_within_last_days') next.value = typeof c.value === 'number' ? c.value : 30;
  else if (Array.isArray(c.value) || c.value === undefined || (c.field === 'created' && typeof c.value === 'number'))
    next.value = '';
  return next;
}
