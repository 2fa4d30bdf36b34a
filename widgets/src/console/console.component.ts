import { html, nothing } from 'lit';
import { ifDefined } from 'lit/directives/if-defined.js';
import { WaShell, type Me, type ShellRoute, type TenantRole } from './shell-base.ts';
import '../team-members/team-members.ts';
import '../api-tokens/api-tokens.ts';
import '../audit-log/audit-log.ts';
import '../embed-settings/embed-settings.ts';
import '../channel-settings/channel-settings.ts';
import '../inbox-settings/inbox-settings.ts';

interface TenantOption {
  id: number;
  name: string;
  slug: string;
  status: string;
  role: TenantRole | 'super_admin';
}

const TENANT_KEY = 'wa-console-tenant';

let inboxModule: Promise<unknown> | null = null;
function loadInbox(bridge: { toast(message: string, options?: { kind?: 'error' }): void }) {
  inboxModule ??= import('../inbox/inbox.ts').catch((e: unknown) => {
    inboxModule = null;
    bridge.toast(`The inbox could not be loaded: ${(e as Error).message}. Reload the page to try again.`, { kind: 'error' });
  });
  return inboxModule;
}

let campaignsModule: Promise<unknown> | null = null;
function loadCampaigns(bridge: { toast(message: string, options?: { kind?: 'error' }): void }) {
  campaignsModule ??= import('../campaigns/campaigns.ts').catch((e: unknown) => {
    campaignsModule = null;
    bridge.toast(`Campaigns could not be loaded: ${(e as Error).message}. Reload the page to try again.`, { kind: 'error' });
  });
  return campaignsModule;
}

let contactsModule: Promise<unknown> | null = null;
function loadContacts(bridge: { toast(message: string, options?: { kind?: 'error' }): void }) {
  contactsModule ??= import('../contacts/contacts.ts').catch((e: unknown) => {
    contactsModule = null;
    bridge.toast(`Contacts could not be loaded: ${(e as Error).message}. Reload the page to try again.`, { kind: 'error' });
  });
  return contactsModule;
}

/**
 * The workspace console at `/app`: sign-in, tenant switcher, theme switch, and the screens of a
 * workspace (Inbox, Campaigns, Contacts, Bots; Settings: WhatsApp numbers, Inbox, Team, API tokens, Audit log). Provides the
 * API client and host bridge to every widget below it through @lit/context.
 *
 * Routes (History API, deep links work on reload): `/app/inbox`, `/app/campaigns`, `/app/contacts`,
 * `/app/bots`, `/app/settings/inbox`, `/app/settings/team`, `/app/settings/api-tokens`, `/app/settings/audit-log`.
 *
 * @tag wa-console
 * @property {'light'|'dark'} theme - Reflects the resolved theme; set by the theme switch (remembered in localStorage).
 * @event wa-tenant-change - `detail: { tenantId }` after the user switched workspace.
 */
export class WaConsole extends WaShell {
  static override properties = {
    ...WaShell.properties,
    _tenants: { state: true },
    _tenantId: { state: true },
  };

  declare _tenants: TenantOption[];
  declare _tenantId: number | null;

  protected readonly basePath = '/app';
  protected readonly productName = 'WA Business';

  constructor() {
    super();
    this._tenants = [];
    this._tenantId = null;
  }

