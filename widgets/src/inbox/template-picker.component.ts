import { html, nothing, type PropertyValues } from 'lit';
import { ifDefined } from 'lit/directives/if-defined.js';
import { InboxPart } from './inbox-part.ts';
import { ui, errorMessage } from '../shared/ui.styles.ts';
import { icons } from './icons.ts';
import { uploadError } from './inbox-composer.component.ts';
import {
  clock,
  customerName,
  fillTemplate,
  templateVars,
  type Conversation,
  type Media,
  type SendRequest,
  type Template,
  type TemplateComponent,
} from './inbox.types.ts';
import { styles } from './template-picker.styles.ts';

interface HeaderMedia {
  file: File;
  previewUrl: string | null;
  media: Media | null;
  progress: number;
  error: string | null;
}

const MEDIA_HEADERS: Record<string, { accept: string; label: string }> = {
  IMAGE: { accept: 'image/jpeg,image/png', label: 'Header image' },
  VIDEO: { accept: 'video/mp4,video/3gpp', label: 'Header video' },
  DOCUMENT: { accept: 'application/pdf', label: 'Header document' },
};

const part = (t: Template | undefined, type: string): TemplateComponent | undefined =>
  t?.components.find((c) => c.type.toUpperCase() === type);

/** URL buttons with a variable, in order: each takes one value (buttonParams). */
const dynamicButtons = (t: Template | undefined) =>
  (part(t, 'BUTTONS')?.buttons ?? []).filter((b) => b.type.toUpperCase() === 'URL' && templateVars(b.url).length > 0);

/**
 * Outside the 24-hour customer service window WhatsApp only delivers approved templates. This picks
 * one of the number's templates, asks for its variables (and header media), shows a live preview
 * of what the customer will see, and hands the inbox a `template` message to send.
 *
 * @tag wa-inbox-template-picker
 * @event inbox-send - `detail: SendRequest` with a `template` body.
 * @event inbox-closed-mode - `detail: 'note'` — write a private note instead.
 */
export class WaInboxTemplatePicker extends InboxPart {
  static override styles = [InboxPart.styles, ui, styles];
  static override properties = {
    ...InboxPart.properties,
    conversation: { attribute: false },
    _templates: { state: true },
    _error: { state: true },
    _key: { state: true },
    _values: { state: true },
    _header: { state: true },
    _tried: { state: true },
  };

  declare conversation: Conversation | null;
  declare _templates: Template[] | null;
  declare _error: unknown;
  declare _key: string;
  declare _values: Record<string, string>;
  declare _header: HeaderMedia | null;
  declare _tried: boolean;

  #cache = new Map<number, Template[]>();
  #loading: number | null = null;

  constructor() {
    super();
    this.conversation = null;
    this._templates = null;
    this._error = null;
    this._key = '';
    this._values = {};
    this._header = null;
    this._tried = false;
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    const prev = changed.get('conversation') as Conversation | null | undefined;
    if ((changed.has('conversation') && prev?.channelId !== this.conversation?.channelId) || (changed.has('api') && this.api)) {
      void this.#load();
    }
    if (changed.has('conversation') && prev?.id !== this.conversation?.id) this.#reset();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.#setHeader(null);
  }

  async #load(force = false) {
    const channel = this.conversation?.channelId;
    if (channel == null || !this.api) return;
    const cached = this.#cache.get(channel);
    if (cached && !force) {
      this._templates = cached;
      return;
    }
    if (this.#loading === channel) return;
    this.#loading = channel;
    this._templates = null;
    this._error = null;
    try {
      const res = await this.api.get<{ items: Template[] }>(`/api/v1/channels/${channel}/templates`);
      this.#cache.set(channel, res.items);
      if (this.conversation?.channelId === channel) this._templates = res.items;
    } catch (e) {
      this._error = e;
    } finally {
      this.#loading = null;
    }
  }

