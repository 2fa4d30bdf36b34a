// Shared by the assignment and collaboration tests: a tenant's number, customers writing to it through
// signed webhooks (the real pipeline), and conversations made directly when only their shape matters.
import crypto from 'node:crypto';
import { expect } from 'chai';
import type { TestPlatform } from '../helpers/platform.ts';
import type { ConversationAttrs } from '../../src/modules/inbox/conversation.model.ts';
import { envelope } from '../channels/fixtures.ts';
import { sign, waitFor } from '../channels/helpers.ts';

let seq = 0;

/** A manual number for the tenant; returns its id and phone number id. */
export async function addNumber(tp: TestPlatform, tenantId: number) {
  const phoneNumberId = `5${String(Date.now()).slice(-9)}${String(++seq).padStart(3, '0')}`;
  const ch = await tp.platform.models.Channel.create({
    tenantId,
    name: `Number ${phoneNumberId}`,
    kind: 'manual',
    phoneNumberId,
    wabaId: '2000000000001',
    accessTokenEnc: tp.platform.encryption.encrypt('EAAG-test', 'channels.access_token'),
    verifyToken: crypto.randomBytes(8).toString('hex'),
  });
  return { channelId: ch.id, phoneNumberId };
}

/** The customer writes (a signed webhook); resolves with the conversation once the message is stored. */
export async function customerSays(tp: TestPlatform, phoneNumberId: string, from: string, text: string, at?: number) {
  const id = `wamid.${crypto.randomBytes(8).toString('hex')}`;
  const processor = tp.platform.webhooks.processor;
  const before = processor.processed;
  const body = envelope(phoneNumberId, {
    messages: [{ from, id, timestamp: String(at ?? Math.floor(Date.now() / 1000)), type: 'text', text: { body: text } }],
  });
  const res = await fetch(`${tp.url}/webhooks/whatsapp`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-hub-signature-256': sign(body, tp.platform.webhooks.platform!.appSecret) },
    body,
  });
  expect(res.status).to.equal(200);
  const row = await waitFor(
    async () => {
      const m = await tp.platform.models.WaMessage.findOne({ where: { wamid: id } });
      return m && m.conversationId !== null ? m : null;
    },
    10_000,
    `message ${id}`,
  );
  // Round-robin runs right after the batch commits; the processor counts the event once it is done.
  await waitFor(async () => processor.processed > before, 10_000, 'the batch to finish');
  return Number(row.conversationId);
}

/** A conversation made directly (no webhook), for tests about lists, visibility and rules. */
export async function makeConversation(
  tp: TestPlatform,
  tenantId: number,
  channelId: number,
  attrs: Partial<ConversationAttrs> = {},
): Promise<number> {
  const key = attrs.waId ?? `4477${String(Date.now()).slice(-6)}${String(++seq).padStart(4, '0')}`;
  const c = await tp.platform.models.Conversation.create({
    tenantId,
    channelId,
    customerKey: key,
    waId: key,
    profileName: `Customer ${key.slice(-4)}`,
    lastMessageAt: new Date(),
    ...attrs,
  });
  return Number(c.id);
}

export const ids = (body: { items: { id: number }[] }) => body.items.map((c) => c.id);
