// Side-effect module: registers the shared element tags. Classes stay importable without it, so an
// embedder (or a scoped registry) can register them under other names.
import { defineElement } from './base-element.ts';
import { WaToastRegion } from './toast.ts';
import { WaEmptyState, WaErrorState } from './states.ts';
import { WaSkeleton } from './skeleton.ts';

defineElement('wa-toast-region', WaToastRegion);
defineElement('wa-empty-state', WaEmptyState);
defineElement('wa-error-state', WaErrorState);
defineElement('wa-skeleton', WaSkeleton);
