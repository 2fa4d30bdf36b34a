// The conversation list at the scale the issue names: 100,000 conversations in one tenant (and some
// in another), many sharing the same last-activity time. Paging through every one of them with the
// keyset cursor must return each exactly once, in order, with and without a filter, and never show
// the other tenant's rows.
import crypto from 'node:crypto';
import { expect } from 'chai';
import { startPlatform, type TestPlatform } from '../helpers/platform.ts';
import { createTenantGraph, type TenantGraph } from '../factories/tenant-graph.ts';

const TOTAL = 100_000;

interface Page {
  items: { id: number; lastMessageAt: string; status: string }[];
  nextCursor: string | null;
}

describe('conversation list at 100,000 conversations', function () {
  this.timeout(300_000);
  let tp: TestPlatform;
  let a: TenantGraph;
  let b: TenantGraph;

  before(async () => {
    tp = await startPlatform();
    a = await createTenantGraph(tp, 'Big');
    b = await createTenantGraph(tp, 'Other');
    const { models, sequelize, encryption } = tp.platform;
    const channel = async (tenantId: number, pn: string) =>
      models.Channel.create({
        tenantId,
        name: `Number ${pn}`,
        kind: 'manual',
        phoneNumberId: pn,
        wabaId: '2000000000001',
        accessTokenEnc: encryption.encrypt('EAAG-test', 'channels.access_token'),
        verifyToken: crypto.randomBytes(8).toString('hex'),
      });
    const chA = await channel(a.tenantId, '4100000000001');
    const chB = await channel(b.tenantId, '4100000000002');
    // Timestamps repeat every 1,000 rows, so 100 conversations share each instant: the id
    // tie-break is what keeps pages from skipping or repeating.
    const base = Date.UTC(2026, 0, 1);
    const rows = (tenantId: number, channelId: number, from: number, n: number) =>
      Array.from({ length: n }, (_, k) => {
        const i = from + k;
        const at = new Date(base + (i % 1000) * 60_000);
        return {
          tenant_id: tenantId,
          channel_id: channelId,
          customer_key: `1555${String(i).padStart(8, '0')}`,
          wa_id: `1555${String(i).padStart(8, '0')}`,
          status: i % 3 === 0 ? 'resolved' : 'open',
          unread_count: i % 7 === 0 ? 1 : 0,
          last_message_at: at,
          preview: `message ${i}`,
          priority: 'none',
          created_at: at,
          updated_at: at,
        };
      });
    const qi = sequelize.getQueryInterface();
    for (let from = 0; from < TOTAL; from += 2000) await qi.bulkInsert('conversations', rows(a.tenantId, chA.id, from, 2000));
    await qi.bulkInsert('conversations', rows(b.tenantId, chB.id, TOTAL, 500));
  });
  after(async () => tp?.stop());

  async function walk(query: string): Promise<Page['items']> {
    const seen: Page['items'] = [];
    let cursor: string | null = null;
    do {
      const res = await a.users.admin.client.get(
        `/api/v1/conversations?limit=100${query}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
      );
      expect(res.status, res.text).to.equal(200);
      const body = res.body as Page;
      seen.push(...body.items);
      cursor = body.nextCursor;
    } while (cursor);
    return seen;
  }

  function expectOrderedAndUnique(items: Page['items']) {
    expect(new Set(items.map((c) => c.id)).size).to.equal(items.length);
    for (let i = 1; i < items.length; i++) {
      const p = items[i - 1];
      const c = items[i];
      const ordered = p.lastMessageAt > c.lastMessageAt || (p.lastMessageAt === c.lastMessageAt && p.id > c.id);
      if (!ordered) expect.fail(`out of order at ${i}: ${JSON.stringify(p)} then ${JSON.stringify(c)}`);
    }
  }

  it('pages through all 100,000 exactly once, newest activity first', async () => {
    const items = await walk('');
    expect(items).to.have.length(TOTAL);
    expectOrderedAndUnique(items);
  });

  it('pages through a filtered view (open only) exactly once', async () => {
    const items = await walk('&status=open');
    const expected = Array.from({ length: TOTAL }, (_, i) => i).filter((i) => i % 3 !== 0).length;
    expect(items).to.have.length(expected);
    expect(items.every((c) => c.status === 'open')).to.equal(true);
    expectOrderedAndUnique(items);
  });

  it("never shows the other tenant's conversations", async () => {
    const res = await b.users.admin.client.get('/api/v1/conversations?limit=100');
    expect(res.status).to.equal(200);
    const ids = new Set((res.body as Page).items.map((c) => c.id));
    const first = await a.users.admin.client.get('/api/v1/conversations?limit=100');
    expect((first.body as Page).items.some((c) => ids.has(c.id))).to.equal(false);
    const ownB = await tp.platform.models.Conversation.count({ where: { tenantId: b.tenantId } });
    expect(ownB).to.equal(500);
  });
});
