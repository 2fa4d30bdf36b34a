// What a message shows inside its bubble, per WhatsApp message type, and <wa-inbox-media>, which
// fetches media through the API client (embedded widgets authenticate with a bearer token that an
// <img src> could not send) and shows it from an object URL, revoked when the element goes away.
// Untrusted text is only ever bound as text: links are built as elements from http(s) URLs only.
import { html, css, nothing, type TemplateResult } from 'lit';
import { InboxPart } from './inbox-part.ts';
import { icons } from './icons.ts';
import { errorMessage } from '../shared/ui.styles.ts';
import { fileSize, messageText, obj, str, type Media, type Message } from './inbox.types.ts';

type MediaKind = 'image' | 'video' | 'audio' | 'sticker' | 'document';

/**
 * One media attachment. Images, stickers, video and audio load when they scroll near the view;
 * documents load when the user asks to download them.
 *
 * @tag wa-inbox-media
 */
export class WaInboxMedia extends InboxPart {
  static override styles = [
    InboxPart.styles,
    css`
      :host {
        display: block;
      }
      .frame {
        display: grid;
        place-items: center;
        width: min(260px, 100%);
        aspect-ratio: 4 / 3;
        border-radius: var(--wa-radius-sm);
        background: var(--wa-color-surface-2);
        color: var(--wa-color-text-muted);
        font-size: var(--wa-font-size-sm);
        overflow: hidden;
        text-align: center;
        padding: var(--wa-space-2);
      }
      :host([kind='sticker']) .frame {
        width: 128px;
        aspect-ratio: 1;
        background: transparent;
        padding: 0;
      }
      img,
      video {
        display: block;
        width: min(260px, 100%);
        aspect-ratio: 4 / 3;
        object-fit: cover;
        border-radius: var(--wa-radius-sm);
        background: var(--wa-color-surface-2);
      }
      :host([kind='sticker']) img {
        width: 128px;
        aspect-ratio: 1;
        object-fit: contain;
        background: transparent;
      }
      a.open {
        display: block;
        border-radius: var(--wa-radius-sm);
      }
      audio {
        display: block;
        width: min(280px, 70vw);
        height: 40px;
      }
      .file {
        display: flex;
        align-items: center;
        gap: var(--wa-space-2);
        min-width: 0;
        max-width: 300px;
        padding: var(--wa-space-2);
        border-radius: var(--wa-radius-sm);
        background: color-mix(in srgb, var(--wa-color-text) 6%, transparent);
      }
      .file .icon {
        width: 28px;
        height: 28px;
        flex: none;
        color: var(--wa-color-primary);
      }
      .file .meta {
        flex: 1;
        min-width: 0;
        display: flex;
        flex-direction: column;
      }
      .file .name {
        font-weight: 600;
        overflow: hidden;
        text-overflow: ellipsis;
        white-space: nowrap;
      }
      .file .size {
        font-size: var(--wa-font-size-sm);
        color: var(--wa-color-text-muted);
      }
      button {
        display: inline-grid;
        place-items: center;
        width: 32px;
        height: 32px;
        border: 1px solid var(--wa-color-border);
        border-radius: 50%;
        background: var(--wa-color-bg);
        color: var(--wa-color-text);
        cursor: pointer;
        flex: none;
      }
      button:disabled {
        cursor: progress;
        opacity: 0.6;
      }
      .spin {
        width: 18px;
        height: 18px;
        border: 2px solid currentColor;
        border-right-color: transparent;
        border-radius: 50%;
        animation: spin 0.8s linear infinite;
      }
      @keyframes spin {
        to {
          transform: rotate(360deg);
        }
      }
      @media (prefers-reduced-motion: reduce) {
        .spin {
          animation-duration: 3s;
        }
      }
    `,
  ];
  static override properties = {
    ...InboxPart.properties,
    media: { attribute: false },
    kind: { type: String, reflect: true },
    label: { type: String },
    previewUrl: { attribute: false },
    _url: { state: true },
    _error: { state: true },
    _busy: { state: true },
  };

  declare media: Media | null;
  declare kind: MediaKind;
  /** Accessible description (alt text): the caption, or what the media is. */
  declare label: string;
  /** A local object URL (an upload being sent) shown instead of fetching. */
  declare previewUrl: string | undefined;
  declare _url: string | null;
  declare _error: string | null;
  declare _busy: boolean;

