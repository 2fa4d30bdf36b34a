import type { RouteDef } from '../../http/route.ts';
import type { ContactsService } from './contacts.service.ts';

export function contactsRoutes(_contacts: ContactsService): RouteDef[] {
  return [];
}
