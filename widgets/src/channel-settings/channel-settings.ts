// Bundle entry: registers <wa-channel-settings> (and the shared state elements it renders).
import '../shared/elements.ts';
import { WaChannelSettings } from './channel-settings.component.ts';
import { defineElement } from '../shared/base-element.ts';

defineElement('wa-channel-settings', WaChannelSettings);

export { WaChannelSettings };

declare global {
  interface HTMLElementTagNameMap {
    'wa-channel-settings': WaChannelSettings;
  }
}
