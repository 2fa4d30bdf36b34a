// The shared inbox's collaboration API: labels, teams and canned responses (with their validation),
// filling canned responses, presence and agents, settings, who is viewing a conversation, @mention and
// assignment notifications with their private realtime topic, and tenant isolation of all of it.
import { expect } from 'chai';
import WebSocket from 'ws';
import { startPlatform, type HttpClient, type TestPlatform } from '../helpers/platform.ts';
import { createTenantGraph, type TenantGraph } from '../factories/tenant-graph.ts';
import { waitFor } from '../channels/helpers.ts';
import type { TenantContext } from '../../src/http/context.ts';
import type { RealtimeEvent } from '../../src/realtime/index.ts';
import { addNumber, makeConversation } from './collaboration-helpers.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('inbox collaboration', function () {
  this.timeout(60_000);
  let tp: TestPlatform;
  let a: TenantGraph;
  let b: TenantGraph;
  let numA: { channelId: number; phoneNumberId: string };
  let numB: { channelId: number; phoneNumberId: string };
  const events: RealtimeEvent[] = [];
  const suffix = (g: TenantGraph) => g.slug.split('-')[1];

  before(async () => {
    tp = await startPlatform();
    a = await createTenantGraph(tp, 'Alpha');
    b = await createTenantGraph(tp, 'Beta');
    numA = await addNumber(tp, a.tenantId);
    numB = await addNumber(tp, b.tenantId);
    tp.platform.bus.subscribe((e) => events.push(e));
  });
  after(async () => tp?.stop());

  const expect4xx = (res: { status: number; body: { error?: { message?: string } } }, status: number, what: string) => {
    expect(res.status, what).to.equal(status);
    expect(res.body.error?.message, what).to.be.a('string').and.not.equal('');
  };

  describe('labels', () => {
    it('creates, renames, recolours and deletes labels; a name is unique per tenant whatever its case', async () => {
      const m = a.users.manager.client;
      const vip = await m.post('/api/v1/labels', { name: 'VIP', color: '#FF0000' });
      expect(vip.status, vip.text).to.equal(201);
      expect(vip.body).to.deep.include({ name: 'VIP', color: '#ff0000' });
      const dup = await m.post('/api/v1/labels', { name: 'vip' });
      expect4xx(dup, 409, 'duplicate');
      expect(dup.body.error.code).to.equal('label_exists');
      expect(dup.body.error.message).to.contain('VIP');
      expect4xx(await m.post('/api/v1/labels', { name: '' }), 400, 'empty name');
      expect4xx(await m.post('/api/v1/labels', { name: 'x'.repeat(51) }), 400, 'long name');
      expect4xx(await m.post('/api/v1/labels', { name: 'Red', color: 'red' }), 400, 'bad colour');
      expect4xx(await a.users.agent.client.post('/api/v1/labels', { name: 'Mine' }), 403, 'agent creates');

      const other = await m.post('/api/v1/labels', { name: 'Refund' });
      expect((await m.patch(`/api/v1/labels/${other.body.id}`, { name: 'Refunds', color: '#00aa00' })).body).to.deep.equal({
        id: other.body.id,
        name: 'Refunds',
        color: '#00aa00',
      });
      expect4xx(await m.patch(`/api/v1/labels/${other.body.id}`, { name: 'vip' }), 409, 'rename onto another');
      expect4xx(await m.patch(`/api/v1/labels/${other.body.id}`, {}), 400, 'empty patch');
      // Another tenant may use the same name.
      expect((await b.users.manager.client.post('/api/v1/labels', { name: 'VIP' })).status).to.equal(201);

      const list = await a.users.agent.client.get('/api/v1/labels');
      expect(list.body.items.map((l: { name: string }) => l.name)).to.deep.equal(['Refunds', 'VIP']);
      expect((await m.delete(`/api/v1/labels/${other.body.id}`)).status).to.equal(204);
      expect((await m.delete(`/api/v1/labels/${other.body.id}`)).status).to.equal(404);
      expect((await a.users.agent.client.get('/api/v1/labels')).body.items).to.have.length(1);
    });

    it("puts labels on a conversation, shows them, and refuses another tenant's labels", async () => {
      const m = a.users.manager.client;
      const id = await makeConversation(tp, a.tenantId, numA.channelId);
      const urgent = (await m.post('/api/v1/labels', { name: 'Urgent', color: '#f59e0b' })).body;
      const billing = (await m.post('/api/v1/labels', { name: 'Billing' })).body;
      const set = await a.users.agent.client.put(`/api/v1/conversations/${id}/labels`, {
        labelIds: [urgent.id, billing.id, urgent.id],
      });
      expect(set.status, set.text).to.equal(200);
      expect(set.body.labels).to.deep.equal([billing, urgent]);
      expect((await a.users.agent.client.get(`/api/v1/conversations/${id}`)).body.labels).to.deep.equal([billing, urgent]);

      const theirs = (await b.users.manager.client.get('/api/v1/labels')).body.items[0];
      const foreign = await m.put(`/api/v1/conversations/${id}/labels`, { labelIds: [theirs.id] });
      expect4xx(foreign, 400, 'foreign label');
      expect(foreign.body.error.code).to.equal('unknown_label');
      expect4xx(await m.put(`/api/v1/conversations/${id}/labels`, { labelIds: ['x'] }), 400, 'not ids');
      expect4xx(await m.put(`/api/v1/conversations/${id}/labels`, {}), 400, 'no labelIds');

      expect((await m.put(`/api/v1/conversations/${id}/labels`, { labelIds: [urgent.id] })).body.labels).to.deep.equal([urgent]);
      await m.delete(`/api/v1/labels/${urgent.id}`);
      expect((await m.get(`/api/v1/conversations/${id}`)).body.labels).to.deep.equal([]);
    });
  });

  describe('teams', () => {
    it('creates teams of tenant members, replaces members, and deletes a team without losing its conversations', async () => {
      const m = a.users.manager.client;
      const created = await m.post('/api/v1/teams', {
        name: 'Support',
        assignment: 'round_robin',
        memberIds: [a.users.manager.id, a.users.agent.id, a.users.agent.id],
      });
      expect(created.status, created.text).to.equal(201);
      expect(created.body).to.deep.include({ name: 'Support', assignment: 'round_robin' });
      expect(created.body.memberIds).to.deep.equal([a.users.manager.id, a.users.agent.id].sort((x, y) => x - y));

      const outsider = await m.post('/api/v1/teams', { name: 'Mixed', memberIds: [a.users.agent.id, b.users.agent.id] });
      expect4xx(outsider, 400, 'outsider');
      expect(outsider.body.error.code).to.equal('not_a_member');
      expect(outsider.body.error.details).to.deep.equal({ userIds: [b.users.agent.id] });
      expect4xx(await m.post('/api/v1/teams', { name: 'support' }), 409, 'duplicate');
      expect4xx(await m.post('/api/v1/teams', { name: 'X', assignment: 'random' }), 400, 'bad assignment');
      expect4xx(await m.post('/api/v1/teams', { name: ' ' }), 400, 'blank');
      expect4xx(await a.users.agent.client.post('/api/v1/teams', { name: 'Agents' }), 403, 'agent creates');

      const patched = await m.patch(`/api/v1/teams/${created.body.id}`, { memberIds: [a.users.agent.id], assignment: 'manual' });
      expect(patched.body).to.deep.include({ assignment: 'manual', memberIds: [a.users.agent.id] });
      expect4xx(await m.patch(`/api/v1/teams/${created.body.id}`, { memberIds: [b.users.admin.id] }), 400, 'patch outsider');
      const agents = await a.users.agent.client.get('/api/v1/inbox/agents');
      expect(agents.body.items.find((x: { id: number }) => x.id === a.users.agent.id).teamIds).to.include(created.body.id);
      expect((await a.users.agent.client.get('/api/v1/teams')).body.items.map((t: { name: string }) => t.name)).to.include(
        'Support',
      );

      const id = await makeConversation(tp, a.tenantId, numA.channelId, {
        teamId: created.body.id,
        assigneeUserId: a.users.agent.id,
      });
      expect((await m.delete(`/api/v1/teams/${created.body.id}`)).status).to.equal(204);
      const conv = (await m.get(`/api/v1/conversations/${id}`)).body;
      expect(conv.team).to.equal(null);
      expect(conv.assignee.id).to.equal(a.users.agent.id);
      expect((await m.patch(`/api/v1/teams/${created.body.id}`, { name: 'Gone' })).status).to.equal(404);
    });
  });

  describe('canned responses', () => {
    let canned: { id: number };

    it('creates, finds, changes and deletes canned responses, listing their variables', async () => {
      const m = a.users.manager.client;
      const body =
        'Hi {{contact.name}}, {{ agent.name }} from {{business.name}} here. Your order {{order_id}} ({{contact.phone}}).';
      const created = await m.post('/api/v1/canned-responses', { shortcode: 'Hello', title: 'Greeting', body });
      expect(created.status, created.text).to.equal(201);
      expect(created.body).to.deep.include({ shortcode: 'hello', title: 'Greeting', body });
      expect(created.body.variables).to.deep.equal(['contact.name', 'agent.name', 'business.name', 'order_id', 'contact.phone']);
      canned = created.body;

      const dup = await m.post('/api/v1/canned-responses', { shortcode: 'HELLO', title: 'Again', body: 'x' });
      expect4xx(dup, 409, 'duplicate shortcode');
      expect(dup.body.error.code).to.equal('shortcode_taken');
      expect4xx(
        await m.post('/api/v1/canned-responses', { shortcode: 'two words', title: 'T', body: 'x' }),
        400,
        'bad shortcode',
      );
      expect4xx(await m.post('/api/v1/canned-responses', { shortcode: 'empty', title: 'T', body: '   ' }), 400, 'empty body');
      expect4xx(
        await a.users.agent.client.post('/api/v1/canned-responses', { shortcode: 'a', title: 'T', body: 'x' }),
        403,
        'agent',
      );

      const bye = await m.post('/api/v1/canned-responses', { shortcode: 'bye', title: 'Goodbye', body: 'Thanks, bye!' });
      const found = await a.users.agent.client.get('/api/v1/canned-responses?q=GREET');
      expect(found.body.items.map((c: { id: number }) => c.id)).to.deep.equal([canned.id]);
      expect((await a.users.agent.client.get('/api/v1/canned-responses')).body.items).to.have.length(2);
      expect((await a.users.agent.client.get('/api/v1/canned-responses?q=zzz')).body.items).to.deep.equal([]);

      expect4xx(await m.patch(`/api/v1/canned-responses/${bye.body.id}`, { shortcode: 'hello' }), 409, 'rename onto another');
      const changed = await m.patch(`/api/v1/canned-responses/${bye.body.id}`, { body: 'Bye {{contact.name}}' });
      expect(changed.body.variables).to.deep.equal(['contact.name']);
      expect((await m.delete(`/api/v1/canned-responses/${bye.body.id}`)).status).to.equal(204);
      expect((await m.delete(`/api/v1/canned-responses/${bye.body.id}`)).status).to.equal(404);
    });

    it('fills contact, agent and business variables, takes the rest from values, and lists what is missing', async () => {
      const id = await makeConversation(tp, a.tenantId, numA.channelId, { profileName: 'Ada', waId: '447700900123' });
      const agent = a.users.agent.client;
      const tenant = await tp.platform.models.Tenant.findByPk(a.tenantId);
      const full = await agent.post(`/api/v1/canned-responses/${canned.id}/render`, {
        conversationId: id,
        values: { order_id: 'A-17' },
      });
      expect(full.status, full.text).to.equal(200);
      expect(full.body).to.deep.equal({
        text: `Hi Ada, agent ${suffix(a)} from ${tenant!.name} here. Your order A-17 (+447700900123).`,
        missing: [],
      });
      const partial = await agent.post(`/api/v1/canned-responses/${canned.id}/render`, { conversationId: id });
      expect(partial.body.missing).to.deep.equal(['order_id']);
      expect(partial.body.text).to.contain('Your order {{order_id}} (');

      // No name known: the caller may supply it; nothing comes from an object's prototype.
      const nameless = await makeConversation(tp, a.tenantId, numA.channelId, { profileName: null });
      const m = a.users.manager.client;
      const tricky = await m.post('/api/v1/canned-responses', {
        shortcode: 'tricky',
        title: 'T',
        body: '{{contact.name}} {{constructor}}',
      });
      const r1 = await agent.post(`/api/v1/canned-responses/${tricky.body.id}/render`, { conversationId: nameless });
      expect(r1.body).to.deep.equal({ text: '{{contact.name}} {{constructor}}', missing: ['contact.name', 'constructor'] });
      const r2 = await agent.post(`/api/v1/canned-responses/${tricky.body.id}/render`, {
        conversationId: nameless,
        values: { 'contact.name': 'Bob', constructor: 'ok' },
      });
      expect(r2.body).to.deep.equal({ text: 'Bob ok', missing: [] });

      expect4xx(await agent.post(`/api/v1/canned-responses/${canned.id}/render`, {}), 400, 'no conversation');
      expect4xx(
        await agent.post(`/api/v1/canned-responses/${canned.id}/render`, { conversationId: id, values: { x: 1 } }),
        400,
        'value',
      );
      expect((await agent.post('/api/v1/canned-responses/999999/render', { conversationId: id })).status).to.equal(404);
      expect((await agent.post(`/api/v1/canned-responses/${canned.id}/render`, { conversationId: 999999 })).status).to.equal(404);
    });
  });

  describe('presence, agents and settings', () => {
    it('records presence heartbeats and announces a change once', async () => {
      events.length = 0;
      const put = await a.users.agent.client.put('/api/v1/inbox/presence', { status: 'online' });
      expect(put.status).to.equal(200);
      expect(put.body).to.deep.equal({ presence: 'online' });
      await a.users.agent.client.put('/api/v1/inbox/presence', { status: 'online' });
      await sleep(50);
      const announced = events.filter((e) => e.type === 'agent.presence' && e.tenantId === a.tenantId);
      expect(announced.map((e) => e.data)).to.deep.equal([{ userId: a.users.agent.id, presence: 'online' }]);
      expect(announced[0].topic).to.equal('inbox');

      expect4xx(await a.users.agent.client.put('/api/v1/inbox/presence', { status: 'busy' }), 400, 'bad status');
      const token = await a.users.admin.client.post('/api/v1/api-tokens', { name: 'presence', role: 'agent' });
      const bot = tp.client().bearer(token.body.token);
      const res = await bot.put('/api/v1/inbox/presence', { status: 'online' });
      expect4xx(res, 400, 'token');
      expect(res.body.error.code).to.equal('user_required');
    });

    it('lists members with role, presence, capacity, open conversations and teams', async () => {
      await makeConversation(tp, a.tenantId, numA.channelId, { assigneeUserId: a.users.manager.id });
      await makeConversation(tp, a.tenantId, numA.channelId, { assigneeUserId: a.users.manager.id, status: 'pending' });
      await makeConversation(tp, a.tenantId, numA.channelId, { assigneeUserId: a.users.manager.id, status: 'resolved' });
      const res = await a.users.agent.client.get('/api/v1/inbox/agents');
      expect(res.status).to.equal(200);
      expect(res.body.items.map((x: { id: number }) => x.id)).to.have.members([
        a.users.admin.id,
        a.users.manager.id,
        a.users.agent.id,
      ]);
      const manager = res.body.items.find((x: { id: number }) => x.id === a.users.manager.id);
      expect(manager).to.deep.include({
        name: `manager ${suffix(a)}`,
        email: a.users.manager.email,
        role: 'manager',
        presence: 'offline',
        capacity: null,
      });
      expect(manager.openCount).to.be.at.least(2);
      const agent = res.body.items.find((x: { id: number }) => x.id === a.users.agent.id);
      expect(agent.presence).to.equal('online');

      await tp.platform.models.InboxAgent.update(
        { lastSeenAt: new Date(Date.now() - 91_000) },
        { where: { tenantId: a.tenantId, userId: a.users.agent.id } },
      );
      const stale = await a.users.agent.client.get('/api/v1/inbox/agents');
      expect(stale.body.items.find((x: { id: number }) => x.id === a.users.agent.id).presence).to.equal('offline');
    });

    it("lets managers set an agent's capacity, and only for members", async () => {
      const path = `/api/v1/inbox/agents/${a.users.agent.id}`;
      const set = await a.users.manager.client.patch(path, { capacity: 3 });
      expect(set.status, set.text).to.equal(200);
      expect(set.body).to.deep.include({ id: a.users.agent.id, capacity: 3, role: 'agent' });
      expect4xx(await a.users.agent.client.patch(path, { capacity: 10 }), 403, 'agent');
      expect4xx(await a.users.manager.client.patch(path, { capacity: -1 }), 400, 'negative');
      expect4xx(await a.users.manager.client.patch(path, { capacity: 'lots' }), 400, 'not a number');
      expect4xx(await a.users.manager.client.patch(path, {}), 400, 'missing');
      expect((await a.users.manager.client.patch(`/api/v1/inbox/agents/${b.users.agent.id}`, { capacity: 1 })).status).to.equal(
        404,
      );
      expect((await a.users.manager.client.patch(path, { capacity: null })).body.capacity).to.equal(null);
    });

    it('shows the inbox settings to everyone and lets managers change them (audited)', async () => {
      const get = await a.users.agent.client.get('/api/v1/inbox/settings');
      expect(get.body).to.deep.equal({ agentVisibility: 'mine_team_unassigned', autoAssign: false });
      expect4xx(await a.users.agent.client.patch('/api/v1/inbox/settings', { autoAssign: true }), 403, 'agent');
      expect4xx(await a.users.manager.client.patch('/api/v1/inbox/settings', { agentVisibility: 'everyone' }), 400, 'bad');
      expect4xx(await a.users.manager.client.patch('/api/v1/inbox/settings', {}), 400, 'empty');
      expect4xx(await a.users.manager.client.patch('/api/v1/inbox/settings', { autoAssign: 'yes' }), 400, 'not boolean');
      const set = await a.users.manager.client.patch('/api/v1/inbox/settings', { agentVisibility: 'all' });
      expect(set.body).to.deep.equal({ agentVisibility: 'all', autoAssign: false });
      const log = await a.users.admin.client.get('/api/v1/audit-logs?action=inbox.settings_changed');
      expect(log.body.items[0].meta.to).to.deep.equal({ agentVisibility: 'all', autoAssign: false });
      await a.users.manager.client.patch('/api/v1/inbox/settings', { agentVisibility: 'mine_team_unassigned' });
    });
  });

  describe('who is viewing', () => {
    it('shows who else is viewing and typing, and forgets them when they leave or go quiet', async () => {
      const id = await makeConversation(tp, a.tenantId, numA.channelId);
      const path = `/api/v1/conversations/${id}/activity`;
      const agent = a.users.agent.client;
      const manager = a.users.manager.client;
      const agentName = `agent ${suffix(a)}`;
      events.length = 0;

      expect((await agent.post(path, { kind: 'viewing' })).body).to.deep.equal({ viewers: [] });
      const seen = await manager.post(path, { kind: 'viewing' });
      expect(seen.status).to.equal(200);
      expect(seen.body.viewers).to.deep.equal([{ userId: a.users.agent.id, name: agentName, typing: false }]);
      expect((await agent.post(path, { kind: 'typing' })).body.viewers).to.deep.equal([
        { userId: a.users.manager.id, name: `manager ${suffix(a)}`, typing: false },
      ]);
      expect((await manager.post(path, { kind: 'viewing' })).body.viewers).to.deep.equal([
        { userId: a.users.agent.id, name: agentName, typing: true },
      ]);
      const typed = events.find((e) => e.topic === `conversation:${id}` && (e.data as { kind: string }).kind === 'typing');
      expect(typed?.type).to.equal('conversation.activity');
      expect(typed?.data).to.deep.equal({ conversationId: id, userId: a.users.agent.id, name: agentName, kind: 'typing' });

      await agent.post(path, { kind: 'left' });
      expect((await manager.post(path, { kind: 'viewing' })).body.viewers).to.deep.equal([]);

      // What another instance announced, as it comes over the bus: expiry runs from when it was said.
      const said = (kind: string, msAgo: number) =>
        tp.platform.bus.publish({
          tenantId: a.tenantId,
          topic: `conversation:${id}`,
          type: 'conversation.activity',
          data: { conversationId: id, userId: a.users.agent.id, name: agentName, kind },
          at: new Date(Date.now() - msAgo).toISOString(),
        });
      await said('typing', 5_400);
      await sleep(50);
      expect((await manager.post(path, { kind: 'viewing' })).body.viewers).to.deep.equal([
        { userId: a.users.agent.id, name: agentName, typing: true },
      ]);
      await sleep(700);
      // Typing stops after 6 s; viewing lasts 30 s.
      expect((await manager.post(path, { kind: 'viewing' })).body.viewers).to.deep.equal([
        { userId: a.users.agent.id, name: agentName, typing: false },
      ]);
      await agent.post(path, { kind: 'left' });
      await said('viewing', 29_400);
      await sleep(50);
      expect((await manager.post(path, { kind: 'viewing' })).body.viewers).to.have.length(1);
      await sleep(700);
      expect((await manager.post(path, { kind: 'viewing' })).body.viewers).to.deep.equal([]);

      expect4xx(await agent.post(path, { kind: 'staring' }), 400, 'bad kind');
      expect((await agent.post('/api/v1/conversations/999999/activity', { kind: 'viewing' })).status).to.equal(404);
    });
  });

  describe('notifications', () => {
    const authorCtx = (g: TenantGraph): TenantContext => ({
      tenantId: g.tenantId,
      role: 'agent',
      principal: {
        kind: 'session',
        userId: g.users.agent.id,
        label: 'agent',
        isSuperAdmin: false,
        tenantId: null,
        tokenRole: null,
      },
      ip: null,
    });

    it('tells mentioned members (never the author or outsiders) on their own topic', async () => {
      const id = await makeConversation(tp, a.tenantId, numA.channelId);
      events.length = 0;
      const told = await tp.platform.services.notifications.notifyMentions(authorCtx(a), {
        conversationId: id,
        messageId: 42,
        userIds: [a.users.manager.id, a.users.admin.id, a.users.agent.id, b.users.agent.id, 9_999_999, a.users.manager.id],
        text: '@manager can you look at this refund?',
      });
      expect(told).to.deep.equal([a.users.admin.id, a.users.manager.id]);
      const list = await a.users.manager.client.get('/api/v1/notifications');
      expect(list.status).to.equal(200);
      const n = list.body.items[0];
      expect(n).to.deep.include({
        kind: 'mention',
        conversationId: id,
        messageId: 42,
        text: '@manager can you look at this refund?',
      });
      expect(n.actor).to.deep.equal({ id: a.users.agent.id, name: `agent ${suffix(a)}` });
      expect((await b.users.agent.client.get('/api/v1/notifications')).body.items).to.deep.equal([]);
      expect(
        (await a.users.agent.client.get('/api/v1/notifications')).body.items.some((x: { kind: string }) => x.kind === 'mention'),
      ).to.equal(false);
      await waitFor(async () => events.filter((e) => e.type === 'notification.created').length === 2);
      expect(events.filter((e) => e.type === 'notification.created').map((e) => e.topic)).to.have.members([
        `user:${a.users.manager.id}`,
        `user:${a.users.admin.id}`,
      ]);
    });

    it('marks notifications read by id or all at once, only the caller’s own', async () => {
      const id = await makeConversation(tp, a.tenantId, numA.channelId);
      for (let i = 0; i < 3; i++) {
        await tp.platform.services.notifications.notifyMentions(authorCtx(a), {
          conversationId: id,
          messageId: 100 + i,
          userIds: [a.users.manager.id, a.users.admin.id],
          text: `note ${i}`,
        });
      }
      const m = a.users.manager.client;
      const unread = await m.get('/api/v1/notifications?unread=true');
      expect(unread.body.unread).to.equal(unread.body.items.length);
      const first = unread.body.items[0].id;
      expect((await m.post('/api/v1/notifications/read', { ids: [first] })).body).to.deep.equal({ updated: 1 });
      expect((await m.post('/api/v1/notifications/read', { ids: [first] })).body).to.deep.equal({ updated: 0 });
      expect((await m.get('/api/v1/notifications?unread=true')).body.items.map((x: { id: number }) => x.id)).to.not.include(
        first,
      );
      expect((await m.get('/api/v1/notifications?unread=false')).body.items.map((x: { id: number }) => x.id)).to.include(first);

      // The admin's notifications are not the manager's to mark.
      const adminOwn = (await a.users.admin.client.get('/api/v1/notifications?unread=true')).body.items[0].id;
      expect((await m.post('/api/v1/notifications/read', { ids: [adminOwn] })).body).to.deep.equal({ updated: 0 });
      expect((await m.post('/api/v1/notifications/read', {})).body.updated).to.be.at.least(2);
      expect((await m.get('/api/v1/notifications?unread=true')).body.items).to.deep.equal([]);
      expect((await a.users.admin.client.get('/api/v1/notifications?unread=true')).body.items.length).to.be.at.least(3);

      expect4xx(await m.post('/api/v1/notifications/read', { ids: 'all' }), 400, 'bad ids');
      expect4xx(await m.get('/api/v1/notifications?unread=maybe'), 400, 'bad filter');
      const token = await a.users.admin.client.post('/api/v1/api-tokens', { name: 'n', role: 'manager' });
      const res = await tp.client().bearer(token.body.token).get('/api/v1/notifications');
      expect4xx(res, 400, 'token');
      expect(res.body.error.code).to.equal('user_required');
    });

    it("lets a member subscribe to their own user topic and nobody else's", async () => {
      const ticket = await a.users.agent.client.post('/api/v1/realtime/ticket');
      const url = String(ticket.body.url).replace(/^ws:\/\/[^/]+/, tp.url.replace('http', 'ws'));
      const ws = new WebSocket(url);
      const frames: { type: string; topic?: string; code?: string; event?: string }[] = [];
      ws.on('message', (raw) => frames.push(JSON.parse(String(raw))));
      await new Promise<void>((resolve, reject) => (ws.once('open', () => resolve()), ws.once('error', reject)));
      try {
        for (const topic of [`user:${a.users.agent.id}`, `user:${a.users.manager.id}`, 'inbox', 'conversation:1']) {
          ws.send(JSON.stringify({ type: 'subscribe', topic }));
        }
        await waitFor(async () => frames.filter((f) => f.type === 'subscribed' || f.type === 'error').length >= 4, 3000);
        expect(frames.filter((f) => f.type === 'subscribed').map((f) => f.topic)).to.have.members([
          `user:${a.users.agent.id}`,
          'inbox',
          'conversation:1',
        ]);
        expect(frames.find((f) => f.type === 'error')?.code).to.equal('forbidden');

        const id = await makeConversation(tp, a.tenantId, numA.channelId);
        await a.users.manager.client.post(`/api/v1/conversations/${id}/assign`, { assigneeUserId: a.users.agent.id });
        await waitFor(async () => frames.some((f) => f.topic === `user:${a.users.agent.id}`), 3000, 'the notification frame');
      } finally {
        ws.close();
      }
    });
  });

  describe('tenant isolation', () => {
    it("tenant B can neither read nor change tenant A's teams, labels, canned responses, conversations or notifications", async () => {
      const am = a.users.manager.client;
      const bm: HttpClient = b.users.manager.client;
      const team = (await am.post('/api/v1/teams', { name: 'Alpha only', memberIds: [a.users.agent.id] })).body;
      const label = (await am.post('/api/v1/labels', { name: 'Alpha label' })).body;
      const canned = (await am.post('/api/v1/canned-responses', { shortcode: 'alpha', title: 'A', body: 'Hi {{contact.name}}' }))
        .body;
      const conv = await makeConversation(tp, a.tenantId, numA.channelId, { profileName: 'Secret customer' });
      await am.post(`/api/v1/conversations/${conv}/assign`, { assigneeUserId: a.users.agent.id });
      const note = (await a.users.agent.client.get('/api/v1/notifications')).body.items[0];
      const theirCanned = (await bm.post('/api/v1/canned-responses', { shortcode: 'beta', title: 'B', body: '{{contact.name}}' }))
        .body;
      const theirConv = await makeConversation(tp, b.tenantId, numB.channelId);

      const statuses = {
        'PATCH team': (await bm.patch(`/api/v1/teams/${team.id}`, { name: 'Taken' })).status,
        'DELETE team': (await bm.delete(`/api/v1/teams/${team.id}`)).status,
        'PATCH label': (await bm.patch(`/api/v1/labels/${label.id}`, { name: 'Taken' })).status,
        'DELETE label': (await bm.delete(`/api/v1/labels/${label.id}`)).status,
        'PATCH canned': (await bm.patch(`/api/v1/canned-responses/${canned.id}`, { title: 'Taken' })).status,
        'DELETE canned': (await bm.delete(`/api/v1/canned-responses/${canned.id}`)).status,
        'render canned': (await bm.post(`/api/v1/canned-responses/${canned.id}/render`, { conversationId: theirConv })).status,
        'render into A': (await bm.post(`/api/v1/canned-responses/${theirCanned.id}/render`, { conversationId: conv })).status,
        'PATCH conversation': (await bm.patch(`/api/v1/conversations/${conv}`, { status: 'resolved' })).status,
        assign: (await bm.post(`/api/v1/conversations/${conv}/assign`, { assigneeUserId: b.users.agent.id })).status,
        labels: (await bm.put(`/api/v1/conversations/${conv}/labels`, { labelIds: [] })).status,
        activity: (await bm.post(`/api/v1/conversations/${conv}/activity`, { kind: 'viewing' })).status,
        capacity: (await bm.patch(`/api/v1/inbox/agents/${a.users.agent.id}`, { capacity: 0 })).status,
      };
      expect(statuses).to.deep.equal(Object.fromEntries(Object.keys(statuses).map((k) => [k, 404])));
      // Labels of B cannot reach A's conversation either, nor A's labels B's.
      expect((await bm.put(`/api/v1/conversations/${theirConv}/labels`, { labelIds: [label.id] })).status).to.equal(400);
      expect(
        (await bm.post(`/api/v1/conversations/${theirConv}/assign`, { assigneeUserId: null, teamId: team.id })).status,
      ).to.equal(400);
      expect((await bm.post('/api/v1/notifications/read', { ids: [note.id] })).body).to.deep.equal({ updated: 0 });

      const lists = {
        teams: (await bm.get('/api/v1/teams')).body.items.map((t: { id: number }) => t.id),
        labels: (await bm.get('/api/v1/labels')).body.items.map((l: { id: number }) => l.id),
        canned: (await bm.get('/api/v1/canned-responses')).body.items.map((c: { id: number }) => c.id),
        agents: (await bm.get('/api/v1/inbox/agents')).body.items.map((x: { id: number }) => x.id),
        notifications: (await b.users.agent.client.get('/api/v1/notifications')).body.items.map((n: { id: number }) => n.id),
        conversations: (await bm.get('/api/v1/conversations?limit=100')).body.items.map((c: { id: number }) => c.id),
      };
      expect(lists.teams).to.not.include(team.id);
      expect(lists.labels).to.not.include(label.id);
      expect(lists.canned).to.not.include(canned.id);
      expect(lists.agents).to.not.include.members([a.users.agent.id]);
      expect(lists.notifications).to.not.include(note.id);
      expect(lists.conversations).to.not.include(conv);

      await bm.patch('/api/v1/inbox/settings', { agentVisibility: 'mine', autoAssign: true });
      expect((await am.get('/api/v1/inbox/settings')).body).to.deep.equal({
        agentVisibility: 'mine_team_unassigned',
        autoAssign: false,
      });

      // Everything of A is as it was.
      expect((await am.get('/api/v1/teams')).body.items.find((t: { id: number }) => t.id === team.id).name).to.equal(
        'Alpha only',
      );
      expect((await am.get('/api/v1/labels')).body.items.find((l: { id: number }) => l.id === label.id).name).to.equal(
        'Alpha label',
      );
      const still = (await am.get(`/api/v1/conversations/${conv}`)).body;
      expect(still).to.deep.include({ status: 'open' });
      expect(still.assignee.id).to.equal(a.users.agent.id);
      expect(
        (await a.users.agent.client.get('/api/v1/notifications?unread=true')).body.items.map((n: { id: number }) => n.id),
      ).to.include(note.id);
    });
  });
});
