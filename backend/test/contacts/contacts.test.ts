// Contacts through the API on a real database: creating with normalised phones, typed custom
// attributes, tags, notes, who may use it, and tenant isolation.
import { expect } from 'chai';
import { startPlatform, type TestPlatform } from '../helpers/platform.ts';
import { createTenantGraph, type TenantGraph } from '../factories/tenant-graph.ts';
import { createContact, defineAttribute, expectError, uniquePhone } from './contacts-helpers.ts';

describe('contacts', function () {
  this.timeout(60_000);
  let tp: TestPlatform;
  let a: TenantGraph;
  let b: TenantGraph;
  const A = () => a.users.manager.client;
  const B = () => b.users.manager.client;

  before(async () => {
    tp = await startPlatform();
    a = await createTenantGraph(tp, 'Alpha');
    b = await createTenantGraph(tp, 'Beta');
  });
  after(async () => tp?.stop());

  describe('creating', () => {
    it('creates a contact with its phone normalised to E.164, name, email and tags', async () => {
      const res = await A().post('/api/v1/contacts', {
        phone: '0151 2345 6789',
        defaultCountry: 'de',
        name: '  Ana Lima ',
        email: 'Ana@Example.com',
        tags: ['VIP', ' newsletter '],
      });
      expect(res.status, res.text).to.equal(201);
      expect(res.body).to.deep.include({
        phone: '+4915123456789',
        waId: '4915123456789',
        name: 'Ana Lima',
        email: 'ana@example.com',
        source: 'agent',
        mergedIntoId: null,
      });
      expect(res.body.tags).to.deep.equal(['newsletter', 'VIP']);
      expect(res.body.consent.state).to.equal('unknown');
      const got = await A().get(`/api/v1/contacts/${res.body.id}`);
      expect(got.status).to.equal(200);
      expect(got.body.phone).to.equal('+4915123456789');
    });

    it('reads "00" and international numbers without a default country', async () => {
      const c = await createContact(A(), { phone: '0044 7911 123456' });
      expect(c.phone).to.equal('+447911123456');
    });

    it('refuses a phone number that is not one, saying why', async () => {
      let err = expectError(await A().post('/api/v1/contacts', { phone: 'call me maybe' }), 400, 'invalid_phone');
      expect(err.message).to.match(/letters/);
      err = expectError(await A().post('/api/v1/contacts', { phone: '0151 2345' }), 400, 'invalid_phone');
      expect(err.message).to.match(/country code/);
      err = expectError(await A().post('/api/v1/contacts', { phone: '+49 123' }), 400, 'invalid_phone');
      expect(err.message).to.match(/not a (valid )?phone number/);
    });

    it('refuses a contact with neither phone nor BSUID, and a bad email', async () => {
      expectError(await A().post('/api/v1/contacts', { name: 'Nobody' }), 400, 'validation_failed');
      const err = expectError(
        await A().post('/api/v1/contacts', { phone: uniquePhone(), email: 'not-an-email' }),
        400,
        'validation_failed',
      );
      expect(JSON.stringify(err)).to.match(/valid email/);
    });

    it('answers 409 contact_exists naming the contact when the phone is taken, however it is written', async () => {
      const first = await createContact(A(), { phone: '+4915199990001' });
      const err = expectError(
        await A().post('/api/v1/contacts', { phone: '0151 9999 0001', defaultCountry: 'DE' }),
        409,
        'contact_exists',
      );
      expect(err.details).to.deep.equal({ contactId: first.id });
      // Another tenant may have the same person.
      await createContact(B(), { phone: '+4915199990001' });
    });
  });

  describe('updating', () => {
    it('changes name, email and phone (re-normalised and still unique)', async () => {
      const c = await createContact(A());
      const other = await createContact(A());
      const res = await A().patch(`/api/v1/contacts/${c.id}`, {
        name: 'Bea',
        email: 'bea@example.com',
        phone: '+44 7911 123457',
      });
      expect(res.status, res.text).to.equal(200);
      expect(res.body).to.deep.include({ name: 'Bea', email: 'bea@example.com', phone: '+447911123457', waId: '447911123457' });
      const err = expectError(await A().patch(`/api/v1/contacts/${c.id}`, { phone: other.phone }), 409, 'contact_exists');
      expect(err.details.contactId).to.equal(other.id);
      expectError(await A().patch(`/api/v1/contacts/${c.id}`, { phone: '12' }), 400, 'invalid_phone');
      expectError(await A().patch(`/api/v1/contacts/${c.id}`, { email: 'nope' }), 400, 'validation_failed');
      expectError(await A().patch(`/api/v1/contacts/${c.id}`, {}), 400, 'validation_failed');
      const clear = await A().patch(`/api/v1/contacts/${c.id}`, { name: null, email: '' });
      expect(clear.body).to.deep.include({ name: null, email: null });
    });

    it('stores typed attribute values read against their definitions', async () => {
      await defineAttribute(A(), 'shoe_size', 'number');
      await defineAttribute(A(), 'birthday', 'date');
      await defineAttribute(A(), 'newsletter', 'boolean');
      await defineAttribute(A(), 'tier', 'list', ['Gold', 'Silver']);
      await defineAttribute(A(), 'city', 'text');
      const c = await createContact(A(), { attributes: { shoe_size: '42,5', city: 'Porto' } });
      expect(c.attributes).to.deep.equal({ shoe_size: 42.5, city: 'Porto' });
      const res = await A().patch(`/api/v1/contacts/${c.id}`, {
        attributes: { birthday: '1990-05-17', newsletter: 'yes', tier: 'gold', shoe_size: 43 },
      });
      expect(res.status, res.text).to.equal(200);
      expect(res.body.attributes).to.deep.equal({
        shoe_size: 43,
        birthday: '1990-05-17',
        newsletter: true,
        tier: 'Gold',
        city: 'Porto',
      });
      const removed = await A().patch(`/api/v1/contacts/${c.id}`, { attributes: { city: null, newsletter: false } });
      expect(removed.body.attributes).to.deep.equal({ shoe_size: 43, birthday: '1990-05-17', newsletter: false, tier: 'Gold' });
    });

    it('refuses a bad attribute value with the reason, and an unknown key naming it, changing nothing', async () => {
      const c = await createContact(A(), { attributes: { shoe_size: 40 } });
      let err = expectError(
        await A().patch(`/api/v1/contacts/${c.id}`, { attributes: { shoe_size: 'big' } }),
        400,
        'invalid_attribute',
      );
      expect(err.message).to.equal('shoe_size: "big" is not a number.');
      err = expectError(await A().patch(`/api/v1/contacts/${c.id}`, { attributes: { birthday: '17/05/1990' } }), 400);
      expect(err.details).to.deep.include({ key: 'birthday' });
      expect(err.message).to.match(/YYYY-MM-DD/);
      err = expectError(await A().patch(`/api/v1/contacts/${c.id}`, { attributes: { newsletter: 'perhaps' } }), 400);
      expect(err.message).to.match(/not yes or no/);
      err = expectError(await A().patch(`/api/v1/contacts/${c.id}`, { attributes: { tier: 'Bronze' } }), 400);
      expect(err.message).to.match(/not one of: Gold, Silver/);
      err = expectError(
        await A().patch(`/api/v1/contacts/${c.id}`, { name: 'Changed', attributes: { favourite_colour: 'red' } }),
        400,
        'unknown_attribute',
      );
      expect(err.message).to.contain('favourite_colour');
      expect(err.details).to.deep.equal({ key: 'favourite_colour' });
      expectError(
        await A().post('/api/v1/contacts', { phone: uniquePhone(), attributes: { nope: 1 } }),
        400,
        'unknown_attribute',
      );
      const after = await A().get(`/api/v1/contacts/${c.id}`);
      expect(after.body.name).to.equal(null);
      expect(after.body.attributes).to.deep.equal({ shoe_size: 40 });
    });
  });

  describe('attribute definitions', () => {
    it('lists, relabels and deletes definitions; keys are lower_snake_case and unique; the type never changes', async () => {
      const def = await defineAttribute(A(), 'loyalty_points', 'number');
      expectError(
        await A().post('/api/v1/contact-attributes', { key: 'loyalty_points', label: 'Again', type: 'text' }),
        409,
        'attribute_exists',
      );
      for (const key of ['Loyalty', 'loyalty-points', '1st', '']) {
        expectError(await A().post('/api/v1/contact-attributes', { key, label: 'x', type: 'text' }), 400, 'validation_failed');
      }
      expectError(await A().post('/api/v1/contact-attributes', { key: 'size', label: 'Size', type: 'list' }), 400);
      expectError(
        await A().post('/api/v1/contact-attributes', { key: 'size', label: 'Size', type: 'text', options: ['S'] }),
        400,
      );
      expectError(await A().post('/api/v1/contact-attributes', { key: 'size', label: 'Size', type: 'colour' }), 400);

      const relabel = await A().patch(`/api/v1/contact-attributes/${def.id}`, { label: 'Loyalty points' });
      expect(relabel.status, relabel.text).to.equal(200);
      expect(relabel.body).to.deep.equal({
        id: def.id,
        key: 'loyalty_points',
        label: 'Loyalty points',
        type: 'number',
        options: null,
      });
      expectError(await A().patch(`/api/v1/contact-attributes/${def.id}`, { type: 'text' }), 400, 'attribute_type_fixed');

      const list = await A().get('/api/v1/contact-attributes');
      expect(list.body.items.map((d: { key: string }) => d.key)).to.include('loyalty_points');

      const c = await createContact(A(), { attributes: { loyalty_points: 7 } });
      const del = await A().delete(`/api/v1/contact-attributes/${def.id}`);
      expect(del.status).to.equal(204);
      expect((await A().get(`/api/v1/contacts/${c.id}`)).body.attributes).to.not.have.property('loyalty_points');
      expectError(await A().patch(`/api/v1/contacts/${c.id}`, { attributes: { loyalty_points: 1 } }), 400, 'unknown_attribute');
    });

    it("changes a list's options but will not drop an option contacts still have", async () => {
      const def = await defineAttribute(A(), 'plan', 'list', ['Free', 'Pro']);
      await createContact(A(), { attributes: { plan: 'Pro' } });
      const err = expectError(
        await A().patch(`/api/v1/contact-attributes/${def.id}`, { options: ['Free', 'Team'] }),
        409,
        'option_in_use',
      );
      expect(err.message).to.contain('"Pro"');
      const ok = await A().patch(`/api/v1/contact-attributes/${def.id}`, { options: ['Free', 'Pro', 'Team'] });
      expect(ok.body.options).to.deep.equal(['Free', 'Pro', 'Team']);
    });
  });

  describe('tags', () => {
    it('adds tags created on the fly, reuses a tag whatever its case, removes one and counts contacts per tag', async () => {
      const c1 = await createContact(A(), { tags: ['Wholesale'] });
      const c2 = await createContact(A());
      const added = await A().post(`/api/v1/contacts/${c2.id}/tags`, { tags: ['  wholesale ', 'Berlin', 'berlin'] });
      expect(added.status, added.text).to.equal(200);
      expect(added.body.tags).to.deep.equal(['Berlin', 'Wholesale']);
      const again = await A().post(`/api/v1/contacts/${c2.id}/tags`, { tags: ['WHOLESALE'] });
      expect(again.body.tags).to.deep.equal(['Berlin', 'Wholesale']);

      const tags = await A().get('/api/v1/tags');
      expect(tags.status).to.equal(200);
      const byName = Object.fromEntries(tags.body.items.map((t: { name: string; contacts: number }) => [t.name, t.contacts]));
      expect(byName).to.include({ Wholesale: 2, Berlin: 1 });
      expect(Object.keys(byName).filter((n) => n.toLowerCase() === 'wholesale')).to.have.length(1);

      const removed = await A().delete(`/api/v1/contacts/${c1.id}/tags/WHOLESALE`);
      expect(removed.status, removed.text).to.equal(200);
      expect(removed.body.tags).to.deep.equal([]);
      const counts = await A().get('/api/v1/tags');
      expect(counts.body.items.find((t: { name: string }) => t.name === 'Wholesale').contacts).to.equal(1);
    });

    it('refuses empty and over-long tag names', async () => {
      const c = await createContact(A());
      expectError(await A().post(`/api/v1/contacts/${c.id}/tags`, { tags: ['   '] }), 400, 'validation_failed');
      expectError(await A().post(`/api/v1/contacts/${c.id}/tags`, { tags: ['x'.repeat(65)] }), 400, 'validation_failed');
      expectError(await A().post(`/api/v1/contacts/${c.id}/tags`, { tags: [] }), 400, 'validation_failed');
      const ok = await A().post(`/api/v1/contacts/${c.id}/tags`, { tags: ['y'.repeat(64)] });
      expect(ok.status, ok.text).to.equal(200);
    });
  });

  describe('notes', () => {
    it('keeps notes with their author, newest first', async () => {
      const c = await createContact(A());
      const n1 = await A().post(`/api/v1/contacts/${c.id}/notes`, { body: 'Called about the order.' });
      expect(n1.status, n1.text).to.equal(201);
      expect(n1.body.author).to.deep.equal({ id: a.users.manager.id, name: `manager ${a.slug.split('-').pop()}` });
      await a.users.admin.client.post(`/api/v1/contacts/${c.id}/notes`, { body: 'Prefers email.' });
      expectError(await A().post(`/api/v1/contacts/${c.id}/notes`, { body: '  ' }), 400, 'validation_failed');
      const list = await A().get(`/api/v1/contacts/${c.id}/notes`);
      expect(list.status).to.equal(200);
      expect(list.body.items.map((n: { body: string }) => n.body)).to.deep.equal(['Prefers email.', 'Called about the order.']);
      expect(list.body.items[0].author.id).to.equal(a.users.admin.id);
    });
  });

  describe('erasing', () => {
    it("erases a contact's profile but keeps the row and its phone", async () => {
      const c = await createContact(A(), { name: 'Gone', email: 'gone@example.com', tags: ['x'], attributes: { city: 'Faro' } });
      await A().post(`/api/v1/contacts/${c.id}/notes`, { body: 'secret' });
      const del = await A().delete(`/api/v1/contacts/${c.id}`);
      expect(del.status, del.text).to.equal(204);
      const got = await A().get(`/api/v1/contacts/${c.id}`);
      expect(got.body).to.deep.include({ name: null, email: null, phone: c.phone, tags: [], attributes: {} });
      expect((await A().get(`/api/v1/contacts/${c.id}/notes`)).body.items).to.deep.equal([]);
    });
  });

  describe('events and audit', () => {
    it('announces contact.updated on the contacts topic after a change, and audits creation', async () => {
      const events: { tenantId: number; topic: string; type: string; data: unknown }[] = [];
      const unsubscribe = tp.platform.bus.subscribe((e) => events.push(e));
      try {
        const c = await createContact(A());
        await A().patch(`/api/v1/contacts/${c.id}`, { name: 'Announced' });
        await A().post(`/api/v1/contacts/${c.id}/tags`, { tags: ['heard'] });
        const mine = events.filter((e) => e.topic === 'contacts' && e.type === 'contact.updated');
        expect(mine.length).to.be.at.least(3);
        for (const e of mine) expect(e).to.deep.include({ tenantId: a.tenantId, data: { contactId: c.id } });
        const audit = await tp.platform.models.AuditLog.findOne({
          where: { tenantId: a.tenantId, action: 'contact.created', targetId: String(c.id) },
        });
        expect(audit?.actorId).to.equal(a.users.manager.id);
      } finally {
        unsubscribe();
      }
    });
  });

  describe('who may use it', () => {
    it('answers 403 to agents on every contacts route and lets managers and admins in', async () => {
      const c = await createContact(A());
      const agent = a.users.agent.client;
      const calls: [string, string, unknown?][] = [
        ['POST', '/api/v1/contacts', { phone: uniquePhone() }],
        ['GET', `/api/v1/contacts/${c.id}`],
        ['PATCH', `/api/v1/contacts/${c.id}`, { name: 'x' }],
        ['DELETE', `/api/v1/contacts/${c.id}`],
        ['POST', `/api/v1/contacts/${c.id}/tags`, { tags: ['x'] }],
        ['DELETE', `/api/v1/contacts/${c.id}/tags/x`],
        ['GET', '/api/v1/tags'],
        ['GET', '/api/v1/contact-attributes'],
        ['POST', '/api/v1/contact-attributes', { key: 'k', label: 'k', type: 'text' }],
        ['GET', `/api/v1/contacts/${c.id}/notes`],
        ['POST', `/api/v1/contacts/${c.id}/notes`, { body: 'x' }],
        ['POST', `/api/v1/contacts/${c.id}/merge`, { otherId: c.id + 1 }],
        ['GET', `/api/v1/contacts/${c.id}/conversations`],
      ];
      for (const [method, path, body] of calls) {
        const res = await agent.request(method, path, body);
        expect(res.status, `${method} ${path}: ${res.text}`).to.equal(403);
      }
      expect((await a.users.manager.client.get(`/api/v1/contacts/${c.id}`)).status).to.equal(200);
      expect((await a.users.admin.client.get(`/api/v1/contacts/${c.id}`)).status).to.equal(200);
      expect((await a.users.manager.client.get('/api/v1/tags')).status).to.equal(200);
    });
  });

  describe('tenant isolation', () => {
    it("keeps tenant A's contacts from tenant B: read, update, tag, note, merge and conversations are 404", async () => {
      const c = await createContact(A(), { name: 'Private', tags: ['secret-tag'] });
      const mine = await createContact(B());
      const calls: [string, string, unknown?][] = [
        ['GET', `/api/v1/contacts/${c.id}`],
        ['PATCH', `/api/v1/contacts/${c.id}`, { name: 'Stolen' }],
        ['DELETE', `/api/v1/contacts/${c.id}`],
        ['POST', `/api/v1/contacts/${c.id}/tags`, { tags: ['mine'] }],
        ['DELETE', `/api/v1/contacts/${c.id}/tags/secret-tag`],
        ['GET', `/api/v1/contacts/${c.id}/notes`],
        ['POST', `/api/v1/contacts/${c.id}/notes`, { body: 'hello' }],
        ['GET', `/api/v1/contacts/${c.id}/conversations`],
        ['POST', `/api/v1/contacts/${c.id}/merge`, { otherId: mine.id }],
        // B's own contact as the winner, A's as the duplicate.
        ['POST', `/api/v1/contacts/${mine.id}/merge`, { otherId: c.id }],
      ];
      for (const [method, path, body] of calls) {
        const res = await B().request(method, path, body);
        expect(res.status, `${method} ${path}: ${res.text}`).to.equal(404);
      }
      const still = await A().get(`/api/v1/contacts/${c.id}`);
      expect(still.body).to.deep.include({ name: 'Private', tags: ['secret-tag'], mergedIntoId: null });
      expect((await B().get(`/api/v1/contacts/${mine.id}`)).body.mergedIntoId).to.equal(null);
      // A taken phone in A is no hint in B.
      const dup = await B().post('/api/v1/contacts', { phone: c.phone });
      expect(dup.status, dup.text).to.equal(201);
    });

    it("hides tenant A's attribute definitions and tags from tenant B", async () => {
      const def = await defineAttribute(A(), 'a_only', 'text');
      await createContact(A(), { tags: ['alpha-only'] });
      const defs = await B().get('/api/v1/contact-attributes');
      expect(defs.body.items.map((d: { key: string }) => d.key)).to.not.include('a_only');
      const tags = await B().get('/api/v1/tags');
      expect(tags.body.items.map((t: { name: string }) => t.name)).to.not.include('alpha-only');
      expectError(await B().patch(`/api/v1/contact-attributes/${def.id}`, { label: 'mine' }), 404);
      expectError(await B().delete(`/api/v1/contact-attributes/${def.id}`), 404);
      const c = await createContact(B());
      expectError(await B().patch(`/api/v1/contacts/${c.id}`, { attributes: { a_only: 'x' } }), 400, 'unknown_attribute');
      // B may define the same key for itself.
      await defineAttribute(B(), 'a_only', 'number');
      // B's tag of the same name is B's own.
      const tagged = await B().post(`/api/v1/contacts/${c.id}/tags`, { tags: ['alpha-only'] });
      expect(tagged.body.tags).to.deep.equal(['alpha-only']);
      const aTags = await A().get('/api/v1/tags');
      expect(aTags.body.items.find((t: { name: string }) => t.name === 'alpha-only').contacts).to.equal(1);
    });
  });
});
