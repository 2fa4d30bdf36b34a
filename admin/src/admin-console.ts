// The platform operators' console at /admin: the same shell as the workspace console (sign-in,
// theme, routing, navigation) with the platform screens. Only super admins get past sign-in.
import { html } from 'lit';
import { WaShell, type Me, type ShellRoute } from '../../widgets/src/console/shell-base.ts';
import { defineElement } from '../../widgets/src/shared/base-element.ts';
import '../../widgets/src/admin-tenants/admin-tenants.ts';
import '../../widgets/src/admin-users/admin-users.ts';
import '../../widgets/src/audit-log/audit-log.ts';

/**
 * The admin console at `/admin`. Routes: `/admin/tenants`, `/admin/users`, `/admin/audit-log`.
 * Provides the API client and host bridge (cookie session, no tenant) to the widgets below it.
 *
 * @tag wa-admin-console
 * @property {'light'|'dark'} theme - Reflects the resolved theme; set by the theme switch (remembered in localStorage).
 */
export class WaAdminConsole extends WaShell {
  protected readonly basePath = '/admin';
  protected readonly productName = 'WA Business Admin';

  protected routes(): ShellRoute[] {
    const t = this.childTheme;
    return [
      { path: 'tenants', label: 'Tenants', render: () => html`<wa-admin-tenants theme=${t}></wa-admin-tenants>` },
      { path: 'users', label: 'Users', render: () => html`<wa-admin-users theme=${t}></wa-admin-users>` },
      { path: 'audit-log', label: 'Audit log', render: () => html`<wa-audit-log theme=${t} scope="platform"></wa-audit-log>` },
    ];
  }

  protected override refusal(me: Me): string | null {
    return me.user?.isSuperAdmin ? null : 'This console is for platform operators. Your workspace is at /app.';
  }

  protected override signInHint(): string {
    return 'For platform operators (super admins).';
  }

  protected override signInFooter() {
    return html`<a href="/app">Workspace console</a>`;
  }
}

defineElement('wa-admin-console', WaAdminConsole);

declare global {
  interface HTMLElementTagNameMap {
    'wa-admin-console': WaAdminConsole;
  }
}
