// Bundle entry: registers <wa-contacts>, the elements it is made of, and the shared state elements.
import '../shared/elements.ts';
import { defineElement } from '../shared/base-element.ts';
import { WaContacts } from './contacts.component.ts';
import { WaContactsSegmentBuilder } from './contacts-segment.component.ts';
import { WaContactsDetail } from './contacts-detail.component.ts';
import { WaContactsImport } from './contacts-import.component.ts';
import { WaContactsFields } from './contacts-fields.component.ts';
import { WaContactsKeywords } from './contacts-keywords.component.ts';
import { WaContactsMerge } from './contacts-merge.component.ts';

defineElement('wa-contacts-segment-builder', WaContactsSegmentBuilder);
defineElement('wa-contacts-detail', WaContactsDetail);
defineElement('wa-contacts-import', WaContactsImport);
defineElement('wa-contacts-fields', WaContactsFields);
defineElement('wa-contacts-keywords', WaContactsKeywords);
defineElement('wa-contacts-merge', WaContactsMerge);
defineElement('wa-contacts', WaContacts);

export {
  WaContacts,
  WaContactsSegmentBuilder,
  WaContactsDetail,
  WaContactsImport,
  WaContactsFields,
  WaContactsKeywords,
  WaContactsMerge,
};

declare global {
  interface HTMLElementTagNameMap {
    'wa-contacts': WaContacts;
    'wa-contacts-segment-builder': WaContactsSegmentBuilder;
    'wa-contacts-detail': WaContactsDetail;
    'wa-contacts-import': WaContactsImport;
    'wa-contacts-fields': WaContactsFields;
    'wa-contacts-keywords': WaContactsKeywords;
    'wa-contacts-merge': WaContactsMerge;
  }
}
