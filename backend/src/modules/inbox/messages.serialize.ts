// The Message object of the inbox API, built for a page of rows at once: who sent it, the message it
// quotes (with its text), its media with a download URL, and a failure in plain words. Two lookups
// per page (senders, quoted messages), however many rows.
import { Op } from 'sequelize';
import type { Models } from '../../db/models.ts';
import type { WaMessageInstance } from '../channels/wa-message.model.ts';
import { describeFailure, parseMedia, textOf } from './message-content.ts';
import { previewOf } from './conversations.ts';
import { parseCampaignOpaque } from '../channels/webhook-processor.ts';

/** Outbound rows wait for their WhatsApp id under a local placeholder; notes never get one. */
export const LOCAL_WAMID = /^(local|note):/;

export function publicWamid(wamid: string): string | null {
  return LOCAL_WAMID.test(wamid) ? null : wamid;
}

function parseObject(json: string): Record<string, unknown> {
  try {
    const v: unknown = JSON.parse(json);
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

/** The words of a stored message: its body text, or what its payload says. */
export function messageText(m: Pick<WaMessageInstance, 'bodyText' | 'type' | 'payload'>): string | null {
  if (m.bodyText) return m.bodyText;
  const payload = parseObject(m.payload);
  return textOf(m.type, payload);
}

export type MessageView = Awaited<ReturnType<typeof serializeMessages>>[number];

export async function serializeMessages(models: Models, rows: WaMessageInstance[]) {
  if (rows.length === 0) return [];
  const tenantId = rows[0].tenantId;
  const senderIds = [...new Set(rows.map((m) => m.senderUserId).filter((v): v is number => v !== null))];
  const quotedWamids = [...new Set(rows.map((m) => m.replyToWamid).filter((v): v is string => Boolean(v)))];
  const campaignIds = [
    ...new Set(
      rows.map((m) => parseCampaignOpaque(m.bizOpaqueCallbackData)?.campaignId).filter((v): v is number => v !== undefined),
    ),
  ];
  const [senders, quoted, campaigns] = await Promise.all([
    senderIds.length
      ? models.User.findAll({ where: { id: { [Op.in]: senderIds } }, attributes: ['id', 'name', 'email'] })
      : Promise.resolve([]),
    quotedWamids.length
      ? models.WaMessage.findAll({
          where: { tenantId, wamid: { [Op.in]: quotedWamids } },
          attributes: ['id', 'channelId', 'wamid', 'type', 'payload', 'bodyText'],
        })
      : Promise.resolve([]),
    campaignIds.length
      ? models.Campaign.findAll({ where: { tenantId, id: { [Op.in]: campaignIds } }, attributes: ['id', 'name'] })
      : Promise.resolve([]),
  ]);
  const campaignById = new Map(campaigns.map((c) => [Number(c.id), { id: Number(c.id), name: c.name }]));
  const senderById = new Map(senders.map((u) => [u.id, { id: u.id, name: u.name || u.email }]));
  const quotedByKey = new Map(quoted.map((q) => [`${q.channelId}:${q.wamid}`, q]));

  return rows.map((m) => {
    const content = parseObject(m.payload);
    const media = parseMedia(m.media);
    const q = m.replyToWamid ? quotedByKey.get(`${m.channelId}:${m.replyToWamid}`) : undefined;
    const failed = m.status === 'failed' || m.errorCode !== null;
    const campaignId = parseCampaignOpaque(m.bizOpaqueCallbackData)?.campaignId;
    return {
      id: Number(m.id),
      wamid: publicWamid(m.wamid),
      direction: m.direction,
      type: m.type,
      status: m.status,
      statusAt: m.statusAt?.toISOString() ?? null,
      error: failed ? { code: m.errorCode, ...describeFailure(m.errorCode, m.errorTitle) } : null,
      occurredAt: m.occurredAt.toISOString(),
      content,
      text: m.bodyText ?? textOf(m.type, content),
      note: Boolean(m.isNote),
      sender: m.senderUserId !== null ? (senderById.get(m.senderUserId) ?? { id: m.senderUserId, name: '' }) : null,
      replyTo: m.replyToWamid
        ? {
            id: q ? Number(q.id) : null,
            wamid: m.replyToWamid,
            text: q ? (messageText(q) ?? previewOf(q.type, parseObject(q.payload))) : null,
          }
        : null,
      media: media
        ? {
            id: media.blobId,
            mime: media.mime,
            size: media.size,
            filename: media.filename,
            state: media.state,
            url: media.blobId !== null && media.state === 'stored' ? `/api/v1/media/${media.blobId}` : null,
            error: media.error,
          }
        : null,
      clientRef: m.clientRef,
      /** The campaign this message went out in (it joined the thread when the customer replied). */
      campaign: campaignId !== undefined ? (campaignById.get(campaignId) ?? null) : null,
    };
  });
}

export async function serializeMessage(models: Models, row: WaMessageInstance) {
  return (await serializeMessages(models, [row]))[0];
}
