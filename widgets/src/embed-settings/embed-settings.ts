// Bundle entry: registers <wa-embed-settings> (and the shared state elements it renders).
import '../shared/elements.ts';
import { WaEmbedSettings } from './embed-settings.component.ts';
import { defineElement } from '../shared/base-element.ts';

defineElement('wa-embed-settings', WaEmbedSettings);

export { WaEmbedSettings };

declare global {
  interface HTMLElementTagNameMap {
    'wa-embed-settings': WaEmbedSettings;
  }
}
