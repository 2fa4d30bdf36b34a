// Bundle entry: registers <wa-contacts>, the elements it is made of, and the shared state elements.
import '../shared/elements.ts';
import { defineElement } from '../shared/base-element.ts';
import { WaContacts } from './contacts.component.ts';
import { WaContactsSegmentBuilder } from './contacts-segment.component.ts';
import { WaContactsDetail } from './contacts-detail.component.ts';
import { WaContactsImport } from './contacts-import.component.ts';

defineElement('wa-contacts-segment-builder', WaContactsSegmentBuilder);
defineElement('wa-contacts-detail', WaContactsDetail);
defineElement('wa-contacts-import', WaContactsImport);
defineElement('wa-contacts', WaContacts);

export { WaContacts, WaContactsSegmentBuilder, WaContactsDetail, WaContactsImport };

declare global {
  interface HTMLElementTagNameMap {
    'wa-contacts': WaContacts;
    'wa-contacts-segment-builder': WaContactsSegmentBuilder;
    'wa-contacts-detail': WaContactsDetail;
    'wa-contacts-import': WaContactsImport;
  }
}
