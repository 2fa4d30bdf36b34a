import { html, nothing } from 'lit';
import { ContactsPart } from './contacts-part.ts';
import { ui, errorMessage } from '../shared/ui.styles.ts';
import { ApiError } from '../shared/api-client.ts';
import { RealtimeController, type RealtimeEvent } from '../shared/realtime.ts';
import { styles } from './contacts.styles.ts';
import { COUNTRIES, IMPORT_TARGETS, count, plural, saveBlob, type ContactImport } from './contacts.types.ts';

/** How often a running import is asked for its progress (realtime events only make it sooner). */
export const POLL_MS = 1000;
const MAX_BYTES = 50 * 1024 * 1024;

type Step = 'choose' | 'uploading' | 'preview' | 'progress' | 'done';

/**
 * The CSV import wizard: choose a file (uploaded with a progress bar), map its columns to contact
 * fields with a preview of the first rows, start, follow the progress (polled every second and on
 * realtime `contacts` / `import.progress` events), and finish with a summary and the rows that
 * failed as a CSV.
 *
 * @tag wa-contacts-import
 * @property {number} pollInterval - Milliseconds between progress polls while an import runs (default 1000).
 * @event contacts-imported - `detail: ContactImport` — an import finished (the list should reload).
 * @event contacts-close - The wizard was closed.
 * @csspart wizard - The wizard's frame.
 * @csspart progress - The upload and import progress bars.
 */
export class WaContactsImport extends ContactsPart {
  static override styles = [ContactsPart.styles, ui, styles];
  static override properties = {
    ...ContactsPart.properties,
    pollInterval: { type: Number },
    _step: { state: true },
    _progress: { state: true },
    _error: { state: true },
    _import: { state: true },
    _mapping: { state: true },
    _country: { state: true },
    _tags: { state: true },
    _starting: { state: true },
  };

  declare pollInterval: number;
  declare _step: Step;
  declare _progress: number;
  declare _error: string | null;
  declare _import: ContactImport | null;
  declare _mapping: Record<string, string>;
  declare _country: string;
  declare _tags: string;
  declare _starting: boolean;

  #upload: AbortController | null = null;
  #poll: ReturnType<typeof setTimeout> | null = null;
  #fetching = false;

  /** Follows `contacts` while an import runs, so progress shows without waiting for the next poll. */
  protected readonly realtime = new RealtimeController(this, {
    topics: () => (this._step === 'progress' && this.bridge ? ['contacts'] : []),
    onEvent: (e) => this.#onRealtime(e),
    bridge: () => this.bridge,
  });

  constructor() {
    super();
    this.pollInterval = POLL_MS;
    this._step = 'choose';
    this._progress = 0;
    this._error = null;
    this._import = null;
    this._mapping = {};
    this._country = '';
    this._tags = '';
    this._starting = false;
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.#upload?.abort();
    this.#stopPolling();
  }

  /** Back to the first step (a new import). */
  reset() {
    this.#upload?.abort();
    this.#stopPolling();
    this._step = 'choose';
    this._progress = 0;
    this._error = null;
    this._import = null;
    this._mapping = {};
    this._tags = '';
  }

  focusFirst() {
    void this.updateComplete.then(() => this.renderRoot.querySelector<HTMLElement>('h3')?.focus());
  }

  async #choose(e: Event) {
    const input = e.target as HTMLInputElement;
    const file = input.files?.[0];
    input.value = '';
    if (!file || !this.api) return;
    this._error = null;
    if (file.size > MAX_BYTES) {
      this._error = `${file.name} is ${(file.size / 1024 / 1024).toFixed(1)} MB; files up to 50 MB can be imported. Split it into smaller files.`;
      return;
    }
    this._step = 'uploading';
    this._progress = 0;
    const ctrl = (this.#upload = new AbortController());
    try {
      // A CSV's type varies by browser and OS ('' or application/vnd.ms-excel); the server sniffs the bytes.
      const body = file.type === 'text/csv' ? file : new Blob([file], { type: 'text/csv' });
      const imp = await this.api.upload<ContactImport>('/api/v1/contacts/imports', body, {
        filename: file.name,
        signal: ctrl.signal,
        onProgress: (f) => (this._progress = f),
      });
      this._import = imp;
      this._mapping = { ...(imp.preview?.suggestedMapping ?? {}) };
      for (const col of imp.preview?.columns ?? []) this._mapping[col] ??= 'ignore';
      this._step = 'preview';
      void this.updateComplete.then(() => this.renderRoot.querySelector<HTMLElement>('#preview-title')?.focus());
    } catch (err) {
      if ((err as Error).name === 'AbortError') return;
      this._step = 'choose';
      this._error =
        err instanceof ApiError && (err.status === 422 || err.status === 413 || err.status === 415)
          ? `${file.name} can't be imported: ${err.message}`
          : `The upload failed: ${errorMessage(err)}`;
    } finally {
      if (this.#upload === ctrl) this.#upload = null;
    }
  }

  async #start(e: SubmitEvent) {
    e.preventDefault();
    const imp = this._import;
    if (!imp || !this.api) return;
    if (!Object.values(this._mapping).includes('phone')) {
      this._error = 'Choose the column that holds the phone numbers: every contact needs one.';
      return;
    }
    this._starting = true;
    this._error = null;
    const tags = this._tags
      .split(',')
      .map((t) => t.trim())
      .filter(Boolean);
    try {
      const started = await this.api.post<ContactImport>(`/api/v1/contacts/imports/${imp.id}/start`, {
        mapping: this._mapping,
        ...(this._country ? { defaultCountry: this._country } : {}),
        ...(tags.length ? { tags } : {}),
      });
      this._import = { ...imp, ...started };
      this._step = 'progress';
      this.#schedule();
    } catch (err) {
      this._error = errorMessage(err);
    } finally {
      this._starting = false;
    }
  }

