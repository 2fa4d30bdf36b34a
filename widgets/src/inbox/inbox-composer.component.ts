import { html, nothing, type PropertyValues } from 'lit';
import { ifDefined } from 'lit/directives/if-defined.js';
import { live } from 'lit/directives/live.js';
import { InboxPart } from './inbox-part.ts';
import { ui, errorMessage } from '../shared/ui.styles.ts';
import { ApiError } from '../shared/api-client.ts';
import { icons } from './icons.ts';
import {
  fileSize,
  mediaTypeOf,
  summary,
  type Agent,
  type CannedResponse,
  type Conversation,
  type Media,
  type Message,
  type SendRequest,
} from './inbox.types.ts';
import { styles } from './inbox-composer.styles.ts';

interface Attachment {
  file: File;
  previewUrl: string | null;
  progress: number;
  media: Media | null;
  ctrl: AbortController;
}

type Popup =
  | { kind: 'canned'; start: number; end: number; query: string; index: number }
  | { kind: 'mention'; start: number; end: number; query: string; index: number };

interface Option {
  id: string;
  label: string;
  hint: string;
  pick: () => void;
}

interface Missing {
  response: CannedResponse;
  vars: string[];
  start: number;
  end: number;
}

const TYPING_EVERY_MS = 3000;
const CAPTIONED = new Set(['image', 'video', 'document']);

/** Plain words for an upload the server refused. */
export function uploadError(e: unknown, file: File): string {
  if (e instanceof ApiError && e.status === 413) {
    return `${file.name} is too large to send (${fileSize(file.size)}). WhatsApp takes images up to 5 MB, video and audio up to 16 MB and documents up to 100 MB.`;
  }
  if (e instanceof ApiError && e.status === 415) {
    return `WhatsApp can't send this kind of file (${file.type || 'unknown type'}). Send a JPEG or PNG image, an MP4 video, an AAC, MP3, OGG or AMR audio file, or a PDF or Office document.`;
  }
  return `${file.name} could not be uploaded: ${errorMessage(e)}`;
}

/**
 * The reply box: text (Enter sends, Shift+Enter adds a line), attachments, a quoted reply, private
 * notes with @mentions, canned responses on `/`, and an interactive buttons builder. Sending is
 * the inbox's job: this element hands it a `SendRequest` and clears itself at once.
 *
 * @tag wa-inbox-composer
 * @event inbox-send - `detail: SendRequest`.
 * @event inbox-draft - `detail: { text }` after every edit.
 * @event inbox-typing - At most every 3 s while the user types.
 * @event inbox-reply-cancel - The quoted message was dismissed.
 * @event inbox-closed-mode - `detail: 'template'` — switch back to the template picker (note-only mode).
 */
export class WaInboxComposer extends InboxPart {
  static override styles = [InboxPart.styles, ui, styles];
  static override properties = {
    ...InboxPart.properties,
    conversation: { attribute: false },
    draft: { attribute: false },
    replyTo: { attribute: false },
    agents: { attribute: false },
    noteOnly: { type: Boolean },
    _text: { state: true },
    _note: { state: true },
    _attachment: { state: true },
    _uploadError: { state: true },
    _popup: { state: true },
    _canned: { state: true },
    _cannedError: { state: true },
    _missing: { state: true },
    _busy: { state: true },
    _builder: { state: true },
    _builderError: { state: true },
  };

  declare conversation: Conversation | null;
  declare draft: string;
  declare replyTo: Message | null;
  declare agents: Agent[];
  declare noteOnly: boolean;
  declare _text: string;
  declare _note: boolean;
  declare _attachment: Attachment | null;
  declare _uploadError: string | null;
  declare _popup: Popup | null;
  declare _canned: CannedResponse[] | null;
  declare _cannedError: string | null;
  declare _missing: Missing | null;
  declare _busy: boolean;
  declare _builder: boolean;
  declare _builderError: string | null;

