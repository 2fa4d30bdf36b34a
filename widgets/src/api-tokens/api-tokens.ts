// Bundle entry: registers <wa-api-tokens> (and the shared state elements it renders).
import '../shared/elements.ts';
import { WaApiTokens } from './api-tokens.component.ts';
import { defineElement } from '../shared/base-element.ts';

defineElement('wa-api-tokens', WaApiTokens);

export { WaApiTokens };

declare global {
  interface HTMLElementTagNameMap {
    'wa-api-tokens': WaApiTokens;
  }
}
