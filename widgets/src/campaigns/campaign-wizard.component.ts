import { html, nothing, type PropertyValues } from 'lit';
import { ifDefined } from 'lit/directives/if-defined.js';
import { CampaignsPart } from './campaigns-part.ts';
import { ui, errorMessage } from '../shared/ui.styles.ts';
import { ApiError } from '../shared/api-client.ts';
import { styles } from './campaigns.styles.ts';
import {
  MEDIA_HEADERS,
  audienceSummary,
  browserZone,
  choiceOf,
  componentOf,
  count,
  countryName,
  headerFormat,
  money,
  parsePhoneList,
  plural,
  slotKey,
  slotsOf,
  timeZones,
  variablesFrom,
  type Campaign,
  type CampaignAudience,
  type CampaignInput,
  type CampaignPreview,
  type Channel,
  type LaunchInput,
  type ParsedList,
  type RenderedMessage,
  type Segment,
  type Slot,
  type Template,
  type VariableChoice,
  type VariableSourceOption,
} from './campaigns.types.ts';

export const STEPS = [
  ['template', 'Template'],
  ['audience', 'Audience'],
  ['variables', 'Variables'],
  ['schedule', 'Schedule'],
  ['review', 'Review'],
] as const;
export type Step = (typeof STEPS)[number][0];

/** How long edits may pause before the preview counts or the phone preview ask the server. */
export const PREVIEW_DEBOUNCE_MS = 350;
const MAX_LIST_BYTES = 20 * 1024 * 1024;

interface Loadable<T> {
  state: 'idle' | 'loading' | 'ready' | 'error';
  value?: T;
  error?: unknown;
}

interface HeaderUpload {
  name: string;
  progress: number;
  error: string | null;
  mediaId: number | null;
}

const pad = (n: number) => String(n).padStart(2, '0');

/** Today's date and the next full hour in the browser's zone, as <input> values. */
function nextHour(): { date: string; time: string } {
  const d = new Date(Date.now() + 3600_000);
  return { date: `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`, time: `${pad(d.getHours())}:00` };
}

/** Wall time "YYYY-MM-DDTHH:MM" of an instant in a zone (to edit a saved schedule). */
function wallTime(iso: string, zone: string): { date: string; time: string } | null {
  try {
    const parts = Object.fromEntries(
      new Intl.DateTimeFormat('en-CA', {
        timeZone: zone,
        year: 'numeric',
        month: '2-digit',
        day: '2-digit',
        hour: '2-digit',
        minute: '2-digit',
        hourCycle: 'h23',
      })
        .formatToParts(new Date(iso))
        .map((p) => [p.type, p.value]),
    );
    return { date: `${parts.year}-${parts.month}-${parts.day}`, time: `${parts.hour}:${parts.minute}` };
  } catch {
    return null;
  }
}

/**
 * The step-by-step campaign composer: (1) number, approved template and name; (2) audience — a saved
 * segment or an uploaded list of numbers — with live counts; (3) a source per template variable
 * (contact field, attribute or fixed text, with a fallback), header media, and a phone preview rendered
 * by the server; (4) send now or at a wall time in a time zone, quiet hours and rate; (5) the cost
 * preview and balance, then save (POST, or PATCH a draft) and launch.
 *
 * @tag wa-campaign-wizard
 * @property {Campaign} campaign - A saved draft to continue (a copy is edited).
 * @event campaigns-saved - `detail: Campaign` — the draft was saved.
 * @event campaigns-launched - `detail: Campaign` — the campaign was launched (sent or scheduled).
 * @event campaigns-close - The composer was closed.
 * @csspart composer - The composer's frame.
 * @csspart phone - The phone-style preview.
 */
export class WaCampaignWizard extends CampaignsPart {
  static override styles = [CampaignsPart.styles, ui, styles];
  static override properties = {
    ...CampaignsPart.properties,
    campaign: { attribute: false },
    _step: { state: true },
    _reached: { state: true },
    _tried: { state: true },
    _error: { state: true },
    _busy: { state: true },
    _id: { state: true },
    _name: { state: true },
    _channels: { state: true },
    _channelId: { state: true },
    _templates: { state: true },
    _tplKey: { state: true },
    _segments: { state: true },
    _audienceType: { state: true },
    _segmentId: { state: true },
    _list: { state: true },
    _listError: { state: true },
    _kept: { state: true },
    _preview: { state: true },
    _sources: { state: true },
    _choices: { state: true },
    _header: { state: true },
    _rendered: { state: true },
    _samples: { state: true },
    _sampleId: { state: true },
    _when: { state: true },
    _date: { state: true },
    _time: { state: true },
    _tz: { state: true },
    _quiet: { state: true },
    _quietStart: { state: true },
    _quietEnd: { state: true },
    _rateOn: { state: true },
    _rate: { state: true },
  };

  declare campaign: Campaign | null;
  declare _step: Step;
  declare _reached: number;
  declare _tried: boolean;
  declare _error: string | null;
  declare _busy: 'saving' | 'launching' | null;
  declare _id: number | null;
  declare _name: string;
  declare _channels: Loadable<Channel[]>;
  declare _channelId: number | null;
  declare _templates: Loadable<Template[]>;
  declare _tplKey: string;
  declare _segments: Loadable<Segment[]>;
  declare _audienceType: 'segment' | 'phones' | 'kept';
  declare _segmentId: number | null;
  declare _list: (ParsedList & { filename: string }) | null;
  declare _listError: string | null;
  declare _kept: CampaignAudience | null;
  declare _preview: Loadable<CampaignPreview>;
  declare _sources: VariableSourceOption[];
  declare _choices: Record<string, VariableChoice>;
  declare _header: HeaderUpload | null;
  declare _rendered: Loadable<RenderedMessage>;
  declare _samples: { id: number; label: string }[];
  declare _sampleId: number | null;
  declare _when: 'now' | 'schedule';
  declare _date: string;
  declare _time: string;
  declare _tz: string;
  declare _quiet: boolean;
  declare _quietStart: string;
  declare _quietEnd: string;
  declare _rateOn: boolean;
  declare _rate: string;