  #mentions = new Map<string, number>();
  #lastTyping = 0;
  #caret: number | null = null;

  constructor() {
    super();
    this.conversation = null;
    this.draft = '';
    this.replyTo = null;
    this.agents = [];
    this.noteOnly = false;
    this._text = '';
    this._note = false;
    this._attachment = null;
    this._uploadError = null;
    this._popup = null;
    this._canned = null;
    this._cannedError = null;
    this._missing = null;
    this._busy = false;
    this._builder = false;
    this._builderError = null;
  }

  get #input(): HTMLTextAreaElement | null {
    return this.renderRoot.querySelector('textarea.input');
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    const prev = changed.get('conversation') as Conversation | null | undefined;
    if (changed.has('conversation') && prev?.id !== this.conversation?.id) {
      this._text = this.draft ?? '';
      this.#clearAttachment();
      this._uploadError = null;
      this._popup = null;
      this._missing = null;
      this._note = false;
      this.#mentions.clear();
    }
    if (changed.has('noteOnly') && this.noteOnly) this._note = true;
  }

  protected override updated(changed: PropertyValues<this>): void {
    super.updated(changed);
    if (changed.has('_builder')) {
      const d = this.renderRoot.querySelector<HTMLDialogElement>('#builder');
      if (this._builder && d && !d.open) d.showModal();
      if (!this._builder && d?.open) d.close();
    }
    const input = this.#input;
    if (input) {
      input.style.height = 'auto';
      input.style.height = `${Math.min(input.scrollHeight + 2, 160)}px`;
      if (this.#caret !== null) {
        input.setSelectionRange(this.#caret, this.#caret);
        this.#caret = null;
      }
    }
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.#clearAttachment();
  }

  /** Puts the caret in the reply box. */
  focusInput() {
    const input = this.#input;
    input?.focus();
    if (input) input.setSelectionRange(input.value.length, input.value.length);
  }

  /** Replaces the text (a collision was cancelled, a draft restored). */
  setText(text: string) {
    this._text = text;
    this.#caret = text.length;
    this.emit('inbox-draft', { text });
  }

  /** Opens canned responses at the caret, as typing `/` would. */
  openCanned() {
    const input = this.#input;
    if (!input) return;
    input.focus();
    const at = input.selectionStart ?? this._text.length;
    const before = this._text.slice(0, at);
    const insert = before && !/\s$/.test(before) ? ' /' : '/';
    this._text = before + insert + this._text.slice(at);
    this.#caret = at + insert.length;
    this.#detect(this._text, at + insert.length);
  }

  /** Escape from the inbox: closes what is open here. Returns whether something was. */
  closePopups(): boolean {
    if (this._popup) {
      this._popup = null;
      return true;
    }
    if (this._missing) {
      this._missing = null;
      return true;
    }
    return false;
  }

  // ── typing, triggers ─────────────────────────────────────────────────────────────────────

  #onInput(e: InputEvent) {
    const input = e.target as HTMLTextAreaElement;
    this._text = input.value;
    this.emit('inbox-draft', { text: this._text });
    this.#detect(this._text, input.selectionStart ?? this._text.length);
    const now = Date.now();
    if (this._text.trim() && now - this.#lastTyping >= TYPING_EVERY_MS) {
      this.#lastTyping = now;
      this.emit('inbox-typing');
    }
  }

  #detect(text: string, caret: number) {
    const before = text.slice(0, caret);
    const slash = /(^|\s)\/([\w-]*)$/.exec(before);
    if (slash) {
      const start = caret - slash[2].length - 1;
      const keep = this._popup?.kind === 'canned' && this._popup.query === slash[2] ? this._popup.index : 0;
      this._popup = { kind: 'canned', start, end: caret, query: slash[2], index: keep };
      void this.#loadCanned();
      return;
    }
    const at = this._note ? /(^|\s)@([\p{L}\p{N}._-]*)$/u.exec(before) : null;
    if (at && this.agents.length) {
      this._popup = { kind: 'mention', start: caret - at[2].length - 1, end: caret, query: at[2], index: 0 };
      return;
    }
    this._popup = null;
  }

  async #loadCanned() {
    if (this._canned || !this.api) return;
    try {
      const res = await this.api.get<{ items: CannedResponse[] }>('/api/v1/canned-responses');
      this._canned = res.items;
      this._cannedError = null;
    } catch (e) {
      this._cannedError = `Canned responses could not be loaded: ${errorMessage(e)}`;
      this._canned = null;
    }
  }

  #options(): Option[] {
    const p = this._popup;
    if (!p) return [];
    const q = p.query.toLowerCase();
    if (p.kind === 'canned') {
      return (this._canned ?? [])
        .filter((c) => !q || c.shortcode.toLowerCase().includes(q) || c.title.toLowerCase().includes(q))
        .sort((a, b) => Number(!a.shortcode.toLowerCase().startsWith(q)) - Number(!b.shortcode.toLowerCase().startsWith(q)))
        .slice(0, 8)
        .map((c) => ({ id: `c${c.id}`, label: `/${c.shortcode}`, hint: c.title, pick: () => void this.#chooseCanned(c, p) }));
    }
    return this.agents
      .filter((a) => !q || a.name.toLowerCase().includes(q))
      .slice(0, 8)
      .map((a) => ({
        id: `a${a.id}`,
        label: a.name,
        hint: a.presence === 'online' ? 'Online' : (a.email ?? ''),
        pick: () => this.#chooseMention(a, p),
      }));
  }

  #onKeydown(e: KeyboardEvent) {
    const opts = this.#options();
    if (this._popup && (opts.length || e.key === 'Escape')) {
      const p = this._popup;
      if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
        e.preventDefault();
        const n = opts.length;
        this._popup = { ...p, index: (p.index + (e.key === 'ArrowDown' ? 1 : n - 1)) % n };
        return;
      }
      if (e.key === 'Enter' || e.key === 'Tab') {
        e.preventDefault();
        opts[Math.min(p.index, opts.length - 1)]?.pick();
        return;
      }
      if (e.key === 'Escape') {
        e.preventDefault();
        e.stopPropagation();
        this._popup = null;
        return;
      }
    }
    if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
      e.preventDefault();
      this.#send();
    }
  }

  #replace(start: number, end: number, insert: string) {
    this._text = this._text.slice(0, start) + insert + this._text.slice(end);
    this.#caret = start + insert.length;
    this._popup = null;
    this.emit('inbox-draft', { text: this._text });
    this.#input?.focus();
  }

  #chooseMention(a: Agent, p: Popup) {
    this.#mentions.set(a.name, a.id);
    this.#replace(p.start, p.end, `@${a.name} `);
  }

  async #chooseCanned(c: CannedResponse, p: Popup, values?: Record<string, string>) {
    if (!this.api || !this.conversation) return;
    this._popup = null;
    this._busy = true;
    try {
      const r = await this.api.post<{ text: string; missing: string[] }>(`/api/v1/canned-responses/${c.id}/render`, {
        conversationId: this.conversation.id,
        ...(values ? { values } : {}),
      });
      if (r.missing.length && !values) {
        this._missing = { response: c, vars: r.missing, start: p.start, end: p.end };
        await this.updateComplete;
        this.renderRoot.querySelector<HTMLInputElement>('.missing input')?.focus();
        return;
      }
      this._missing = null;
      this.#replace(p.start, p.end, r.text);
    } catch (e) {
      this.toast(`The canned response could not be inserted: ${errorMessage(e)}`);
    } finally {
      this._busy = false;
    }
  }

  #submitMissing(e: SubmitEvent) {
    e.preventDefault();
    const m = this._missing;
    if (!m) return;
    const data = new FormData(e.target as HTMLFormElement);
    const values: Record<string, string> = {};
    for (const v of m.vars) values[v] = String(data.get(v) ?? '').trim();
    void this.#chooseCanned(m.response, { kind: 'canned', start: m.start, end: m.end, query: '', index: 0 }, values);
  }

  // ── attachments ──────────────────────────────────────────────────────────────────────────

  #clearAttachment() {
    const a = this._attachment;
    if (!a) return;
    if (!a.media) a.ctrl.abort();
    this._attachment = null;
  }

  async #pick(e: Event) {
    const input = e.target as HTMLInputElement;
    const file = input.files?.[0];
    input.value = '';
    if (!file || !this.api) return;
    this.#clearAttachment();
    this._uploadError = null;
    const kind = mediaTypeOf(file.type);
    const att: Attachment = {
      file,
      previewUrl: kind === 'document' ? null : URL.createObjectURL(file),
      progress: 0,
      media: null,
      ctrl: new AbortController(),
    };
    this._attachment = att;
    try {
      const up = await this.api.upload<{ id: number; mime: string; size: number; filename: string | null }>(
        '/api/v1/media',
        file,
        {
          filename: file.name,
          signal: att.ctrl.signal,
          onProgress: (f) => {
            if (this._attachment === att) this._attachment = { ...att, progress: f };
          },
        },
      );
      if (this._attachment?.file !== file) return;
      this._attachment = {
        ...att,
        progress: 1,
        media: { id: up.id, mime: up.mime, size: up.size, filename: up.filename ?? file.name, state: 'stored', url: null },
      };
    } catch (err) {
      if ((err as Error).name === 'AbortError') return;
      if (this._attachment?.file === file) this._attachment = null;
      this._uploadError = uploadError(err, file);
    }
  }

  // ── sending ──────────────────────────────────────────────────────────────────────────────

  get #canSend(): boolean {
    const a = this._attachment;
    if (a && !a.media) return false;
    return Boolean(this._text.trim() || a?.media);
  }

  #send() {
    if (!this.#canSend || !this.conversation) return;
    const text = this._text.trim();
    const a = this._attachment;
    const sends: SendRequest[] = [];
    if (this._note) {
      const mentions = [...this.#mentions].filter(([name]) => text.includes(`@${name}`)).map(([, id]) => id);
      sends.push({
        body: { type: 'note', text, ...(mentions.length ? { mentions } : {}) },
        text,
        note: true,
      });
    } else {
      if (a?.media) {
        const type = mediaTypeOf(a.media.mime);
        const caption = CAPTIONED.has(type) && text ? text : null;
        sends.push({
          body: { type, mediaId: a.media.id, ...(caption ? { caption } : {}) },
          text: caption,
          media: a.media,
          previewUrl: a.previewUrl ?? undefined,
          content: { type, [type]: { caption } },
        });
        if (text && !caption) sends.push({ body: { type: 'text', text }, text });
      } else {
        sends.push({ body: { type: 'text', text }, text });
      }
    }
    for (const s of sends) this.emit('inbox-send', s);
    this._text = '';
    this._attachment = null;
    this._popup = null;
    this.#mentions.clear();
    this.emit('inbox-draft', { text: '' });
    this.#input?.focus();
  }

  #sendButtons(e: SubmitEvent) {
    e.preventDefault();
    const data = new FormData(e.target as HTMLFormElement);
    const body = String(data.get('body') ?? '').trim();
    const footer = String(data.get('footer') ?? '').trim();
    const titles = [1, 2, 3].map((i) => String(data.get(`b${i}`) ?? '').trim()).filter(Boolean);
    if (!body || titles.length === 0) {
      this._builderError = 'Write the message and at least one button.';
      return;
    }
    if (new Set(titles).size !== titles.length) {
      this._builderError = 'Each button needs a different title.';
      return;
    }
    const buttons = titles.map((title, i) => ({ id: `btn-${i + 1}`, title }));
    this.emit('inbox-send', {
      body: { type: 'interactive', interactive: { kind: 'buttons', body, ...(footer ? { footer } : {}), buttons } },
      text: body,
      content: { type: 'interactive', interactive: { type: 'button', body: { text: body }, footer: { text: footer }, buttons } },
    } satisfies SendRequest);
    this._builder = false;
    this._builderError = null;
    (e.target as HTMLFormElement).reset();
  }

  override render() {
    const note = this._note;
    const opts = this.#options();
    const p = this._popup;
    const a = this._attachment;
    const active = p && opts.length ? `opt-${opts[Math.min(p.index, opts.length - 1)].id}` : undefined;
    return html`<div class="composer ${note ? 'note' : ''}">
      ${
        this.replyTo
          ? html`<div class="replying">
              ${icons.reply}
              <span class="quote"><span class="visually-hidden">Replying to: </span>${summary(this.replyTo)}</span>
              <button
                type="button"
                class="icon-btn"
                aria-label="Don't quote this message"
                @click=${() => this.emit('inbox-reply-cancel')}
              >
                ${icons.close}
              </button>
            </div>`
          : nothing
      }
      ${this._missing ? this.#missingForm(this._missing) : nothing}
      ${
        a
          ? html`<div class="attachment" role="status">
              ${icons.clip}
              <span class="file-name">${a.file.name}</span>
              <span class="muted">${fileSize(a.file.size)}</span>
              ${
                a.media
                  ? html`<span class="ready">Ready to send</span>`
                  : html`<progress max="1" .value=${a.progress} aria-label="Uploading ${a.file.name}"></progress
                      ><span class="muted">${Math.round(a.progress * 100)}%</span>`
              }
              <button type="button" class="icon-btn" aria-label="Remove ${a.file.name}" @click=${() => this.#clearAttachment()}>
                ${icons.close}
              </button>
            </div>`
          : nothing
      }
      ${
        this._uploadError
          ? html`<div class="upload-error" role="alert">
              <span>${this._uploadError}</span>
              <button type="button" class="icon-btn" aria-label="Dismiss" @click=${() => (this._uploadError = null)}>
                ${icons.close}
              </button>
            </div>`
          : nothing
      }
      ${
        this.noteOnly
          ? html`<div class="modes">
              <span class="note-only">${icons.lock} Private note — only your team sees this</span>
              <button type="button" class="link" @click=${() => this.emit('inbox-closed-mode', 'template')}>
                Send a template instead
              </button>
            </div>`
          : html`<div class="modes" role="group" aria-label="Message kind">
              <button type="button" aria-pressed=${note ? 'false' : 'true'} @click=${() => (this._note = false)}>Reply</button>
              <button type="button" aria-pressed=${note ? 'true' : 'false'} @click=${() => (this._note = true)}>
                ${icons.lock} Private note
              </button>
              <span class="hint">Enter to send · Shift+Enter for a new line · / for canned responses</span>
            </div>`
      }
      <div class="input-row">
        ${
          note
            ? nothing
            : html`<label class="icon-btn" title="Attach a file">
                  ${icons.clip}<span class="visually-hidden">Attach a file</span>
                  <input type="file" class="visually-hidden" @change=${this.#pick} />
                </label>
                <button
                  type="button"
                  class="icon-btn"
                  title="Message with buttons"
                  aria-label="Message with buttons"
                  @click=${() => (this._builder = true)}
                >
                  ${icons.buttons}
                </button>`
        }
        <textarea
          class="input"
          rows="1"
          aria-label=${note ? 'Private note' : 'Reply'}
          placeholder=${note ? 'Write a private note — @mention a teammate' : 'Type a reply'}
          .value=${live(this._text)}
          aria-autocomplete="list"
          aria-controls=${ifDefined(p && opts.length ? 'popup' : undefined)}
          aria-activedescendant=${ifDefined(active)}
          @input=${this.#onInput}
          @keydown=${this.#onKeydown}
          @blur=${() =>
            setTimeout(() => {
              if (!this.shadowRoot?.activeElement) this._popup = null;
            }, 150)}
        ></textarea>
        <button
          type="button"
          class="send"
          aria-label=${note ? 'Add note' : 'Send'}
          title=${note ? 'Add note' : 'Send'}
          ?disabled=${!this.#canSend}
          @click=${() => this.#send()}
        >
          ${icons.send}
        </button>
      </div>
      ${p ? this.#popup(p, opts) : nothing} ${this.#builderDialog()}
    </div>`;
  }

  #popup(p: Popup, opts: Option[]) {
    const label = p.kind === 'canned' ? 'Canned responses' : 'Teammates';
    let empty: string | null = null;
    if (!opts.length) {
      if (p.kind === 'canned') {
        empty = this._cannedError ?? (this._canned ? `No canned response matches “${p.query}”.` : 'Loading canned responses…');
      } else empty = 'No teammate matches.';
    }
    return html`<div class="popup" @mousedown=${(e: Event) => e.preventDefault()}>
      <div class="popup-title">${label}</div>
      ${
        empty
          ? html`<p class="muted popup-empty" role="status">${empty}</p>`
          : html`<ul id="popup" role="listbox" aria-label=${label}>
              ${opts.map(
                (o, i) =>
                  html`<li
                    id="opt-${o.id}"
                    role="option"
                    aria-selected=${i === p.index ? 'true' : 'false'}
                    @click=${() => o.pick()}
                  >
                    <strong>${o.label}</strong> <span class="muted">${o.hint}</span>
                  </li>`,
              )}
            </ul>`
      }
    </div>`;
  }

  #missingForm(m: Missing) {
    return html`<form
      class="missing"
      @submit=${this.#submitMissing}
      @keydown=${(e: KeyboardEvent) => {
        if (e.key === 'Escape') {
          e.stopPropagation();
          this._missing = null;
          this.#input?.focus();
        }
      }}
    >
      <p><strong>${m.response.title}</strong> needs ${m.vars.length === 1 ? 'a value' : 'some values'}:</p>
      ${m.vars.map(
        (v) =>
          html`<div class="field">
            <label for="var-${v}">${v.replace(/[._]/g, ' ')}</label>
            <input id="var-${v}" name=${v} required autocomplete="off" />
          </div>`,
      )}
      <div class="actions">
        <button type="button" class="btn small" @click=${() => (this._missing = null)}>Cancel</button>
        <button type="submit" class="btn small primary" ?disabled=${this._busy}>Insert</button>
      </div>
    </form>`;
  }

  #builderDialog() {
    return html`<dialog id="builder" aria-labelledby="builder-title" @close=${() => (this._builder = false)}>
      <form @submit=${this.#sendButtons}>
        <h3 id="builder-title">Message with reply buttons</h3>
        ${this._builderError ? html`<div class="form-error" role="alert">${this._builderError}</div>` : nothing}
        <div class="field">
          <label for="ib-body">Message</label>
          <textarea id="ib-body" name="body" rows="3" maxlength="1024" required></textarea>
        </div>
        <div class="field">
          <label for="ib-footer">Footer (optional)</label>
          <input id="ib-footer" name="footer" maxlength="60" />
        </div>
        ${[1, 2, 3].map(
          (i) =>
            html`<div class="field">
              <label for="ib-b${i}">Button ${i}${i > 1 ? ' (optional)' : ''}</label>
              <input id="ib-b${i}" name="b${i}" maxlength="20" ?required=${i === 1} aria-describedby="ib-help" />
            </div>`,
        )}
        <p class="help" id="ib-help">Up to 3 buttons of at most 20 characters. The customer's tap comes back as a reply.</p>
        <div class="actions">
          <button type="button" class="btn" @click=${() => (this._builder = false)}>Cancel</button>
          <button type="submit" class="btn primary">Send</button>
        </div>
      </form>
    </dialog>`;
  }
}
