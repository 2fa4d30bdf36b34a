// What the workspace console and the admin console share: the cookie sign-in, the theme choice,
// History API routing under a base path, the navigation layout (collapsing into a menu on narrow
// screens) and focus management. Each shell supplies its routes and pages.
import { LitElement, html, nothing, type TemplateResult, type PropertyValues } from 'lit';
import { ifDefined } from 'lit/directives/if-defined.js';
import { ContextProvider } from '@lit/context';
import '../shared/elements.ts';
import { apiContext, hostContext } from '../shared/context.ts';
import { ConsoleBridge, type ThemeName } from '../shared/host-bridge.ts';
import { ApiError, type ApiClient } from '../shared/api-client.ts';
import { base, tokens } from '../shared/tokens.styles.ts';
import { ui, errorMessage } from '../shared/ui.styles.ts';
import { shellStyles } from './console.styles.ts';

export type TenantRole = 'admin' | 'manager' | 'agent';

export interface Me {
  user: { id: number; email: string; name: string; isSuperAdmin: boolean } | null;
  principal: { kind: string; label: string };
  memberships: { tenantId: number; role: TenantRole; tenant: { id: number; name: string; slug: string; status: string } }[];
}

export interface ShellRoute {
  /** Path below the shell's base path, e.g. `settings/team`. */
  path: string;
  label: string;
  /** Navigation group heading ("Settings"); routes without one come first. */
  group?: string;
  /** Hidden from navigation and refused on deep links when false. */
  allowed?: () => boolean;
  render: () => TemplateResult;
}

const THEME_KEY = 'wa-theme';

/**
 * Base of `<wa-console>` and `<wa-admin-console>` (not a tag itself). Provides `apiContext` and
 * `hostContext` (a `ConsoleBridge` on the page's origin) to everything rendered inside.
 *
 * @property {'light'|'dark'} theme - Reflected resolved theme; absent in auto mode (follows prefers-color-scheme).
 */
export abstract class WaShell extends LitElement {
  static override styles = [tokens, base, ui, shellStyles];
  static override properties = {
    theme: { type: String, reflect: true },
    _pref: { state: true },
    _me: { state: true },
    _signInError: { state: true },
    _busy: { state: true },
    _path: { state: true },
    _menuOpen: { state: true },
  };

  /** Resolved theme on the element (`light`/`dark`); absent in auto mode so prefers-color-scheme applies. */
  declare theme: 'light' | 'dark' | undefined;
  declare _pref: ThemeName;
  /** undefined while checking the session, null when signed out. */
  declare _me: Me | null | undefined;
  declare _signInError: string | null;
  declare _busy: boolean;
  declare _path: string;
  declare _menuOpen: boolean;

  /** `/app` or `/admin`. */
  protected abstract readonly basePath: string;
  protected abstract readonly productName: string;
  protected abstract routes(): ShellRoute[];
  /** Shown in the header next to the theme switch (tenant switcher in the console). */
  protected headerTools(_where: 'header' | 'panel'): TemplateResult | typeof nothing {
    return nothing;
  }
  /** Lets a shell refuse a signed-in user (the admin console refuses non-operators). */
  protected refusal(_me: Me): string | null {
    return null;
  }
  /** Called after the session is known (sign-in or reload). */
  protected async signedIn(_me: Me): Promise<void> {}

  protected readonly bridge: ConsoleBridge;
  readonly #apiProvider: ContextProvider<typeof apiContext>;
  readonly #hostProvider: ContextProvider<typeof hostContext>;
  #focusAfterRender = false;

  constructor() {
    super();
    this._pref = readTheme();
    this.theme = this._pref === 'auto' ? undefined : this._pref;
    this._me = undefined;
    this._signInError = null;
    this._busy = false;
    this._path = location.pathname;
    this._menuOpen = false;
    this.bridge = new ConsoleBridge({
      baseUrl: location.origin,
      tenant: null,
      theme: this._pref,
      navigate: (p) => this.navigate(p),
    });
    this.#apiProvider = new ContextProvider(this, { context: apiContext, initialValue: this.bridge.api });
    this.#hostProvider = new ContextProvider(this, { context: hostContext, initialValue: this.bridge });
  }

