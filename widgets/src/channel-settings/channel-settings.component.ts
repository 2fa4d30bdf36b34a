import { html, nothing } from 'lit';
import { ifDefined } from 'lit/directives/if-defined.js';
import { Task, initialState } from '@lit/task';
import { WaElement } from '../shared/base-element.ts';
import { ApiError } from '../shared/api-client.ts';
import { ui, errorMessage, formatTime } from '../shared/ui.styles.ts';
import { loadFacebookSdk } from './facebook-sdk.ts';
import { styles } from './channel-settings.styles.ts';
import { copyText } from '../shared/clipboard.ts';

export interface ChannelHealth {
  /** GREEN, YELLOW, RED or UNKNOWN. */
  qualityRating: string | null;
  /** e.g. TIER_2K. */
  messagingLimit: string | null;
  /** STANDARD or HIGH. */
  throughputLevel: string | null;
  /** e.g. CONNECTED. */
  numberStatus: string | null;
  checkedAt: string | null;
  error: string | null;
}

export interface Channel {
  id: number;
  name: string;
  kind: 'manual' | 'embedded_signup' | 'simulator' | string;
  phoneNumberId: string;
  wabaId: string;
  displayPhoneNumber: string | null;
  verifiedName: string | null;
  ownApp: boolean;
  status: 'active' | 'disconnected' | string;
  health: ChannelHealth;
  webhook: { callbackUrl: string; verifyToken: string };
  createdAt: string;
}

export interface SignupConfig {
  mode: 'facebook' | 'simulator' | 'unavailable';
  appId: string | null;
  configId: string | null;
  graphVersion: string;
  simulatorUrl: string | null;
}

export interface WebhookEvent {
  id: number;
  source: string;
  status: string;
  attempts: number;
  lastError: string | null;
  receivedAt: string;
  processedAt: string | null;
}

interface Loaded {
  channels: Channel[];
  failed: WebhookEvent[];
}

type SignupStep = 'idle' | 'config' | 'waiting' | 'connecting';

/** One Embedded Signup in progress: the code and the ids arrive separately, in either order. */
interface SignupSession {
  mode: 'facebook' | 'simulator';
  acceptOrigin: (origin: string) => boolean;
  code: string | null;
  ids: { phoneNumberId: string; wabaId: string } | null;
  posting: boolean;
  popup: Window | null;
}

type ManualField = 'name' | 'phoneNumberId' | 'wabaId' | 'accessToken' | 'appId' | 'appSecret';
type TestField = 'to' | 'text';

const KIND_LABEL: Record<string, string> = {
  manual: 'Connected manually',
  embedded_signup: 'Embedded Signup',
  simulator: 'Simulator',
};

const GRAPH_ID = /^\d{5,32}$/;

/** `PENDING_REVIEW` → `Pending review`. */
export function humanize(value: string): string {
  const s = value.replace(/_/g, ' ').toLowerCase();
  return s.charAt(0).toUpperCase() + s.slice(1);
}

/** Quality rating in words (never colour alone) and the badge style that goes with it. */
export function qualityLabel(rating: string | null): { text: string; tone: string } {
  switch (rating) {
    case 'GREEN':
      return { text: 'High (green)', tone: 'success' };
    case 'YELLOW':
      return { text: 'Medium (yellow)', tone: 'warning' };
    case 'RED':
      return { text: 'Low (red)', tone: 'danger' };
    case 'UNKNOWN':
      return { text: 'Not rated yet', tone: '' };
    case null:
      return { text: 'Not checked yet', tone: '' };
    default:
      return { text: humanize(rating), tone: '' };
  }
}

/** `TIER_2K` → `2,000 customers / 24 h` (no break before the unit). */
export function messagingLimitLabel(tier: string | null): string | null {
  if (!tier) return null;
  if (tier === 'TIER_UNLIMITED') return 'Unlimited customers / 24\u00a0h';
  const m = /^TIER_(\d+)(K?)$/.exec(tier);
  if (!m) return humanize(tier);
  return `${(Number(m[1]) * (m[2] ? 1000 : 1)).toLocaleString('en-US')} customers / 24\u00a0h`;
}

/** Cloud API throughput per level, in messages per second. */
export function throughputLabel(level: string | null): string | null {
  if (level === 'STANDARD') return '80\u00a0msg/s';
  if (level === 'HIGH') return '1,000\u00a0msg/s';
  return level ? humanize(level) : null;
}

/** `3 min ago`, `2 h ago`, `5 days ago`. */
export function timeAgo(iso: string, now = Date.now()): string {
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return iso;
  const s = Math.round((now - t) / 1000);
  if (s < 45) return 'just now';
  const m = Math.round(s / 60);
  if (m < 60) return `${m} min ago`;
  const h = Math.round(m / 60);
  if (h < 24) return `${h} h ago`;
  const d = Math.round(h / 24);
  return d === 1 ? 'yesterday' : `${d} days ago`;
}

function isFacebookOrigin(origin: string): boolean {
  try {
    const u = new URL(origin);
    return u.protocol === 'https:' && (u.hostname === 'facebook.com' || u.hostname.endsWith('.facebook.com'));
  } catch {
    return false;
  }
}

const str = (v: unknown): string | null =>
  typeof v === 'string' && v.trim() ? v.trim() : typeof v === 'number' ? String(v) : null;

