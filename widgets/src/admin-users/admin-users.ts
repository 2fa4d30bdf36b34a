// Bundle entry: registers <wa-admin-users> (and the shared state elements it renders).
import '../shared/elements.ts';
import { WaAdminUsers } from './admin-users.component.ts';
import { defineElement } from '../shared/base-element.ts';

defineElement('wa-admin-users', WaAdminUsers);

export { WaAdminUsers };

declare global {
  interface HTMLElementTagNameMap {
    'wa-admin-users': WaAdminUsers;
  }
}
