// Bundle entry: registers <wa-admin-tenants> (and the shared state elements it renders).
import '../shared/elements.ts';
import { WaAdminTenants } from './admin-tenants.component.ts';
import { defineElement } from '../shared/base-element.ts';

defineElement('wa-admin-tenants', WaAdminTenants);

export { WaAdminTenants };

declare global {
  interface HTMLElementTagNameMap {
    'wa-admin-tenants': WaAdminTenants;
  }
}
