// Who is looking at (or typing in) a conversation right now. Each instance keeps a small in-memory
// registry fed only by 'conversation.activity' events from the bus: every instance hears every event
// (Redis fans them out), so all instances agree without a shared store. Entries expire by time —
// viewing 30 s after the last 'viewing' ping, typing 6 s after the last 'typing' — so a closed tab
// or a crashed instance needs no clean-up.
import type { EventBus, RealtimeEvent } from '../../realtime/index.ts';

export const VIEWING_TTL_MS = 30_000;
export const TYPING_TTL_MS = 6_000;
export const ACTIVITY_KINDS = ['viewing', 'typing', 'left'] as const;
export type ActivityKind = (typeof ACTIVITY_KINDS)[number];
export const ACTIVITY_EVENT = 'conversation.activity';

export const conversationTopic = (conversationId: number) => `conversation:${conversationId}`;

interface Viewer {
  name: string;
  viewingUntil: number;
  typingUntil: number;
}

export interface ActivityData {
  conversationId: number;
  userId: number;
  name: string;
  kind: ActivityKind;
}

function activityOf(event: RealtimeEvent): ActivityData | null {
  if (event.type !== ACTIVITY_EVENT) return null;
  const d = event.data as Partial<ActivityData> | null;
  if (!d || !Number.isSafeInteger(d.conversationId) || !Number.isSafeInteger(d.userId)) return null;
  if (!(ACTIVITY_KINDS as readonly string[]).includes(d.kind as string)) return null;
  return { conversationId: d.conversationId!, userId: d.userId!, name: typeof d.name === 'string' ? d.name : '', kind: d.kind! };
}

export class ViewerRegistry {
  readonly #bus: EventBus | null;
  readonly #now: () => number;
  /** `${tenantId}:${conversationId}` → userId → viewer. */
  readonly #rooms = new Map<string, Map<number, Viewer>>();
  readonly #unsubscribe: () => void;
  #lastSweep = 0;

  constructor(bus: EventBus | null, opts: { now?: () => number } = {}) {
    this.#bus = bus;
    this.#now = opts.now ?? Date.now;
    this.#unsubscribe = bus ? bus.subscribe((e) => this.#hear(e)) : () => {};
  }

  /**
   * Records the caller's activity here at once (the bus delivers on a later turn, even locally),
   * tells every instance, and answers with the others present.
   */
  async report(tenantId: number, activity: ActivityData): Promise<{ userId: number; name: string; typing: boolean }[]> {
    this.#apply(tenantId, activity, this.#now());
    if (this.#bus) {
      await this.#bus.publish({
        tenantId,
        topic: conversationTopic(activity.conversationId),
        type: ACTIVITY_EVENT,
        data: activity,
      });
    }
    return this.viewers(tenantId, activity.conversationId, activity.userId);
  }

  /** Who is present in a conversation, except `exceptUserId`. */
  viewers(tenantId: number, conversationId: number, exceptUserId: number | null = null) {
    const now = this.#now();
    const room = this.#rooms.get(`${tenantId}:${conversationId}`);
    if (!room) return [];
    const out: { userId: number; name: string; typing: boolean }[] = [];
    for (const [userId, v] of room) {
      if (v.viewingUntil <= now && v.typingUntil <= now) {
        room.delete(userId);
        continue;
      }
      if (userId !== exceptUserId) out.push({ userId, name: v.name, typing: v.typingUntil > now });
    }
    if (room.size === 0) this.#rooms.delete(`${tenantId}:${conversationId}`);
    return out.sort((a, b) => a.userId - b.userId);
  }

  close() {
    this.#unsubscribe();
    this.#rooms.clear();
  }

  #hear(event: RealtimeEvent) {
    const a = activityOf(event);
    if (!a) return;
    // Expiry runs from when the event was made, so an instance that hears it late agrees on it.
    const at = event.at ? Date.parse(event.at) : NaN;
    this.#apply(event.tenantId, a, Number.isNaN(at) ? this.#now() : Math.min(at, this.#now()));
  }

  #apply(tenantId: number, a: ActivityData, at: number) {
    this.#sweep();
    const key = `${tenantId}:${a.conversationId}`;
    let room = this.#rooms.get(key);
    if (a.kind === 'left') {
      room?.delete(a.userId);
      if (room?.size === 0) this.#rooms.delete(key);
      return;
    }
    if (!room) this.#rooms.set(key, (room = new Map()));
    const v = room.get(a.userId) ?? { name: a.name, viewingUntil: 0, typingUntil: 0 };
    v.name = a.name || v.name;
    // Typing implies looking at the conversation.
    v.viewingUntil = Math.max(v.viewingUntil, at + VIEWING_TTL_MS);
    if (a.kind === 'typing') v.typingUntil = Math.max(v.typingUntil, at + TYPING_TTL_MS);
    room.set(a.userId, v);
  }

  /** Drops expired entries of rooms nobody asks about any more (at most every viewing period). */
  #sweep() {
    const now = this.#now();
    if (now - this.#lastSweep < VIEWING_TTL_MS) return;
    this.#lastSweep = now;
    for (const [key, room] of this.#rooms) {
      for (const [userId, v] of room) if (v.viewingUntil <= now && v.typingUntil <= now) room.delete(userId);
      if (room.size === 0) this.#rooms.delete(key);
    }
  }
}