  protected get api(): ApiClient {
    return this.bridge.api;
  }

  /** Tells every widget below that the bridge changed (tenant or theme), so their tasks re-run. */
  protected reprovide() {
    this.#apiProvider.setValue(this.bridge.api, true);
    this.#hostProvider.setValue(this.bridge, true);
  }

  override connectedCallback(): void {
    super.connectedCallback();
    addEventListener('popstate', this.#onPopState);
    void this.#loadSession();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    removeEventListener('popstate', this.#onPopState);
  }

  #onPopState = () => {
    this._path = location.pathname;
    this._menuOpen = false;
    this.#focusAfterRender = true;
  };

  async #loadSession() {
    try {
      const me = await this.api.get<Me>('/api/v1/auth/me');
      await this.#accept(me);
    } catch (e) {
      if (!(e instanceof ApiError) || e.status !== 401) this._signInError = errorMessage(e);
      this._me = null;
    }
  }

  async #accept(me: Me) {
    const refusal = this.refusal(me);
    if (refusal) {
      this._signInError = refusal;
      this._me = null;
      return;
    }
    await this.signedIn(me);
    this._signInError = null;
    this._me = me;
    // A bare base path goes to the first page the user may see.
    const current = this.#current();
    if (!current) {
      const first = this.#visible()[0];
      if (first && this.#relative() === '') history.replaceState(null, '', `${this.basePath}/${first.path}`);
      this._path = location.pathname;
    }
  }

  // ── routing ──────────────────────────────────────────────────────────────────────────────

  /** Path below the base, without slashes at the ends. */
  #relative(path = this._path): string {
    if (path !== this.basePath && !path.startsWith(this.basePath + '/')) return '';
    return path.slice(this.basePath.length).replace(/^\/+|\/+$/g, '');
  }

  #visible(): ShellRoute[] {
    return this.routes().filter((r) => r.allowed?.() ?? true);
  }

  #current(): ShellRoute | undefined {
    const rel = this.#relative();
    return this.routes().find((r) => r.path === rel);
  }

  /** Client-side navigation to an absolute path under the base path. */
  navigate(path: string, { replace = false } = {}) {
    if (path !== location.pathname) {
      if (replace) history.replaceState(null, '', path);
      else history.pushState(null, '', path);
    }
    this._path = location.pathname;
    this._menuOpen = false;
    this.#focusAfterRender = true;
  }

  #onNavClick = (e: MouseEvent) => {
    const a = (e.composedPath()[0] as HTMLElement).closest?.('a');
    if (!a || e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
    const url = new URL(a.href);
    if (url.origin !== location.origin || !url.pathname.startsWith(this.basePath)) return;
    e.preventDefault();
    this.navigate(url.pathname);
  };

  protected override updated(changed: PropertyValues): void {
    super.updated(changed);
    if (this.#focusAfterRender && this._me) {
      this.#focusAfterRender = false;
      void this.#focusHeading();
    }
    const route = this._me ? this.#current() : undefined;
    document.title =
      this._me === null ? `Sign in · ${this.productName}` : route ? `${route.label} · ${this.productName}` : this.productName;
  }

  /** Moves focus to the new page's heading (inside the page's widget if it has one). */
  async #focusHeading() {
    const main = this.renderRoot.querySelector<HTMLElement>('main');
    if (!main) return;
    let heading = main.querySelector<HTMLElement>('h1, h2');
    const child = main.firstElementChild as (HTMLElement & { updateComplete?: Promise<unknown> }) | null;
    // A lazily loaded page widget (the inbox) may not be defined yet: give its module a moment.
    if (!heading && child?.localName.includes('-') && !customElements.get(child.localName)) {
      await Promise.race([customElements.whenDefined(child.localName), new Promise((r) => setTimeout(r, 3000))]);
    }
    if (!heading && child?.shadowRoot) {
      await child.updateComplete;
      heading = child.shadowRoot.querySelector<HTMLElement>('h1, h2');
    }
    const target = heading ?? main;
    if (!target.hasAttribute('tabindex')) target.setAttribute('tabindex', '-1');
    target.focus();
  }

  #skip(e: Event) {
    e.preventDefault();
    void this.#focusHeading();
  }

  // ── theme ────────────────────────────────────────────────────────────────────────────────

  #setTheme(pref: ThemeName) {
    this._pref = pref;
    this.theme = pref === 'auto' ? undefined : pref;
    try {
      localStorage.setItem(THEME_KEY, pref);
    } catch {
      // Storage blocked (private mode): the choice lasts for this page only.
    }
    this.bridge.theme = pref;
    this.reprovide();
  }

  protected themeSelect(where: 'header' | 'panel' | 'signin') {
    const id = `theme-${where}`;
    return html`<div class="tool">
      <label for=${id}>Theme</label>
      <select
        id=${id}
        .value=${this._pref}
        @change=${(e: Event) => this.#setTheme((e.target as HTMLSelectElement).value as ThemeName)}
      >
        <option value="auto" ?selected=${this._pref === 'auto'}>Auto</option>
        <option value="light" ?selected=${this._pref === 'light'}>Light</option>
        <option value="dark" ?selected=${this._pref === 'dark'}>Dark</option>
      </select>
    </div>`;
  }

  // ── sign in / out ────────────────────────────────────────────────────────────────────────

  async #signIn(e: SubmitEvent) {
    e.preventDefault();
    const f = new FormData(e.target as HTMLFormElement);
    this._busy = true;
    this._signInError = null;
    try {
      const me = await this.api.post<Me>('/api/v1/auth/login', {
        email: String(f.get('email') ?? '').trim(),
        password: String(f.get('password') ?? ''),
      });
      await this.#accept(me);
      this.#focusAfterRender = true;
    } catch (err) {
      this._signInError = errorMessage(err);
    } finally {
      this._busy = false;
    }
  }

  protected async signOut() {
    try {
      await this.api.post('/api/v1/auth/logout');
    } catch {
      // The session may already be gone; signing out locally is what the user asked for.
    }
    this._me = null;
    this._menuOpen = false;
    this._signInError = null;
  }

  // ── rendering ────────────────────────────────────────────────────────────────────────────

  /** The resolved theme for child widgets (undefined in auto mode). */
  protected get childTheme() {
    return ifDefined(this.theme);
  }

  override render() {
    if (this._me === undefined) return html`<div class="loading" role="status">Loading…</div>`;
    if (this._me === null) return this.#renderSignIn();
    const route = this.#current();
    const visible = this.#visible();
    const denied = route && !(route.allowed?.() ?? true);
    const ungrouped = visible.filter((r) => !r.group);
    const groups = [...new Set(visible.filter((r) => r.group).map((r) => r.group!))];
    const user = this._me.user;
    return html`
      <a class="skip" href="#main" @click=${this.#skip}>Skip to content</a>
      <header class="top">
        <button
          class="btn small menu-btn"
          aria-expanded=${this._menuOpen ? 'true' : 'false'}
          aria-controls="nav"
          @click=${() => (this._menuOpen = !this._menuOpen)}
        >
          ${this._menuOpen ? 'Close' : 'Menu'}
        </button>
        <a class="brand" href=${this.basePath} @click=${this.#onNavClick}
          ><span class="logo" aria-hidden="true">WA</span>${this.productName}</a
        >
        <span class="spacer"></span>
        <div class="tools">
          ${this.headerTools('header')} ${this.themeSelect('header')}
          ${user ? html`<span class="who" title=${user.email}>${user.name || user.email}</span>` : nothing}
          <button class="btn small" @click=${this.signOut}>Sign out</button>
        </div>
      </header>
      <div class="layout">
        <nav id="nav" class="side ${this._menuOpen ? 'open' : ''}" aria-label="Main" @click=${this.#onNavClick}>
          ${this.#navList(ungrouped)}
          ${groups.map(
            (g) =>
              html`<div class="group" id="group-${slug(g)}">${g}</div>
                ${this.#navList(
                  visible.filter((r) => r.group === g),
                  `group-${slug(g)}`,
                )}`,
          )}
          <div class="panel-tools">
            ${this.headerTools('panel')} ${this.themeSelect('panel')}
            ${user ? html`<span class="muted">Signed in as ${user.email}</span>` : nothing}
            <button class="btn" @click=${this.signOut}>Sign out</button>
          </div>
        </nav>
        <main id="main" tabindex="-1">
          ${
            denied
              ? html`<h2 class="page-title">${route.label}</h2>
                  <wa-empty-state
                    theme=${this.childTheme}
                    heading="Not available for your role"
                    description="Ask an admin of this workspace if you need access."
                  ></wa-empty-state>`
              : route
                ? route.render()
                : html`<h2 class="page-title">Page not found</h2>
                    <wa-empty-state
                      theme=${this.childTheme}
                      heading="There is no page at this address"
                      description="Pick a page from the navigation."
                    >
                      <a
                        slot="action"
                        class="btn primary"
                        href="${this.basePath}/${visible[0]?.path ?? ''}"
                        @click=${this.#onNavClick}
                        >Go to ${visible[0]?.label ?? 'start'}</a
                      >
                    </wa-empty-state>`
          }
        </main>
      </div>
      <wa-toast-region theme=${this.childTheme}></wa-toast-region>
    `;
  }

  #navList(routes: ShellRoute[], labelledBy?: string) {
    const current = this.#current();
    return html`<ul aria-labelledby=${ifDefined(labelledBy)}>
      ${routes.map(
        (r) =>
          html`<li>
            <a href="${this.basePath}/${r.path}" aria-current=${ifDefined(r.path === current?.path ? 'page' : undefined)}
              >${r.label}</a
            >
          </li>`,
      )}
    </ul>`;
  }

  #renderSignIn() {
    return html`<div class="signin">
      <main class="card" id="main">
        <span class="brand"><span class="logo" aria-hidden="true">WA</span>${this.productName}</span>
        <h1>Sign in</h1>
        <p>${this.signInHint()}</p>
        <form @submit=${this.#signIn} novalidate>
          ${this._signInError ? html`<div class="form-error" role="alert">${this._signInError}</div>` : nothing}
          <div class="field">
            <label for="email">Email</label>
            <input id="email" name="email" type="email" autocomplete="username" required autofocus />
          </div>
          <div class="field">
            <label for="password">Password</label>
            <input id="password" name="password" type="password" autocomplete="current-password" required />
          </div>
          <button class="btn primary" type="submit" ?disabled=${this._busy}>${this._busy ? 'Signing in…' : 'Sign in'}</button>
        </form>
        <div class="card-foot">${this.signInFooter()} ${this.themeSelect('signin')}</div>
      </main>
      <wa-toast-region theme=${this.childTheme}></wa-toast-region>
    </div>`;
  }

  protected signInHint(): string {
    return 'Use the email and password of your account.';
  }
  protected signInFooter(): TemplateResult | typeof nothing {
    return nothing;
  }
}

function readTheme(): ThemeName {
  try {
    const v = localStorage.getItem(THEME_KEY);
    if (v === 'light' || v === 'dark' || v === 'auto') return v;
  } catch {
    // No storage: follow the system.
  }
  return 'auto';
}

function slug(s: string) {
  return s.toLowerCase().replace(/[^a-z0-9]+/g, '-');
}