  #observer: IntersectionObserver | null = null;
  #loadedFor: string | null = null;
  #ctrl: AbortController | null = null;

  constructor() {
    super();
    this.media = null;
    this.kind = 'image';
    this.label = '';
    this._url = null;
    this._error = null;
    this._busy = false;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    if (this.kind === 'document') return;
    if (typeof IntersectionObserver === 'undefined') {
      void this.#load();
      return;
    }
    this.#observer = new IntersectionObserver(
      (entries) => {
        if (entries.some((e) => e.isIntersecting)) {
          this.#observer?.disconnect();
          this.#observer = null;
          void this.#load();
        }
      },
      { rootMargin: '300px' },
    );
    this.#observer.observe(this);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.#observer?.disconnect();
    this.#observer = null;
    this.#ctrl?.abort();
    this.#release();
  }

  #release() {
    if (this._url) URL.revokeObjectURL(this._url);
    this._url = null;
    this.#loadedFor = null;
  }

  get #src(): string | null {
    const m = this.media;
    if (!m || m.state !== 'stored') return null;
    return m.url ?? (m.id != null ? `/api/v1/media/${m.id}` : null);
  }

  async #load(): Promise<string | null> {
    const src = this.#src;
    if (!src || !this.api) return null;
    if (this.#loadedFor === src && this._url) return this._url;
    this.#ctrl?.abort();
    const ctrl = (this.#ctrl = new AbortController());
    this._error = null;
    try {
      const blob = await this.api.blob(src, { signal: ctrl.signal });
      if (ctrl.signal.aborted) return null;
      this.#release();
      this._url = URL.createObjectURL(blob);
      this.#loadedFor = src;
      return this._url;
    } catch (e) {
      if ((e as Error).name !== 'AbortError') this._error = errorMessage(e);
      return null;
    }
  }

  async #download() {
    this._busy = true;
    const url = await this.#load();
    this._busy = false;
    if (!url) {
      if (this._error) this.toast(`The file could not be downloaded: ${this._error}`);
      return;
    }
    const a = document.createElement('a');
    a.href = url;
    a.download = this.media?.filename || 'download';
    a.rel = 'noopener';
    this.renderRoot.appendChild(a);
    a.click();
    a.remove();
  }

  override render() {
    const m = this.media;
    if (m?.state === 'pending' && !this.previewUrl) {
      return html`<div class="frame" role="status"><span class="spin" aria-hidden="true"></span>Downloading…</div>`;
    }
    if ((m?.state === 'failed' || !m) && !this.previewUrl) {
      return html`<div class="frame">${icons.alert} This media could not be downloaded from WhatsApp.</div>`;
    }
    if (this.kind === 'document') {
      const name = m?.filename || 'Document';
      const details = [m?.mime ? m.mime.split('/').pop()!.toUpperCase() : '', fileSize(m?.size)].filter(Boolean).join(' · ');
      return html`<div class="file">
        ${icons.doc}
        <span class="meta"><span class="name" title=${name}>${name}</span><span class="size">${details}</span></span>
        <button type="button" aria-label="Download ${name}" ?disabled=${this._busy} @click=${this.#download}>
          ${this._busy ? html`<span class="spin" aria-hidden="true"></span>` : icons.download}
        </button>
      </div>`;
    }
    const url = this.previewUrl ?? this._url;
    if (!url) {
      return html`<div class="frame" role=${this._error ? 'alert' : 'status'}>
        ${this._error ? html`${icons.alert} ${this._error}` : html`<span class="spin" aria-hidden="true"></span>`}
        <span class="visually-hidden">${this._error ? '' : `Loading ${this.kind}`}</span>
      </div>`;
    }
    switch (this.kind) {
      case 'video':
        return html`<video src=${url} controls preload="metadata" aria-label=${this.label || 'Video'}></video>`;
      case 'audio':
        return html`<audio src=${url} controls preload="metadata" aria-label=${this.label || 'Voice message'}></audio>`;
      case 'sticker':
        return html`<img src=${url} alt=${this.label || 'Sticker'} />`;
      default:
        return html`<a class="open" href=${url} target="_blank" rel="noopener" aria-label="Open the photo in full size"
          ><img src=${url} alt=${this.label || 'Photo'}
        /></a>`;
    }
  }
}

