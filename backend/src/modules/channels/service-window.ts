// The 24-hour customer service window, in one place: free-form messages (text, media, interactive)
// may go to a customer only within 24 hours of their last message to that number; outside it only
// approved templates may. Every sender (inbox, bots, automations, the test message) asks here first,
// so the rule cannot be got wrong in one place and right in another.
import { Op } from 'sequelize';
import type { Models } from '../../db/models.ts';
import { AppError } from '../../http/errors.ts';

export const SERVICE_WINDOW_MS = 24 * 60 * 60 * 1000;

export interface ServiceWindow {
  open: boolean;
  /** When the window closes (or closed); null when the customer never wrote to this number. */
  closesAt: Date | null;
  lastInboundAt: Date | null;
}

/**
 * WhatsApp stamps messages to the second; a stored arrival may carry the milliseconds of its
 * receipt within that second. The window counts from the whole second, as WhatsApp does.
 */
export function windowClosesAt(lastInboundAt: Date): Date {
  return new Date(Math.floor(lastInboundAt.getTime() / 1000) * 1000 + SERVICE_WINDOW_MS);
}

/** The window is open while `now` is strictly before the last inbound message + 24 h. */
export function windowFrom(lastInboundAt: Date | null, now: Date = new Date()): ServiceWindow {
  if (!lastInboundAt) return { open: false, closesAt: null, lastInboundAt: null };
  const closesAt = windowClosesAt(lastInboundAt);
  return { open: now.getTime() < closesAt.getTime(), closesAt, lastInboundAt };
}

export async function serviceWindow(
  models: Models,
  q: { tenantId: number; channelId: number; waId: string },
  now: Date = new Date(),
): Promise<ServiceWindow> {
  const last = await models.WaMessage.findOne({
    where: { tenantId: q.tenantId, channelId: q.channelId, direction: 'in', waId: q.waId, occurredAt: { [Op.lte]: now } },
    order: [['occurredAt', 'DESC']],
    attributes: ['occurredAt'],
  });
  return windowFrom(last?.occurredAt ?? null, now);
}

/** Refuses a free-form send outside the window with an error that says what to do instead. */
export function assertWindowOpen(w: ServiceWindow): void {
  if (w.open) return;
  const when = w.lastInboundAt
    ? `The customer last wrote on ${w.lastInboundAt.toISOString()}, more than 24 hours ago.`
    : 'The customer has not written to this number yet.';
  throw new AppError(
    409,
    'service_window_closed',
    `${when} WhatsApp only allows approved templates outside the 24-hour customer service window.`,
    { closesAt: w.closesAt?.toISOString() ?? null },
  );
}
