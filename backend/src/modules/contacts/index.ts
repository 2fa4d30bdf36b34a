// The contacts module owns the CRM: contacts with typed attributes, tags and notes, merging, saved
// segments evaluated in SQL, and CSV import and export.
export { ContactsService } from './contacts.service.ts';
export { contactsRoutes } from './contacts.routes.ts';
export { SegmentsService } from './segments.service.ts';
export { segmentsRoutes } from './segments.routes.ts';
export { ImportsService } from './imports.service.ts';
export { importsRoutes } from './imports.routes.ts';
export { importsJobs } from './imports.jobs.ts';
export { ContactSchema, serializeContact, serializeContacts, type Contact } from './contacts.serialize.ts';
export { normalisePhone, phoneFromWaId } from './phone.ts';
export { coerceAttribute, valueColumns, readValue } from './attributes.ts';