const URL_RE = /\bhttps?:\/\/[^\s<>"']+/gi;

/** Text with http(s) links made clickable; everything else stays text (Lit escapes it). */
export function linkify(text: string): (string | TemplateResult)[] {
  const out: (string | TemplateResult)[] = [];
  let last = 0;
  for (const m of text.matchAll(URL_RE)) {
    let url = m[0];
    // Sentence punctuation right after a link is not part of it.
    const trail = /[.,;:!?)\]]+$/.exec(url)?.[0] ?? '';
    url = url.slice(0, url.length - trail.length);
    out.push(text.slice(last, m.index));
    out.push(html`<a href=${url} target="_blank" rel="noopener noreferrer nofollow">${url}</a>`);
    last = m.index! + url.length;
  }
  out.push(text.slice(last));
  return out;
}

function textBlock(text: string | null) {
  return text ? html`<div class="text">${linkify(text)}</div>` : nothing;
}

function mediaEl(m: Message, kind: MediaKind, ctx: BodyContext, label: string) {
  return html`<wa-inbox-media
    .api=${ctx.api}
    .bridge=${ctx.bridge}
    .media=${m.media ?? null}
    .previewUrl=${m.local?.previewUrl}
    kind=${kind}
    label=${label}
  ></wa-inbox-media>`;
}

export interface BodyContext {
  api: InboxPart['api'];
  bridge: InboxPart['bridge'];
}

/** The inside of a bubble for every message type the Cloud API delivers or we send. */
export function renderBody(m: Message, ctx: BodyContext): TemplateResult | typeof nothing {
  const c = m.content;
  const own = obj(c[m.type]);
  const text = messageText(m);
  switch (m.type) {
    case 'image':
    case 'video':
    case 'sticker':
      return html`${mediaEl(m, m.type, ctx, text ?? '')}${m.type === 'sticker' ? nothing : textBlock(text)}`;
    case 'audio':
      return html`<div class="kind">${own.voice ? 'Voice message' : 'Audio'}</div>
        ${mediaEl(m, 'audio', ctx, own.voice ? 'Voice message' : 'Audio')}`;
    case 'document':
      return html`${mediaEl(m, 'document', ctx, m.media?.filename ?? 'Document')}${textBlock(text)}`;
    case 'location': {
      const lat = Number(own.latitude);
      const lon = Number(own.longitude);
      const ok = Number.isFinite(lat) && Number.isFinite(lon);
      const name = str(own.name);
      const address = str(own.address);
      const osm = `https://www.openstreetmap.org/?mlat=${lat}&mlon=${lon}#map=16/${lat}/${lon}`;
      return html`<div class="location">
        <span class="loc-icon">${icons.pin}</span>
        <div>
          ${name ? html`<strong>${name}</strong>` : html`<strong>Location</strong>`}
          ${address ? html`<div>${address}</div>` : nothing}
          ${ok ? html`<div class="coords">${lat.toFixed(5)}, ${lon.toFixed(5)}</div>` : nothing}
          ${
            ok
              ? html`<a href=${osm} target="_blank" rel="noopener noreferrer"
                  >Open in OpenStreetMap<span class="visually-hidden"> (new tab)</span></a
                >`
              : nothing
          }
        </div>
      </div>`;
    }
    case 'contacts': {
      const list = Array.isArray(c.contacts) ? (c.contacts as unknown[]).map(obj) : [];
      return html`${list.map((k) => {
        const n = obj(k.name);
        const phones = Array.isArray(k.phones) ? (k.phones as unknown[]).map(obj) : [];
        const emails = Array.isArray(k.emails) ? (k.emails as unknown[]).map(obj) : [];
        const name = str(n.formatted_name) ?? [str(n.first_name), str(n.last_name)].filter(Boolean).join(' ');
        return html`<div class="contact">
          <span class="loc-icon">${icons.person}</span>
          <div>
            <strong>${name || 'Contact'}</strong>
            ${str(obj(k.org).company) ? html`<div class="muted">${str(obj(k.org).company)}</div>` : nothing}
            ${phones.map((p) => html`<div>${str(p.phone) ?? str(p.wa_id)}${str(p.type) ? html` <span class="muted">(${p.type})</span>` : ''}</div>`)}
            ${emails.map((e) => html`<div>${str(e.email)}</div>`)}
          </div>
        </div>`;
      })}`;
    }
    case 'interactive':
      return interactive(m, own, text);
    case 'button':
      return html`<div class="kind">Button reply</div>
        ${textBlock(str(own.text) ?? text)}`;
    case 'template': {
      const name = str(own.name) ?? str(c.name);
      return html`<div class="kind">${icons.template} Template${name ? html` · <span class="mono">${name}</span>` : nothing}</div>
        ${textBlock(text ?? templateParams(own))}`;
    }
    case 'text':
    case 'note':
      return textBlock(text ?? '');
    default:
      return text
        ? textBlock(text)
        : html`<div class="muted unsupported">This message type (${m.type}) can't be shown here yet.</div>`;
  }
}

