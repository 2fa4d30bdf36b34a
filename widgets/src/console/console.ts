// Bundle entry for the /app page: registers <wa-console> (the settings widgets it hosts register
// themselves through their own entry modules).
import { WaConsole } from './console.component.ts';
import { defineElement } from '../shared/base-element.ts';

defineElement('wa-console', WaConsole);

export { WaConsole };

declare global {
  interface HTMLElementTagNameMap {
    'wa-console': WaConsole;
  }
}