  #previewTimer: ReturnType<typeof setTimeout> | null = null;
  #previewCtrl: AbortController | null = null;
  #renderTimer: ReturnType<typeof setTimeout> | null = null;
  #renderCtrl: AbortController | null = null;
  #upload: AbortController | null = null;
  #started = false;
  #zones: string[] | null = null;

  constructor() {
    super();
    this.campaign = null;
    this._step = 'template';
    this._reached = 0;
    this._tried = false;
    this._error = null;
    this._busy = null;
    this._id = null;
    this._name = '';
    this._channels = { state: 'idle' };
    this._channelId = null;
    this._templates = { state: 'idle' };
    this._tplKey = '';
    this._segments = { state: 'idle' };
    this._audienceType = 'segment';
    this._segmentId = null;
    this._list = null;
    this._listError = null;
    this._kept = null;
    this._preview = { state: 'idle' };
    this._sources = [];
    this._choices = {};
    this._header = null;
    this._rendered = { state: 'idle' };
    this._samples = [];
    this._sampleId = null;
    this._when = 'now';
    const { date, time } = nextHour();
    this._date = date;
    this._time = time;
    this._tz = browserZone();
    this._quiet = false;
    this._quietStart = '21:00';
    this._quietEnd = '08:00';
    this._rateOn = false;
    this._rate = '20';
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    for (const t of [this.#previewTimer, this.#renderTimer]) if (t) clearTimeout(t);
    this.#previewCtrl?.abort();
    this.#renderCtrl?.abort();
    this.#upload?.abort();
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('campaign') && this.campaign) this.#fromCampaign(this.campaign);
    if (changed.has('api') && this.api && !this.#started) {
      this.#started = true;
      void this.#loadBasics();
    }
  }

  /** Continues a saved draft: every choice is taken from it. */
  #fromCampaign(c: Campaign) {
    this._id = c.id;
    this._name = c.name;
    this._channelId = c.channelId;
    this._tplKey = `${c.template.name}|${c.template.language}`;
    const a = c.audience;
    if (a.type === 'segment') {
      this._audienceType = 'segment';
      this._segmentId = a.segmentId;
    } else if (a.type === 'phones') {
      this._audienceType = 'phones';
      this._list = { phones: a.phones, column: 'saved list', skipped: 0, filename: 'Saved list' };
    } else {
      this._audienceType = 'kept';
      this._kept = a;
    }
    const choices: Record<string, VariableChoice> = {};
    for (const group of ['header', 'body', 'buttons'] as const) {
      (c.variables?.[group] ?? []).forEach((s, index) => {
        const choice = choiceOf(s);
        if (choice) choices[`${group}:${index}`] = choice;
      });
    }
    this._choices = choices;
    this._header = c.headerMediaId
      ? { name: `File #${c.headerMediaId}`, progress: 1, error: null, mediaId: c.headerMediaId }
      : null;
    this._quiet = !!c.quietHours;
    if (c.quietHours) {
      this._quietStart = c.quietHours.start;
      this._quietEnd = c.quietHours.end;
    }
    this._rateOn = c.ratePerSecond != null;
    if (c.ratePerSecond != null) this._rate = String(c.ratePerSecond);
    if (c.timezone) this._tz = c.timezone;
    if (c.scheduledAt) {
      const w = wallTime(c.scheduledAt, this._tz);
      if (w) {
        this._when = 'schedule';
        this._date = w.date;
        this._time = w.time;
      }
    }
    this._reached = STEPS.length - 1;
    if (this.api) void this.#loadTemplates();
  }

  // ── data ─────────────────────────────────────────────────────────────────────────────────

