// Bundle entry: registers <wa-audit-log> (and the shared state elements it renders).
import '../shared/elements.ts';
import { WaAuditLog } from './audit-log.component.ts';
import { defineElement } from '../shared/base-element.ts';

defineElement('wa-audit-log', WaAuditLog);

export { WaAuditLog };

declare global {
  interface HTMLElementTagNameMap {
    'wa-audit-log': WaAuditLog;
  }
}
