import type { RouteDef } from '../../http/route.ts';
import type { SegmentsService } from './segments.service.ts';

export function segmentsRoutes(_segments: SegmentsService): RouteDef[] {
  return [];
}
