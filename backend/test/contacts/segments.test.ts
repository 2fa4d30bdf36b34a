// Segments over a small fixture of contacts whose answers are known by heart: every condition type
// and operator family, all/any, merged contacts left out, definitions that are wrong in every way a
// client can get them wrong (400s that say what to fix, never a 500), the contact list with search
// and keyset pages, the streamed CSV export, saved segments, roles and tenant isolation.
import crypto from 'node:crypto';
import { expect } from 'chai';
import { parse } from 'csv-parse/sync';
import { startPlatform, type HttpResponse, type TestPlatform } from '../helpers/platform.ts';
import { createTenantGraph, type TenantGraph } from '../factories/tenant-graph.ts';
import { sqlDate } from '../../src/db/sequelize.ts';
import type { TenantContext } from '../../src/http/context.ts';

const DAY = 24 * 3600_000;
const FILLERS = Array.from({ length: 14 }, (_, i) => `f${String(i + 7).padStart(2, '0')}`);

type Def = { match: 'all' | 'any'; conditions: Record<string, unknown>[] };
const all = (...conditions: Record<string, unknown>[]): Def => ({ match: 'all', conditions });
const any = (...conditions: Record<string, unknown>[]): Def => ({ match: 'any', conditions });

describe('segments and the contact list', function () {
  this.timeout(120_000);
  let tp: TestPlatform;
  let a: TenantGraph;
  let b: TenantGraph;
  let c: TenantGraph;
  /** Contact ids of tenant A by fixture name. */
  const ids = new Map<string, number>();
  const nameOf = new Map<number, string>();
  const everyone = ['anna', 'ben', 'carla', 'dario', 'eva', ...FILLERS];
  const now = Date.now();
  const daysAgo = (n: number) => new Date(now - n * DAY);
  const day = (d: Date) => d.toISOString().slice(0, 10);
  const BULK = 2500;

  before(async () => {
    tp = await startPlatform();
    a = await createTenantGraph(tp, 'Alpha');
    b = await createTenantGraph(tp, 'Beta');
    c = await createTenantGraph(tp, 'Bulk');
    const { models, sequelize, encryption } = tp.platform;

    const attr = async (tenantId: number, key: string, type: string, options?: string[]) =>
      models.ContactAttribute.create({
        tenantId,
        key,
        label: key,
        type: type as 'text',
        options: options ? JSON.stringify(options) : null,
      });
    const city = await attr(a.tenantId, 'city', 'text');
    const plan = await attr(a.tenantId, 'plan', 'list', ['free', 'pro', 'enterprise']);
    const score = await attr(a.tenantId, 'score', 'number');
    const birthday = await attr(a.tenantId, 'birthday', 'date');
    const active = await attr(a.tenantId, 'active', 'boolean');
    const tag = async (tenantId: number, name: string) => models.Tag.create({ tenantId, name });
    const vip = await tag(a.tenantId, 'vip');
    const newsletter = await tag(a.tenantId, 'newsletter');
    await tag(a.tenantId, 'unused');

    interface Fixture {
      name: string;
      fullName?: string;
      email?: string;
      tags?: number[];
      text?: Record<number, string>;
      num?: Record<number, number>;
      date?: Record<number, Date>;
      consent?: 'opted_in' | 'opted_out' | 'unknown';
      source?: 'inbound' | 'import' | 'api' | 'agent' | 'form';
      lastSeen?: Date | null;
      created: Date;
      conversations?: string[];
    }
    const fixtures: Fixture[] = [
      {
        name: 'anna',
        fullName: 'Anna Schmidt',
        email: 'anna@example.com',
        tags: [vip.id, newsletter.id],
        text: { [city.id]: 'Berlin', [plan.id]: 'pro' },
        num: { [score.id]: 10, [active.id]: 1 },
        date: { [birthday.id]: new Date('1990-05-01T00:00:00Z') },
        consent: 'opted_in',
        source: 'import',
        lastSeen: daysAgo(1),
        created: daysAgo(2),
        conversations: ['open'],
      },
      {
        name: 'ben',
        fullName: 'Ben Okafor',
        email: 'ben@example.org',
        tags: [vip.id],
        text: { [city.id]: 'berlin', [plan.id]: 'free' },
        num: { [score.id]: 5 },
        consent: 'opted_out',
        source: 'inbound',
        lastSeen: daysAgo(40),
        created: daysAgo(100),
        conversations: ['resolved'],
      },
      {
        name: 'carla',
        fullName: 'Carla Núñez',
        tags: [newsletter.id],
        text: { [city.id]: 'Munich' },
        num: { [score.id]: 20.5, [active.id]: 0 },
        date: { [birthday.id]: new Date('2000-01-15T00:00:00Z') },
        consent: 'unknown',
        source: 'agent',
        created: daysAgo(10),
      },
      {
        name: 'dario',
        fullName: 'Dario Rossi',
        text: { [city.id]: '50%_off', [plan.id]: 'enterprise' },
        num: { [score.id]: -3 },
        date: { [birthday.id]: daysAgo(3) },
        consent: 'opted_in',
        source: 'api',
        lastSeen: daysAgo(3),
        created: daysAgo(400),
        conversations: ['pending'],
      },
      {
        name: 'eva',
        fullName: '=HYPERLINK("http://evil.example","eva")',
        email: '@evil.example',
        tags: [vip.id],
        text: { [city.id]: 'Berlin-Mitte' },
        consent: 'opted_in',
        source: 'form',
        created: daysAgo(30),
        conversations: ['resolved'],
      },
      // Merged into anna: it matches almost everything and must never appear.
      {
        name: 'frank',
        fullName: 'Frank Merged',
        tags: [vip.id, newsletter.id],
        text: { [city.id]: 'Berlin' },
        consent: 'opted_in',
        source: 'import',
        lastSeen: daysAgo(1),
        created: daysAgo(2),
        conversations: ['open'],
      },
      ...FILLERS.map((name) => ({ name, fullName: `Filler ${name}`, source: 'import' as const, created: daysAgo(5) })),
    ];
    const channel = await models.Channel.create({
      tenantId: a.tenantId,
      name: 'Number A',
      kind: 'manual',
      phoneNumberId: '4300000000001',
      wabaId: '2000000000001',
      accessTokenEnc: encryption.encrypt('EAAG-test', 'channels.access_token'),
      verifyToken: crypto.randomBytes(8).toString('hex'),
    });
    const qi = sequelize.getQueryInterface();
    let n = 0;
    for (const f of fixtures) {
      n++;
      const row = await models.Contact.create({
        tenantId: a.tenantId,
        phone: `+4915112${String(n).padStart(2, '0')}999`,
        waId: `4915112${String(n).padStart(2, '0')}999`,
        name: f.fullName ?? null,
        email: f.email ?? null,
        source: f.source ?? 'agent',
        consentState: f.consent ?? 'unknown',
        lastSeenAt: f.lastSeen ?? null,
        createdAt: f.created,
        updatedAt: f.created,
      });
      const id = Number(row.id);
      ids.set(f.name, id);
      nameOf.set(id, f.name);
      for (const t of f.tags ?? []) await models.ContactTag.create({ contactId: id, tagId: t, tenantId: a.tenantId });
      for (const [attributeId, v] of Object.entries(f.text ?? {}))
        await models.ContactAttributeValue.create({
          contactId: id,
          attributeId: Number(attributeId),
          tenantId: a.tenantId,
          valueText: v,
        });
      for (const [attributeId, v] of Object.entries(f.num ?? {}))
        await models.ContactAttributeValue.create({
          contactId: id,
          attributeId: Number(attributeId),
          tenantId: a.tenantId,
          valueNumber: v,
        });
      for (const [attributeId, v] of Object.entries(f.date ?? {}))
        await models.ContactAttributeValue.create({
          contactId: id,
          attributeId: Number(attributeId),
          tenantId: a.tenantId,
          valueDate: v,
        });
      let k = 0;
      for (const status of f.conversations ?? []) {
        const at = sqlDate(sequelize, daysAgo(1));
        await qi.bulkInsert('conversations', [
          {
            tenant_id: a.tenantId,
            channel_id: channel.id,
            customer_key: `${f.name}-${k++}`,
            wa_id: `4915112${String(n).padStart(2, '0')}999`,
            status,
            unread_count: 0,
            last_message_at: at,
            priority: 'none',
            contact_id: id,
            created_at: at,
            updated_at: at,
          },
        ]);
      }
    }
    // The order frank was created in does not matter: merging only sets merged_into_id.
    await models.Contact.update({ mergedIntoId: ids.get('anna')! }, { where: { id: ids.get('frank')! } });

    // Tenant B: a tag named vip and a city attribute of its own, and two contacts.
    const bCity = await attr(b.tenantId, 'city', 'text');
    const bVip = await tag(b.tenantId, 'vip');
    for (const [i, name] of ['Bea', 'Bo'].entries()) {
      const row = await models.Contact.create({
        tenantId: b.tenantId,
        phone: `+4915120000${i}`,
        name,
        consentState: 'opted_in',
      });
      await models.ContactTag.create({ contactId: row.id, tagId: bVip.id, tenantId: b.tenantId });
      await models.ContactAttributeValue.create({
        contactId: row.id,
        attributeId: bCity.id,
        tenantId: b.tenantId,
        valueText: 'Berlin',
      });
    }

    // Tenant C: 2,500 contacts for keyset pages and a multi-batch export; every 10th is opted in.
    const at = sqlDate(sequelize, daysAgo(1));
    for (let from = 0; from < BULK; from += 500) {
      await qi.bulkInsert(
        'contacts',
        Array.from({ length: 500 }, (_, k) => {
          const i = from + k;
          return {
            tenant_id: c.tenantId,
            phone: `+1555${String(i).padStart(7, '0')}`,
            name: `Bulk ${i}`,
            source: 'import',
            consent_state: i % 10 === 0 ? 'opted_in' : 'unknown',
            created_at: at,
            updated_at: at,
          };
        }),
      );
    }
  });
  after(async () => tp?.stop());

  const manager = () => a.users.manager.client;
  const count = async (definition: Def, who = manager()) => {
    const res = await who.post('/api/v1/segments/count', { definition });
    expect(res.status, res.text).to.equal(200);
    expect(res.body.tookMs).to.be.a('number');
    return res.body.count as number;
  };
  const listNames = async (query: string, who = manager()) => {
    const names: string[] = [];
    let cursor: string | null = null;
    do {
      const res: HttpResponse = await who.get(`/api/v1/contacts?limit=100${query}${cursor ? `&cursor=${cursor}` : ''}`);
      expect(res.status, res.text).to.equal(200);
      for (const item of res.body.items as { id: number }[]) names.push(nameOf.get(item.id) ?? `other:${item.id}`);
      cursor = res.body.nextCursor;
    } while (cursor);
    return names.sort();
  };
  /** The names a definition matches, by the list and by the count (which must agree). */
  const matches = async (definition: Def) => {
    const names = await listNames(`&filter=${encodeURIComponent(JSON.stringify(definition))}`);
    expect(await count(definition), `count of ${JSON.stringify(definition)}`).to.equal(names.length);
    return names;
  };
  const expectMatch = async (definition: Def, expected: string[]) =>
    expect(await matches(definition), JSON.stringify(definition)).to.deep.equal([...expected].sort());
  const without = (...names: string[]) => everyone.filter((n) => !names.includes(n));

  describe('conditions', () => {
    it('matches tags by any, all and none, case-insensitively, and an unknown tag matches nobody', async () => {
      await expectMatch(all({ field: 'tags', op: 'any', tags: ['vip'] }), ['anna', 'ben', 'eva']);
      await expectMatch(all({ field: 'tags', op: 'any', tags: ['VIP'] }), ['anna', 'ben', 'eva']);
      await expectMatch(all({ field: 'tags', op: 'any', tags: ['vip', 'newsletter'] }), ['anna', 'ben', 'carla', 'eva']);
      await expectMatch(all({ field: 'tags', op: 'all', tags: ['vip', 'newsletter'] }), ['anna']);
      await expectMatch(all({ field: 'tags', op: 'none', tags: ['vip'] }), without('anna', 'ben', 'eva'));
      await expectMatch(all({ field: 'tags', op: 'any', tags: ['no-such-tag'] }), []);
      await expectMatch(all({ field: 'tags', op: 'all', tags: ['vip', 'no-such-tag'] }), []);
      await expectMatch(all({ field: 'tags', op: 'none', tags: ['no-such-tag'] }), everyone);
      await expectMatch(all({ field: 'tags', op: 'any', tags: ['unused'] }), []);
    });

    it('matches text attributes by eq, neq, contains, starts_with, in, is_set and is_not_set, escaping LIKE wildcards', async () => {
      const city = (op: string, value?: unknown) => all({ field: 'attribute', key: 'city', op, value });
      await expectMatch(city('eq', 'Berlin'), ['anna', 'ben']);
      await expectMatch(city('neq', 'Berlin'), without('anna', 'ben'));
      await expectMatch(city('contains', '%'), ['dario']);
      await expectMatch(city('contains', '_'), ['dario']);
      await expectMatch(city('contains', 'erlin'), ['anna', 'ben', 'eva']);
      await expectMatch(city('starts_with', 'Berl'), ['anna', 'ben', 'eva']);
      await expectMatch(city('starts_with', '50%'), ['dario']);
      await expectMatch(city('in', ['Munich', 'berlin']), ['anna', 'ben', 'carla']);
      await expectMatch(city('is_set'), ['anna', 'ben', 'carla', 'dario', 'eva']);
      await expectMatch(city('is_not_set'), FILLERS);
    });

    it('matches list attributes by their options, whatever the case', async () => {
      await expectMatch(all({ field: 'attribute', key: 'plan', op: 'eq', value: 'PRO' }), ['anna']);
      await expectMatch(all({ field: 'attribute', key: 'plan', op: 'in', value: ['free', 'Enterprise'] }), ['ben', 'dario']);
      await expectMatch(all({ field: 'attribute', key: 'plan', op: 'neq', value: 'free' }), without('ben'));
    });

    it('matches number attributes by comparisons and between', async () => {
      const score = (op: string, value?: unknown) => all({ field: 'attribute', key: 'score', op, value });
      await expectMatch(score('eq', 10), ['anna']);
      await expectMatch(score('neq', 10), without('anna'));
      await expectMatch(score('gt', 5), ['anna', 'carla']);
      await expectMatch(score('gte', 5), ['anna', 'ben', 'carla']);
      await expectMatch(score('lt', 0), ['dario']);
      await expectMatch(score('lte', '5'), ['ben', 'dario']);
      await expectMatch(score('between', [20, 5]), ['anna', 'ben']);
      await expectMatch(score('is_set'), ['anna', 'ben', 'carla', 'dario']);
    });

    it('matches date attributes by on, before, after, between and within_last_days', async () => {
      const bday = (op: string, value?: unknown) => all({ field: 'attribute', key: 'birthday', op, value });
      await expectMatch(bday('on', '1990-05-01'), ['anna']);
      await expectMatch(bday('before', '2000-01-15'), ['anna']);
      await expectMatch(bday('after', '2000-01-14'), ['carla', 'dario']);
      await expectMatch(bday('between', ['1990-05-01', '2000-01-15']), ['anna', 'carla']);
      await expectMatch(bday('within_last_days', 7), ['dario']);
      await expectMatch(bday('is_not_set'), without('anna', 'carla', 'dario'));
    });

    it('matches boolean attributes by is_true, is_false, is_set and is_not_set', async () => {
      const active = (op: string) => all({ field: 'attribute', key: 'active', op });
      await expectMatch(active('is_true'), ['anna']);
      await expectMatch(active('is_false'), ['carla']);
      await expectMatch(active('is_set'), ['anna', 'carla']);
      await expectMatch(active('is_not_set'), without('anna', 'carla'));
    });

    it('matches consent, last seen, created and source', async () => {
      await expectMatch(all({ field: 'consent', op: 'is', value: 'opted_in' }), ['anna', 'dario', 'eva']);
      await expectMatch(all({ field: 'consent', op: 'is_not', value: 'opted_in' }), without('anna', 'dario', 'eva'));
      await expectMatch(all({ field: 'last_seen', op: 'within_last_days', value: 7 }), ['anna', 'dario']);
      await expectMatch(all({ field: 'last_seen', op: 'not_within_last_days', value: 7 }), without('anna', 'dario'));
      await expectMatch(all({ field: 'last_seen', op: 'never' }), without('anna', 'ben', 'dario'));
      await expectMatch(all({ field: 'created', op: 'within_last_days', value: 7 }), ['anna', ...FILLERS]);
      await expectMatch(all({ field: 'created', op: 'before', value: day(daysAgo(50)) }), ['ben', 'dario']);
      await expectMatch(all({ field: 'created', op: 'after', value: day(daysAgo(50)) }), without('ben', 'dario'));
      await expectMatch(all({ field: 'source', op: 'is', value: 'inbound' }), ['ben']);
      await expectMatch(all({ field: 'source', op: 'is', value: 'import' }), ['anna', ...FILLERS]);
    });

    it('matches conversation state: open means not resolved', async () => {
      await expectMatch(all({ field: 'conversation', op: 'has_any' }), ['anna', 'ben', 'dario', 'eva']);
      await expectMatch(all({ field: 'conversation', op: 'has_open' }), ['anna', 'dario']);
      await expectMatch(all({ field: 'conversation', op: 'has_none_open' }), without('anna', 'dario'));
      await expectMatch(all({ field: 'conversation', op: 'has_none' }), without('anna', 'ben', 'dario', 'eva'));
    });

    it('combines conditions with match all and match any, and an empty definition is everyone', async () => {
      await expectMatch(
        all(
          { field: 'tags', op: 'any', tags: ['vip'] },
          { field: 'attribute', key: 'city', op: 'eq', value: 'Berlin' },
          { field: 'consent', op: 'is', value: 'opted_in' },
        ),
        ['anna'],
      );
      await expectMatch(
        any({ field: 'consent', op: 'is', value: 'opted_out' }, { field: 'tags', op: 'any', tags: ['newsletter'] }),
        ['anna', 'ben', 'carla'],
      );
      await expectMatch(any({ field: 'tags', op: 'any', tags: ['no-such-tag'] }, { field: 'source', op: 'is', value: 'api' }), [
        'dario',
      ]);
      await expectMatch(all(), everyone);
      await expectMatch(any(), everyone);
    });

    it('never counts, lists or exports a merged contact', async () => {
      const frank = ids.get('frank')!;
      const res = await manager().get('/api/v1/contacts?limit=100');
      expect((res.body.items as { id: number }[]).map((i) => i.id)).not.to.include(frank);
      expect(await count(all({ field: 'attribute', key: 'city', op: 'eq', value: 'Berlin' }))).to.equal(2);
      const csv = await manager().get('/api/v1/contacts/export.csv');
      expect(csv.text).not.to.include('Frank Merged');
    });

    it('gives campaigns the matching ids in ascending batches', async () => {
      const ctx: TenantContext = {
        tenantId: a.tenantId,
        role: 'manager',
        principal: {
          kind: 'session',
          userId: a.users.manager.id,
          label: 'm',
          isSuperAdmin: false,
          tenantId: null,
          tokenRole: null,
        },
        ip: null,
      };
      const seg = tp.platform.services.segments;
      const def = all({ field: 'consent', op: 'is', value: 'opted_in' }) as never;
      const first = await seg.contactIds(ctx, def, 0, 2);
      const rest = await seg.contactIds(ctx, def, first[first.length - 1], 10);
      expect([...first, ...rest]).to.deep.equal([ids.get('anna'), ids.get('dario'), ids.get('eva')].sort((x, y) => x! - y!));
      const compiled = await seg.compile(a.tenantId, def, 'x');
      expect(compiled.where).to.include('x.tenant_id = ?');
    });
  });

  describe('bad definitions', () => {
    const expect400 = async (definition: unknown, code: string, words: string[]) => {
      const res = await manager().post('/api/v1/segments/count', { definition });
      expect(res.status, res.text).to.equal(400);
      expect(res.body.error.code).to.equal(code);
      for (const w of words) expect(res.body.error.message).to.include(w);
    };

    it('names an unknown attribute', async () => {
      await expect400(all({ field: 'attribute', key: 'shoe_size', op: 'eq', value: '42' }), 'unknown_attribute', ['shoe_size']);
    });

    it('says which operators an attribute type has', async () => {
      await expect400(all({ field: 'attribute', key: 'score', op: 'contains', value: '1' }), 'invalid_operator', [
        'number',
        'eq, neq, gt, gte, lt, lte, between, is_set, is_not_set',
      ]);
      await expect400(all({ field: 'attribute', key: 'active', op: 'eq', value: true }), 'invalid_operator', ['is_true']);
      await expect400(all({ field: 'attribute', key: 'city', op: 'gt', value: 'a' }), 'invalid_operator', ['starts_with']);
    });

    it('says what is wrong with a value', async () => {
      await expect400(all({ field: 'attribute', key: 'score', op: 'gt', value: 'lots' }), 'invalid_value', ['number']);
      await expect400(all({ field: 'attribute', key: 'score', op: 'between', value: [1] }), 'invalid_value', ['[from, to]']);
      await expect400(all({ field: 'attribute', key: 'plan', op: 'eq', value: 'gold' }), 'invalid_value', [
        'free, pro, enterprise',
      ]);
      await expect400(all({ field: 'attribute', key: 'birthday', op: 'on', value: 'yesterday' }), 'invalid_value', [
        'YYYY-MM-DD',
      ]);
      await expect400(all({ field: 'attribute', key: 'city', op: 'in', value: 'Berlin' }), 'invalid_value', ['list']);
      await expect400(all({ field: 'last_seen', op: 'within_last_days' }), 'validation_failed', ['days']);
      await expect400(all({ field: 'created', op: 'before', value: 3 }), 'validation_failed', ['YYYY-MM-DD']);
      await expect400(all({ field: 'colour', op: 'is', value: 'red' }), 'validation_failed', ['field']);
      await expect400(
        all(...Array.from({ length: 21 }, () => ({ field: 'consent', op: 'is', value: 'unknown' }))),
        'validation_failed',
        ['at most 20'],
      );
    });

    it('answers malformed filter JSON with a 400, never a 500', async () => {
      const deep = '['.repeat(1500) + ']'.repeat(1500);
      for (const filter of [
        '{',
        'null',
        '[]',
        '"all"',
        '42',
        '{"match":"all"}',
        '{"match":"all","conditions":"x"}',
        '{"match":"both","conditions":[]}',
        '{"match":"all","conditions":[null]}',
        '{"match":"all","conditions":[{"field":"tags","op":"any","tags":[1,2]}]}',
        '{"match":"all","conditions":[{"field":"attribute","key":"score","op":"between","value":{"a":1}}]}',
        '{"match":"all","conditions":[{"field":"attribute","key":{"x":1},"op":"eq"}]}',
        '{"match":"all","conditions":[{"field":"created","op":"after","value":"2026-13-45"}]}',
        '{"match":"all","conditions":[{"field":"__proto__","op":"is"}]}',
        '%E0%A4%A',
        deep,
      ]) {
        const res = await manager().get(`/api/v1/contacts?filter=${encodeURIComponent(filter)}`);
        expect(res.status, `${filter.slice(0, 80)} → ${res.text}`).to.equal(400);
        expect(res.body.error.message).to.be.a('string').and.not.empty;
      }
      const twice = await manager().get('/api/v1/contacts?filter=a&filter=b');
      expect(twice.status).to.equal(400);
      const cursor = await manager().get('/api/v1/contacts?cursor=bm90LWFuLWlk');
      expect(cursor.status).to.equal(400);
      expect(cursor.body.error.code).to.equal('invalid_cursor');
    });
  });

  describe('the list', () => {
    it('searches by name (any word, by prefix), email and phone digits', async () => {
      expect(await listNames('&q=anna')).to.deep.equal(['anna']);
      expect(await listNames('&q=schm')).to.deep.equal(['anna']);
      expect(await listNames('&q=ben%40')).to.deep.equal(['ben']);
      expect(await listNames(`&q=${encodeURIComponent('0151 1202 999')}`)).to.deep.equal(['ben']);
      expect(await listNames(`&q=${encodeURIComponent('+49 151 1203999')}`)).to.deep.equal(['carla']);
      expect(await listNames('&q=%25')).to.deep.equal([]);
      expect(await listNames('&q=filler&tag=vip')).to.deep.equal([]);
      expect(await listNames('&tag=vip&consent=opted_in')).to.deep.equal(['anna', 'eva']);
    });

    it('pages through 250 matching contacts (and all 2,500) without gaps or repeats, newest first', async () => {
      for (const [query, expected, limit] of [
        ['&consent=opted_in', 250, 100],
        ['&consent=opted_in', 250, 7],
        ['', BULK, 100],
      ] as const) {
        const seen: number[] = [];
        let cursor: string | null = null;
        let pages = 0;
        do {
          const res: HttpResponse = await c.users.manager.client.get(
            `/api/v1/contacts?limit=${limit}${query}${cursor ? `&cursor=${cursor}` : ''}`,
          );
          expect(res.status, res.text).to.equal(200);
          expect(res.body.items.length).to.be.at.most(limit);
          seen.push(...(res.body.items as { id: number }[]).map((i) => i.id));
          cursor = res.body.nextCursor;
          pages++;
        } while (cursor);
        expect(seen.length, query).to.equal(expected);
        expect(new Set(seen).size).to.equal(expected);
        expect(seen).to.deep.equal([...seen].sort((x, y) => y - x));
        expect(pages).to.equal(Math.ceil(expected / limit));
      }
    });

    it('returns contacts in the API form with tags and attributes', async () => {
      const res = await manager().get('/api/v1/contacts?q=anna');
      const [anna] = res.body.items;
      expect(anna.tags).to.deep.equal(['newsletter', 'vip']);
      expect(anna.attributes).to.deep.equal({ city: 'Berlin', plan: 'pro', score: 10, birthday: '1990-05-01', active: true });
      expect(anna.consent.state).to.equal('opted_in');
    });
  });

  describe('the export', () => {
    const rowsOf = (text: string) =>
      parse(text, { bom: true, columns: true, skip_empty_lines: true }) as Record<string, string>[];

    it('streams the rows of a filter as CSV with attribute columns and formula-safe cells', async () => {
      const filter = encodeURIComponent(JSON.stringify(all({ field: 'tags', op: 'any', tags: ['vip'] })));
      const res = await manager().get(`/api/v1/contacts/export.csv?filter=${filter}`);
      expect(res.status, res.text).to.equal(200);
      expect(res.headers.get('content-type')).to.equal('text/csv; charset=utf-8');
      expect(res.headers.get('content-disposition')).to.match(/^attachment; filename="contacts-\d{4}-\d{2}-\d{2}\.csv"$/);
      const header = (parse(res.text, { bom: true, to_line: 1 }) as string[][])[0];
      expect(header).to.deep.equal([
        'phone',
        'name',
        'email',
        'tags',
        'consent',
        'source',
        'created_at',
        'last_seen_at',
        'city',
        'plan',
        'score',
        'birthday',
        'active',
      ]);
      const rows = rowsOf(res.text);
      expect(rows.map((r) => r.phone).sort()).to.deep.equal(['+491511201999', '+491511202999', '+491511205999']);
      const anna = rows.find((r) => r.phone === '+491511201999')!;
      expect(anna).to.include({
        name: 'Anna Schmidt',
        email: 'anna@example.com',
        tags: 'newsletter; vip',
        consent: 'opted_in',
        source: 'import',
        city: 'Berlin',
        plan: 'pro',
        score: '10',
        birthday: '1990-05-01',
        active: 'true',
      });
      expect(new Date(anna.created_at).getTime()).to.be.closeTo(daysAgo(2).getTime(), 1000);
      const eva = rows.find((r) => r.phone === '+491511205999')!;
      expect(eva.name).to.equal(`'=HYPERLINK("http://evil.example","eva")`);
      expect(eva.email).to.equal(`'@evil.example`);
      expect(eva.score).to.equal('');
    });

    it('keeps plain negative numbers as they are and exports a saved segment', async () => {
      const seg = await manager().post('/api/v1/segments', {
        name: 'Negative scores',
        definition: all({ field: 'attribute', key: 'score', op: 'lt', value: 0 }),
      });
      expect(seg.status, seg.text).to.equal(201);
      const res = await manager().get(`/api/v1/contacts/export.csv?segment=${seg.body.id}`);
      const rows = rowsOf(res.text);
      expect(rows).to.have.length(1);
      expect(rows[0]).to.include({ name: 'Dario Rossi', score: '-3', city: '50%_off' });
    });

    it('streams thousands of rows in batches, each contact once', async () => {
      const res = await c.users.manager.client.get('/api/v1/contacts/export.csv');
      const rows = rowsOf(res.text);
      expect(rows).to.have.length(BULK);
      expect(new Set(rows.map((r) => r.phone)).size).to.equal(BULK);
      expect(rows[0].phone).to.equal(`+1555${String(BULK - 1).padStart(7, '0')}`);
    });

    it('is audited', async () => {
      const entries = await tp.platform.models.AuditLog.findAll({ where: { tenantId: a.tenantId, action: 'contacts.exported' } });
      expect(entries.length).to.be.at.least(1);
    });
  });

  describe('saved segments', () => {
    it('creates, lists with counts, reads, renames, redefines and deletes a segment, audited', async () => {
      const definition = all({ field: 'tags', op: 'any', tags: ['vip'] });
      const created = await manager().post('/api/v1/segments', { name: 'VIPs', definition });
      expect(created.status, created.text).to.equal(201);
      expect(created.body).to.include({ name: 'VIPs', count: 3 });
      expect(created.body.definition).to.deep.equal(definition);
      const id = created.body.id as number;

      const dup = await manager().post('/api/v1/segments', { name: 'vips', definition });
      expect(dup.status).to.equal(409);
      expect(dup.body.error.code).to.equal('segment_exists');

      const plain = await manager().get('/api/v1/segments');
      expect(plain.body.items.find((s: { id: number }) => s.id === id)).not.to.have.property('count');
      const counted = await manager().get('/api/v1/segments?counts=true');
      expect(counted.body.items.find((s: { id: number }) => s.id === id).count).to.equal(3);

      expect((await listNames(`&segment=${id}`)).sort()).to.deep.equal(['anna', 'ben', 'eva']);
      expect(await listNames(`&segment=${id}&consent=opted_in`)).to.deep.equal(['anna', 'eva']);

      const patched = await manager().patch(`/api/v1/segments/${id}`, {
        name: 'VIPs who said yes',
        definition: all({ field: 'tags', op: 'any', tags: ['vip'] }, { field: 'consent', op: 'is', value: 'opted_in' }),
      });
      expect(patched.status, patched.text).to.equal(200);
      expect(patched.body).to.include({ name: 'VIPs who said yes', count: 2 });
      const got = await manager().get(`/api/v1/segments/${id}`);
      expect(got.body).to.include({ id, name: 'VIPs who said yes', count: 2 });

      await manager().post('/api/v1/segments', { name: 'Taken', definition: all() });
      const clash = await manager().patch(`/api/v1/segments/${id}`, { name: 'Taken' });
      expect(clash.status).to.equal(409);
      const badDef = await manager().patch(`/api/v1/segments/${id}`, {
        definition: all({ field: 'attribute', key: 'nope', op: 'is_set' }),
      });
      expect(badDef.status).to.equal(400);
      expect(badDef.body.error.code).to.equal('unknown_attribute');

      expect((await manager().delete(`/api/v1/segments/${id}`)).status).to.equal(204);
      expect((await manager().get(`/api/v1/segments/${id}`)).status).to.equal(404);
      expect((await manager().get(`/api/v1/contacts?segment=${id}`)).status).to.equal(404);

      const actions = (
        await tp.platform.models.AuditLog.findAll({
          where: { tenantId: a.tenantId, targetType: 'segment', targetId: String(id) },
        })
      ).map((e) => e.action);
      expect(actions).to.include.members(['segment.created', 'segment.deleted']);
    });

    it('refuses a segment whose definition names an unknown attribute', async () => {
      const res = await manager().post('/api/v1/segments', {
        name: 'Broken',
        definition: all({ field: 'attribute', key: 'ghost', op: 'eq', value: 'x' }),
      });
      expect(res.status).to.equal(400);
      expect(res.body.error.code).to.equal('unknown_attribute');
    });
  });

  describe('roles and tenants', () => {
    it('lets managers and admins in and keeps agents out', async () => {
      const def = all();
      for (const [role, status] of [
        ['agent', 403],
        ['manager', 200],
        ['admin', 200],
      ] as const) {
        const who = a.users[role].client;
        expect((await who.get('/api/v1/contacts')).status, role).to.equal(status);
        expect((await who.post('/api/v1/segments/count', { definition: def })).status, role).to.equal(status);
        expect((await who.get('/api/v1/segments')).status, role).to.equal(status);
        expect((await who.get('/api/v1/contacts/export.csv')).status, role).to.equal(status);
      }
      expect((await a.users.agent.client.post('/api/v1/segments', { name: 'x', definition: def })).status).to.equal(403);
    });

    it("never counts, lists or exports another tenant's contacts, nor opens its segments", async () => {
      const segA = await manager().post('/api/v1/segments', {
        name: 'A only',
        definition: all({ field: 'tags', op: 'any', tags: ['vip'] }),
      });
      const bm = b.users.manager.client;
      const vipInBerlin = all(
        { field: 'tags', op: 'any', tags: ['vip'] },
        { field: 'attribute', key: 'city', op: 'eq', value: 'Berlin' },
        { field: 'consent', op: 'is', value: 'opted_in' },
      );
      expect(await count(vipInBerlin, bm)).to.equal(2);
      expect(await count(all(), bm)).to.equal(2);
      const listed = await bm.get(`/api/v1/contacts?limit=100&filter=${encodeURIComponent(JSON.stringify(vipInBerlin))}`);
      expect((listed.body.items as { name: string }[]).map((i) => i.name).sort()).to.deep.equal(['Bea', 'Bo']);
      expect((await bm.get(`/api/v1/segments/${segA.body.id}`)).status).to.equal(404);
      expect((await bm.get(`/api/v1/contacts?segment=${segA.body.id}`)).status).to.equal(404);
      expect((await bm.get(`/api/v1/contacts/export.csv?segment=${segA.body.id}`)).status).to.equal(404);
      expect((await bm.patch(`/api/v1/segments/${segA.body.id}`, { name: 'mine' })).status).to.equal(404);
      expect((await bm.delete(`/api/v1/segments/${segA.body.id}`)).status).to.equal(404);
      const scoreInB = await bm.post('/api/v1/segments/count', {
        definition: all({ field: 'attribute', key: 'score', op: 'gt', value: 0 }),
      });
      expect(scoreInB.body.error.code).to.equal('unknown_attribute');
      const csv = parse((await bm.get('/api/v1/contacts/export.csv')).text, { bom: true, columns: true }) as Record<
        string,
        string
      >[];
      expect(csv.map((r) => r.name).sort()).to.deep.equal(['Bea', 'Bo']);
      expect(Object.keys(csv[0])).to.deep.equal([
        'phone',
        'name',
        'email',
        'tags',
        'consent',
        'source',
        'created_at',
        'last_seen_at',
        'city',
      ]);
      const segB = await bm.post('/api/v1/segments', { name: 'A only', definition: all() });
      expect(segB.status, 'names are unique per tenant, not globally').to.equal(201);
    });
  });
});