/**
 * The tenant's WhatsApp numbers (admins only): connect one with Facebook (Embedded Signup, or the
 * built-in simulator's stand-in) or manually with ids and an access token; see each number's health
 * (quality rating, messaging limit, throughput) and webhook settings; refresh the health, send a test
 * message, disconnect. Failed webhook events of the workspace are listed when there are any.
 *
 * Meta's JavaScript SDK is loaded only when someone clicks "Connect with Facebook".
 *
 * @tag wa-channel-settings
 * @property {'light'|'dark'} theme - Forces a theme; unset follows the host and prefers-color-scheme.
 * @event wa-channel-connected - `detail: Channel` after a number was connected (either way).
 * @event wa-channel-disconnected - `detail: Channel` after a number was disconnected.
 * @event wa-test-message-sent - `detail: { channelId, wamid, to }` after a test message left.
 * @csspart card - Each connected number's card.
 * @csspart health - The health facts of a card.
 * @csspart webhook - The webhook section of a card.
 * @csspart failed-events - The collapsible list of failed webhook events.
 */
export class WaChannelSettings extends WaElement {
  static override styles = [WaElement.styles, ui, styles];
  static override properties = {
    ...WaElement.properties,
    _busy: { state: true },
    _formError: { state: true },
    _fieldErrors: { state: true },
    _ownApp: { state: true },
    _showToken: { state: true },
    _testFor: { state: true },
    _testError: { state: true },
    _testFieldErrors: { state: true },
    _confirm: { state: true },
    _refreshing: { state: true },
    _copied: { state: true },
    _signupStep: { state: true },
    _signupError: { state: true },
    _signupConfig: { state: true },
  };
  static override modals = { _confirm: 'confirm', _testFor: 'test' };

  declare _busy: boolean;
  declare _formError: string | null;
  declare _fieldErrors: Partial<Record<ManualField, string>>;
  declare _ownApp: boolean;
  declare _showToken: boolean;
  /** The channel whose "Send test message" dialog is open. */
  declare _testFor: Channel | null;
  declare _testError: string | null;
  declare _testFieldErrors: Partial<Record<TestField, string>>;
  /** The channel waiting for "Disconnect" to be confirmed. */
  declare _confirm: Channel | null;
  /** Ids of the channels whose health is being read right now. */
  declare _refreshing: ReadonlySet<number>;
  /** Which value was just copied (`<id>:url` or `<id>:token`), for the status line. */
  declare _copied: string | null;
  declare _signupStep: SignupStep;
  declare _signupError: string | null;
  declare _signupConfig: SignupConfig | null;

  #session: SignupSession | null = null;
  #cancelTimer: ReturnType<typeof setTimeout> | undefined;
  #clock: ReturnType<typeof setInterval> | undefined;

  constructor() {
    super();
    this._busy = false;
    this._formError = null;
    this._fieldErrors = {};
    this._ownApp = false;
    this._showToken = false;
    this._testFor = null;
    this._testError = null;
    this._testFieldErrors = {};
    this._confirm = null;
    this._refreshing = new Set();
    this._copied = null;
    this._signupStep = 'idle';
    this._signupError = null;
    this._signupConfig = null;
  }