  #reset() {
    this._key = '';
    this._values = {};
    this._tried = false;
    this.#setHeader(null);
  }

  #setHeader(h: HeaderMedia | null) {
    if (this._header?.previewUrl && this._header.previewUrl !== h?.previewUrl) URL.revokeObjectURL(this._header.previewUrl);
    this._header = h;
  }

  get #approved(): Template[] {
    return (this._templates ?? []).filter((t) => !t.status || t.status.toUpperCase() === 'APPROVED');
  }

  get #template(): Template | undefined {
    return this.#approved.find((t) => `${t.name}|${t.language}` === this._key);
  }

  /** Focuses the first field (the `r` shortcut lands here while the window is closed). */
  focusInput() {
    this.renderRoot.querySelector<HTMLElement>('select, input')?.focus();
  }

  async #pickHeader(e: Event) {
    const input = e.target as HTMLInputElement;
    const file = input.files?.[0];
    input.value = '';
    if (!file || !this.api) return;
    const h: HeaderMedia = {
      file,
      previewUrl: file.type.startsWith('image/') ? URL.createObjectURL(file) : null,
      media: null,
      progress: 0,
      error: null,
    };
    this.#setHeader(h);
    try {
      const up = await this.api.upload<{ id: number; mime: string; size: number; filename: string | null }>(
        '/api/v1/media',
        file,
        {
          filename: file.name,
          onProgress: (f) => {
            if (this._header?.file === file) this._header = { ...this._header, progress: f };
          },
        },
      );
      if (this._header?.file !== file) return;
      this._header = {
        ...this._header,
        progress: 1,
        media: { id: up.id, mime: up.mime, size: up.size, filename: up.filename ?? file.name, state: 'stored', url: null },
      };
    } catch (err) {
      if (this._header?.file === file) this._header = { ...this._header, error: uploadError(err, file) };
    }
  }

  #send(e: SubmitEvent) {
    e.preventDefault();
    const t = this.#template;
    if (!t) return;
    this._tried = true;
    const header = part(t, 'HEADER');
    const headerFormat = header?.format?.toUpperCase() ?? 'TEXT';
    const body = part(t, 'BODY');
    const headerVars = headerFormat === 'TEXT' ? templateVars(header?.text) : [];
    const bodyVars = templateVars(body?.text);
    const buttons = dynamicButtons(t);
    const v = this._values;
    const missing =
      headerVars.some((k) => !v[`h:${k}`]?.trim()) ||
      bodyVars.some((k) => !v[`b:${k}`]?.trim()) ||
      buttons.some((_, i) => !v[`u:${i}`]?.trim()) ||
      (MEDIA_HEADERS[headerFormat] && !this._header?.media);
    if (missing) {
      this.renderRoot.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus();
      return;
    }
    const bodyParams = bodyVars.map((k) => v[`b:${k}`].trim());
    const headerParams = headerVars.map((k) => v[`h:${k}`].trim());
    const buttonParams = buttons.map((_, i) => v[`u:${i}`].trim());
    const text = body?.text ? fillTemplate(body.text, Object.fromEntries(bodyVars.map((k, i) => [k, bodyParams[i]]))) : null;
    const request: SendRequest = {
      body: {
        type: 'template',
        template: {
          name: t.name,
          language: t.language,
          ...(this._header?.media ? { headerMediaId: this._header.media.id } : {}),
          ...(headerParams.length ? { headerParams } : {}),
          ...(bodyParams.length ? { bodyParams } : {}),
          ...(buttonParams.length ? { buttonParams } : {}),
        },
      },
      text,
      content: { type: 'template', template: { name: t.name, language: { code: t.language } } },
    };
    this.emit('inbox-send', request);
    this.#reset();
  }

  #set(key: string, value: string) {
    this._values = { ...this._values, [key]: value };
  }

  override render() {
    const name = this.conversation ? customerName(this.conversation) : 'the customer';
    return html`<div class="picker">
      <div class="intro">
        ${icons.clock}
        <p>
          <strong>The 24-hour window is closed.</strong> WhatsApp only lets you message ${name} with an approved template until
          they write again.
        </p>
        <button type="button" class="link" @click=${() => this.emit('inbox-closed-mode', 'note')}>
          Write a private note instead
        </button>
      </div>
      ${this.#content()}
    </div>`;
  }

  #content() {
    if (this._error) {
      return html`<div class="form-error" role="alert">
        Templates could not be loaded: ${errorMessage(this._error)}
        <button type="button" class="btn small" @click=${() => this.#load(true)}>Try again</button>
      </div>`;
    }
    if (!this._templates) return html`<p class="muted" role="status">Loading templates…</p>`;
    const approved = this.#approved;
    if (!approved.length) {
      const pending = this._templates.length;
      return html`<p class="muted">
        This number has no approved template yet${pending ? ` (${pending} waiting for approval or rejected)` : ''}. Create one in
        WhatsApp Manager; approved templates appear here.
      </p>`;
    }
    const t = this.#template;
    return html`<form class="grid" @submit=${this.#send} novalidate>
      <div class="fields">
        <div class="field">
          <label for="tpl">Template</label>
          <select
            id="tpl"
            .value=${this._key}
            @change=${(e: Event) => {
              this.#reset();
              this._key = (e.target as HTMLSelectElement).value;
            }}
          >
            <option value="" ?selected=${!this._key}>Choose a template…</option>
            ${approved.map(
              (x) =>
                html`<option value="${x.name}|${x.language}" ?selected=${this._key === `${x.name}|${x.language}`}>
                  ${x.name} (${x.language})${x.category ? ` · ${x.category.toLowerCase()}` : ''}
                </option>`,
            )}
          </select>
        </div>
        ${t ? this.#inputs(t) : nothing}
        ${t ? html`<button type="submit" class="btn primary">${icons.send} Send template</button>` : nothing}
      </div>
      ${t ? this.#preview(t) : nothing}
    </form>`;
  }

  #input(key: string, label: string) {
    const invalid = this._tried && !this._values[key]?.trim();
    return html`<div class="field">
      <label for="v-${key}">${label}</label>
      <input
        id="v-${key}"
        .value=${this._values[key] ?? ''}
        aria-invalid=${invalid ? 'true' : 'false'}
        aria-describedby=${ifDefined(invalid ? `e-${key}` : undefined)}
        autocomplete="off"
        @input=${(e: Event) => this.#set(key, (e.target as HTMLInputElement).value)}
      />
      ${invalid ? html`<span class="error-text" id="e-${key}">Fill this in.</span>` : nothing}
    </div>`;
  }

  #inputs(t: Template) {
    const header = part(t, 'HEADER');
    const format = header?.format?.toUpperCase() ?? 'TEXT';
    const media = MEDIA_HEADERS[format];
    const h = this._header;
    const mediaInvalid = this._tried && media && !h?.media;
    return html`
      ${
        media
          ? html`<div class="field">
              <label for="hdr">${media.label}</label>
              <input
                id="hdr"
                type="file"
                accept=${media.accept}
                aria-invalid=${mediaInvalid ? 'true' : 'false'}
                @change=${this.#pickHeader}
              />
              ${
                h
                  ? h.error
                    ? html`<span class="error-text" role="alert">${h.error}</span>`
                    : h.media
                      ? html`<span class="help">${h.file.name} uploaded.</span>`
                      : html`<progress max="1" .value=${h.progress} aria-label="Uploading ${h.file.name}"></progress>`
                  : mediaInvalid
                    ? html`<span class="error-text">Choose a file for the header.</span>`
                    : nothing
              }
            </div>`
          : nothing
      }
      ${format === 'TEXT' ? templateVars(header?.text).map((k) => this.#input(`h:${k}`, `Header {{${k}}}`)) : nothing}
      ${templateVars(part(t, 'BODY')?.text).map((k) => this.#input(`b:${k}`, `Body {{${k}}}`))}
      ${dynamicButtons(t).map((b, i) => this.#input(`u:${i}`, `Link of “${b.text}”`))}
    `;
  }

  /** The filled text, with unfilled variables marked so the gaps show in the preview. */
  #filled(text: string, prefix: string) {
    const parts: unknown[] = [];
    let last = 0;
    for (const m of text.matchAll(/\{\{\s*([\w.]+)\s*\}\}/g)) {
      parts.push(text.slice(last, m.index));
      const v = this._values[`${prefix}:${m[1]}`]?.trim();
      parts.push(v ? v : html`<mark>{{${m[1]}}}</mark>`);
      last = m.index! + m[0].length;
    }
    parts.push(text.slice(last));
    return parts;
  }

  #preview(t: Template) {
    const header = part(t, 'HEADER');
    const format = header?.format?.toUpperCase() ?? 'TEXT';
    const body = part(t, 'BODY');
    const footer = part(t, 'FOOTER');
    const buttons = part(t, 'BUTTONS')?.buttons ?? [];
    const h = this._header;
    return html`<figure class="phone" aria-label="Preview of the message">
      <figcaption>Preview</figcaption>
      <div class="screen">
        <div class="wa-bubble">
          ${
            format === 'TEXT' && header?.text
              ? html`<div class="wa-header">${this.#filled(header.text, 'h')}</div>`
              : MEDIA_HEADERS[format]
                ? h?.previewUrl
                  ? html`<img class="wa-media" src=${h.previewUrl} alt="Header image" />`
                  : html`<div class="wa-media placeholder">
                      ${format === 'DOCUMENT' ? icons.doc : icons.clip} ${h?.file.name ?? MEDIA_HEADERS[format].label}
                    </div>`
                : nothing
          }
          ${body?.text ? html`<div class="wa-body">${this.#filled(body.text, 'b')}</div>` : nothing}
          ${footer?.text ? html`<div class="wa-footer">${footer.text}</div>` : nothing}
          <div class="wa-time">${clock(new Date().toISOString())}</div>
        </div>
        ${buttons.map((b) => html`<div class="wa-button">${b.text}</div>`)}
      </div>
    </figure>`;
  }
}
