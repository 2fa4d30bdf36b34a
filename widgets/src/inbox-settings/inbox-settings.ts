// Bundle entry: registers <wa-inbox-settings> (and the shared state elements it renders).
import '../shared/elements.ts';
import { WaInboxSettings } from './inbox-settings.component.ts';
import { defineElement } from '../shared/base-element.ts';

defineElement('wa-inbox-settings', WaInboxSettings);

export { WaInboxSettings };

declare global {
  interface HTMLElementTagNameMap {
    'wa-inbox-settings': WaInboxSettings;
  }
}
