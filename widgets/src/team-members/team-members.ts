// Bundle entry: registers <wa-team-members> (and the shared state elements it renders).
import '../shared/elements.ts';
import { WaTeamMembers } from './team-members.component.ts';
import { defineElement } from '../shared/base-element.ts';

defineElement('wa-team-members', WaTeamMembers);

export { WaTeamMembers };

declare global {
  interface HTMLElementTagNameMap {
    'wa-team-members': WaTeamMembers;
  }
}
