// Merging duplicate contacts: the winner takes the loser's identifiers it lacks, its tags, the
// attribute values it has none of, its notes and its conversations, in one transaction; the consent
// registry is never rewritten, yet the winner's history covers both; a merged contact stays merged.
import { expect } from 'chai';
import { startPlatform, type TestPlatform } from '../helpers/platform.ts';
import { createTenantGraph, type TenantGraph } from '../factories/tenant-graph.ts';
import { connectSimNumber, stored, type SimNumber } from '../inbox/sending-helpers.ts';
import { createContact, defineAttribute, expectError } from './contacts-helpers.ts';

describe('merging contacts', function () {
  this.timeout(60_000);
  let tp: TestPlatform;
  let a: TenantGraph;
  let b: TenantGraph;
  let num: SimNumber;
  const A = () => a.users.manager.client;

  const customerSays = (from: string, text: string, name: string) => {
    const said = tp.platform.simulator!.control.customerSays({
      phoneNumberId: num.phoneNumberId,
      from,
      type: 'text',
      text,
      name,
    });
    return stored(tp, said.wamid);
  };

  before(async () => {
    tp = await startPlatform();
    a = await createTenantGraph(tp, 'Alpha');
    b = await createTenantGraph(tp, 'Beta');
    num = await connectSimNumber(tp, a, 'Alpha Main');
    await defineAttribute(A(), 'city', 'text');
    await defineAttribute(A(), 'shoe_size', 'number');
  });
  after(async () => tp?.stop());

  it("keeps the loser's conversations, tags, attributes, notes and consent history under the winner", async () => {
    const { models, services } = tp.platform;
    // The duplicate: the customer wrote in (contact made by the inbox), then an agent worked on it.
    const m = await customerSays('4915144440001', 'Hello', 'Carla');
    const conv = await models.Conversation.findByPk(m.conversationId);
    const loserId = Number(conv!.contactId);
    await A().post(`/api/v1/contacts/${loserId}/tags`, { tags: ['lead', 'shared'] });
    await A().patch(`/api/v1/contacts/${loserId}`, { email: 'carla@example.com', attributes: { city: 'Porto', shoe_size: 38 } });
    await A().post(`/api/v1/contacts/${loserId}/notes`, { body: 'Asked about sizes.' });
    // The record a person made first, known only by the customer's BSUID.
    const winner = await createContact(A(), {
      phone: undefined,
      bsuid: 'DE.1234567890',
      name: 'Carla Souza',
      tags: ['VIP', 'Shared'],
      attributes: { city: 'Lisbon' },
    });
    await A().post(`/api/v1/contacts/${winner.id}/notes`, { body: 'Key account.' });

    // Consent: the loser opted in, the winner opted out, then the loser opted in again (newest).
    const entries = [
      ...(await services.consent.record(a.tenantId, [
        { contactId: loserId, action: 'opt_in', source: 'agent', actor: 'user:1' },
      ])),
      ...(await services.consent.record(a.tenantId, [
        { contactId: winner.id, action: 'opt_out', source: 'agent', actor: 'user:1' },
      ])),
      ...(await services.consent.record(a.tenantId, [
        { contactId: loserId, action: 'opt_in', source: 'keyword', actor: 'contact' },
      ])),
    ];
    const before = (await models.ConsentEntry.findAll({ where: { tenantId: a.tenantId }, order: [['seq', 'ASC']] })).map((e) =>
      e.toJSON(),
    );
    expect(before).to.have.length(3);
    expect((await A().get(`/api/v1/contacts/${winner.id}`)).body.consent.state).to.equal('opted_out');

    const res = await A().post(`/api/v1/contacts/${winner.id}/merge`, { otherId: loserId });
    expect(res.status, res.text).to.equal(200);
    expect(res.body).to.deep.include({
      id: winner.id,
      phone: '+4915144440001',
      waId: '4915144440001',
      bsuid: 'DE.1234567890',
      name: 'Carla Souza',
      email: 'carla@example.com',
      mergedIntoId: null,
    });
    // 'Shared' reused the tag 'shared' the loser got first, so the two contacts shared one tag.
    expect(res.body.tags).to.deep.equal(['lead', 'shared', 'VIP']);
    expect(res.body.attributes).to.deep.equal({ city: 'Lisbon', shoe_size: 38 });
    expect(res.body.consent.state).to.equal('opted_in');
    expect(res.body.lastSeenAt).to.be.a('string');

    // The loser points at the winner and gave up its phone.
    const loser = await A().get(`/api/v1/contacts/${loserId}`);
    expect(loser.status).to.equal(200);
    expect(loser.body).to.deep.include({ mergedIntoId: winner.id, phone: null, waId: null, tags: [] });

    const convs = await A().get(`/api/v1/contacts/${winner.id}/conversations`);
    expect(convs.body.items.map((c: { id: number }) => c.id)).to.deep.equal([m.conversationId]);
    expect((await A().get(`/api/v1/contacts/${loserId}/conversations`)).body.items).to.deep.equal([]);

    const notes = await A().get(`/api/v1/contacts/${winner.id}/notes`);
    expect(notes.body.items.map((n: { body: string }) => n.body).sort()).to.deep.equal(['Asked about sizes.', 'Key account.']);

    // Consent entries are untouched; the winner's history is both contacts' entries.
    const after = (await models.ConsentEntry.findAll({ where: { tenantId: a.tenantId }, order: [['seq', 'ASC']] })).map((e) =>
      e.toJSON(),
    );
    expect(after).to.deep.equal(before);
    const history = await A().get(`/api/v1/contacts/${winner.id}/consent`);
    expect(history.status, history.text).to.equal(200);
    expect(history.body.items.map((e: { id: number }) => e.id).sort()).to.deep.equal(entries.map((e) => Number(e.id)).sort());
    expect(new Set(after.map((e) => Number(e.contactId)))).to.deep.equal(new Set([loserId, winner.id]));
    expect((await services.consent.verify(a.tenantId)).ok).to.equal(true);

    // Audited.
    const audit = await models.AuditLog.findOne({ where: { tenantId: a.tenantId, action: 'contact.merged' } });
    expect(audit?.targetId).to.equal(String(winner.id));

    // The customer writes again: same conversation, the winner's last seen moves, no new contact.
    const again = await customerSays('4915144440001', 'Still there?', 'Carla');
    expect(again.conversationId).to.equal(m.conversationId);
    expect(Number((await models.Conversation.findByPk(again.conversationId))!.contactId)).to.equal(winner.id);
    expect(await models.Contact.count({ where: { tenantId: a.tenantId, phone: '+4915144440001' } })).to.equal(1);
    const msg = await models.WaMessage.findByPk(again.messageId);
    expect((await A().get(`/api/v1/contacts/${winner.id}`)).body.lastSeenAt).to.equal(msg!.occurredAt.toISOString());
  });

  it('refuses to merge a contact twice, into itself, or to change a merged contact (409)', async () => {
    const w = await createContact(A());
    const l = await createContact(A());
    const first = await A().post(`/api/v1/contacts/${w.id}/merge`, { otherId: l.id });
    expect(first.status, first.text).to.equal(200);
    // The winner had a phone of its own: it keeps it, and the loser's is cleared.
    expect(first.body.phone).to.equal(w.phone);
    const err = expectError(await A().post(`/api/v1/contacts/${w.id}/merge`, { otherId: l.id }), 409, 'already_merged');
    expect(err.details).to.deep.include({ contactId: l.id, mergedIntoId: w.id });
    const other = await createContact(A());
    expectError(await A().post(`/api/v1/contacts/${other.id}/merge`, { otherId: l.id }), 409, 'already_merged');
    expectError(await A().post(`/api/v1/contacts/${l.id}/merge`, { otherId: other.id }), 409, 'contact_merged');
    expectError(await A().post(`/api/v1/contacts/${w.id}/merge`, { otherId: w.id }), 409, 'merge_same_contact');
    expectError(await A().patch(`/api/v1/contacts/${l.id}`, { name: 'x' }), 409, 'contact_merged');
    expectError(await A().post(`/api/v1/contacts/${l.id}/tags`, { tags: ['x'] }), 409, 'contact_merged');
    expectError(await A().post(`/api/v1/contacts/${w.id}/merge`, { otherId: 999_999_999 }), 404);
    // The loser's old phone is free again: a new contact may take it.
    const reuse = await A().post('/api/v1/contacts', { phone: l.phone });
    expect(reuse.status, reuse.text).to.equal(201);
  });

  it("fails with 404 when merging tenant A's contact with tenant B's, and changes neither", async () => {
    const mine = await createContact(A(), { tags: ['a-tag'] });
    const theirs = await createContact(b.users.manager.client, { tags: ['b-tag'] });
    expectError(await A().post(`/api/v1/contacts/${mine.id}/merge`, { otherId: theirs.id }), 404);
    expectError(await b.users.manager.client.post(`/api/v1/contacts/${theirs.id}/merge`, { otherId: mine.id }), 404);
    const a1 = await A().get(`/api/v1/contacts/${mine.id}`);
    const b1 = await b.users.manager.client.get(`/api/v1/contacts/${theirs.id}`);
    expect(a1.body).to.deep.include({ mergedIntoId: null, tags: ['a-tag'], phone: mine.phone });
    expect(b1.body).to.deep.include({ mergedIntoId: null, tags: ['b-tag'], phone: theirs.phone });
  });
});