  #schedule() {
    this.#stopPolling();
    this.#poll = setTimeout(() => void this.#refresh(), this.pollInterval);
  }

  #stopPolling() {
    if (this.#poll) clearTimeout(this.#poll);
    this.#poll = null;
  }

  #onRealtime(e: RealtimeEvent) {
    const d = (e.data ?? {}) as { importId?: number | string };
    if (e.event === 'import.progress' && this._import && Number(d.importId) === this._import.id) void this.#refresh();
  }

  async #refresh() {
    const imp = this._import;
    if (!imp || !this.api || this._step !== 'progress' || this.#fetching) return;
    this.#fetching = true;
    this.#stopPolling();
    try {
      const next = await this.api.get<ContactImport>(`/api/v1/contacts/imports/${imp.id}`);
      if (this._import?.id !== imp.id || this._step !== 'progress') return;
      this._import = { ...imp, ...next };
      if (next.status === 'done' || next.status === 'failed') {
        this._step = 'done';
        this.emit('contacts-imported', this._import);
        void this.updateComplete.then(() => this.renderRoot.querySelector<HTMLElement>('#done-title')?.focus());
        return;
      }
    } catch {
      // A missed poll is retried on the next tick.
    } finally {
      this.#fetching = false;
    }
    if (this._step === 'progress') this.#schedule();
  }

  async #downloadErrors() {
    const imp = this._import;
    if (!imp || !this.api) return;
    try {
      const blob = await this.api.blob(`/api/v1/contacts/imports/${imp.id}/errors.csv`);
      saveBlob(this.renderRoot, blob, `${imp.filename.replace(/\.[^.]+$/, '') || 'import'}-errors.csv`);
    } catch (err) {
      this.toast(`The error report could not be downloaded: ${errorMessage(err)}`);
    }
  }

  override render() {
    return html`<section class="wizard" part="wizard" aria-labelledby="import-title">
      <div class="builder-head">
        <h3 id="import-title" tabindex="-1">Import contacts</h3>
        <button type="button" class="btn small ghost" @click=${() => this.emit('contacts-close')}>
          ${this._step === 'done' ? 'Back to contacts' : 'Cancel'}
        </button>
      </div>
      <ol class="steps" aria-label="Steps">
        ${['File', 'Columns', 'Import', 'Result'].map((label, i) => {
          const at = ['choose', 'preview', 'progress', 'done'].indexOf(this._step === 'uploading' ? 'choose' : this._step);
          return html`<li class=${i < at ? 'past' : i === at ? 'current' : ''} aria-current=${i === at ? 'step' : nothing}>
            ${i + 1}. ${label}
          </li>`;
        })}
      </ol>
      ${this._error ? html`<div class="form-error" role="alert">${this._error}</div>` : nothing}
      ${
        this._step === 'choose' || this._step === 'uploading'
          ? this.#chooseStep()
          : this._step === 'preview'
            ? this.#previewStep()
            : this._step === 'progress'
              ? this.#progressStep()
              : this.#doneStep()
      }
    </section>`;
  }

  #chooseStep() {
    const uploading = this._step === 'uploading';
    const pct = Math.round(this._progress * 100);
    return html`<div class="field">
        <label for="file">CSV file</label>
        <input id="file" type="file" accept=".csv,.txt,text/csv" ?disabled=${uploading} @change=${this.#choose} />
        <span class="help">
          One contact per row with a header row. A phone column is required; name, email, tags, consent (yes/no) and your
          attributes are optional. Up to 50 MB.
        </span>
      </div>
      ${
        uploading
          ? html`<div class="progress-line">
              <label for="upload-progress">Uploading… ${pct}%</label>
              <progress id="upload-progress" part="progress" max="100" .value=${pct}></progress>
            </div>`
          : nothing
      }`;
  }

  #previewStep() {
    const p = this._import?.preview;
    if (!p) return nothing;
    const targets: [string, string][] = [
      ...IMPORT_TARGETS,
      ...this.attributeDefs.map((a) => [`attribute:${a.key}`, `Attribute: ${a.label || a.key}`] as [string, string]),
      ['ignore', 'Ignore this column'],
    ];
    return html`<form @submit=${this.#start} novalidate>
      <h4 id="preview-title" tabindex="-1">
        ${this._import!.filename}
        ${p.totalRowsEstimate ? html`<span class="muted">· about ${plural(p.totalRowsEstimate, 'row')}</span>` : nothing}
      </h4>
      <p class="help">Match each column to a contact field. The first ${p.rows.length} rows are shown.</p>
      <div class="preview-scroll" tabindex="0" role="region" aria-label="Preview of the file">
        <table class="preview">
          <thead>
            <tr>
              ${p.columns.map(
                (col, i) =>
                  html`<th scope="col">
                    <span class="col-name">${col}</span>
                    <select
                      class="inline"
                      aria-label="Column ${col}"
                      data-col=${i}
                      @change=${(e: Event) => (this._mapping = { ...this._mapping, [col]: (e.target as HTMLSelectElement).value })}
                    >
                      ${targets.map(([v, label]) => html`<option value=${v} ?selected=${(this._mapping[col] ?? 'ignore') === v}>${label}</option>`)}
                    </select>
                  </th>`,
              )}
            </tr>
          </thead>
          <tbody>
            ${p.rows.map(
              (row) =>
                html`<tr>
                  ${p.columns.map((_, i) => html`<td>${row[i] ?? ''}</td>`)}
                </tr>`,
            )}
          </tbody>
        </table>
      </div>
      <div class="form-row">
        <div class="field">
          <label for="country">Default country</label>
          <select id="country" @change=${(e: Event) => (this._country = (e.target as HTMLSelectElement).value)}>
            ${COUNTRIES.map(([v, label]) => html`<option value=${v} ?selected=${this._country === v}>${label}</option>`)}
          </select>
          <span class="help">For numbers written without a country code.</span>
        </div>
        <div class="field">
          <label for="extra-tags">Tags for every imported contact</label>
          <input
            id="extra-tags"
            placeholder="spring-fair, newsletter"
            .value=${this._tags}
            @input=${(e: Event) => (this._tags = (e.target as HTMLInputElement).value)}
          />
          <span class="help">Separate tags with commas.</span>
        </div>
      </div>
      <div class="actions">
        <button type="button" class="btn" @click=${() => this.reset()}>Choose another file</button>
        <button type="submit" class="btn primary" ?disabled=${this._starting}>
          ${this._starting ? 'Starting…' : 'Start import'}
        </button>
      </div>
    </form>`;
  }

  #counts(imp: ContactImport) {
    return html`<dl class="counts">
      <div>
        <dt>Created</dt>
        <dd>${count(imp.createdCount ?? 0)}</dd>
      </div>
      <div>
        <dt>Updated</dt>
        <dd>${count(imp.updatedCount ?? 0)}</dd>
      </div>
      <div>
        <dt>Unchanged</dt>
        <dd>${count(imp.unchangedCount ?? 0)}</dd>
      </div>
      <div class=${imp.errorCount ? 'bad' : ''}>
        <dt>Errors</dt>
        <dd>${count(imp.errorCount ?? 0)}</dd>
      </div>
    </dl>`;
  }

  #progressStep() {
    const imp = this._import!;
    const total = imp.totalRows ?? imp.preview?.totalRowsEstimate ?? 0;
    const done = imp.processedRows ?? 0;
    const label =
      imp.status === 'queued'
        ? 'Waiting to start…'
        : total
          ? `${count(done)} of ${count(total)} rows processed`
          : `${count(done)} rows processed`;
    return html`<div class="progress-line">
        <label for="import-progress">${label}</label>
        <progress id="import-progress" part="progress" max=${total || 1} .value=${total ? Math.min(done, total) : 0}></progress>
      </div>
      ${this.#counts(imp)}
      <p class="help">You can leave this page: the import keeps running.</p>`;
  }

  #doneStep() {
    const imp = this._import!;
    const failed = imp.status === 'failed';
    return html`<h4 id="done-title" tabindex="-1">${failed ? 'The import stopped' : 'Import finished'}</h4>
      ${failed ? html`<div class="form-error" role="alert">${imp.failure || 'The file could not be processed.'}</div>` : nothing}
      <p>${imp.filename}: ${plural(imp.processedRows ?? 0, 'row')} processed.</p>
      ${this.#counts(imp)}
      <div class="actions start">
        ${
          imp.errorCount
            ? html`<button type="button" class="btn" @click=${() => void this.#downloadErrors()}>Download errors</button>`
            : nothing
        }
        <button type="button" class="btn" @click=${() => this.reset()}>Import another file</button>
        <button type="button" class="btn primary" @click=${() => this.emit('contacts-close')}>Show contacts</button>
      </div>`;
  }
}
