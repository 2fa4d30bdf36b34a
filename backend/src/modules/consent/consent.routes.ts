import type { RouteDef } from '../../http/route.ts';
import type { ConsentService } from './consent.service.ts';

export function consentRoutes(_consent: ConsentService): RouteDef[] {
  return [];
}
