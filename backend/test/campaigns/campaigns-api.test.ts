// The campaigns API over HTTP on a real database, with a number on the built-in simulator: drafting,
// reading, listing, changing and deleting campaigns; who may; what input is refused; templates the
// number does not have; tenant isolation; the preview's reach, exclusions, cost and balance; rendering
// one contact's message with fallbacks; the variable sources; and the life cycle a scheduled launch
// goes through (no message is sent by these tests).
import { expect } from 'chai';
import { startPlatform, type HttpClient, type HttpResponse, type TestPlatform } from '../helpers/platform.ts';
import { createTenantGraph, type TenantGraph } from '../factories/tenant-graph.ts';
import { PNG, connectSimNumber, upload, type SimNumber } from '../inbox/sending-helpers.ts';
import { createContact, defineAttribute, expectError, uniquePhone } from '../contacts/contacts-helpers.ts';
import { campaignsRoutes } from '../../src/modules/campaigns/campaigns.routes.ts';
import type { CampaignsService } from '../../src/modules/campaigns/campaigns.service.ts';
import { unitPrice } from '../../src/modules/campaigns/campaign-prices.ts';

type Body = Record<string, any>;

describe('campaigns API', function () {
  this.timeout(120_000);
  let tp: TestPlatform;
  let a: TenantGraph;
  let b: TenantGraph;
  let na: SimNumber;
  let nb: SimNumber;
  let mediaA: number;
  let mediaB: number;
  let ana: { id: number; phone: string | null };
  let ben: { id: number; phone: string | null };
  let otto: { id: number; phone: string | null };
  let nophone: { id: number };
  let segmentA: number;
  let contactB: { id: number };
  const A = () => a.users.manager.client;
  const B = () => b.users.manager.client;

  /** The body of a valid draft on tenant A's number: spring_sale (MARKETING, image header, two body variables). */
  const draft = (over: Body = {}): Body => ({
    name: 'Spring sale',
    channelId: na.channelId,
    template: { name: 'spring_sale', language: 'en_US' },
    variables: {
      body: [
        { source: 'field', field: 'first_name', fallback: 'there' },
        { source: 'attribute', key: 'discount', fallback: '20%' },
      ],
    },
    headerMediaId: mediaA,
    audience: { type: 'contacts', contactIds: [ana.id, ben.id] },
    ...over,
  });

  async function create(client: HttpClient, body: Body): Promise<Body> {
    const res = await client.post('/api/v1/campaigns', body);
    expect(res.status, res.text).to.equal(201);
    return res.body;
  }

  async function countOf(client: HttpClient): Promise<number> {
    let n = 0;
    let cursor: string | null = null;
    do {
      const res: HttpResponse = await client.get(`/api/v1/campaigns?limit=100${cursor ? `&cursor=${cursor}` : ''}`);
      expect(res.status, res.text).to.equal(200);
      n += res.body.items.length;
      cursor = res.body.nextCursor;
    } while (cursor);
    return n;
  }

  before(async () => {
    tp = await startPlatform();
    a = await createTenantGraph(tp, 'Alpha');
    b = await createTenantGraph(tp, 'Beta');
    na = await connectSimNumber(tp, a, 'Alpha shop');
    nb = await connectSimNumber(tp, b, 'Beta shop');

    await defineAttribute(A(), 'city', 'text');
    await defineAttribute(A(), 'discount', 'text');
    await defineAttribute(B(), 'loyalty_tier', 'text');

    const media = await upload(A(), PNG, 'image/png', 'spring.png');
    expect(media.status, media.text).to.equal(201);
    mediaA = media.body.id;
    const mediaOfB = await upload(B(), PNG, 'image/png', 'beta.png');
    expect(mediaOfB.status, mediaOfB.text).to.equal(201);
    mediaB = mediaOfB.body.id;

    ana = await createContact(A(), { name: 'Ana Lima', tags: ['vip'], attributes: { city: 'Lisbon', discount: '30%' } });
    ben = await createContact(A(), {});
    otto = await createContact(A(), { name: 'Otto Out', tags: ['vip'] });
    const optOut = await A().post(`/api/v1/contacts/${otto.id}/consent`, { action: 'opt_out', source: 'agent' });
    expect(optOut.status, optOut.text).to.equal(201);
    nophone = await createContact(A(), { phone: undefined, bsuid: `DE.${Date.now()}`, name: 'No Phone' });

    const seg = await A().post('/api/v1/segments', {
      name: 'VIPs',
      definition: { match: 'all', conditions: [{ field: 'tags', op: 'any', tags: ['vip'] }] },
    });
    expect(seg.status, seg.text).to.equal(201);
    segmentA = seg.body.id;

    contactB = await createContact(B(), { name: 'Bea' });
  });
  after(async () => tp?.stop());

  // -------------------------------------------------------------------------------------------------
  describe('drafts', () => {
    it('creates a draft (201) with the template category, and reads it back', async () => {
      const body = draft({ quietHours: { start: '21:00', end: '08:00' }, ratePerSecond: 20 });
      const c = await create(A(), body);
      expect(c.id).to.be.a('number');
      // Every field of CampaignView is present (null when empty), on creation as on reading.
      const VIEW_KEYS = [
        'id',
        'name',
        'status',
        'channelId',
        'template',
        'variables',
        'headerMediaId',
        'audience',
        'scheduledAt',
        'timezone',
        'quietHours',
        'ratePerSecond',
        'effectiveRatePerSecond',
        'stopCode',
        'stopReason',
        'createdAt',
        'startedAt',
        'completedAt',
        'stats',
      ];
      expect(Object.keys(c).sort(), 'keys of the 201 answer').to.deep.equal([...VIEW_KEYS].sort());
      expect(c).to.deep.include({
        name: 'Spring sale',
        status: 'draft',
        channelId: na.channelId,
        headerMediaId: mediaA,
        scheduledAt: null,
        startedAt: null,
        completedAt: null,
        stopCode: null,
        stopReason: null,
        ratePerSecond: 20,
        effectiveRatePerSecond: 20,
      });
      expect(c.template).to.deep.equal({ name: 'spring_sale', language: 'en_US', category: 'MARKETING' });
      expect(c.variables).to.deep.equal(body.variables);
      expect(c.audience).to.deep.equal(body.audience);
      expect(c.quietHours).to.deep.equal({ start: '21:00', end: '08:00' });
      expect(c.timezone).to.be.a('string');
      expect(new Date(c.createdAt).getTime()).to.be.closeTo(Date.now(), 60_000);
      expect(c.stats).to.include.keys('total', 'queued', 'sent', 'delivered', 'read', 'failed', 'progress', 'cost');

      const got = await A().get(`/api/v1/campaigns/${c.id}`);
      expect(got.status, got.text).to.equal(200);
      expect(got.body).to.deep.include({ id: c.id, name: 'Spring sale', status: 'draft', ratePerSecond: 20 });
      expect(Object.keys(got.body).sort(), 'keys of the GET answer').to.deep.equal([...VIEW_KEYS].sort());
      expect(got.body.audience).to.deep.equal(body.audience);
      expect(got.body.variables).to.deep.equal(body.variables);
    });

    it('takes the number’s default pace without ratePerSecond, and trims the name', async () => {
      const c = await create(A(), draft({ name: '  Trimmed  ', ratePerSecond: null }));
      expect(c.name).to.equal('Trimmed');
      expect(c.ratePerSecond).to.equal(null);
      expect(c.effectiveRatePerSecond).to.be.a('number').greaterThan(0);
      expect(c.quietHours).to.equal(null);
    });

    it('accepts every audience type: segment, filter, contacts and phones', async () => {
      const audiences = [
        { type: 'segment', segmentId: segmentA },
        { type: 'filter', definition: { match: 'any', conditions: [{ field: 'tags', op: 'any', tags: ['vip'] }] } },
        { type: 'contacts', contactIds: [ana.id] },
        { type: 'phones', phones: [uniquePhone()] },
      ];
      for (const audience of audiences) {
        const c = await create(A(), draft({ name: `Audience ${audience.type}`, audience }));
        expect(c.audience).to.deep.equal(audience);
      }
    });

    it('lists newest first, by status, in keyset pages', async () => {
      const first = await create(A(), draft({ name: 'List one' }));
      const second = await create(A(), draft({ name: 'List two' }));
      const res = await A().get('/api/v1/campaigns');
      expect(res.status, res.text).to.equal(200);
      const ids = res.body.items.map((c: Body) => c.id);
      expect(ids.indexOf(second.id)).to.be.greaterThanOrEqual(0);
      expect(ids.indexOf(second.id)).to.be.lessThan(ids.indexOf(first.id));

      const drafts = await A().get('/api/v1/campaigns?status=draft&limit=100');
      expect(drafts.status, drafts.text).to.equal(200);
      expect(drafts.body.items.every((c: Body) => c.status === 'draft')).to.equal(true);
      expect(drafts.body.items.map((c: Body) => c.id)).to.include.members([first.id, second.id]);
      const running = await A().get('/api/v1/campaigns?status=running');
      expect(running.status, running.text).to.equal(200);
      expect(running.body.items).to.deep.equal([]);
      expect(running.body.nextCursor).to.equal(null);

      // Pages of one, following nextCursor, visit every campaign once, newest first.
      const seen: number[] = [];
      let cursor: string | null = null;
      do {
        const page: HttpResponse = await A().get(`/api/v1/campaigns?limit=1${cursor ? `&cursor=${cursor}` : ''}`);
        expect(page.status, page.text).to.equal(200);
        expect(page.body.items.length).to.be.at.most(1);
        seen.push(...page.body.items.map((c: Body) => c.id));
        cursor = page.body.nextCursor;
      } while (cursor && seen.length < 1000);
      expect(new Set(seen).size).to.equal(seen.length);
      expect(seen).to.deep.equal([...seen].sort((x, y) => y - x));
      expect(seen).to.include.members([first.id, second.id]);
      expect(seen.length).to.equal(await countOf(A()));
    });

    it('changes a draft: name, audience, pace, quiet hours', async () => {
      const c = await create(A(), draft({ ratePerSecond: 5, quietHours: { start: '22:00', end: '07:30' } }));
      const phones = [uniquePhone(), uniquePhone()];
      const res = await A().patch(`/api/v1/campaigns/${c.id}`, {
        name: 'Spring sale v2',
        audience: { type: 'phones', phones },
        ratePerSecond: 50,
        quietHours: null,
      });
      expect(res.status, res.text).to.equal(200);
      expect(res.body).to.deep.include({ id: c.id, name: 'Spring sale v2', status: 'draft', ratePerSecond: 50 });
      expect(res.body.effectiveRatePerSecond).to.equal(50);
      expect(res.body.quietHours).to.equal(null);
      expect(res.body.audience).to.deep.equal({ type: 'phones', phones });
      // What was not sent stays as it was.
      expect(res.body.template).to.deep.equal({ name: 'spring_sale', language: 'en_US', category: 'MARKETING' });
      expect(res.body.variables).to.deep.equal(draft().variables);

      const got = await A().get(`/api/v1/campaigns/${c.id}`);
      expect(got.body.name).to.equal('Spring sale v2');
      expect(got.body.audience).to.deep.equal({ type: 'phones', phones });

      // Switching to another template updates the category.
      const util = await A().patch(`/api/v1/campaigns/${c.id}`, {
        template: { name: 'order_update', language: 'en_US' },
        variables: {
          header: [{ source: 'text', value: 'A-1' }],
          body: [
            { source: 'field', field: 'first_name', fallback: 'there' },
            { source: 'text', value: 'A-1' },
          ],
          buttons: [{ source: 'text', value: 'A-1' }],
        },
        headerMediaId: null,
      });
      expect(util.status, util.text).to.equal(200);
      expect(util.body.template).to.deep.equal({ name: 'order_update', language: 'en_US', category: 'UTILITY' });
      expect(util.body.headerMediaId).to.equal(null);
    });

    it('refuses an empty change', async () => {
      const c = await create(A(), draft());
      expectError(await A().patch(`/api/v1/campaigns/${c.id}`, {}), 400, 'validation_failed');
    });

    it('deletes a draft (204); afterwards it is gone everywhere', async () => {
      const c = await create(A(), draft({ name: 'To delete' }));
      const del = await A().delete(`/api/v1/campaigns/${c.id}`);
      expect(del.status, del.text).to.equal(204);
      expect(del.text).to.equal('');
      expectError(await A().get(`/api/v1/campaigns/${c.id}`), 404);
      expectError(await A().patch(`/api/v1/campaigns/${c.id}`, { name: 'Back' }), 404);
      expectError(await A().delete(`/api/v1/campaigns/${c.id}`), 404);
      const list = await A().get('/api/v1/campaigns?limit=100');
      expect(list.body.items.map((x: Body) => x.id)).not.to.include(c.id);
    });

    it('an admin can do everything a manager can', async () => {
      const admin = a.users.admin.client;
      const c = await create(admin, draft({ name: 'By admin' }));
      expect((await admin.get(`/api/v1/campaigns/${c.id}`)).status).to.equal(200);
      expect((await admin.patch(`/api/v1/campaigns/${c.id}`, { name: 'By admin 2' })).body.name).to.equal('By admin 2');
      expect((await admin.get(`/api/v1/campaigns/${c.id}/preview`)).status).to.equal(200);
      expect((await admin.get('/api/v1/campaigns/variable-sources')).status).to.equal(200);
      // A manager sees the admin's campaign: campaigns belong to the tenant.
      expect((await A().get(`/api/v1/campaigns/${c.id}`)).status).to.equal(200);
      expect((await admin.delete(`/api/v1/campaigns/${c.id}`)).status).to.equal(204);
    });
  });

  // -------------------------------------------------------------------------------------------------
  describe('who may', () => {
    let id: number;
    before(async () => {
      id = (await create(A(), draft({ name: 'RBAC' }))).id;
    });

    /** Every declared campaigns route, with the path made concrete and a plausible body. */
    const routes = () =>
      campaignsRoutes({} as CampaignsService).map((r) => ({
        method: r.method.toUpperCase(),
        path: r.path.replace(':id', String(id)),
        body:
          r.method === 'get' || r.method === 'delete'
            ? undefined
            : r.path.endsWith('/launch')
              ? { when: 'now' }
              : r.path.endsWith('/render')
                ? { channelId: na.channelId, template: { name: 'spring_sale', language: 'en_US' } }
                : r.path.match(/\/(pause|resume|cancel)$/)
                  ? {}
                  : draft(),
      }));

    it('declares all the routes of the contract, with campaigns.manage', () => {
      const declared = campaignsRoutes({} as CampaignsService);
      expect(declared.map((r) => `${r.method.toUpperCase()} ${r.path}`).sort()).to.deep.equal(
        [
          'GET /api/v1/campaigns',
          'POST /api/v1/campaigns',
          'GET /api/v1/campaigns/variable-sources',
          'GET /api/v1/campaigns/numbers',
          'POST /api/v1/campaigns/preview',
          'POST /api/v1/campaigns/render',
          'GET /api/v1/campaigns/:id',
          'PATCH /api/v1/campaigns/:id',
          'DELETE /api/v1/campaigns/:id',
          'GET /api/v1/campaigns/:id/preview',
          'POST /api/v1/campaigns/:id/launch',
          'POST /api/v1/campaigns/:id/pause',
          'POST /api/v1/campaigns/:id/resume',
          'POST /api/v1/campaigns/:id/cancel',
          'GET /api/v1/campaigns/:id/stats',
          'GET /api/v1/campaigns/:id/recipients',
          'GET /api/v1/campaigns/:id/recipients.csv',
        ].sort(),
      );
      for (const r of declared) {
        expect(r.access, r.path).to.equal('campaigns.manage');
        expect(r.tags, r.path).to.deep.equal(['campaigns']);
      }
    });

    it('an agent gets 403 on every campaigns route, and nothing changes', async () => {
      const agent = a.users.agent.client;
      for (const r of routes()) {
        const res = await agent.request(r.method, r.path, r.body);
        expect(res.status, `${r.method} ${r.path}: ${res.text}`).to.equal(403);
      }
      const got = await A().get(`/api/v1/campaigns/${id}`);
      expect(got.body).to.deep.include({ name: 'RBAC', status: 'draft' });
    });

    it('an unauthenticated caller gets 401 on every campaigns route', async () => {
      const anonymous = tp.client().tenant(a.tenantId);
      for (const r of routes()) {
        const res = await anonymous.request(r.method, r.path, r.body);
        expect(res.status, `${r.method} ${r.path}: ${res.text}`).to.equal(401);
      }
    });

    it('managers and admins reach the read routes', async () => {
      for (const client of [a.users.manager.client, a.users.admin.client]) {
        for (const path of [
          '/api/v1/campaigns',
          '/api/v1/campaigns/variable-sources',
          '/api/v1/campaigns/numbers',
          `/api/v1/campaigns/${id}`,
          `/api/v1/campaigns/${id}/stats`,
          `/api/v1/campaigns/${id}/recipients`,
          `/api/v1/campaigns/${id}/recipients.csv`,
        ]) {
          const res = await client.get(path);
          expect(res.status, `${path}: ${res.text}`).to.equal(200);
        }
      }
    });
  });

  // -------------------------------------------------------------------------------------------------
  describe('validation', () => {
    const bad: [string, () => Body][] = [
      ['an unknown audience type', () => draft({ audience: { type: 'everyone' } })],
      ['no audience', () => draft({ audience: undefined })],
      ['an empty contact list', () => draft({ audience: { type: 'contacts', contactIds: [] } })],
      ['a contact id that is not one', () => draft({ audience: { type: 'contacts', contactIds: ['abc'] } })],
      ['a segment id of 0', () => draft({ audience: { type: 'segment', segmentId: 0 } })],
      ['a filter that is not a definition', () => draft({ audience: { type: 'filter', definition: { match: 'some' } } })],
      ['100,001 phone numbers', () => draft({ audience: { type: 'phones', phones: Array(100_001).fill('1') } })],
      ['100,001 contact ids', () => draft({ audience: { type: 'contacts', contactIds: Array(100_001).fill(1) } })],
      ['ratePerSecond 0', () => draft({ ratePerSecond: 0 })],
      ['ratePerSecond 1001', () => draft({ ratePerSecond: 1001 })],
      ['ratePerSecond 2.5', () => draft({ ratePerSecond: 2.5 })],
      ['ratePerSecond as text', () => draft({ ratePerSecond: '10' })],
      ['quiet hours at 25:00', () => draft({ quietHours: { start: '25:00', end: '08:00' } })],
      ['quiet hours at 9pm', () => draft({ quietHours: { start: '9pm', end: '08:00' } })],
      ['quiet hours starting when they end', () => draft({ quietHours: { start: '08:00', end: '08:00' } })],
      ['an empty name', () => draft({ name: '' })],
      ['a blank name', () => draft({ name: '   ' })],
      ['a name of 121 characters', () => draft({ name: 'x'.repeat(121) })],
      ['no name', () => draft({ name: undefined })],
      ['no channel', () => draft({ channelId: undefined })],
      ['a template name with capitals', () => draft({ template: { name: 'Spring Sale', language: 'en_US' } })],
      ['a template without language', () => draft({ template: { name: 'spring_sale' } })],
      ['a language of 17 characters', () => draft({ template: { name: 'spring_sale', language: 'e'.repeat(17) } })],
      ['an unknown variable source', () => draft({ variables: { body: [{ source: 'magic' }, { source: 'text', value: 'x' }] } })],
      [
        'an unknown contact field',
        () =>
          draft({
            variables: {
              body: [
                { source: 'field', field: 'birthday' },
                { source: 'text', value: 'x' },
              ],
            },
          }),
      ],
      [
        'a fallback of 201 characters',
        () =>
          draft({
            variables: {
              body: [
                { source: 'field', field: 'name', fallback: 'f'.repeat(201) },
                { source: 'text', value: 'x' },
              ],
            },
          }),
      ],
      [
        'a text value of 1025 characters',
        () =>
          draft({
            variables: {
              body: [
                { source: 'field', field: 'name' },
                { source: 'text', value: 'v'.repeat(1025) },
              ],
            },
          }),
      ],
      ['a negative header media id', () => draft({ headerMediaId: -1 })],
    ];

    it('refuses bad campaigns with 400 validation_failed (create, preview and change), saving nothing', async () => {
      const before = await countOf(A());
      const existing = await create(A(), draft({ name: 'Unchanged' }));
      for (const [what, body] of bad) {
        const created = await A().post('/api/v1/campaigns', body());
        expect(created.status, `create with ${what}: ${created.text}`).to.equal(400);
        expect(created.body.error.code, what).to.equal('validation_failed');
        const previewed = await A().post('/api/v1/campaigns/preview', body());
        expect(previewed.status, `preview with ${what}: ${previewed.text}`).to.equal(400);
        expect(previewed.body.error.code, what).to.equal('validation_failed');
      }
      for (const [what, patch] of [
        ['an unknown audience type', { audience: { type: 'everyone' } }],
        ['ratePerSecond 0', { ratePerSecond: 0 }],
        ['quiet hours at 25:00', { quietHours: { start: '25:00', end: '08:00' } }],
        ['a name of 121 characters', { name: 'x'.repeat(121) }],
        ['an empty name', { name: '' }],
      ] as const) {
        const res = await A().patch(`/api/v1/campaigns/${existing.id}`, patch);
        expect(res.status, `change with ${what}: ${res.text}`).to.equal(400);
        expect(res.body.error.code, what).to.equal('validation_failed');
      }
      expect(await countOf(A())).to.equal(before + 1);
      expect((await A().get(`/api/v1/campaigns/${existing.id}`)).body).to.deep.include({ name: 'Unchanged', status: 'draft' });
    });

    it('accepts the limits: a 120-character name, 1 and 1000 messages per second, quiet hours 00:00–23:59', async () => {
      const c = await create(
        A(),
        draft({ name: 'n'.repeat(120), ratePerSecond: 1000, quietHours: { start: '00:00', end: '23:59' } }),
      );
      expect(c.name).to.have.length(120);
      expect(c.ratePerSecond).to.equal(1000);
      const one = await create(A(), draft({ ratePerSecond: 1 }));
      expect(one.ratePerSecond).to.equal(1);
    });

    it('refuses a NUL character with 400', async () => {
      const res = await A().post('/api/v1/campaigns', draft({ name: 'Spring\u0000sale' }));
      expect(res.status, res.text).to.equal(400);
      const fallback = await A().post('/api/v1/campaigns/render', {
        channelId: na.channelId,
        template: { name: 'spring_sale', language: 'en_US' },
        variables: {
          body: [
            { source: 'field', field: 'name', fallback: 'a\u0000b' },
            { source: 'text', value: 'x' },
          ],
        },
        headerMediaId: mediaA,
      });
      expect(fallback.status, fallback.text).to.equal(400);
      const cursor = await A().get('/api/v1/campaigns?cursor=%00');
      expect(cursor.status, cursor.text).to.equal(400);
    });

    it('refuses bad ids, queries and launch bodies with 400', async () => {
      const c = await create(A(), draft({ name: 'Launch checks' }));
      for (const path of [
        '/api/v1/campaigns/abc',
        '/api/v1/campaigns/0',
        '/api/v1/campaigns/-3',
        '/api/v1/campaigns/1.5/stats',
        '/api/v1/campaigns?limit=0',
        '/api/v1/campaigns?limit=101',
        '/api/v1/campaigns?status=sending',
        '/api/v1/campaigns?cursor=not%20a%20cursor',
        `/api/v1/campaigns/${c.id}/recipients?limit=501`,
        `/api/v1/campaigns/${c.id}/recipients?state=lost`,
      ]) {
        expectError(await A().get(path), 400, 'validation_failed');
      }
      for (const body of [
        {},
        { when: 'later' },
        { when: 'schedule' },
        { when: 'schedule', at: '24.12.2027 09:00', timezone: 'Europe/Berlin' },
        { when: 'schedule', at: '2027-12-24T09:00Z', timezone: 'Europe/Berlin' },
        { when: 'schedule', at: '2027-12-24', timezone: 'Europe/Berlin' },
        { when: 'schedule', at: '2027-12-24T09:00' },
        { when: 'schedule', at: '2027-12-24T09:00', timezone: 'x'.repeat(65) },
      ]) {
        expectError(await A().post(`/api/v1/campaigns/${c.id}/launch`, body), 400, 'validation_failed');
      }
      expect((await A().get(`/api/v1/campaigns/${c.id}`)).body.status).to.equal('draft');
    });
  });

  // -------------------------------------------------------------------------------------------------
  describe('templates', () => {
    it('422 template_not_found for a template the number does not have (create, preview, change, render)', async () => {
      for (const template of [
        { name: 'no_such_template', language: 'en_US' },
        { name: 'spring_sale', language: 'de' },
      ]) {
        expectError(await A().post('/api/v1/campaigns', draft({ template })), 422, 'template_not_found');
        expectError(await A().post('/api/v1/campaigns/preview', draft({ template })), 422, 'template_not_found');
        expectError(
          await A().post('/api/v1/campaigns/render', { channelId: na.channelId, template, contactId: ana.id }),
          422,
          'template_not_found',
        );
      }
      const c = await create(A(), draft());
      expectError(
        await A().patch(`/api/v1/campaigns/${c.id}`, { template: { name: 'no_such_template', language: 'en_US' } }),
        422,
        'template_not_found',
      );
      expect((await A().get(`/api/v1/campaigns/${c.id}`)).body.template.name).to.equal('spring_sale');
    });

    it('422 template_not_broadcastable for an authentication template (one-time codes only)', async () => {
      const template = { name: 'verification_code', language: 'en_US' };
      const res = await A().post('/api/v1/campaigns', draft({ template }));
      expectError(res, 422, 'template_not_broadcastable');
      expect(res.body.error.message).to.contain('one-time codes');
      expectError(await A().post('/api/v1/campaigns/preview', draft({ template })), 422, 'template_not_broadcastable');
    });

    it('404 for a channel that does not exist', async () => {
      expectError(await A().post('/api/v1/campaigns', draft({ channelId: 999_999 })), 404);
    });
  });

  // -------------------------------------------------------------------------------------------------
  describe('tenant isolation', () => {
    let campaign: Body;
    before(async () => {
      campaign = await create(A(), draft({ name: 'Alpha only' }));
    });

    it("tenant B cannot see, change, launch, pause, export or delete tenant A's campaign", async () => {
      const id = campaign.id;
      const calls: [string, string, unknown?][] = [
        ['GET', `/api/v1/campaigns/${id}`],
        ['PATCH', `/api/v1/campaigns/${id}`, { name: 'Taken over' }],
        ['GET', `/api/v1/campaigns/${id}/preview`],
        ['POST', `/api/v1/campaigns/${id}/launch`, { when: 'now' }],
        ['POST', `/api/v1/campaigns/${id}/pause`, {}],
        ['POST', `/api/v1/campaigns/${id}/resume`, {}],
        ['POST', `/api/v1/campaigns/${id}/cancel`, {}],
        ['GET', `/api/v1/campaigns/${id}/stats`],
        ['GET', `/api/v1/campaigns/${id}/recipients`],
        ['GET', `/api/v1/campaigns/${id}/recipients.csv`],
        ['DELETE', `/api/v1/campaigns/${id}`],
      ];
      for (const client of [B(), b.users.admin.client]) {
        for (const [method, path, body] of calls) {
          const res = await client.request(method, path, body);
          expect(res.status, `${method} ${path}: ${res.text}`).to.equal(404);
        }
      }
      const list = await B().get('/api/v1/campaigns?limit=100');
      expect(list.status).to.equal(200);
      expect(list.body.items.map((c: Body) => c.id)).not.to.include(id);
      // Still A's, untouched.
      const got = await A().get(`/api/v1/campaigns/${id}`);
      expect(got.status).to.equal(200);
      expect(got.body).to.deep.include({ name: 'Alpha only', status: 'draft' });
    });

    it("tenant B cannot use tenant A's channel, segment or contacts (404)", async () => {
      const onB = (over: Body) =>
        draft({
          channelId: nb.channelId,
          headerMediaId: mediaB,
          // Tenant B has no 'discount' attribute.
          variables: {
            body: [
              { source: 'field', field: 'first_name', fallback: 'there' },
              { source: 'text', value: '10%' },
            ],
          },
          audience: { type: 'contacts', contactIds: [contactB.id] },
          ...over,
        });
      // Tenant B's own draft works, so the 404s below are about the foreign ids.
      const own = await create(B(), onB({}));
      expect(own.channelId).to.equal(nb.channelId);

      for (const body of [
        onB({ channelId: na.channelId }),
        onB({ audience: { type: 'segment', segmentId: segmentA } }),
        onB({ audience: { type: 'contacts', contactIds: [ana.id] } }),
        onB({ audience: { type: 'contacts', contactIds: [contactB.id, ana.id] } }),
      ]) {
        expectError(await B().post('/api/v1/campaigns', body), 404);
        expectError(await B().post('/api/v1/campaigns/preview', body), 404);
      }
      expectError(await B().patch(`/api/v1/campaigns/${own.id}`, { channelId: na.channelId }), 404);
      expectError(await B().patch(`/api/v1/campaigns/${own.id}`, { audience: { type: 'segment', segmentId: segmentA } }), 404);
      expectError(
        await B().post('/api/v1/campaigns/render', {
          channelId: nb.channelId,
          template: { name: 'spring_sale', language: 'en_US' },
          headerMediaId: mediaB,
          contactId: ana.id,
        }),
        404,
      );
      expectError(
        await B().post('/api/v1/campaigns/render', {
          channelId: na.channelId,
          template: { name: 'spring_sale', language: 'en_US' },
        }),
        404,
      );
      // And A's list does not show B's campaign.
      const listA = await A().get('/api/v1/campaigns?limit=100');
      expect(listA.body.items.map((c: Body) => c.id)).not.to.include(own.id);
    });
  });

  // -------------------------------------------------------------------------------------------------
  describe('preview', () => {
    const checkCost = (p: Body, expected: { country: string; count: number }[]) => {
      expect(p.category).to.equal('MARKETING');
      expect(p.cost.currency).to.be.a('string').with.length.greaterThan(0);
      const lines = [...p.cost.lines].sort((x: Body, y: Body) => x.country.localeCompare(y.country));
      expect(lines.map((l: Body) => ({ country: l.country, count: l.count }))).to.deep.equal(
        [...expected].sort((x, y) => x.country.localeCompare(y.country)),
      );
      for (const l of lines) {
        expect(l.category).to.equal('MARKETING');
        expect(l.unitMicros).to.equal(unitPrice(l.country, 'MARKETING'));
        expect(l.unitMicros).to.be.greaterThan(0);
        expect(l.totalMicros).to.equal(l.unitMicros * l.count);
      }
      expect(p.cost.totalMicros).to.equal(lines.reduce((s: number, l: Body) => s + l.totalMicros, 0));
      expect(p.cost.totalMicros).to.be.greaterThan(0);
      expect(p.balance.currency).to.be.a('string');
      expect(p.balance.beforeMicros).to.be.a('number');
      expect(p.balance.afterMicros).to.equal(p.balance.beforeMicros - p.cost.totalMicros);
      expect(p.balance.sufficient).to.equal(p.balance.afterMicros >= 0);
    };

    it('counts contacts: eligible, opted out and without phone; costs by country; balance before and after', async () => {
      const body = draft({ audience: { type: 'contacts', contactIds: [ana.id, ben.id, otto.id, nophone.id] } });
      const res = await A().post('/api/v1/campaigns/preview', body);
      expect(res.status, res.text).to.equal(200);
      const p = res.body;
      expect(p.audience).to.equal(4);
      expect(p.eligible).to.equal(2);
      expect(p.excluded).to.deep.equal({ optedOut: 1, invalid: 0, noPhone: 1, duplicate: 0 });
      checkCost(p, [{ country: 'DE', count: 2 }]);
    });

    it('counts a phone list: a duplicate and an invalid number are excluded', async () => {
      const de = uniquePhone(); // +49151…
      const spaced = `${de.slice(0, 3)} ${de.slice(3, 6)} ${de.slice(6)}`;
      const body = draft({
        audience: { type: 'phones', phones: [de, spaced, uniquePhone(), '+447911123456', 'call me maybe'] },
      });
      const res = await A().post('/api/v1/campaigns/preview', body);
      expect(res.status, res.text).to.equal(200);
      const p = res.body;
      expect(p.audience).to.equal(5);
      expect(p.eligible).to.equal(3);
      expect(p.excluded).to.deep.equal({ optedOut: 0, invalid: 1, noPhone: 0, duplicate: 1 });
      checkCost(p, [
        { country: 'DE', count: 2 },
        { country: 'GB', count: 1 },
      ]);
    });

    it('counts a segment and a filter the same way', async () => {
      for (const audience of [
        { type: 'segment', segmentId: segmentA },
        { type: 'filter', definition: { match: 'all', conditions: [{ field: 'tags', op: 'any', tags: ['vip'] }] } },
      ]) {
        const res = await A().post('/api/v1/campaigns/preview', draft({ audience }));
        expect(res.status, res.text).to.equal(200);
        expect(res.body.audience, audience.type).to.equal(2);
        expect(res.body.eligible, audience.type).to.equal(1);
        expect(res.body.excluded, audience.type).to.deep.equal({ optedOut: 1, invalid: 0, noPhone: 0, duplicate: 0 });
        checkCost(res.body, [{ country: 'DE', count: 1 }]);
      }
    });

    it('a saved campaign previews like its input, and previewing saves nothing', async () => {
      const before = await countOf(A());
      const body = draft({ audience: { type: 'contacts', contactIds: [ana.id, ben.id, otto.id, nophone.id] } });
      const unsaved = await A().post('/api/v1/campaigns/preview', body);
      expect(unsaved.status, unsaved.text).to.equal(200);
      expect(await countOf(A())).to.equal(before);
      const c = await create(A(), body);
      const saved = await A().get(`/api/v1/campaigns/${c.id}/preview`);
      expect(saved.status, saved.text).to.equal(200);
      expect(saved.body).to.deep.equal(unsaved.body);
    });

    it('a utility template is priced as UTILITY', async () => {
      const res = await A().post('/api/v1/campaigns/preview', {
        name: 'Orders',
        channelId: na.channelId,
        template: { name: 'order_update', language: 'en_US' },
        variables: {
          header: [{ source: 'text', value: 'A-1' }],
          body: [
            { source: 'field', field: 'first_name', fallback: 'there' },
            { source: 'text', value: 'A-1' },
          ],
          buttons: [{ source: 'text', value: 'A-1' }],
        },
        audience: { type: 'contacts', contactIds: [ana.id] },
      });
      expect(res.status, res.text).to.equal(200);
      expect(res.body.category).to.equal('UTILITY');
      for (const l of res.body.cost.lines) expect(l.category).to.equal('UTILITY');
    });
  });

  // -------------------------------------------------------------------------------------------------
  describe('render', () => {
    const render = (body: Body) =>
      A().post('/api/v1/campaigns/render', {
        channelId: na.channelId,
        template: { name: 'spring_sale', language: 'en_US' },
        variables: draft().variables,
        headerMediaId: mediaA,
        ...body,
      });

    it("fills the variables from the contact's name and attributes", async () => {
      const res = await render({ contactId: ana.id });
      expect(res.status, res.text).to.equal(200);
      expect(res.body.body).to.equal('Hi Ana, our spring sale starts today: 30% off everything.');
      expect(res.body.fallbacks).to.deep.equal([]);
      expect(res.body.header).to.include({ type: 'image' });
      expect(res.body.footer).to.equal(null);
      expect(res.body.buttons.map((x: Body) => x.text)).to.deep.equal(['Show me', 'Stop promotions']);
      for (const button of res.body.buttons) expect(button.type).to.be.a('string');
    });

    it('uses the fallback where the field is empty, and lists it in fallbacks', async () => {
      const res = await render({ contactId: ben.id });
      expect(res.status, res.text).to.equal(200);
      expect(res.body.body).to.equal('Hi there, our spring sale starts today: 20% off everything.');
      expect(res.body.fallbacks).to.have.length(2);
      for (const f of res.body.fallbacks) expect(f).to.be.a('string');

      const mixed = await render({
        contactId: ana.id,
        variables: {
          body: [
            { source: 'field', field: 'email', fallback: 'friend' },
            { source: 'attribute', key: 'city', fallback: 'your city' },
          ],
        },
      });
      expect(mixed.status, mixed.text).to.equal(200);
      expect(mixed.body.body).to.equal('Hi friend, our spring sale starts today: Lisbon off everything.');
      expect(mixed.body.fallbacks).to.have.length(1);
    });

    it('full name, phone and fixed text', async () => {
      const res = await render({
        contactId: ana.id,
        variables: {
          body: [
            { source: 'field', field: 'name' },
            { source: 'text', value: '15%' },
          ],
        },
      });
      expect(res.status, res.text).to.equal(200);
      expect(res.body.body).to.equal('Hi Ana Lima, our spring sale starts today: 15% off everything.');
      const phone = await render({
        contactId: ana.id,
        variables: {
          body: [
            { source: 'field', field: 'phone' },
            { source: 'text', value: '15%' },
          ],
        },
      });
      expect(phone.status, phone.text).to.equal(200);
      expect(phone.body.body)
        .to.include(ana.phone!.replace(/^\+/, ''))
        .and.to.match(/^Hi \+?\d+, /);
    });

    it('renders a text header and footer (order_update)', async () => {
      const res = await A().post('/api/v1/campaigns/render', {
        channelId: na.channelId,
        template: { name: 'order_update', language: 'en_US' },
        variables: {
          header: [{ source: 'text', value: 'A-42' }],
          body: [
            { source: 'field', field: 'first_name', fallback: 'there' },
            { source: 'text', value: 'A-42' },
          ],
          buttons: [{ source: 'text', value: 'A-42' }],
        },
        contactId: ana.id,
      });
      expect(res.status, res.text).to.equal(200);
      expect(res.body.header).to.deep.include({ type: 'text', text: 'Order A-42' });
      expect(res.body.body).to.equal('Hi Ana, your order A-42 has shipped.');
      expect(res.body.footer).to.equal('Reply STOP to opt out');
      expect(res.body.buttons.map((x: Body) => x.text)).to.deep.equal(['Track']);
    });

    it('404 for a contact of another tenant or one that does not exist', async () => {
      expectError(await render({ contactId: contactB.id }), 404);
      expectError(await render({ contactId: 999_999 }), 404);
    });
  });

  // -------------------------------------------------------------------------------------------------
  describe('numbers', () => {
    it("lists the tenant's own numbers for a manager, with their default rate and no secrets", async () => {
      const res = await a.users.manager.client.get('/api/v1/campaigns/numbers');
      expect(res.status, res.text).to.equal(200);
      expect(res.body.items.length).to.be.greaterThan(0);
      for (const n of res.body.items) {
        expect(n.ratePerSecond).to.be.oneOf([80, 1000]);
        expect(Object.keys(n).sort()).to.deep.equal(
          ['displayPhoneNumber', 'id', 'name', 'ratePerSecond', 'status', 'throughputLevel', 'verifiedName'].sort(),
        );
      }
      const mine = res.body.items.map((n: Body) => n.id);
      const other = await b.users.manager.client.get('/api/v1/campaigns/numbers');
      for (const n of other.body.items) expect(mine).not.to.include(n.id);
      expect(res.text).not.to.match(/token|secret/i);
    });
  });

  // -------------------------------------------------------------------------------------------------
  describe('variable sources', () => {
    it("lists name, first name, phone and email, and the tenant's own custom attributes", async () => {
      const res = await A().get('/api/v1/campaigns/variable-sources');
      expect(res.status, res.text).to.equal(200);
      const byKey = new Map(res.body.items.map((i: Body) => [i.key, i]));
      for (const key of ['field:name', 'field:first_name', 'field:phone', 'field:email']) {
        expect(byKey.get(key), key).to.include({ source: 'field' });
      }
      for (const key of ['attribute:city', 'attribute:discount']) {
        expect(byKey.get(key), key).to.include({ source: 'attribute', type: 'text' });
      }
      for (const item of res.body.items) {
        expect(item.label, item.key).to.be.a('string').with.length.greaterThan(0);
        expect(item.type, item.key).to.be.a('string');
      }
      expect(byKey.has('attribute:loyalty_tier')).to.equal(false);

      const other = await B().get('/api/v1/campaigns/variable-sources');
      expect(other.status, other.text).to.equal(200);
      const keysB = other.body.items.map((i: Body) => i.key);
      expect(keysB).to.include('attribute:loyalty_tier');
      expect(keysB).not.to.include('attribute:city');
      expect(keysB).not.to.include('attribute:discount');
    });
  });

  // -------------------------------------------------------------------------------------------------
  describe('life cycle (scheduled, nothing sent)', () => {
    const year = new Date().getUTCFullYear() + 1;

    it('schedules at a wall time in a time zone; then only pause, resume and cancel; delete once cancelled', async () => {
      const c = await create(A(), draft({ name: 'Scheduled' }));
      const launched = await A().post(`/api/v1/campaigns/${c.id}/launch`, {
        when: 'schedule',
        at: `${year}-06-01T09:00`,
        timezone: 'Europe/Berlin',
      });
      expect(launched.status, launched.text).to.equal(200);
      expect(launched.body.status).to.equal('scheduled');
      expect(new Date(launched.body.scheduledAt).toISOString()).to.equal(`${year}-06-01T07:00:00.000Z`);
      expect(launched.body.timezone).to.equal('Europe/Berlin');

      expectError(await A().patch(`/api/v1/campaigns/${c.id}`, { name: 'Too late' }), 409, 'campaign_not_editable');
      expectError(await A().delete(`/api/v1/campaigns/${c.id}`), 409, 'campaign_active');
      expectError(await A().post(`/api/v1/campaigns/${c.id}/launch`, { when: 'now' }), 409, 'campaign_not_launchable');

      const paused = await A().post(`/api/v1/campaigns/${c.id}/pause`);
      expect(paused.status, paused.text).to.equal(200);
      expect(paused.body.status).to.equal('paused');
      const resumed = await A().post(`/api/v1/campaigns/${c.id}/resume`);
      expect(resumed.status, resumed.text).to.equal(200);
      expect(resumed.body.status).to.equal('scheduled');

      const stats = await A().get(`/api/v1/campaigns/${c.id}/stats`);
      expect(stats.status, stats.text).to.equal(200);
      expect(stats.body).to.include.keys(
        'total',
        'queued',
        'reconciling',
        'skipped',
        'sent',
        'delivered',
        'read',
        'replied',
        'failed',
        'cancelled',
        'failedByReason',
        'skippedByReason',
        'cost',
        'progress',
        'timeline',
      );
      const recipients = await A().get(`/api/v1/campaigns/${c.id}/recipients`);
      expect(recipients.status, recipients.text).to.equal(200);
      expect(recipients.body.items).to.be.an('array');
      expect(recipients.body).to.have.property('nextCursor');

      const cancelled = await A().post(`/api/v1/campaigns/${c.id}/cancel`);
      expect(cancelled.status, cancelled.text).to.equal(200);
      expect(cancelled.body.status).to.equal('cancelled');
      expectError(await A().post(`/api/v1/campaigns/${c.id}/cancel`), 409);
      expectError(await A().post(`/api/v1/campaigns/${c.id}/pause`), 409, 'campaign_not_running');
      expect((await A().delete(`/api/v1/campaigns/${c.id}`)).status).to.equal(204);
    });

    it('refuses a time in the past (422), a bad time zone and a wall time that does not exist (400)', async () => {
      const c = await create(A(), draft({ name: 'Bad schedule' }));
      const launch = (at: string, timezone: string) =>
        A().post(`/api/v1/campaigns/${c.id}/launch`, { when: 'schedule', at, timezone });
      expectError(await launch('2020-01-01T09:00', 'Europe/Berlin'), 422, 'schedule_in_past');
      expectError(await launch(`${year}-06-01T09:00`, 'Mars/Olympus_Mons'), 400, 'invalid_timezone');
      expectError(await launch(`${year}-02-30T09:00`, 'Europe/Berlin'), 400, 'invalid_schedule');
      expectError(await launch(`${year}-06-01T25:00`, 'Europe/Berlin'), 400);
      expect((await A().get(`/api/v1/campaigns/${c.id}`)).body.status).to.equal('draft');
    });

    it('422 no_eligible_recipients when nobody in the audience may be sent to', async () => {
      const c = await create(A(), draft({ name: 'Nobody', audience: { type: 'contacts', contactIds: [otto.id, nophone.id] } }));
      expectError(await A().post(`/api/v1/campaigns/${c.id}/launch`, { when: 'now' }), 422, 'no_eligible_recipients');
      expect((await A().get(`/api/v1/campaigns/${c.id}`)).body.status).to.equal('draft');
    });

    it('exports the recipients as a CSV attachment', async () => {
      const c = await create(A(), draft({ name: 'Export' }));
      const res = await A().get(`/api/v1/campaigns/${c.id}/recipients.csv`);
      expect(res.status, res.text).to.equal(200);
      expect(res.headers.get('content-type')).to.match(/^text\/csv/);
      expect(res.headers.get('content-disposition')).to.include(`campaign-${c.id}-recipients.csv`);
      expect(res.headers.get('content-disposition')).to.match(/^attachment/);
      expect(res.text.split(/\r?\n/)[0]).to.match(/phone/i);
    });
  });
});