function templateParams(t: Record<string, unknown>): string | null {
  const comps = Array.isArray(t.components) ? (t.components as unknown[]).map(obj) : [];
  const params = comps.flatMap((p) => (Array.isArray(p.parameters) ? (p.parameters as unknown[]).map(obj) : []));
  const texts = params.map((p) => str(p.text)).filter(Boolean);
  return texts.length ? texts.join(' · ') : null;
}

function interactive(m: Message, own: Record<string, unknown>, text: string | null) {
  const kind = str(own.type) ?? str(own.kind);
  if (kind === 'button_reply' || kind === 'list_reply') {
    const r = obj(own[kind]);
    return html`<div class="kind">${icons.reply} ${kind === 'button_reply' ? 'Tapped a button' : 'Picked from a list'}</div>
      <div class="text"><strong>${str(r.title) ?? ''}</strong></div>
      ${str(r.description) ? html`<div class="muted">${r.description}</div>` : nothing}`;
  }
  const action = obj(own.action);
  const buttons = (Array.isArray(own.buttons) ? own.buttons : Array.isArray(action.buttons) ? action.buttons : []) as unknown[];
  const titles = buttons.map((b) => str(obj(b).title) ?? str(obj(obj(b).reply).title)).filter(Boolean) as string[];
  const sections = (
    Array.isArray(own.sections) ? own.sections : Array.isArray(action.sections) ? action.sections : []
  ) as unknown[];
  const footer = str(own.footer) ?? str(obj(own.footer).text);
  return html`${textBlock(text)} ${footer ? html`<div class="footer muted">${footer}</div>` : nothing}
  ${titles.length ? html`<div class="chips">${titles.map((t) => html`<span class="chip">${t}</span>`)}</div>` : nothing}
  ${
    sections.length
      ? html`<div class="chips"><span class="chip">${str(own.button) ?? str(action.button) ?? 'Options'}</span></div>
          <ul class="rows">
            ${sections.flatMap((s) => ((obj(s).rows as unknown[]) ?? []).map((r) => html`<li>${str(obj(r).title) ?? ''}</li>`))}
          </ul>`
      : nothing
  }
  ${!text && !titles.length && !sections.length && m.direction === 'in' ? html`<div class="muted">Interactive reply</div>` : nothing}`;
}

/** Outbound delivery state as an icon with its name in words. */
export function statusTicks(m: Message): TemplateResult | typeof nothing {
  if (m.direction !== 'out' || m.note) return nothing;
  if (m.local?.state === 'sending' || m.status === 'pending') {
    return html`<span class="tick pending" title="Sending" role="img" aria-label="Sending">${icons.clock}</span>`;
  }
  if (m.local?.state === 'failed' || m.status === 'failed') {
    return html`<span class="tick failed" title="Not delivered" role="img" aria-label="Not delivered">${icons.alert}</span>`;
  }
  if (m.local?.state === 'held') {
    return html`<span class="tick pending" title="Waiting for your decision" role="img" aria-label="Not sent yet"
      >${icons.clock}</span
    >`;
  }
  switch (m.status) {
    case 'read':
    case 'played':
      return html`<span class="tick read" title="Read" role="img" aria-label="Read">${icons.checks}</span>`;
    case 'delivered':
      return html`<span class="tick" title="Delivered" role="img" aria-label="Delivered">${icons.checks}</span>`;
    default:
      return html`<span class="tick" title="Sent" role="img" aria-label="Sent">${icons.check}</span>`;
  }
}