  async #loadBasics() {
    const api = this.api;
    if (!api) return;
    this._channels = { state: 'loading' };
    this._segments = { state: 'loading' };
    const channels = api.get<{ items: Channel[] }>('/api/v1/campaigns/numbers').then(
      (r) => {
        const active = r.items.filter((c) => c.status === 'active');
        this._channels = { state: 'ready', value: active };
        if (this._channelId == null && active.length === 1) {
          this._channelId = active[0].id;
          void this.#loadTemplates();
        }
      },
      (e: unknown) => (this._channels = { state: 'error', error: e }),
    );
    const segments = api.get<{ items: Segment[] }>('/api/v1/segments', { query: { counts: true } }).then(
      (r) => (this._segments = { state: 'ready', value: r.items }),
      (e: unknown) => (this._segments = { state: 'error', error: e }),
    );
    const sources = api.get<{ items: VariableSourceOption[] }>('/api/v1/campaigns/variable-sources').then(
      (r) => (this._sources = r.items),
      () => (this._sources = []),
    );
    await Promise.all([channels, segments, sources]);
    if (this._channelId != null && this._templates.state === 'idle') void this.#loadTemplates();
  }

  async #loadTemplates() {
    const api = this.api;
    const channel = this._channelId;
    if (!api || channel == null) return;
    this._templates = { state: 'loading' };
    try {
      const r = await api.get<{ items: Template[] }>(`/api/v1/channels/${channel}/templates`);
      if (this._channelId === channel) this._templates = { state: 'ready', value: r.items };
    } catch (e) {
      if (this._channelId === channel) this._templates = { state: 'error', error: e };
    }
  }

  /** Approved templates that may be broadcast (authentication templates carry one-time codes only). */
  get #approved(): Template[] {
    return (this._templates.value ?? []).filter(
      (t) => (!t.status || t.status.toUpperCase() === 'APPROVED') && t.category?.toUpperCase() !== 'AUTHENTICATION',
    );
  }

  get #template(): Template | undefined {
    return this.#approved.find((t) => `${t.name}|${t.language}` === this._tplKey);
  }

  get #audience(): CampaignAudience | null {
    if (this._audienceType === 'segment') return this._segmentId ? { type: 'segment', segmentId: this._segmentId } : null;
    if (this._audienceType === 'phones') return this._list?.phones.length ? { type: 'phones', phones: this._list.phones } : null;
    return this._kept;
  }

  /** Text variables left empty (the API needs a value for each). */
  get #missingText(): Slot[] {
    return slotsOf(this.#template).filter((s) => {
      const c = this._choices[slotKey(s)];
      return !c || (c.key === 'text' && !c.value.trim());
    });
  }

  get #needsMedia(): boolean {
    return !!MEDIA_HEADERS[headerFormat(this.#template)];
  }

  /** The campaign as the API takes it; variables only when complete unless `full`. */
  #input(full = true): CampaignInput | null {
    const t = this.#template;
    const audience = this.#audience;
    if (!t || this._channelId == null || !audience) return null;
    const input: CampaignInput = {
      name: this._name.trim() || 'Untitled campaign',
      channelId: this._channelId,
      template: { name: t.name, language: t.language },
      audience,
    };
    if (full || this.#missingText.length === 0) {
      const variables = variablesFrom(t, this._choices);
      if (Object.keys(variables).length) input.variables = variables;
    }
    if (this.#needsMedia && this._header?.mediaId) input.headerMediaId = this._header.mediaId;
    if (full) {
      input.quietHours = this._quiet ? { start: this._quietStart, end: this._quietEnd } : null;
      input.ratePerSecond = this._rateOn ? Number(this._rate) : null;
    }
    return input;
  }

  #queuePreview() {
    if (this.#previewTimer) clearTimeout(this.#previewTimer);
    this.#previewCtrl?.abort();
    const input = this.#input(false);
    if (!input) {
      this._preview = { state: 'idle' };
      return;
    }
    this._preview = { ...this._preview, state: 'loading' };
    this.#previewTimer = setTimeout(() => void this.#fetchPreview(input), PREVIEW_DEBOUNCE_MS);
  }

  async #fetchPreview(input: CampaignInput) {
    this.#previewTimer = null;
    const api = this.api;
    if (!api) return;
    const ctrl = (this.#previewCtrl = new AbortController());
    try {
      const value = await api.post<CampaignPreview>('/api/v1/campaigns/preview', input, { signal: ctrl.signal });
      if (!ctrl.signal.aborted) this._preview = { state: 'ready', value };
    } catch (e) {
      if ((e as Error).name !== 'AbortError') this._preview = { state: 'error', error: e, value: this._preview.value };
    }
  }

  #queueRender() {
    if (this.#renderTimer) clearTimeout(this.#renderTimer);
    this.#renderCtrl?.abort();
    const t = this.#template;
    if (!t || this._channelId == null) return;
    this._rendered = { ...this._rendered, state: 'loading' };
    this.#renderTimer = setTimeout(() => void this.#fetchRender(), PREVIEW_DEBOUNCE_MS);
  }

  async #fetchRender() {
    this.#renderTimer = null;
    const api = this.api;
    const t = this.#template;
    if (!api || !t || this._channelId == null) return;
    const ctrl = (this.#renderCtrl = new AbortController());
    const body = {
      channelId: this._channelId,
      template: { name: t.name, language: t.language },
      variables: variablesFrom(t, this._choices),
      ...(this._header?.mediaId ? { headerMediaId: this._header.mediaId } : {}),
      ...(this._sampleId ? { contactId: this._sampleId } : {}),
    };
    try {
      const value = await api.post<RenderedMessage>('/api/v1/campaigns/render', body, { signal: ctrl.signal });
      if (!ctrl.signal.aborted) this._rendered = { state: 'ready', value };
    } catch (e) {
      if ((e as Error).name !== 'AbortError') this._rendered = { state: 'error', error: e, value: this._rendered.value };
    }
  }

  async #findSamples(q: string) {
    const api = this.api;
    if (!api || !q.trim()) return;
    try {
      const page = await api.get<{ items: { id: number; name: string | null; phone: string | null }[] }>('/api/v1/contacts', {
        query: { q: q.trim(), limit: 10 },
      });
      this._samples = page.items.map((c) => ({ id: c.id, label: [c.name, c.phone].filter(Boolean).join(' · ') || `#${c.id}` }));
      if (!this._samples.length) this.toast(`No contact matches “${q.trim()}”.`, 'info');
    } catch (e) {
      this.toast(`Contacts could not be searched: ${errorMessage(e)}`);
    }
  }

  async #readList(e: Event) {
    const input = e.target as HTMLInputElement;
    const file = input.files?.[0];
    input.value = '';
    if (!file) return;
    this._listError = null;
    if (file.size > MAX_LIST_BYTES) {
      this._listError = `${file.name} is larger than 20 MB. Split the list into smaller files.`;
      return;
    }
    const parsed = parsePhoneList(await file.text());
    if (!parsed || !parsed.phones.length) {
      this._list = null;
      this._listError = `No phone numbers were found in ${file.name}. Use one number per line, or a CSV file with a phone column.`;
    } else if (parsed.phones.length > 100_000) {
      this._list = null;
      this._listError = `${file.name} has ${count(parsed.phones.length)} numbers; a campaign can take up to 100,000. Split the list.`;
    } else this._list = { ...parsed, filename: file.name };
    this.#queuePreview();
  }

  async #pickHeader(e: Event) {
    const input = e.target as HTMLInputElement;
    const file = input.files?.[0];
    input.value = '';
    if (!file || !this.api) return;
    this.#upload?.abort();
    const ctrl = (this.#upload = new AbortController());
    const h: HeaderUpload = { name: file.name, progress: 0, error: null, mediaId: null };
    this._header = h;
    try {
      const up = await this.api.upload<{ id: number }>('/api/v1/media', file, {
        filename: file.name,
        signal: ctrl.signal,
        onProgress: (f) => {
          if (this._header?.name === file.name && !this._header.mediaId) this._header = { ...this._header, progress: f };
        },
      });
      if (this.#upload !== ctrl) return;
      this._header = { ...h, progress: 1, mediaId: up.id };
      this.#queueRender();
    } catch (err) {
      if ((err as Error).name === 'AbortError') return;
      const why =
        err instanceof ApiError && err.status === 413
          ? `${file.name} is too large for a template header.`
          : err instanceof ApiError && err.status === 415
            ? `WhatsApp can't send this kind of file (${file.type || 'unknown type'}) as a header.`
            : `${file.name} could not be uploaded: ${errorMessage(err)}`;
      this._header = { ...h, error: why };
    } finally {
      if (this.#upload === ctrl) this.#upload = null;
    }
  }

  // ── steps ────────────────────────────────────────────────────────────────────────────────

  /** What stops the user leaving `step`, or null. */
  #problem(step: Step): string | null {
    if (step === 'template') {
      if (!this._name.trim()) return 'Give the campaign a name.';
      if (this._name.trim().length > 120) return 'The name can be up to 120 characters.';
      if (this._channelId == null) return 'Choose the WhatsApp number to send from.';
      if (!this.#template) return 'Choose an approved template.';
    }
    if (step === 'audience' && !this.#audience) {
      return this._audienceType === 'segment' ? 'Choose a segment.' : 'Upload a list with phone numbers.';
    }
    if (step === 'variables') {
      const missing = this.#missingText;
      if (missing.length) return `Fill in a value for ${missing.map((s) => s.label).join(', ')}.`;
      if (this.#needsMedia && !this._header?.mediaId) return 'Upload the header file the template needs.';
    }
    if (step === 'schedule') {
      if (this._when === 'schedule' && (!this._date || !this._time)) return 'Choose the date and time to send.';
      if (this._quiet && (!this._quietStart || !this._quietEnd)) return 'Set when quiet hours start and end.';
      if (this._quiet && this._quietStart === this._quietEnd) return 'Quiet hours must start and end at different times.';
      const rate = Number(this._rate);
      if (this._rateOn && (!Number.isInteger(rate) || rate < 1 || rate > 1000))
        return 'The rate must be a whole number from 1 to 1,000 messages per second.';
    }
    return null;
  }

  #go(step: Step) {
    const to = STEPS.findIndex(([s]) => s === step);
    const from = STEPS.findIndex(([s]) => s === this._step);
    // Moving forward needs every step on the way done.
    for (let i = from; i < to; i++) {
      const problem = this.#problem(STEPS[i][0]);
      if (problem) {
        this._tried = true;
        this._step = STEPS[i][0];
        this._error = problem;
        void this.updateComplete.then(() =>
          (
            this.renderRoot.querySelector<HTMLElement>('[aria-invalid="true"]') ?? this.renderRoot.querySelector('.form-error')
          )?.focus?.(),
        );
        return;
      }
    }
    this._error = null;
    this._tried = false;
    this._step = step;
    this._reached = Math.max(this._reached, to);
    if (step === 'audience' || step === 'review') this.#queuePreview();
    if (step === 'variables') this.#queueRender();
    void this.updateComplete.then(() => this.renderRoot.querySelector<HTMLElement>('#step-title')?.focus());
  }

  #next() {
    const i = STEPS.findIndex(([s]) => s === this._step);
    if (i < STEPS.length - 1) this.#go(STEPS[i + 1][0]);
  }

  #back() {
    const i = STEPS.findIndex(([s]) => s === this._step);
    if (i > 0) {
      this._error = null;
      this.#go(STEPS[i - 1][0]);
    }
  }

  /** POSTs a new draft or PATCHes the saved one; returns it. */
  async #save(): Promise<Campaign> {
    const api = this.api!;
    const input = this.#input(true)!;
    const saved =
      this._id == null
        ? await api.post<Campaign>('/api/v1/campaigns', input)
        : await api.patch<Campaign>(`/api/v1/campaigns/${this._id}`, input);
    this._id = saved.id;
    return saved;
  }

  async #saveDraft() {
    if (!this.api || this._busy) return;
    const problem = this.#problem('template') ?? this.#problem('audience');
    if (problem) {
      this._error = `The draft can't be saved yet: ${problem}`;
      return;
    }
    this._busy = 'saving';
    this._error = null;
    try {
      const saved = await this.#save();
      this.toast('Draft saved.', 'success');
      this.emit('campaigns-saved', saved);
    } catch (e) {
      this._error = `The draft could not be saved: ${errorMessage(e)}`;
    } finally {
      this._busy = null;
    }
  }

  async #launch() {
    if (!this.api || this._busy) return;
    for (const [step] of STEPS.slice(0, -1)) {
      if (this.#problem(step)) return this.#go('review');
    }
    this._busy = 'launching';
    this._error = null;
    let stage = 'saved';
    try {
      const saved = await this.#save();
      stage = 'launched';
      const body: LaunchInput =
        this._when === 'now' ? { when: 'now' } : { when: 'schedule', at: `${this._date}T${this._time}`, timezone: this._tz };
      const launched = await this.api.post<Campaign>(`/api/v1/campaigns/${saved.id}/launch`, body);
      this.toast(this._when === 'now' ? `“${launched.name}” is being sent.` : `“${launched.name}” is scheduled.`, 'success');
      this.emit('campaigns-launched', launched);
    } catch (e) {
      this._error = `The campaign could not be ${stage === 'saved' ? 'saved' : this._when === 'now' ? 'sent' : 'scheduled'}: ${errorMessage(e)}`;
      void this.updateComplete.then(() => this.renderRoot.querySelector<HTMLElement>('.form-error')?.focus());
    } finally {
      this._busy = null;
    }
  }

  // ── rendering ────────────────────────────────────────────────────────────────────────────

  override render() {
    const at = STEPS.findIndex(([s]) => s === this._step);
    return html`<section class="frame" part="composer" aria-labelledby="composer-title">
      <div class="head">
        <h3 id="composer-title">${this._id ? `Edit draft: ${this._name || 'Untitled'}` : 'New campaign'}</h3>
        <div class="head-actions">
          <button type="button" class="btn small" ?disabled=${!!this._busy} @click=${() => void this.#saveDraft()}>
            ${this._busy === 'saving' ? 'Saving…' : 'Save draft'}
          </button>
          <button type="button" class="btn small ghost" @click=${() => this.emit('campaigns-close')}>Cancel</button>
        </div>
      </div>
      <ol class="steps" aria-label="Steps">
        ${STEPS.map(
          ([step, label], i) =>
            html`<li class=${i < at ? 'done' : ''}>
              <button
                type="button"
                aria-current=${ifDefined(i === at ? 'step' : undefined)}
                ?disabled=${i > this._reached + 1}
                @click=${() => this.#go(step)}
              >
                ${i + 1}. ${label}
              </button>
            </li>`,
        )}
      </ol>
      <h4 id="step-title" tabindex="-1">Step ${at + 1} of ${STEPS.length}: ${STEPS[at][1]}</h4>
      ${this._error ? html`<div class="form-error" role="alert" tabindex="-1">${this._error}</div>` : nothing}
      ${
        this._step === 'template'
          ? this.#templateStep()
          : this._step === 'audience'
            ? this.#audienceStep()
            : this._step === 'variables'
              ? this.#variablesStep()
              : this._step === 'schedule'
                ? this.#scheduleStep()
                : this.#reviewStep()
      }
      <div class="footer-actions">
        ${at > 0 ? html`<button type="button" class="btn" @click=${() => this.#back()}>Back</button>` : nothing}
        <span class="spacer"></span>
        ${
          this._step === 'review'
            ? html`<button
                type="button"
                class="btn primary launch"
                ?disabled=${!!this._busy || this._preview.value?.balance.sufficient === false}
                @click=${() => void this.#launch()}
              >
                ${this._busy === 'launching' ? (this._when === 'now' ? 'Sending…' : 'Scheduling…') : this._when === 'now' ? 'Send now' : 'Schedule'}
              </button>`
            : html`<button type="button" class="btn primary" @click=${() => this.#next()}>Next: ${STEPS[at + 1][1]}</button>`
        }
      </div>
    </section>`;
  }

  #invalid(cond: boolean) {
    return this._tried && cond ? 'true' : 'false';
  }

  #templateStep() {
    const ch = this._channels;
    const tpl = this._templates;
    const t = this.#template;
    return html`<div class="field">
        <label for="name">Campaign name</label>
        <input
          id="name"
          maxlength="120"
          autocomplete="off"
          placeholder="Spring sale — newsletter"
          .value=${this._name}
          aria-invalid=${this.#invalid(!this._name.trim())}
          @input=${(e: Event) => (this._name = (e.target as HTMLInputElement).value)}
        />
      </div>
      <div class="form-row">
        <div class="field">
          <label for="channel">WhatsApp number</label>
          ${
            ch.state === 'error'
              ? html`<span class="error-text" role="alert"> The numbers could not be loaded: ${errorMessage(ch.error)} </span>`
              : html`<select
                  id="channel"
                  aria-invalid=${this.#invalid(this._channelId == null)}
                  ?disabled=${ch.state !== 'ready'}
                  @change=${(e: Event) => {
                    const v = (e.target as HTMLSelectElement).value;
                    this._channelId = v ? Number(v) : null;
                    this._tplKey = '';
                    this._templates = { state: 'idle' };
                    void this.#loadTemplates();
                  }}
                >
                  <option value="" ?selected=${this._channelId == null}>
                    ${ch.state === 'ready' ? (ch.value!.length ? 'Choose a number…' : 'No connected number') : 'Loading numbers…'}
                  </option>
                  ${(ch.value ?? []).map(
                    (c) =>
                      html`<option value=${c.id} ?selected=${this._channelId === c.id}>
                        ${c.verifiedName || c.name}${c.displayPhoneNumber ? ` (${c.displayPhoneNumber})` : ''}
                      </option>`,
                  )}
                </select>`
          }
        </div>
        <div class="field">
          <label for="template">Template</label>
          ${
            tpl.state === 'error'
              ? html`<span class="error-text" role="alert">The templates could not be loaded: ${errorMessage(tpl.error)}</span>`
              : html`<select
                  id="template"
                  aria-invalid=${this.#invalid(!t)}
                  ?disabled=${tpl.state !== 'ready'}
                  @change=${(e: Event) => {
                    this._tplKey = (e.target as HTMLSelectElement).value;
                    this._choices = {};
                    this._header = null;
                    this._rendered = { state: 'idle' };
                  }}
                >
                  <option value="" ?selected=${!t}>
                    ${
                      this._channelId == null
                        ? 'Choose a number first'
                        : tpl.state === 'loading'
                          ? 'Loading templates…'
                          : this.#approved.length
                            ? 'Choose a template…'
                            : 'No approved template'
                    }
                  </option>
                  ${this.#approved.map(
                    (x) =>
                      html`<option value="${x.name}|${x.language}" ?selected=${this._tplKey === `${x.name}|${x.language}`}>
                        ${x.name} (${x.language})
                      </option>`,
                  )}
                </select>`
          }
          ${
            tpl.state === 'ready' && !this.#approved.length
              ? html`<span class="help">Create a template in WhatsApp Manager; approved ones appear here.</span>`
              : nothing
          }
        </div>
      </div>
      ${
        t
          ? html`<div class="note template-info">
              <span class="badge">${t.category}</span>
              ${
                (t.category ?? '').toUpperCase() === 'MARKETING'
                  ? 'Marketing messages are priced per delivered message and only go to contacts who have not opted out.'
                  : (t.category ?? '').toUpperCase() === 'UTILITY'
                    ? 'Utility messages are for updates a customer expects (orders, accounts).'
                    : `${(t.category ?? '').toLowerCase()} template.`
              }
              <div class="wa-body">${componentOf(t, 'BODY')?.text ?? ''}</div>
            </div>`
          : nothing
      }`;
  }

  #counts(p: CampaignPreview | undefined, loading: boolean) {
    return html`<div aria-live="polite" aria-busy=${loading ? 'true' : 'false'} class="audience-counts">
      ${
        p
          ? html`<dl class="stats">
              <div>
                <dt>Matched</dt>
                <dd>${count(p.audience)}</dd>
              </div>
              <div class="good">
                <dt>Will receive it</dt>
                <dd>${count(p.eligible)}</dd>
              </div>
              <div>
                <dt>Opted out</dt>
                <dd>${count(p.excluded.optedOut)}</dd>
              </div>
              <div>
                <dt>Invalid numbers</dt>
                <dd>${count(p.excluded.invalid + p.excluded.noPhone)}</dd>
              </div>
              <div>
                <dt>Duplicates</dt>
                <dd>${count(p.excluded.duplicate)}</dd>
              </div>
            </dl>`
          : loading
            ? html`<p class="muted" role="status">Counting recipients…</p>`
            : nothing
      }
    </div>`;
  }

  #audienceStep() {
    const segs = this._segments;
    const pv = this._preview;
    return html`<fieldset class="choice">
        <legend>Send to</legend>
        <label>
          <input
            type="radio"
            name="audience"
            value="segment"
            .checked=${this._audienceType === 'segment'}
            @change=${() => {
              this._audienceType = 'segment';
              this.#queuePreview();
            }}
          />
          A saved segment
        </label>
        <label>
          <input
            type="radio"
            name="audience"
            value="phones"
            .checked=${this._audienceType === 'phones'}
            @change=${() => {
              this._audienceType = 'phones';
              this.#queuePreview();
            }}
          />
          An uploaded list of numbers
        </label>
        ${
          this._kept
            ? html`<label>
                <input
                  type="radio"
                  name="audience"
                  value="kept"
                  .checked=${this._audienceType === 'kept'}
                  @change=${() => {
                    this._audienceType = 'kept';
                    this.#queuePreview();
                  }}
                />
                As saved (${audienceSummary(this._kept)})
              </label>`
            : nothing
        }
      </fieldset>
      ${
        this._audienceType === 'segment'
          ? html`<div class="field">
              <label for="segment">Segment</label>
              ${
                segs.state === 'error'
                  ? html`<span class="error-text" role="alert"
                      >The segments could not be loaded: ${errorMessage(segs.error)}</span
                    >`
                  : html`<select
                      id="segment"
                      aria-invalid=${this.#invalid(!this._segmentId)}
                      ?disabled=${segs.state !== 'ready'}
                      @change=${(e: Event) => {
                        const v = (e.target as HTMLSelectElement).value;
                        this._segmentId = v ? Number(v) : null;
                        this.#queuePreview();
                      }}
                    >
                      <option value="" ?selected=${!this._segmentId}>
                        ${segs.state === 'ready' ? (segs.value!.length ? 'Choose a segment…' : 'No saved segment yet') : 'Loading segments…'}
                      </option>
                      ${(segs.value ?? []).map(
                        (s) =>
                          html`<option value=${s.id} ?selected=${this._segmentId === s.id}>
                            ${s.name}${s.count != null ? ` (${count(s.count)})` : ''}
                          </option>`,
                      )}
                    </select>`
              }
              <span class="help">Build and save segments in Contacts.</span>
            </div>`
          : this._audienceType === 'phones'
            ? html`<div class="field">
                <label for="list">File with phone numbers</label>
                <input
                  id="list"
                  type="file"
                  accept=".csv,.txt,text/csv,text/plain"
                  aria-invalid=${this.#invalid(!this._list)}
                  @change=${(e: Event) => void this.#readList(e)}
                />
                <span class="help">
                  A CSV file (the column with phone numbers is found automatically) or one number per line, with the country code.
                  Numbers that are not contacts yet become contacts.
                </span>
                ${this._listError ? html`<span class="error-text" role="alert">${this._listError}</span>` : nothing}
                ${
                  this._list
                    ? html`<p class="list-found" role="status">
                        <strong>${plural(this._list.phones.length, 'phone number')}</strong> found in ${this._list.filename}
                        (${this._list.column})${this._list.skipped ? html`; ${plural(this._list.skipped, 'row')} without a number skipped` : nothing}.
                      </p>`
                    : nothing
                }
              </div>`
            : nothing
      }
      ${pv.state === 'error' ? html`<div class="form-error" role="alert">The counts could not be loaded: ${errorMessage(pv.error)}</div>` : nothing}
      ${this.#counts(pv.value, pv.state === 'loading')}`;
  }

  #sourceSelect(s: Slot, c: VariableChoice) {
    const fields = this._sources.filter((x) => x.source === 'field');
    const attrs = this._sources.filter((x) => x.source === 'attribute');
    const key = slotKey(s);
    return html`<div class="field">
      <label for="src-${key}">Value from</label>
      <select id="src-${key}" @change=${(e: Event) => this.#setChoice(key, { ...c, key: (e.target as HTMLSelectElement).value })}>
        <option value="text" ?selected=${c.key === 'text'}>Fixed text</option>
        ${
          fields.length
            ? html`<optgroup label="Contact fields">
                ${fields.map((f) => html`<option value=${f.key} ?selected=${c.key === f.key}>${f.label}</option>`)}
              </optgroup>`
            : nothing
        }
        ${
          attrs.length
            ? html`<optgroup label="Contact attributes">
                ${attrs.map((f) => html`<option value=${f.key} ?selected=${c.key === f.key}>${f.label}</option>`)}
              </optgroup>`
            : nothing
        }
      </select>
    </div>`;
  }

  #setChoice(key: string, c: VariableChoice) {
    this._choices = { ...this._choices, [key]: c };
    this.#queueRender();
  }

  #variablesStep() {
    const t = this.#template;
    if (!t) return html`<p class="muted">Choose a template first.</p>`;
    const slots = slotsOf(t);
    const fmt = headerFormat(t);
    const media = MEDIA_HEADERS[fmt];
    const h = this._header;
    return html`<div class="two-col">
      <div>
        ${
          media
            ? html`<div class="field">
                <label for="header-file">${media.label}</label>
                <input
                  id="header-file"
                  type="file"
                  accept=${media.accept}
                  aria-invalid=${this.#invalid(!h?.mediaId)}
                  @change=${(e: Event) => void this.#pickHeader(e)}
                />
                ${
                  h
                    ? h.error
                      ? html`<span class="error-text" role="alert">${h.error}</span>`
                      : h.mediaId
                        ? html`<span class="help">${h.name} uploaded.</span>`
                        : html`<progress max="1" .value=${h.progress} aria-label="Uploading ${h.name}"></progress>`
                    : html`<span class="help">The template's header shows this file to every recipient.</span>`
                }
              </div>`
            : nothing
        }
        ${slots.length === 0 ? html`<p class="muted">This template has no variables.</p>` : nothing}
        ${slots.map((s) => {
          const key = slotKey(s);
          const c = this._choices[key] ?? { key: 'text', value: '', fallback: '' };
          const text = c.key === 'text';
          return html`<div class="var" role="group" aria-label=${s.label}>
            <span class="label">${s.label}</span>
            ${this.#sourceSelect(s, c)}
            <div class="field">
              <label for="val-${key}">${text ? 'Text' : 'Fallback when empty'}</label>
              <input
                id="val-${key}"
                autocomplete="off"
                maxlength=${text ? 1024 : 200}
                placeholder=${text ? '' : 'Optional'}
                .value=${text ? c.value : c.fallback}
                aria-invalid=${this.#invalid(text && !c.value.trim())}
                @input=${(e: Event) => {
                  const v = (e.target as HTMLInputElement).value;
                  this.#setChoice(key, text ? { ...c, value: v } : { ...c, fallback: v });
                }}
              />
            </div>
          </div>`;
        })}
        <div class="field">
          <label for="sample-q">Preview for a contact</label>
          <div class="row">
            <input
              id="sample-q"
              type="search"
              class="muted-input"
              placeholder="Name or phone"
              @keydown=${(e: KeyboardEvent) => {
                if (e.key === 'Enter') {
                  e.preventDefault();
                  void this.#findSamples((e.target as HTMLInputElement).value);
                }
              }}
            />
            <button
              type="button"
              class="btn small"
              @click=${() => void this.#findSamples(this.renderRoot.querySelector<HTMLInputElement>('#sample-q')!.value)}
            >
              Find
            </button>
            <select
              class="inline"
              aria-label="Sample contact"
              @change=${(e: Event) => {
                const v = (e.target as HTMLSelectElement).value;
                this._sampleId = v ? Number(v) : null;
                this.#queueRender();
              }}
            >
              <option value="" ?selected=${!this._sampleId}>Sample values</option>
              ${this._samples.map((s) => html`<option value=${s.id} ?selected=${this._sampleId === s.id}>${s.label}</option>`)}
            </select>
          </div>
        </div>
      </div>
      ${this.#phone()}
    </div>`;
  }

  #phone() {
    const r = this._rendered;
    const m = r.value;
    const t = this.#template;
    return html`<figure class="phone" part="phone" aria-label="Preview of the message">
      <figcaption><span>Preview</span>${r.state === 'loading' ? html`<span>Updating…</span>` : nothing}</figcaption>
      <div class="screen ${r.state === 'loading' ? 'busy' : ''}" aria-live="polite">
        ${
          m
            ? html`<div class="wa-bubble">
                  ${
                    m.header
                      ? m.header.type === 'text'
                        ? html`<div class="wa-header">${m.header.text}</div>`
                        : m.header.type === 'image' && m.header.mediaUrl
                          ? html`<img class="wa-media" src=${m.header.mediaUrl} alt="Header image" />`
                          : html`<div class="wa-media">${m.header.type}</div>`
                      : nothing
                  }
                  <div class="wa-body">${m.body}</div>
                  ${m.footer ? html`<div class="wa-footer">${m.footer}</div>` : nothing}
                </div>
                ${m.buttons.map((b) => html`<div class="wa-button">${b.text}</div>`)}`
            : r.state === 'error'
              ? nothing
              : html`<div class="wa-bubble"><div class="wa-body">${componentOf(t, 'BODY')?.text ?? ''}</div></div>`
        }
      </div>
      ${r.state === 'error' ? html`<p class="error-text" role="alert">The preview could not be rendered: ${errorMessage(r.error)}</p>` : nothing}
      ${
        m?.fallbacks.length
          ? html`<p class="help">This contact has no value for ${m.fallbacks.join(', ')}: the fallback is used.</p>`
          : nothing
      }
    </figure>`;
  }

  #zoneList() {
    this.#zones ??= timeZones();
    return this.#zones;
  }

  #scheduleStep() {
    const rate = Number(this._rate);
    return html`<fieldset class="choice">
        <legend>When</legend>
        <label>
          <input type="radio" name="when" value="now" .checked=${this._when === 'now'} @change=${() => (this._when = 'now')} />
          Send now
        </label>
        <label>
          <input
            type="radio"
            name="when"
            value="schedule"
            .checked=${this._when === 'schedule'}
            @change=${() => (this._when = 'schedule')}
          />
          Schedule for later
        </label>
      </fieldset>
      ${
        this._when === 'schedule'
          ? html`<div class="form-row">
              <div class="field">
                <label for="date">Date</label>
                <input
                  id="date"
                  type="date"
                  .value=${this._date}
                  aria-invalid=${this.#invalid(!this._date)}
                  @input=${(e: Event) => (this._date = (e.target as HTMLInputElement).value)}
                />
              </div>
              <div class="field">
                <label for="time">Time</label>
                <input
                  id="time"
                  type="time"
                  .value=${this._time}
                  aria-invalid=${this.#invalid(!this._time)}
                  @input=${(e: Event) => (this._time = (e.target as HTMLInputElement).value)}
                />
              </div>
              <div class="field">
                <label for="tz">Time zone</label>
                <select id="tz" @change=${(e: Event) => (this._tz = (e.target as HTMLSelectElement).value)}>
                  ${this.#zoneList().map((z) => html`<option value=${z} ?selected=${z === this._tz}>${z.replace(/_/g, ' ')}</option>`)}
                </select>
              </div>
            </div>`
          : nothing
      }
      <label class="check">
        <input
          type="checkbox"
          .checked=${this._quiet}
          @change=${(e: Event) => (this._quiet = (e.target as HTMLInputElement).checked)}
        />
        Respect quiet hours (in each recipient's own time zone)
      </label>
      ${
        this._quiet
          ? html`<div class="form-row">
                <div class="field">
                  <label for="quiet-start">Quiet from</label>
                  <input
                    id="quiet-start"
                    type="time"
                    .value=${this._quietStart}
                    aria-invalid=${this.#invalid(this._quietStart === this._quietEnd)}
                    @input=${(e: Event) => (this._quietStart = (e.target as HTMLInputElement).value)}
                  />
                </div>
                <div class="field">
                  <label for="quiet-end">Until</label>
                  <input
                    id="quiet-end"
                    type="time"
                    .value=${this._quietEnd}
                    @input=${(e: Event) => (this._quietEnd = (e.target as HTMLInputElement).value)}
                  />
                </div>
              </div>
              <p class="help">Messages due inside the window wait until it ends.</p>`
          : nothing
      }
      <div>
        <label class="check">
          <input
            type="checkbox"
            .checked=${this._rateOn}
            @change=${(e: Event) => (this._rateOn = (e.target as HTMLInputElement).checked)}
          />
          Limit the sending rate
        </label>
      </div>
      ${
        this._rateOn
          ? html`<div class="field">
              <label for="rate">Messages per second</label>
              <input
                id="rate"
                type="number"
                min="1"
                max="1000"
                step="1"
                class="muted-input"
                .value=${this._rate}
                aria-invalid=${this.#invalid(!Number.isInteger(rate) || rate < 1 || rate > 1000)}
                @input=${(e: Event) => (this._rate = (e.target as HTMLInputElement).value)}
              />
              <span class="help"
                >Without a limit the number's own throughput is used (80 per second, or 1,000 for high-throughput numbers).</span
              >
            </div>`
          : nothing
      }`;
  }

  #reviewStep() {
    const t = this.#template;
    const ch = this._channels.value?.find((c) => c.id === this._channelId);
    const pv = this._preview;
    const p = pv.value;
    return html`<dl class="summary">
        <dt>Name</dt>
        <dd>${this._name.trim()}</dd>
        <dt>From</dt>
        <dd>
          ${ch ? `${ch.verifiedName || ch.name}${ch.displayPhoneNumber ? ` (${ch.displayPhoneNumber})` : ''}` : `Number #${this._channelId}`}
        </dd>
        <dt>Template</dt>
        <dd>${t ? `${t.name} (${t.language}) · ${t.category}` : '—'}</dd>
        <dt>Audience</dt>
        <dd>
          ${this._audienceType === 'phones' && this._list ? `${this._list.filename}: ${plural(this._list.phones.length, 'number')}` : audienceSummary(this.#audience ?? undefined, this._segments.value)}
        </dd>
        <dt>When</dt>
        <dd>${this._when === 'now' ? 'Now' : `${this._date} ${this._time} (${this._tz.replace(/_/g, ' ')})`}</dd>
        ${
          this._quiet
            ? html`<dt>Quiet hours</dt>
                <dd>${this._quietStart}–${this._quietEnd}, recipient's time</dd>`
            : nothing
        }
        ${
          this._rateOn
            ? html`<dt>Rate</dt>
                <dd>${this._rate} messages per second</dd>`
            : nothing
        }
      </dl>
      ${pv.state === 'error' ? html`<div class="form-error" role="alert">The cost preview could not be loaded: ${errorMessage(pv.error)}</div>` : nothing}
      ${this.#counts(p, pv.state === 'loading')}
      ${
        p
          ? html`<div class="table-wrap">
                <table class="data cost">
                  <caption class="visually-hidden">
                    Estimated cost
                  </caption>
                  <thead>
                    <tr>
                      <th scope="col">Country</th>
                      <th scope="col">Category</th>
                      <th scope="col" class="num">Messages</th>
                      <th scope="col" class="num">Price each</th>
                      <th scope="col" class="num">Cost</th>
                    </tr>
                  </thead>
                  <tbody>
                    ${p.cost.lines.map(
                      (l) =>
                        html`<tr>
                          <td data-label="Country">${countryName(l.country)}</td>
                          <td data-label="Category">${(l.category ?? '').toLowerCase()}</td>
                          <td data-label="Messages" class="num">${count(l.count)}</td>
                          <td data-label="Price each" class="num">${money(l.unitMicros, p.cost.currency, true)}</td>
                          <td data-label="Cost" class="num">${money(l.totalMicros, p.cost.currency)}</td>
                        </tr>`,
                    )}
                  </tbody>
                </table>
              </div>
              <dl class="summary balance">
                <dt>Estimated cost</dt>
                <dd class="total">${money(p.cost.totalMicros, p.cost.currency)}</dd>
                <dt>Balance now</dt>
                <dd>${money(p.balance.beforeMicros, p.balance.currency)}</dd>
                <dt>After this campaign</dt>
                <dd>${money(p.balance.afterMicros, p.balance.currency)}</dd>
              </dl>
              ${
                p.balance.sufficient
                  ? nothing
                  : html`<div class="warning insufficient" role="alert">
                      <strong>Your balance is not enough for this campaign.</strong> It needs
                      ${money(p.cost.totalMicros, p.cost.currency)} and the balance is
                      ${money(p.balance.beforeMicros, p.balance.currency)}. Top up the balance, or choose a smaller audience.
                    </div>`
              }
              ${p.eligible === 0 ? html`<div class="warning" role="alert">Nobody in this audience can receive the campaign.</div>` : nothing}
              <p class="help">
                Costs are estimates: WhatsApp charges per delivered message at the rate of the recipient's country.
              </p>`
          : nothing
      }`;
  }
}