  get #role(): TenantRole | 'super_admin' | null {
    return this._tenants.find((t) => t.id === this._tenantId)?.role ?? null;
  }

  #isAdmin = () => this.#role === 'admin' || this.#role === 'super_admin';
  #isManager = () => this.#role === 'manager' || this.#isAdmin();

  protected routes(): ShellRoute[] {
    const t = this.childTheme;
    const soon = (title: string, what: string) => () =>
      html`<h2 class="page-title">${title}</h2>
        <wa-empty-state theme=${t} heading="${title} is coming soon" description=${what}></wa-empty-state>`;
    const needsTenant = (view: () => ReturnType<ShellRoute['render']>) => () =>
      this._tenantId === null ? this.#noTenant() : view();
    return [
      {
        path: 'inbox',
        label: 'Inbox',
        render: needsTenant(() => {
          // Loaded on first visit: the inbox is the largest widget and the settings pages don't need it.
          void loadInbox(this.bridge);
          // `?conversation=<id>` opens one (links from a contact's conversations).
          const conversation = Number(new URLSearchParams(location.search).get('conversation')) || undefined;
          return html`<wa-inbox theme=${t} conversation-id=${ifDefined(conversation)}></wa-inbox>`;
        }),
      },
      {
        path: 'campaigns',
        label: 'Campaigns',
        allowed: this.#isManager,
        render: needsTenant(() => {
          // Loaded on first visit, like the inbox and contacts.
          void loadCampaigns(this.bridge);
          return html`<wa-campaign-composer theme=${t}></wa-campaign-composer>`;
        }),
      },
      {
        path: 'contacts',
        label: 'Contacts',
        allowed: this.#isManager,
        render: needsTenant(() => {
          // Loaded on first visit, like the inbox.
          void loadContacts(this.bridge);
          return html`<wa-contacts
            theme=${t}
            @wa-open-conversation=${(e: CustomEvent<{ conversationId: number }>) =>
              this.navigate(`${this.basePath}/inbox?conversation=${e.detail.conversationId}`)}
          ></wa-contacts>`;
        }),
      },
      { path: 'bots', label: 'Bots', render: soon('Bots', 'The visual automation builder is being built.') },
      {
        path: 'settings/whatsapp',
        label: 'WhatsApp numbers',
        group: 'Settings',
        allowed: this.#isAdmin,
        render: needsTenant(() => html`<wa-channel-settings theme=${t}></wa-channel-settings>`),
      },
      {
        path: 'settings/inbox',
        label: 'Inbox settings',
        group: 'Settings',
        allowed: this.#isManager,
        render: needsTenant(() => html`<wa-inbox-settings theme=${t}></wa-inbox-settings>`),
      },
      {
        path: 'settings/team',
        label: 'Team',
        group: 'Settings',
        render: needsTenant(() => html`<wa-team-members theme=${t}></wa-team-members>`),
      },
      {
        path: 'settings/api-tokens',
        label: 'API tokens',
        group: 'Settings',
        allowed: this.#isAdmin,
        render: needsTenant(() => html`<wa-api-tokens theme=${t}></wa-api-tokens>`),
      },
      {
        path: 'settings/embedding',
        label: 'Website embedding',
        group: 'Settings',
        allowed: this.#isAdmin,
        render: needsTenant(() => html`<wa-embed-settings theme=${t}></wa-embed-settings>`),
      },
      {
        path: 'settings/audit-log',
        label: 'Audit log',
        group: 'Settings',
        allowed: this.#isAdmin,
        render: needsTenant(() => html`<wa-audit-log theme=${t} scope="tenant"></wa-audit-log>`),
      },
    ];
  }

  #noTenant() {
    const su = this._me?.user?.isSuperAdmin;
    return html`<h2 class="page-title">No workspace</h2>
      <wa-empty-state
        theme=${this.childTheme}
        heading=${su ? 'There are no tenants yet' : "You're not a member of any workspace"}
        description=${su ? 'Create a tenant in the admin console first.' : 'Ask an admin of your workspace to add you to the team.'}
      >
        ${su ? html`<a slot="action" class="btn primary" href="/admin/tenants">Open the admin console</a>` : nothing}
      </wa-empty-state>`;
  }

  protected override async signedIn(me: Me): Promise<void> {
    let options: TenantOption[] = me.memberships.map((m) => ({ ...m.tenant, role: m.role }));
    // A platform operator with no memberships can still act in any tenant (as an admin).
    if (options.length === 0 && me.user?.isSuperAdmin) {
      try {
        const page = await this.api.get<{ items: { id: number; name: string; slug: string; status: string }[] }>(
          '/api/admin/tenants',
          {
            query: { limit: 200 },
          },
        );
        options = page.items.map((t) => ({
          id: t.id,
          name: t.name,
          slug: t.slug,
          status: t.status,
          role: 'super_admin' as const,
        }));
      } catch {
        options = [];
      }
    } else if (me.user?.isSuperAdmin) {
      options = options.map((o) => ({ ...o, role: 'super_admin' as const }));
    }
    this._tenants = options;
    const saved = Number(readStorage(TENANT_KEY));
    const pick =
      options.find((o) => o.id === saved && o.status === 'active') ?? options.find((o) => o.status === 'active') ?? options[0];
    this.#useTenant(pick?.id ?? null, false);
  }

  #useTenant(id: number | null, announce = true) {
    this._tenantId = id;
    this.bridge.tenant = id;
    if (id !== null) writeStorage(TENANT_KEY, String(id));
    this.reprovide();
    if (announce) {
      const t = this._tenants.find((o) => o.id === id);
      if (t) this.bridge.toast(`Switched to ${t.name}.`, { kind: 'info' });
      this.dispatchEvent(new CustomEvent('wa-tenant-change', { detail: { tenantId: id }, bubbles: true, composed: true }));
    }
  }

  protected override async signOut() {
    await super.signOut();
    this._tenants = [];
  }

  protected override headerTools(where: 'header' | 'panel') {
    if (this._tenants.length === 0) return nothing;
    const id = `tenant-${where}`;
    return html`<div class="tool">
      <label for=${id}>Workspace</label>
      <select
        id=${id}
        .value=${String(this._tenantId ?? '')}
        @change=${(e: Event) => this.#useTenant(Number((e.target as HTMLSelectElement).value))}
      >
        ${this._tenants.map(
          (t) =>
            html`<option value=${t.id} ?selected=${t.id === this._tenantId}>
              ${t.name}${t.status !== 'active' ? ` (${t.status})` : ''}
            </option>`,
        )}
      </select>
    </div>`;
  }
}

function readStorage(key: string): string | null {
  try {
    return localStorage.getItem(key);
  } catch {
    return null;
  }
}
function writeStorage(key: string, value: string) {
  try {
    localStorage.setItem(key, value);
  } catch {
    // Storage blocked: the choice lasts for this page only.
  }
}
