import type { RouteDef } from '../../http/route.ts';
import type { ImportsService } from './imports.service.ts';

export function importsRoutes(_imports: ImportsService): RouteDef[] {
  return [];
}
