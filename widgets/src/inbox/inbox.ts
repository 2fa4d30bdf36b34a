// Bundle entry: registers <wa-inbox>, the elements it is made of, and the shared state elements.
import '../shared/elements.ts';
import { defineElement } from '../shared/base-element.ts';
import { WaInbox } from './inbox.component.ts';
import { WaInboxList } from './inbox-list.component.ts';
import { WaInboxThread } from './inbox-thread.component.ts';
import { WaInboxComposer } from './inbox-composer.component.ts';
import { WaInboxTemplatePicker } from './template-picker.component.ts';
import { WaInboxDetails } from './inbox-details.component.ts';
import { WaInboxNotifications } from './inbox-notifications.component.ts';
import { WaInboxMedia } from './message-bubble.ts';

defineElement('wa-inbox-media', WaInboxMedia);
defineElement('wa-inbox-list', WaInboxList);
defineElement('wa-inbox-thread', WaInboxThread);
defineElement('wa-inbox-composer', WaInboxComposer);
defineElement('wa-inbox-template-picker', WaInboxTemplatePicker);
defineElement('wa-inbox-details', WaInboxDetails);
defineElement('wa-inbox-notifications', WaInboxNotifications);
defineElement('wa-inbox', WaInbox);

export {
  WaInbox,
  WaInboxList,
  WaInboxThread,
  WaInboxComposer,
  WaInboxTemplatePicker,
  WaInboxDetails,
  WaInboxNotifications,
  WaInboxMedia,
};

declare global {
  interface HTMLElementTagNameMap {
    'wa-inbox': WaInbox;
    'wa-inbox-list': WaInboxList;
    'wa-inbox-thread': WaInboxThread;
    'wa-inbox-composer': WaInboxComposer;
    'wa-inbox-template-picker': WaInboxTemplatePicker;
    'wa-inbox-details': WaInboxDetails;
    'wa-inbox-notifications': WaInboxNotifications;
    'wa-inbox-media': WaInboxMedia;
  }
}
