import { html, nothing } from 'lit';
import { ifDefined } from 'lit/directives/if-defined.js';
import { Task, initialState } from '@lit/task';
import { WaElement } from '../shared/base-element.ts';
import { ui, errorMessage } from '../shared/ui.styles.ts';
import { styles } from './embed-settings.styles.ts';
import { copyText } from '../shared/clipboard.ts';

export interface TenantEmbedding {
  id: number;
  name: string;
  allowedOrigins: string[];
  publishableKey: string;
}

/**
 * Website embedding settings of the tenant (admins): the sites allowed to show our widgets, the
 * publishable key that visitor-facing widgets use, and the snippet to paste on those sites.
 *
 * @tag wa-embed-settings
 * @property {'light'|'dark'} theme - Forces a theme; unset follows the host and prefers-color-scheme.
 * @event wa-origins-changed - `detail: string[]` after the allowed sites were saved.
 * @event wa-key-rotated - after the publishable key was replaced (no detail: the key is on screen).
 * @csspart origins - The list of allowed sites.
 * @csspart snippet - The code block with the script tag to paste.
 */
export class WaEmbedSettings extends WaElement {
  static override styles = [WaElement.styles, ui, styles];
  static override properties = {
    ...WaElement.properties,
    _originError: { state: true },
    _busy: { state: true },
    _confirmRotate: { state: true },
    _copied: { state: true },
  };
  static override modals = { _confirmRotate: 'confirm' };

  declare _originError: string | null;
  declare _busy: boolean;
  declare _confirmRotate: boolean;
  /** Which value was just copied ('key' or 'snippet'), for the status line. */
  declare _copied: string | null;

  constructor() {
    super();
    this._originError = null;
    this._busy = false;
    this._confirmRotate = false;
    this._copied = null;
  }