  #data = new Task(this, {
    task: async ([api], { signal }) => {
      if (!api) return initialState;
      const [channels, failed] = await Promise.all([
        api.get<{ items: Channel[] }>('/api/v1/channels', { signal }),
        // Secondary: the numbers still show when this list cannot be read.
        api
          .get<{ items: WebhookEvent[] }>('/api/v1/webhook-events', { signal, query: { status: 'failed' } })
          .then((r) => r.items)
          .catch((e: unknown) => {
            if ((e as Error).name === 'AbortError') throw e;
            return [] as WebhookEvent[];
          }),
      ]);
      return { channels: channels.items, failed } satisfies Loaded;
    },
    args: () => [this.api, this.api?.tenant] as const,
  });

  override connectedCallback(): void {
    super.connectedCallback();
    // "checked 3 min ago" stays true while the page is open.
    this.#clock = setInterval(() => this.requestUpdate(), 60_000);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    clearInterval(this.#clock);
    this.#endSignup();
  }

  override render() {
    const theme = ifDefined(this.theme ?? undefined);
    const skeleton = html`<wa-skeleton theme=${theme} lines="3" variant="rows"></wa-skeleton>`;
    const value = this.#data.value;
    const hasChannels = Boolean(value && value.channels.length > 0);
    return html`
      <div class="page-header">
        <div>
          <h2>WhatsApp numbers</h2>
          <p>The numbers your team sends and receives WhatsApp messages with.</p>
        </div>
        ${hasChannels ? html`<div class="connect-buttons">${this.#connectButtons()}</div>` : nothing}
      </div>
      ${hasChannels ? this.#signupFeedback() : nothing}
      ${this.#data.render({
        initial: () => skeleton,
        pending: () => (value ? this.#content(value) : skeleton),
        error: (e) =>
          (e as { status?: number }).status === 403
            ? html`<wa-empty-state
                theme=${theme}
                heading="Only admins manage WhatsApp numbers"
                description="Ask an admin of this workspace to connect a number or change its settings."
              ></wa-empty-state>`
            : html`<wa-error-state
                theme=${theme}
                heading="Couldn't load the WhatsApp numbers"
                .error=${e}
                @wa-retry=${() => this.#data.run()}
              ></wa-error-state>`,
        complete: (data) => this.#content(data),
      })}
      ${this.#renderManual()} ${this.#renderTest()} ${this.#renderConfirm()}
    `;
  }

  // ---------------------------------------------------------------------------------------------
  // List

  #content(data: Loaded) {
    const theme = ifDefined(this.theme ?? undefined);
    return html`
      ${
        data.channels.length === 0
          ? html`<wa-empty-state
              theme=${theme}
              heading="No WhatsApp number yet"
              description="Connect the number your customers write to. There are two ways:"
            >
              <div class="ways">
                <div class="way">
                  <p>
                    <strong>With Facebook</strong>: sign in, pick or create your WhatsApp Business Account and number. Takes about
                    two minutes.
                  </p>
                  ${this.#facebookButton()}
                </div>
                <div class="way">
                  <p>
                    <strong>Manually</strong>: paste the ids and a system-user access token from Meta Business Suite, if you set
                    the number up there yourself.
                  </p>
                  ${this.#manualButton()}
                </div>
              </div>
              ${this.#signupFeedback()}
            </wa-empty-state>`
          : html`<ul class="cards" aria-label="Connected numbers">
              ${data.channels.map((c) => html`<li>${this.#card(c)}</li>`)}
            </ul>`
      }
      ${data.failed.length > 0 ? this.#failedEvents(data.failed) : nothing}
    `;
  }

  #card(c: Channel) {
    const titleId = `ch-${c.id}-name`;
    const q = qualityLabel(c.health.qualityRating);
    const limit = messagingLimitLabel(c.health.messagingLimit);
    const throughput = throughputLabel(c.health.throughputLevel);
    const active = c.status === 'active';
    const refreshing = this._refreshing.has(c.id);
    const number = c.displayPhoneNumber ?? c.phoneNumberId;
    return html`<article class="card" part="card" aria-labelledby=${titleId} data-channel=${c.id}>
      <div class="card-head">
        <div class="who">
          <h3 id=${titleId}>${c.name}</h3>
          <p class="number">
            <span class=${c.displayPhoneNumber ? '' : 'muted'}>${c.displayPhoneNumber ?? 'Number not known yet'}</span>
            ${c.verifiedName ? html`<span class="muted"> · ${c.verifiedName}</span>` : nothing}
          </p>
        </div>
        <div class="badges">
          <span class="badge">${KIND_LABEL[c.kind] ?? humanize(c.kind)}</span>
          <span class="badge ${active ? 'active' : 'danger'}">${active ? 'Active' : humanize(c.status)}</span>
        </div>
      </div>

      <dl class="facts" part="health" aria-label="Health of ${c.name}">
        <div>
          <dt>Quality rating</dt>
          <dd>
            <span class="badge ${q.tone}" data-quality
              >${q.tone ? html`<span class="dot" aria-hidden="true"></span>` : nothing}${q.text}</span
            >
          </dd>
        </div>
        <div>
          <dt>Messaging limit</dt>
          <dd data-limit>${limit ?? html`<span class="muted">Not checked yet</span>`}</dd>
        </div>
        <div>
          <dt>Throughput</dt>
          <dd data-throughput>${throughput ?? html`<span class="muted">Not checked yet</span>`}</dd>
        </div>
        <div>
          <dt>Number status</dt>
          <dd>${c.health.numberStatus ? humanize(c.health.numberStatus) : html`<span class="muted">Not checked yet</span>`}</dd>
        </div>
      </dl>
      <p class="help checked">
        ${
          c.health.checkedAt
            ? html`Health checked
                <time datetime=${c.health.checkedAt} title=${formatTime(c.health.checkedAt)}>${timeAgo(c.health.checkedAt)}</time
                >.`
            : 'Health not checked yet.'
        }
      </p>
      ${c.health.error ? html`<p class="form-error health-error">WhatsApp reported a problem: ${c.health.error}</p>` : nothing}

      <dl class="ids">
        <div>
          <dt>Phone number ID</dt>
          <dd class="mono">${c.phoneNumberId}</dd>
        </div>
        <div>
          <dt>WhatsApp Business Account ID</dt>
          <dd class="mono">${c.wabaId}</dd>
        </div>
        <div>
          <dt>Connected</dt>
          <dd>${formatTime(c.createdAt)}</dd>
        </div>
      </dl>

      ${this.#webhook(c)}

      <div class="card-actions">
        <button
          class="btn small"
          aria-label="Refresh health of ${c.name}"
          aria-disabled=${refreshing ? 'true' : 'false'}
          @click=${() => this.#refresh(c)}
        >
          ${refreshing ? 'Refreshing…' : 'Refresh health'}
        </button>
        ${
          active
            ? html`<button class="btn small" aria-label="Send test message from ${c.name}" @click=${() => this.#openTest(c)}>
                  Send test message
                </button>
                <button class="btn small ghost danger-text" aria-label="Disconnect ${c.name}" @click=${() => (this._confirm = c)}>
                  Disconnect
                </button>`
            : html`<span class="help">Disconnected: connect ${number} again to use it. Its history is kept.</span>`
        }
      </div>
    </article>`;
  }

  #webhook(c: Channel) {
    const copied = this._copied?.startsWith(`${c.id}:`) ? this._copied.slice(String(c.id).length + 1) : null;
    return html`<section class="webhook" part="webhook" aria-labelledby="ch-${c.id}-webhook">
      <h4 id="ch-${c.id}-webhook">Webhook</h4>
      ${
        c.ownApp
          ? html`<p class="help">
                In the Meta App Dashboard of your app, open WhatsApp → Configuration → Webhook, click Edit, paste these two values
                and subscribe to the <code>messages</code> field.
              </p>
              <div class="copy-row">
                <span class="label" id="ch-${c.id}-url-label">Callback URL</span>
                <code class="secret mono" data-copy="${c.id}:url" aria-labelledby="ch-${c.id}-url-label"
                  >${c.webhook.callbackUrl}</code
                >
                <button
                  class="btn small"
                  aria-label="Copy the callback URL of ${c.name}"
                  @click=${() => this.#copy(c.webhook.callbackUrl, `${c.id}:url`)}
                >
                  Copy
                </button>
              </div>
              <div class="copy-row">
                <span class="label" id="ch-${c.id}-token-label">Verify token</span>
                <code class="secret mono" data-copy="${c.id}:token" aria-labelledby="ch-${c.id}-token-label"
                  >${c.webhook.verifyToken}</code
                >
                <button
                  class="btn small"
                  aria-label="Copy the verify token of ${c.name}"
                  @click=${() => this.#copy(c.webhook.verifyToken, `${c.id}:token`)}
                >
                  Copy
                </button>
              </div>
              <p class="help" role="status">
                ${copied === 'url' ? 'Callback URL copied.' : copied === 'token' ? 'Verify token copied.' : ''}
              </p>`
          : html`<p class="help">
              Nothing to set up: this number's messages arrive through the platform's Meta app automatically.
            </p>`
      }
    </section>`;
  }

  #failedEvents(events: WebhookEvent[]) {
    return html`<details class="failed" part="failed-events">
      <summary>${events.length === 1 ? '1 webhook event failed' : `${events.length} webhook events failed`}</summary>
      <p class="help">Messages or status updates from WhatsApp that could not be processed, newest first.</p>
      <div class="table-wrap">
        <table class="data">
          <caption class="visually-hidden">
            Failed webhook events
          </caption>
          <thead>
            <tr>
              <th scope="col">Received</th>
              <th scope="col">Attempts</th>
              <th scope="col">Error</th>
            </tr>
          </thead>
          <tbody>
            ${events.map(
              (ev) =>
                html`<tr>
                  <td data-label="Received">${formatTime(ev.receivedAt)}</td>
                  <td data-label="Attempts">${ev.attempts}</td>
                  <td data-label="Error">${ev.lastError ?? html`<span class="muted">No error recorded</span>`}</td>
                </tr>`,
            )}
          </tbody>
        </table>
      </div>
    </details>`;
  }

  // ---------------------------------------------------------------------------------------------
  // Connect buttons and Embedded Signup

  #connectButtons() {
    return html`${this.#facebookButton()} ${this.#manualButton()}`;
  }

  #facebookButton() {
    const unavailable = this._signupConfig?.mode === 'unavailable';
    const busy = this._signupStep !== 'idle';
    // aria-disabled rather than disabled: the button keeps focus and stays discoverable, with the
    // reason attached.
    return html`<button
      class="btn primary"
      aria-disabled=${unavailable || busy ? 'true' : 'false'}
      aria-describedby=${ifDefined(unavailable ? 'signup-unavailable' : undefined)}
      @click=${this.#startSignup}
    >
      ${busy ? 'Connecting…' : 'Connect with Facebook'}
    </button>`;
  }

  #manualButton() {
    return html`<button class="btn" @click=${this.#openManual}>Connect manually</button>`;
  }

  #signupFeedback() {
    const step = this._signupStep;
    const where = this._signupConfig?.mode === 'simulator' ? 'the sign-up window' : 'the Facebook window';
    return html`<div class="signup-feedback">
      <p class="help ${step === 'idle' ? '' : 'active'}" role="status">
        ${
          step === 'config'
            ? 'Preparing the sign-up…'
            : step === 'waiting'
              ? html`Finish the steps in ${where}…
                  <button class="btn ghost small" @click=${this.#cancelSignup}>Cancel sign-up</button>`
              : step === 'connecting'
                ? 'Connecting your number…'
                : ''
        }
      </p>
      ${
        this._signupConfig?.mode === 'unavailable'
          ? html`<p class="help" id="signup-unavailable">
              Connecting with Facebook isn't set up on this server yet (the platform's Meta app is missing). Connect manually
              instead, or ask the platform operator.
            </p>`
          : nothing
      }
      ${this._signupError ? html`<div class="form-error" role="alert">${this._signupError}</div>` : nothing}
    </div>`;
  }

  async #startSignup() {
    if (this._signupStep !== 'idle' || this._signupConfig?.mode === 'unavailable') return;
    const api = this.api;
    if (!api) return;
    this._signupError = null;
    this._signupStep = 'config';
    let cfg: SignupConfig;
    try {
      cfg = this._signupConfig ?? (await api.get<SignupConfig>('/api/v1/channels/signup-config'));
    } catch (err) {
      this._signupStep = 'idle';
      this._signupError = errorMessage(err);
      return;
    }
    this._signupConfig = cfg;
    if (cfg.mode === 'simulator') this.#startSimulator(cfg);
    else if (cfg.mode === 'facebook') await this.#startFacebook(cfg);
    else this._signupStep = 'idle';
  }

  #startSimulator(cfg: SignupConfig) {
    if (!cfg.simulatorUrl) return this.#failSignup('The sign-up simulator has no address. Connect manually instead.');
    const url = new URL(cfg.simulatorUrl, location.href);
    url.searchParams.set('app_id', cfg.appId ?? '');
    if (cfg.configId) url.searchParams.set('config_id', cfg.configId);
    url.searchParams.set('origin', location.origin);
    const expected = url.origin;
    this.#begin({ mode: 'simulator', acceptOrigin: (o) => o === expected });
    // No noopener: the popup posts its result back through window.opener.
    const popup = window.open(url.href, 'wa-signup', 'width=600,height=700');
    if (!popup) {
      return this.#failSignup('Your browser blocked the sign-up window. Allow pop-ups for this site, then try again.');
    }
    if (this.#session) this.#session.popup = popup;
  }

  async #startFacebook(cfg: SignupConfig) {
    const { appId, configId } = cfg;
    if (!appId || !configId) {
      return this.#failSignup(
        "Connecting with Facebook is missing the platform's app id or configuration id. Connect manually instead.",
      );
    }
    const session = this.#begin({ mode: 'facebook', acceptOrigin: isFacebookOrigin });
    let fb;
    try {
      fb = await loadFacebookSdk(appId, cfg.graphVersion);
    } catch (err) {
      if (this.#session === session) this.#failSignup(errorMessage(err));
      return;
    }
    if (this.#session !== session) return; // cancelled, or the element left the page meanwhile
    fb.login(
      (response) => {
        if (this.#session !== session) return;
        const code = response?.authResponse?.code;
        if (code) return this.#gotCode(code);
        // Closed without finishing. A CANCEL or ERROR message with the reason may still be on its
        // way from the popup: give it a moment before saying it was cancelled.
        this.#cancelTimer = setTimeout(() => {
          if (this.#session !== session || session.posting) return;
          this.#endSignup();
          this.host?.toast('Sign-up cancelled.', { kind: 'info' });
        }, 1000);
      },
      {
        config_id: configId,
        response_type: 'code',
        override_default_response_type: true,
        extras: { setup: {}, sessionInfoVersion: '3' },
      },
    );
  }

  #begin(s: Pick<SignupSession, 'mode' | 'acceptOrigin'>): SignupSession {
    this.#endSignup();
    const session: SignupSession = { ...s, code: null, ids: null, posting: false, popup: null };
    this.#session = session;
    this._signupStep = 'waiting';
    window.addEventListener('message', this.#onMessage);
    return session;
  }

  /** Stops listening; leaves any error on screen. */
  #endSignup() {
    window.removeEventListener('message', this.#onMessage);
    clearTimeout(this.#cancelTimer);
    this.#session = null;
    this._signupStep = 'idle';
  }

  #failSignup(message: string) {
    this.#endSignup();
    this._signupError = message;
  }

  #cancelSignup() {
    const popup = this.#session?.popup;
    this.#endSignup();
    try {
      popup?.close();
    } catch {
      // Another origin's window: it closes itself or the user closes it.
    }
  }

  #onMessage = (e: MessageEvent) => {
    const s = this.#session;
    if (!s || !s.acceptOrigin(e.origin)) return;
    let msg: unknown = e.data;
    if (typeof msg === 'string') {
      try {
        msg = JSON.parse(msg);
      } catch {
        return; // Facebook's pages post other, non-JSON messages too.
      }
    }
    if (!msg || typeof msg !== 'object') return;
    const m = msg as { type?: unknown; event?: unknown; data?: unknown; code?: unknown };
    if (m.type === 'WA_SIMULATED_LOGIN' && s.mode === 'simulator') {
      const code = str(m.code);
      if (code) this.#gotCode(code);
      return;
    }
    if (m.type !== 'WA_EMBEDDED_SIGNUP' || s.posting) return;
    const data = (m.data && typeof m.data === 'object' ? m.data : {}) as Record<string, unknown>;
    switch (m.event) {
      case 'FINISH': {
        const phoneNumberId = str(data.phone_number_id);
        const wabaId = str(data.waba_id);
        if (!phoneNumberId || !wabaId) {
          return this.#failSignup('The sign-up finished without naming the number. Try again, or connect manually.');
        }
        s.ids = { phoneNumberId, wabaId };
        return void this.#maybeComplete();
      }
      case 'FINISH_ONLY_WABA':
        return this.#failSignup(
          'The sign-up created a WhatsApp Business Account but no phone number. Add a number in WhatsApp Manager, then connect it manually.',
        );
      case 'CANCEL': {
        const reason = str(data.error_message);
        if (reason) return this.#failSignup(`The sign-up stopped: ${reason}`);
        const step = str(data.current_step);
        this.#cancelSignup();
        this.host?.toast(step ? `Sign-up cancelled at step "${humanize(step)}".` : 'Sign-up cancelled.', { kind: 'info' });
        return;
      }
      case 'ERROR':
        return this.#failSignup(`The sign-up failed: ${str(data.error_message) ?? 'no reason was given.'}`);
    }
  };

  #gotCode(code: string) {
    const s = this.#session;
    if (!s || s.posting) return;
    clearTimeout(this.#cancelTimer);
    s.code = code;
    void this.#maybeComplete();
  }

  async #maybeComplete() {
    const s = this.#session;
    const api = this.api;
    if (!s || !s.code || !s.ids || s.posting || !api) return;
    s.posting = true;
    this._signupStep = 'connecting';
    try {
      const channel = await api.post<Channel>('/api/v1/channels/embedded-signup', {
        code: s.code,
        phoneNumberId: s.ids.phoneNumberId,
        wabaId: s.ids.wabaId,
      });
      this.host?.toast(`${channel.displayPhoneNumber ?? channel.name} is connected.`, { kind: 'success' });
      this.emit('wa-channel-connected', channel);
      this.#data.run();
    } catch (err) {
      this._signupError = `Could not connect the number: ${errorMessage(err)}`;
    } finally {
      if (this.#session === s) this.#endSignup();
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Manual connection

  #renderManual() {
    const err = this._fieldErrors;
    const field = (
      id: ManualField,
      label: string,
      help: unknown,
      attrs: { type?: string; inputmode?: string; maxlength?: number; autocomplete?: string } = {},
    ) =>
      html`<div class="field">
        <label for="m-${id}">${label}</label>
        <input
          id="m-${id}"
          name=${id}
          type=${attrs.type ?? 'text'}
          inputmode=${ifDefined(attrs.inputmode)}
          maxlength=${ifDefined(attrs.maxlength)}
          autocomplete=${attrs.autocomplete ?? 'off'}
          spellcheck="false"
          aria-invalid=${err[id] ? 'true' : 'false'}
          aria-describedby="m-${id}-help${err[id] ? ` m-${id}-error` : ''}"
        />
        <span class="help" id="m-${id}-help">${help}</span>
        ${err[id] ? html`<span class="error-text" id="m-${id}-error">${err[id]}</span>` : nothing}
      </div>`;
    return html`<dialog id="manual" class="wide" aria-labelledby="manual-title" @close=${this.#onManualClosed}>
      <form @submit=${this.#connectManual} novalidate autocomplete="off">
        <h3 id="manual-title">Connect a number manually</h3>
        <p class="help">
          Find the ids in Meta Business Suite → WhatsApp Manager → Phone numbers (or API Setup in the App Dashboard). We check
          them with WhatsApp before saving.
        </p>
        ${this._formError ? html`<div class="form-error" role="alert" data-form-error>${this._formError}</div>` : nothing}
        ${field('name', 'Name', 'What your team calls this number, e.g. "Support".', { maxlength: 120 })}
        <div class="form-row">
          ${field('phoneNumberId', 'Phone number ID', 'Digits only, e.g. 106540352242922.', { inputmode: 'numeric' })}
          ${field('wabaId', 'WhatsApp Business Account ID', 'Digits only, e.g. 102290129340398.', { inputmode: 'numeric' })}
        </div>
        <div class="field">
          <label for="m-accessToken">Access token</label>
          <div class="with-toggle">
            <input
              id="m-accessToken"
              name="accessToken"
              type=${this._showToken ? 'text' : 'password'}
              autocomplete="off"
              spellcheck="false"
              maxlength="1024"
              aria-invalid=${err.accessToken ? 'true' : 'false'}
              aria-describedby="m-accessToken-help${err.accessToken ? ' m-accessToken-error' : ''}"
            />
            <button
              type="button"
              class="btn"
              aria-controls="m-accessToken"
              aria-pressed=${this._showToken ? 'true' : 'false'}
              @click=${() => (this._showToken = !this._showToken)}
            >
              ${this._showToken ? 'Hide' : 'Show'}<span class="visually-hidden"> access token</span>
            </button>
          </div>
          <span class="help" id="m-accessToken-help"
            >A permanent system-user token with whatsapp_business_messaging and whatsapp_business_management. It is stored
            encrypted and never shown again.</span
          >
          ${err.accessToken ? html`<span class="error-text" id="m-accessToken-error">${err.accessToken}</span>` : nothing}
        </div>
        <div class="check">
          <input
            id="m-ownApp"
            name="ownApp"
            type="checkbox"
            .checked=${this._ownApp}
            aria-describedby="m-ownApp-help"
            @change=${(e: Event) => (this._ownApp = (e.target as HTMLInputElement).checked)}
          />
          <label for="m-ownApp">I use my own Meta app</label>
        </div>
        <p class="help" id="m-ownApp-help">
          Only if the token belongs to your own app: its webhooks then come straight to this number's callback URL.
        </p>
        ${
          this._ownApp
            ? html`<div class="form-row own-app">
                ${field('appId', 'App ID', 'Digits only: App Dashboard → Settings → Basic.', { inputmode: 'numeric' })}
                ${field('appSecret', 'App secret', 'Same page, under "App secret". Used to check webhook signatures.', {
                  type: 'password',
                })}
              </div>`
            : nothing
        }
        <div class="actions">
          <button type="button" class="btn" @click=${() => this.#dialog('manual')?.close()}>Cancel</button>
          <button type="submit" class="btn primary" ?disabled=${this._busy}>
            ${this._busy ? 'Checking with WhatsApp…' : 'Connect number'}
          </button>
        </div>
      </form>
    </dialog>`;
  }

  #openManual() {
    const d = this.#dialog('manual');
    this.#resetManual();
    d?.showModal();
  }

  #onManualClosed() {
    // Whatever happened, no credential stays in the page once the dialog is gone.
    this.#resetManual();
  }

  #resetManual() {
    this.#dialog('manual')?.querySelector('form')?.reset();
    this._formError = null;
    this._fieldErrors = {};
    this._ownApp = false;
    this._showToken = false;
  }

  /** Empties the credential fields (kept: name and ids, so a typo is quick to fix). */
  #clearSecrets(form: HTMLFormElement) {
    for (const name of ['accessToken', 'appSecret']) {
      const input = form.elements.namedItem(name) as HTMLInputElement | null;
      if (input) input.value = '';
    }
    this._showToken = false;
  }

  async #connectManual(e: SubmitEvent) {
    e.preventDefault();
    const api = this.api;
    if (!api || this._busy) return;
    const form = e.target as HTMLFormElement;
    const f = new FormData(form);
    const get = (k: string) => String(f.get(k) ?? '').trim();
    const body: Record<ManualField, string> = {
      name: get('name'),
      phoneNumberId: get('phoneNumberId'),
      wabaId: get('wabaId'),
      accessToken: get('accessToken'),
      appId: this._ownApp ? get('appId') : '',
      appSecret: this._ownApp ? get('appSecret') : '',
    };
    const errors = checkManual(body, this._ownApp);
    this._formError = null;
    this._fieldErrors = errors;
    if (Object.keys(errors).length > 0) {
      await this.updateComplete;
      form.querySelector<HTMLInputElement>('[aria-invalid="true"]')?.focus();
      return;
    }
    const { appId, appSecret, ...required } = body;
    this._busy = true;
    try {
      const channel = await api.post<Channel>('/api/v1/channels', { ...required, ...(appId ? { appId, appSecret } : {}) });
      this.#dialog('manual')?.close(); // resets the form
      this.host?.toast(`"${channel.name}" is connected.`, { kind: 'success' });
      this.emit('wa-channel-connected', channel);
      this.#data.run();
    } catch (err) {
      this.#clearSecrets(form);
      this._formError = `${errorMessage(err)} For your safety the token was cleared: paste it again to retry.`;
      this._fieldErrors = fieldErrorsOf<ManualField>(err, Object.keys(body) as ManualField[]);
    } finally {
      this._busy = false;
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Test message

  #renderTest() {
    const c = this._testFor;
    const err = this._testFieldErrors;
    return html`<dialog id="test" aria-labelledby="test-title" @close=${() => (this._testFor = null)}>
      <form @submit=${this.#sendTest} novalidate>
        <h3 id="test-title">Send a test message${c ? html` from ${c.name}` : nothing}</h3>
        ${this._testError ? html`<div class="form-error" role="alert">${this._testError}</div>` : nothing}
        <div class="field">
          <label for="t-to">To</label>
          <input
            id="t-to"
            name="to"
            type="tel"
            inputmode="tel"
            autocomplete="off"
            placeholder="+44 7700 900123"
            aria-invalid=${err.to ? 'true' : 'false'}
            aria-describedby="t-to-help${err.to ? ' t-to-error' : ''}"
          />
          <span class="help" id="t-to-help"
            >With the country code. WhatsApp only delivers free text to someone who wrote to this number in the last 24
            hours.</span
          >
          ${err.to ? html`<span class="error-text" id="t-to-error">${err.to}</span>` : nothing}
        </div>
        <div class="field">
          <label for="t-text">Message</label>
          <textarea
            id="t-text"
            name="text"
            rows="3"
            maxlength="4096"
            aria-invalid=${err.text ? 'true' : 'false'}
            aria-describedby=${ifDefined(err.text ? 't-text-error' : undefined)}
          >
Hello! This is a test message from our WhatsApp number.</textarea>
          ${err.text ? html`<span class="error-text" id="t-text-error">${err.text}</span>` : nothing}
        </div>
        <div class="actions">
          <button type="button" class="btn" @click=${() => (this._testFor = null)}>Cancel</button>
          <button type="submit" class="btn primary" ?disabled=${this._busy}>${this._busy ? 'Sending…' : 'Send'}</button>
        </div>
      </form>
    </dialog>`;
  }

  #openTest(c: Channel) {
    this.#dialog('test')?.querySelector('form')?.reset();
    this._testError = null;
    this._testFieldErrors = {};
    this._testFor = c;
  }

  async #sendTest(e: SubmitEvent) {
    e.preventDefault();
    const api = this.api;
    const c = this._testFor;
    if (!api || !c || this._busy) return;
    const form = e.target as HTMLFormElement;
    const f = new FormData(form);
    const to = String(f.get('to') ?? '').replace(/[\s()+-]/g, '');
    const text = String(f.get('text') ?? '').trim();
    const errors: Partial<Record<TestField, string>> = {};
    if (!/^\d{6,15}$/.test(to)) errors.to = 'Enter the phone number with its country code, e.g. +44 7700 900123.';
    if (!text) errors.text = 'Type a message.';
    this._testError = null;
    this._testFieldErrors = errors;
    if (Object.keys(errors).length > 0) {
      await this.updateComplete;
      form.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus();
      return;
    }
    this._busy = true;
    try {
      const sent = await api.post<{ wamid: string; to: string }>(`/api/v1/channels/${c.id}/test-message`, { to, text });
      this._testFor = null;
      this.host?.toast(`Test message sent to +${sent.to} from "${c.name}".`, { kind: 'success' });
      this.emit('wa-test-message-sent', { channelId: c.id, wamid: sent.wamid, to: sent.to });
    } catch (err) {
      this._testError = errorMessage(err);
      this._testFieldErrors = fieldErrorsOf<TestField>(err, ['to', 'text']);
    } finally {
      this._busy = false;
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Disconnect, refresh, copy

  #renderConfirm() {
    const c = this._confirm;
    return html`<dialog id="confirm" aria-labelledby="confirm-title" @close=${() => (this._confirm = null)}>
      ${
        c
          ? html`<h3 id="confirm-title">Disconnect "${c.name}"?</h3>
              <p>
                Messages to ${c.displayPhoneNumber ?? 'this number'} stop arriving here and nothing can be sent from it. The
                conversation history is kept; connecting the number again resumes it.
              </p>
              <div class="actions">
                <button class="btn" @click=${() => (this._confirm = null)}>Cancel</button>
                <button class="btn danger" ?disabled=${this._busy} @click=${() => this.#disconnect(c)}>Disconnect number</button>
              </div>`
          : nothing
      }
    </dialog>`;
  }

  async #disconnect(c: Channel) {
    const api = this.api;
    if (!api || this._busy) return;
    this._busy = true;
    try {
      const updated = await api.post<Channel>(`/api/v1/channels/${c.id}/disconnect`);
      this.host?.toast(`"${c.name}" is disconnected. Its history is kept.`, { kind: 'success' });
      this.emit('wa-channel-disconnected', updated);
      this.#data.run();
    } catch (err) {
      this.host?.toast(errorMessage(err), { kind: 'error' });
    } finally {
      this._confirm = null;
      this._busy = false;
    }
  }

  async #refresh(c: Channel) {
    const api = this.api;
    if (!api || this._refreshing.has(c.id)) return;
    this._refreshing = new Set([...this._refreshing, c.id]);
    try {
      const updated = await api.post<Channel>(`/api/v1/channels/${c.id}/refresh-health`);
      if (updated.health.error) {
        this.host?.toast(`WhatsApp reported a problem with "${c.name}": ${updated.health.error}`, { kind: 'error' });
      } else {
        this.host?.toast(`Health of "${c.name}" updated.`, { kind: 'success' });
      }
      this.#data.run();
    } catch (err) {
      this.host?.toast(errorMessage(err), { kind: 'error' });
    } finally {
      const next = new Set(this._refreshing);
      next.delete(c.id);
      this._refreshing = next;
    }
  }

  async #copy(text: string, key: string) {
    if (await copyText(text, this.renderRoot.querySelector(`[data-copy="${key}"]`), this.host)) this._copied = key;
  }

  // ---------------------------------------------------------------------------------------------

  #dialog(id: string) {
    return this.renderRoot.querySelector<HTMLDialogElement>(`#${id}`);
  }
}

/** The server's checks, on this side, so common mistakes are caught before the round trip. */
export function checkManual(b: Record<ManualField, string>, ownApp: boolean): Partial<Record<ManualField, string>> {
  const e: Partial<Record<ManualField, string>> = {};
  if (!b.name) e.name = 'Give the number a name your team will recognise.';
  if (!GRAPH_ID.test(b.phoneNumberId)) e.phoneNumberId = 'The phone number ID is a number from WhatsApp Manager (digits only).';
  if (!GRAPH_ID.test(b.wabaId)) e.wabaId = 'The WhatsApp Business Account ID is a number from WhatsApp Manager (digits only).';
  if (b.accessToken.length < 20) e.accessToken = 'Paste the full access token (a system-user token).';
  if (ownApp) {
    if (!b.appId && !b.appSecret) {
      e.appId = 'Give the App ID and App secret of your Meta app, or untick "I use my own Meta app".';
    } else {
      if (b.appId && !GRAPH_ID.test(b.appId)) e.appId = 'The App ID is a number (digits only).';
      if (!b.appId) e.appId = 'Give both the App ID and the App secret, or neither.';
      if (!b.appSecret) e.appSecret = 'Give both the App ID and the App secret, or neither.';
      else if (b.appSecret.length < 16) e.appSecret = 'Paste the whole app secret (App Dashboard → Settings → Basic).';
    }
  }
  return e;
}

/** Field messages from a `validation_failed` answer (`details: [{ path, message }]`). */
function fieldErrorsOf<F extends string>(err: unknown, fields: readonly F[]): Partial<Record<F, string>> {
  const out: Partial<Record<F, string>> = {};
  if (!(err instanceof ApiError) || err.code !== 'validation_failed' || !Array.isArray(err.details)) return out;
  for (const d of err.details as { path?: unknown; message?: unknown }[]) {
    const key = String(d.path ?? '')
      .split('.')
      .pop() as F;
    if (fields.includes(key) && typeof d.message === 'string' && !out[key]) out[key] = d.message;
  }
  return out;
}