  #data = new Task(this, {
    task: async ([api], { signal }) => {
      if (!api) return initialState;
      return api.get<TenantEmbedding>('/api/v1/tenant', { signal });
    },
    args: () => [this.api, this.api?.tenant] as const,
  });

  override render() {
    const theme = ifDefined(this.theme ?? undefined);
    const skeleton = html`<wa-skeleton theme=${theme} lines="5" variant="block"></wa-skeleton>`;
    return html`
      <div class="page-header">
        <div>
          <h2>Website embedding</h2>
          <p>Put the chat bubble and the team widgets on your own website.</p>
        </div>
      </div>
      ${this.#data.render({
        initial: () => skeleton,
        pending: () => (this.#data.value ? this.#content(this.#data.value) : skeleton),
        error: (e) =>
          html`<wa-error-state
            theme=${theme}
            heading="Couldn't load the embedding settings"
            .error=${e}
            @wa-retry=${() => this.#data.run()}
          ></wa-error-state>`,
        complete: (t) => this.#content(t),
      })}
      ${this.#renderConfirm()}
    `;
  }

  #content(t: TenantEmbedding) {
    const origin = this.host?.serverOrigin ?? location.origin;
    const snippet = `<script async src="${origin}/w/v1/loader.js" data-wa-publishable-key="${t.publishableKey}"></script>`;
    return html`
      <section aria-labelledby="sites-title">
        <h3 id="sites-title">Allowed websites</h3>
        <p class="help">
          Widgets only work on these sites: the browser tells us which site a page is on, and a page from any other site is
          refused.
        </p>
        ${
          t.allowedOrigins.length === 0
            ? html`<p class="muted" data-empty>No website yet. Add the address of your site, e.g. https://shop.example.com.</p>`
            : html`<ul class="origins" part="origins">
                ${t.allowedOrigins.map(
                  (o) =>
                    html`<li>
                      <span class="mono">${o}</span>
                      <button
                        class="btn ghost danger-text small"
                        aria-label="Remove ${o}"
                        ?disabled=${this._busy}
                        @click=${() =>
                          this.#saveOrigins(
                            t.allowedOrigins.filter((x) => x !== o),
                            `${o} removed.`,
                          )}
                      >
                        Remove
                      </button>
                    </li>`,
                )}
              </ul>`
        }
        <form class="add-origin" @submit=${(e: SubmitEvent) => this.#addOrigin(e, t)} novalidate>
          <div class="field">
            <label for="origin">Website address</label>
            <input
              id="origin"
              name="origin"
              type="url"
              inputmode="url"
              placeholder="https://shop.example.com"
              autocomplete="off"
              required
              aria-invalid=${this._originError ? 'true' : 'false'}
              aria-describedby="origin-help ${this._originError ? 'origin-error' : ''}"
            />
            <span class="help" id="origin-help">Scheme and host only, with the port if it has one.</span>
            ${this._originError ? html`<span class="error-text" id="origin-error" role="alert">${this._originError}</span>` : nothing}
          </div>
          <button type="submit" class="btn primary" ?disabled=${this._busy}>Add website</button>
        </form>
      </section>

      <section aria-labelledby="key-title">
        <h3 id="key-title">Publishable key</h3>
        <p class="help">
          Public by design: it only identifies your workspace, and works only on the websites above. Visitor widgets use it to
          start an anonymous visitor session.
        </p>
        <div class="key-row">
          <code class="secret mono" data-key>${t.publishableKey}</code>
          <button class="btn" @click=${() => this.#copy(t.publishableKey, 'key')}>Copy key</button>
          <button class="btn ghost danger-text" @click=${() => (this._confirmRotate = true)}>Replace key…</button>
        </div>
      </section>

      <section aria-labelledby="snippet-title">
        <h3 id="snippet-title">Paste on your website</h3>
        <p class="help">
          Put this once before <code>&lt;/body&gt;</code>, then place widget tags where they should appear. For the team widgets
          (which act as one of your members) give the loader <code>data-wa-token-endpoint</code> instead, pointing at your own
          backend that mints embed tokens with an API token.
        </p>
        <pre class="snippet" part="snippet"><code data-snippet>${snippet}</code></pre>
        <div class="actions start">
          <button class="btn" @click=${() => this.#copy(snippet, 'snippet')}>Copy snippet</button>
        </div>
      </section>
      <p class="help" role="status">
        ${this._copied === 'key' ? 'Key copied.' : this._copied === 'snippet' ? 'Snippet copied.' : ''}
      </p>
    `;
  }

  #renderConfirm() {
    return html`<dialog id="confirm" aria-labelledby="confirm-title" @close=${() => (this._confirmRotate = false)}>
      <h3 id="confirm-title">Replace the publishable key?</h3>
      <p>
        Visitor widgets pasted with the current key stop working at once, and their visitors' sessions end. Update the snippet on
        your websites right after.
      </p>
      <div class="actions">
        <button class="btn" @click=${() => (this._confirmRotate = false)}>Cancel</button>
        <button class="btn danger" ?disabled=${this._busy} @click=${this.#rotate}>Replace key</button>
      </div>
    </dialog>`;
  }

  #addOrigin(e: SubmitEvent, t: TenantEmbedding) {
    e.preventDefault();
    const form = e.target as HTMLFormElement;
    const raw = String(new FormData(form).get('origin') ?? '').trim();
    if (!raw) {
      this._originError = 'Type the address of your website, e.g. https://shop.example.com.';
      return;
    }
    let origin: string;
    try {
      const u = new URL(raw);
      if (u.protocol !== 'https:' && u.protocol !== 'http:') throw new Error('scheme');
      origin = u.origin;
    } catch {
      this._originError = 'That is not a web address. Start with https://.';
      return;
    }
    if (t.allowedOrigins.includes(origin)) {
      this._originError = `${origin} is already allowed.`;
      return;
    }
    void this.#saveOrigins([...t.allowedOrigins, origin], `${origin} can now show your widgets.`).then((ok) => {
      if (ok) form.reset();
    });
  }

  async #saveOrigins(origins: string[], done: string): Promise<boolean> {
    const api = this.api;
    if (!api) return false;
    this._busy = true;
    this._originError = null;
    try {
      const saved = await api.patch<TenantEmbedding>('/api/v1/tenant', { allowedOrigins: origins });
      this.host?.toast(done, { kind: 'success' });
      this.emit('wa-origins-changed', saved.allowedOrigins);
      this.#data.run();
      return true;
    } catch (err) {
      this._originError = errorMessage(err);
      return false;
    } finally {
      this._busy = false;
    }
  }

  async #rotate() {
    const api = this.api;
    if (!api) return;
    this._busy = true;
    try {
      await api.post<TenantEmbedding>('/api/v1/tenant/publishable-key');
      this.host?.toast('The publishable key was replaced. Update the snippet on your websites.', { kind: 'success' });
      this.emit('wa-key-rotated');
      this.#data.run();
    } catch (err) {
      this.host?.toast(errorMessage(err), { kind: 'error' });
    } finally {
      this._confirmRotate = false;
      this._busy = false;
    }
  }

  async #copy(text: string, what: 'key' | 'snippet') {
    const shown = this.renderRoot.querySelector(what === 'key' ? '[data-key]' : '[data-snippet]');
    if (await copyText(text, shown, this.host, what)) this._copied = what;
  }
}
