// Who holds a conversation: agents take or drop their own, managers hand out to anyone in the tenant
// (audited, the new holder notified); round-robin gives new and reopened conversations to online
// agents under capacity, in turn, and never over capacity when many arrive at once; snoozed
// conversations wake by job or when the customer writes; what an agent sees under each setting.
import { expect } from 'chai';
import { startPlatform, type TestPlatform } from '../helpers/platform.ts';
import { createTenantGraph, type TenantGraph } from '../factories/tenant-graph.ts';
import { waitFor } from '../channels/helpers.ts';
import type { RealtimeEvent } from '../../src/realtime/index.ts';
import { WAKE_SNOOZED_JOB } from '../../src/modules/inbox/collaboration.jobs.ts';
import { addNumber, customerSays, ids, makeConversation } from './collaboration-helpers.ts';

describe('inbox assignment', function () {
  this.timeout(60_000);
  let tp: TestPlatform;
  let a: TenantGraph;
  let b: TenantGraph;
  let numA: { channelId: number; phoneNumberId: string };
  const events: RealtimeEvent[] = [];

  before(async () => {
    tp = await startPlatform();
    a = await createTenantGraph(tp, 'Alpha');
    b = await createTenantGraph(tp, 'Beta');
    numA = await addNumber(tp, a.tenantId);
    tp.platform.bus.subscribe((e) => events.push(e));
  });
  after(async () => tp?.stop());

  const assign = (g: TenantGraph, role: 'agent' | 'manager' | 'admin', id: number, body: unknown) =>
    g.users[role].client.post(`/api/v1/conversations/${id}/assign`, body);
  const setVisibility = async (g: TenantGraph, agentVisibility: string) =>
    expect((await g.users.manager.client.patch('/api/v1/inbox/settings', { agentVisibility })).status).to.equal(200);

  describe('manual assignment', () => {
    it('lets an agent take a conversation and drop it, but not hand it to anyone else', async () => {
      await setVisibility(a, 'all');
      const id = await makeConversation(tp, a.tenantId, numA.channelId);
      const took = await assign(a, 'agent', id, { assigneeUserId: a.users.agent.id });
      expect(took.status, took.text).to.equal(200);
      expect(took.body.assignee).to.deep.equal({ id: a.users.agent.id, name: `agent ${a.slug.split('-')[1]}` });

      const gave = await assign(a, 'agent', id, { assigneeUserId: a.users.manager.id });
      expect(gave.status).to.equal(403);
      expect(gave.body.error.message).to.match(/only to themselves/);

      const dropped = await assign(a, 'agent', id, { assigneeUserId: null });
      expect(dropped.status).to.equal(200);
      expect(dropped.body.assignee).to.equal(null);

      expect((await assign(a, 'manager', id, { assigneeUserId: a.users.manager.id })).status).to.equal(200);
      // Not theirs to drop.
      expect((await assign(a, 'agent', id, { assigneeUserId: null })).status).to.equal(403);
      // Taking over is taking it for themselves.
      expect((await assign(a, 'agent', id, { assigneeUserId: a.users.agent.id })).status).to.equal(200);
      const team = await a.users.manager.client.post('/api/v1/teams', { name: 'Sales', memberIds: [a.users.agent.id] });
      const moved = await assign(a, 'agent', id, { assigneeUserId: a.users.agent.id, teamId: team.body.id });
      expect(moved.status).to.equal(403);
      await setVisibility(a, 'mine_team_unassigned');
    });

    it('lets managers assign anyone in the tenant, and refuses outsiders and foreign teams with a 400', async () => {
      const id = await makeConversation(tp, a.tenantId, numA.channelId);
      const ok = await assign(a, 'manager', id, { assigneeUserId: a.users.agent.id });
      expect(ok.status).to.equal(200);
      expect(ok.body.assignee.id).to.equal(a.users.agent.id);

      const outsider = await assign(a, 'manager', id, { assigneeUserId: b.users.agent.id });
      expect(outsider.status).to.equal(400);
      expect(outsider.body.error.code).to.equal('not_a_member');
      expect((await assign(a, 'manager', id, { assigneeUserId: 9_999_999 })).status).to.equal(400);

      const theirTeam = await b.users.manager.client.post('/api/v1/teams', { name: 'Beta team' });
      const foreign = await assign(a, 'manager', id, { assigneeUserId: a.users.agent.id, teamId: theirTeam.body.id });
      expect(foreign.status).to.equal(400);
      expect(foreign.body.error.code).to.equal('unknown_team');

      const ours = await a.users.admin.client.post('/api/v1/teams', { name: 'Support' });
      const withTeam = await assign(a, 'admin', id, { assigneeUserId: a.users.manager.id, teamId: ours.body.id });
      expect(withTeam.status).to.equal(200);
      expect(withTeam.body.team).to.deep.equal({ id: ours.body.id, name: 'Support' });
      expect(withTeam.body.assignee.id).to.equal(a.users.manager.id);

      for (const bad of [{}, { assigneeUserId: 'me' }, { assigneeUserId: -1 }, { assigneeUserId: 1.5 }]) {
        const res = await assign(a, 'manager', id, bad);
        expect(res.status, JSON.stringify(bad)).to.equal(400);
        expect(res.body.error.message).to.be.a('string').and.not.equal('');
      }
      expect((await assign(a, 'manager', 9_999_999, { assigneeUserId: null })).status).to.equal(404);
    });

    it('audits each reassignment with who did it, from whom and to whom', async () => {
      const id = await makeConversation(tp, a.tenantId, numA.channelId);
      await assign(a, 'manager', id, { assigneeUserId: a.users.agent.id });
      await assign(a, 'admin', id, { assigneeUserId: a.users.manager.id });
      const log = await a.users.admin.client.get('/api/v1/audit-logs?action=conversation.assigned&limit=50');
      expect(log.status).to.equal(200);
      const mine = log.body.items.filter((e: { target: { id: string } }) => e.target.id === String(id));
      expect(mine).to.have.length(2);
      expect(mine[0].actor.id).to.equal(a.users.admin.id);
      expect(mine[0].meta).to.deep.include({ from: a.users.agent.id, to: a.users.manager.id });
      expect(mine[1].actor.id).to.equal(a.users.manager.id);
      expect(mine[1].meta).to.deep.include({ from: null, to: a.users.agent.id });
    });

    it('notifies the new assignee on their own topic, and announces the change to the inbox', async () => {
      const id = await makeConversation(tp, a.tenantId, numA.channelId, { profileName: 'Grace' });
      events.length = 0;
      await assign(a, 'manager', id, { assigneeUserId: a.users.agent.id });
      const list = await a.users.agent.client.get('/api/v1/notifications?unread=true');
      expect(list.status).to.equal(200);
      const n = list.body.items.find((x: { conversationId: number }) => x.conversationId === id);
      expect(n).to.deep.include({ kind: 'assigned', text: 'Conversation with Grace', readAt: null });
      expect(n.actor).to.deep.equal({ id: a.users.manager.id, name: `manager ${a.slug.split('-')[1]}` });
      await waitFor(async () => events.some((e) => e.topic === `user:${a.users.agent.id}` && e.type === 'notification.created'));
      const note = events.find((e) => e.topic === `user:${a.users.agent.id}`)!;
      expect(note.data).to.deep.equal({ id: n.id, kind: 'assigned', conversationId: id });
      expect(events.some((e) => e.topic === 'inbox' && e.type === 'conversation.updated')).to.equal(true);

      // Taking a conversation yourself tells nobody.
      const before = await tp.platform.models.Notification.count();
      const own = await makeConversation(tp, a.tenantId, numA.channelId);
      await assign(a, 'agent', own, { assigneeUserId: a.users.agent.id });
      expect(await tp.platform.models.Notification.count()).to.equal(before);
    });
  });

  describe('round-robin', () => {
    let r: TenantGraph;
    let num: { channelId: number; phoneNumberId: string };
    const holder = async (id: number) => (await tp.platform.models.Conversation.findByPk(id))!.assigneeUserId;
    let phone = 447700800000;
    const newCustomer = () => customerSays(tp, num.phoneNumberId, String(++phone), 'Hi');

    before(async () => {
      r = await createTenantGraph(tp, 'Robin');
      num = await addNumber(tp, r.tenantId);
    });

    it('leaves new conversations unassigned while auto-assign is off', async () => {
      await r.users.agent.client.put('/api/v1/inbox/presence', { status: 'online' });
      expect(await holder(await newCustomer())).to.equal(null);
    });

    it('gives new conversations to online members in turn, the longest-waiting first', async () => {
      expect((await r.users.manager.client.patch('/api/v1/inbox/settings', { autoAssign: true })).body.autoAssign).to.equal(true);
      await r.users.manager.client.put('/api/v1/inbox/presence', { status: 'online' });
      // The admin never said they were online.
      const got = [];
      for (let i = 0; i < 3; i++) got.push(await holder(await newCustomer()));
      // Nobody assigned yet: the lower user id first (the manager was created before the agent).
      expect(got).to.deep.equal([r.users.manager.id, r.users.agent.id, r.users.manager.id]);
    });

    it('skips an agent at capacity until one of their conversations is resolved', async () => {
      const cap = await r.users.manager.client.patch(`/api/v1/inbox/agents/${r.users.agent.id}`, { capacity: 1 });
      expect(cap.status).to.equal(200);
      expect(cap.body).to.deep.include({ id: r.users.agent.id, capacity: 1, openCount: 1, presence: 'online' });
      expect(await holder(await newCustomer())).to.equal(r.users.manager.id);
      expect(await holder(await newCustomer())).to.equal(r.users.manager.id);

      const theirs = await tp.platform.models.Conversation.findOne({
        where: { tenantId: r.tenantId, assigneeUserId: r.users.agent.id },
      });
      const resolved = await r.users.agent.client.patch(`/api/v1/conversations/${theirs!.id}`, { status: 'resolved' });
      expect(resolved.status).to.equal(200);
      expect(await holder(await newCustomer())).to.equal(r.users.agent.id);
      await r.users.manager.client.patch(`/api/v1/inbox/agents/${r.users.agent.id}`, { capacity: null });
    });

    it('skips members who are away, offline or have not pinged for over 90 seconds', async () => {
      await r.users.manager.client.put('/api/v1/inbox/presence', { status: 'away' });
      expect(await holder(await newCustomer())).to.equal(r.users.agent.id);
      await r.users.manager.client.put('/api/v1/inbox/presence', { status: 'online' });
      await tp.platform.models.InboxAgent.update(
        { lastSeenAt: new Date(Date.now() - 120_000) },
        { where: { tenantId: r.tenantId, userId: r.users.manager.id } },
      );
      expect(await holder(await newCustomer())).to.equal(r.users.agent.id);
      const agents = await r.users.agent.client.get('/api/v1/inbox/agents');
      const manager = agents.body.items.find((x: { id: number }) => x.id === r.users.manager.id);
      expect(manager.presence).to.equal('offline');
    });

    it('leaves a conversation unassigned when nobody is eligible', async () => {
      await r.users.agent.client.put('/api/v1/inbox/presence', { status: 'offline' });
      expect(await holder(await newCustomer())).to.equal(null);
    });

    it("assigns a reopened conversation by its team's rule", async () => {
      await r.users.agent.client.put('/api/v1/inbox/presence', { status: 'online' });
      const rr = await r.users.manager.client.post('/api/v1/teams', {
        name: 'Night shift',
        assignment: 'round_robin',
        memberIds: [r.users.agent.id],
      });
      const manual = await r.users.manager.client.post('/api/v1/teams', { name: 'Manual', memberIds: [r.users.agent.id] });
      expect(rr.status).to.equal(201);
      const x = await customerSays(tp, num.phoneNumberId, '447700811111', 'first');
      const y = await customerSays(tp, num.phoneNumberId, '447700822222', 'first');
      await tp.platform.models.Conversation.update(
        { status: 'resolved', assigneeUserId: null, teamId: rr.body.id },
        { where: { id: x } },
      );
      await tp.platform.models.Conversation.update(
        { status: 'resolved', assigneeUserId: null, teamId: manual.body.id },
        { where: { id: y } },
      );

      expect(await customerSays(tp, num.phoneNumberId, '447700811111', 'again')).to.equal(x);
      await customerSays(tp, num.phoneNumberId, '447700822222', 'again');
      const [cx, cy] = [
        (await tp.platform.models.Conversation.findByPk(x))!,
        (await tp.platform.models.Conversation.findByPk(y))!,
      ];
      expect(cx.status).to.equal('open');
      expect(cx.assigneeUserId).to.equal(r.users.agent.id);
      // A manual team never round-robins, whatever the tenant's auto-assign says.
      expect(cy.status).to.equal('open');
      expect(cy.assigneeUserId).to.equal(null);
    });

    it('never gives anyone more than their capacity when many conversations arrive at once', async () => {
      const c = await createTenantGraph(tp, 'Crowd');
      const n = await addNumber(tp, c.tenantId);
      await c.users.manager.client.patch('/api/v1/inbox/settings', { autoAssign: true });
      for (const role of ['agent', 'manager'] as const) {
        await c.users[role].client.put('/api/v1/inbox/presence', { status: 'online' });
        await c.users.manager.client.patch(`/api/v1/inbox/agents/${c.users[role].id}`, { capacity: 2 });
      }
      const convs = [];
      for (let i = 0; i < 8; i++) convs.push(await makeConversation(tp, c.tenantId, n.channelId));
      const results = await Promise.all(convs.map((id) => tp.platform.services.collaboration.autoAssign([id])));
      expect(results.reduce((sum, m) => sum + m.size, 0)).to.equal(4);
      const rows = await tp.platform.models.Conversation.findAll({ where: { tenantId: c.tenantId } });
      const per = new Map<number | null, number>();
      for (const row of rows) per.set(row.assigneeUserId, (per.get(row.assigneeUserId) ?? 0) + 1);
      expect(per.get(c.users.agent.id)).to.equal(2);
      expect(per.get(c.users.manager.id)).to.equal(2);
      expect(per.get(null)).to.equal(4);
    });
  });

  describe('status, snooze and priority', () => {
    it('snoozes only until a time in the future, and says what is wrong otherwise', async () => {
      const id = await makeConversation(tp, a.tenantId, numA.channelId);
      const c = a.users.agent.client;
      const path = `/api/v1/conversations/${id}`;
      const cases: [unknown, string][] = [
        [{ status: 'snoozed' }, 'snooze_time_required'],
        [{ status: 'snoozed', snoozedUntil: new Date(Date.now() - 60_000).toISOString() }, 'snooze_time_past'],
        [{ status: 'open', snoozedUntil: new Date(Date.now() + 60_000).toISOString() }, 'snooze_time_unexpected'],
        [{ snoozedUntil: 'tomorrow' }, 'validation_failed'],
        [{ status: 'archived' }, 'validation_failed'],
        [{ priority: 'critical' }, 'validation_failed'],
        [{}, 'validation_failed'],
      ];
      for (const [body, code] of cases) {
        const res = await c.patch(path, body);
        expect(res.status, JSON.stringify(body)).to.equal(400);
        expect(res.body.error.code, JSON.stringify(body)).to.equal(code);
        expect(res.body.error.message).to.be.a('string').and.not.equal('');
      }
      const until = new Date(Date.now() + 3600_000).toISOString();
      const ok = await c.patch(path, { status: 'snoozed', snoozedUntil: until, priority: 'high' });
      expect(ok.status).to.equal(200);
      expect(ok.body).to.deep.include({ status: 'snoozed', snoozedUntil: until, priority: 'high' });
      const reopened = await c.patch(path, { status: 'pending' });
      expect(reopened.body).to.deep.include({ status: 'pending', snoozedUntil: null, priority: 'high' });
    });

    it('wakes snoozed conversations whose time has passed, by job', async () => {
      const id = await makeConversation(tp, a.tenantId, numA.channelId);
      const later = await makeConversation(tp, a.tenantId, numA.channelId);
      await a.users.agent.client.patch(`/api/v1/conversations/${id}`, {
        status: 'snoozed',
        snoozedUntil: new Date(Date.now() + 60_000).toISOString(),
      });
      await a.users.agent.client.patch(`/api/v1/conversations/${later}`, {
        status: 'snoozed',
        snoozedUntil: new Date(Date.now() + 3600_000).toISOString(),
      });
      // Its time comes.
      await tp.platform.models.Conversation.update({ snoozedUntil: new Date(Date.now() - 1000) }, { where: { id } });
      events.length = 0;
      await tp.platform.jobs.now(WAKE_SNOOZED_JOB);
      const woke = await waitFor(
        async () => {
          const c = await tp.platform.models.Conversation.findByPk(id);
          return c?.status === 'open' ? c : null;
        },
        10_000,
        'the snoozed conversation to wake',
      );
      expect(woke.snoozedUntil).to.equal(null);
      expect((await tp.platform.models.Conversation.findByPk(later))!.status).to.equal('snoozed');
      await waitFor(async () =>
        events.some((e) => e.type === 'conversation.updated' && (e.data as { conversationId: number }).conversationId === id),
      );
    });

    it('reopens a snoozed conversation when the customer writes', async () => {
      const id = await customerSays(tp, numA.phoneNumberId, '447700833333', 'hello');
      await a.users.agent.client.patch(`/api/v1/conversations/${id}`, {
        status: 'snoozed',
        snoozedUntil: new Date(Date.now() + 3600_000).toISOString(),
      });
      await customerSays(tp, numA.phoneNumberId, '447700833333', 'still there?');
      const c = (await tp.platform.models.Conversation.findByPk(id))!;
      expect(c.status).to.equal('open');
      expect(c.snoozedUntil).to.equal(null);
    });
  });

  describe('what an agent sees', () => {
    let v: TenantGraph;
    let convs: Record<string, number>;

    before(async () => {
      v = await createTenantGraph(tp, 'Vis');
      const n = await addNumber(tp, v.tenantId);
      const mine = await v.users.manager.client.post('/api/v1/teams', { name: 'Mine', memberIds: [v.users.agent.id] });
      const other = await v.users.manager.client.post('/api/v1/teams', { name: 'Other', memberIds: [v.users.manager.id] });
      const at = Date.now();
      const make = (i: number, attrs: object) =>
        makeConversation(tp, v.tenantId, n.channelId, { lastMessageAt: new Date(at - i * 1000), ...attrs });
      convs = {
        assignedToMe: await make(1, { assigneeUserId: v.users.agent.id }),
        assignedToManager: await make(2, { assigneeUserId: v.users.manager.id }),
        unassigned: await make(3, {}),
        myTeamUnassigned: await make(4, { teamId: mine.body.id }),
        myTeamTheirs: await make(5, { teamId: mine.body.id, assigneeUserId: v.users.manager.id }),
        otherTeamUnassigned: await make(6, { teamId: other.body.id }),
      };
    });

    const EXPECT: Record<string, string[]> = {
      all: ['assignedToMe', 'assignedToManager', 'unassigned', 'myTeamUnassigned', 'myTeamTheirs', 'otherTeamUnassigned'],
      mine_team_unassigned: ['assignedToMe', 'unassigned', 'myTeamUnassigned', 'myTeamTheirs'],
      mine_team: ['assignedToMe', 'myTeamUnassigned', 'myTeamTheirs'],
      mine: ['assignedToMe'],
    };

    for (const [setting, visible] of Object.entries(EXPECT)) {
      it(`under '${setting}' lists, opens and pages only what the setting allows (404 for the rest)`, async () => {
        await setVisibility(v, setting);
        const list = await v.users.agent.client.get('/api/v1/conversations?limit=100');
        expect(list.status).to.equal(200);
        const names = Object.entries(convs)
          .filter(([, id]) => ids(list.body).includes(id))
          .map(([k]) => k);
        expect(names).to.have.members(visible);
        for (const [name, id] of Object.entries(convs)) {
          const want = visible.includes(name) ? 200 : 404;
          const agent = v.users.agent.client;
          expect((await agent.get(`/api/v1/conversations/${id}`)).status, `${name} GET`).to.equal(want);
          expect((await agent.get(`/api/v1/conversations/${id}/messages`)).status, `${name} messages`).to.equal(want);
          if (want === 404) {
            expect((await agent.patch(`/api/v1/conversations/${id}`, { priority: 'low' })).status, `${name} PATCH`).to.equal(404);
            expect((await agent.put(`/api/v1/conversations/${id}/labels`, { labelIds: [] })).status).to.equal(404);
            expect((await agent.post(`/api/v1/conversations/${id}/activity`, { kind: 'viewing' })).status).to.equal(404);
            expect(
              (await agent.post(`/api/v1/conversations/${id}/assign`, { assigneeUserId: v.users.agent.id })).status,
            ).to.equal(404);
          }
        }
        // Managers see everything whatever the setting.
        const all = await v.users.manager.client.get('/api/v1/conversations?limit=100');
        expect(ids(all.body)).to.include.members(Object.values(convs));
      });
    }
  });

  describe('list filters', () => {
    let f: TenantGraph;
    let made: { id: number; at: number; assignee: number | null; team: number | null; labelled: boolean }[];
    let team: number;
    let label: number;

    before(async () => {
      f = await createTenantGraph(tp, 'Filter');
      const n = await addNumber(tp, f.tenantId);
      team = (await f.users.manager.client.post('/api/v1/teams', { name: 'Filters' })).body.id;
      label = (await f.users.manager.client.post('/api/v1/labels', { name: 'vip' })).body.id;
      const base = Date.now();
      made = [];
      for (let i = 0; i < 12; i++) {
        const assignee = [f.users.agent.id, f.users.manager.id, null][i % 3];
        const t = i % 2 === 0 ? team : null;
        // Pairs share a timestamp, so the id breaks ties.
        const at = base - Math.floor(i / 2) * 1000;
        const id = await makeConversation(tp, f.tenantId, n.channelId, {
          assigneeUserId: assignee,
          teamId: t,
          lastMessageAt: new Date(at),
        });
        const labelled = i % 4 === 0;
        if (labelled) await f.users.manager.client.put(`/api/v1/conversations/${id}/labels`, { labelIds: [label] });
        made.push({ id, at, assignee, team: t, labelled });
      }
    });

    async function pages(client: TenantGraph['users']['agent']['client'], query: string) {
      const seen: number[] = [];
      let cursor: string | null = null;
      for (let i = 0; i < 20; i++) {
        const res: { status: number; body: { items: { id: number; lastMessageAt: string }[]; nextCursor: string | null } } =
          await client.get(`/api/v1/conversations?limit=2&${query}${cursor ? `&cursor=${cursor}` : ''}`);
        expect(res.status, query).to.equal(200);
        seen.push(...ids(res.body));
        cursor = res.body.nextCursor;
        if (!cursor) break;
      }
      return seen;
    }
    const newestFirst = (list: typeof made) => [...list].sort((x, y) => y.at - x.at || y.id - x.id).map((c) => c.id);

    it('filters by assignee (me, none, a user), team (an id, none) and label, page by page in order', async () => {
      const m = f.users.manager.client;
      const want = {
        me: made.filter((c) => c.assignee === f.users.manager.id),
        none: made.filter((c) => c.assignee === null),
        agent: made.filter((c) => c.assignee === f.users.agent.id),
        team: made.filter((c) => c.team === team),
        noTeam: made.filter((c) => c.team === null),
        label: made.filter((c) => c.labelled),
        teamAndMe: made.filter((c) => c.team === team && c.assignee === f.users.manager.id),
      };
      expect(await pages(m, 'assignee=me')).to.deep.equal(newestFirst(want.me));
      expect(await pages(m, 'assignee=none')).to.deep.equal(newestFirst(want.none));
      expect(await pages(m, `assignee=${f.users.agent.id}`)).to.deep.equal(newestFirst(want.agent));
      expect(await pages(m, `team=${team}`)).to.deep.equal(newestFirst(want.team));
      expect(await pages(m, 'team=none')).to.deep.equal(newestFirst(want.noTeam));
      expect(await pages(m, `label=${label}`)).to.deep.equal(newestFirst(want.label));
      expect(await pages(m, `team=${team}&assignee=me`)).to.deep.equal(newestFirst(want.teamAndMe));

      const one = await m.get(`/api/v1/conversations?label=${label}&limit=1`);
      expect(one.body.items[0].labels).to.deep.equal([{ id: label, name: 'vip', color: '#6b7280' }]);
      expect(one.body.items[0].team).to.deep.equal({ id: team, name: 'Filters' });
    });

    it('refuses malformed filters with a 400 that says what to send', async () => {
      for (const q of ['assignee=someone', 'assignee=-1', 'team=all', 'label=x', 'label=0']) {
        const res = await f.users.manager.client.get(`/api/v1/conversations?${q}`);
        expect(res.status, q).to.equal(400);
        expect(res.body.error.message).to.be.a('string').and.not.equal('');
      }
      const token = await f.users.admin.client.post('/api/v1/api-tokens', { name: 'filters', role: 'agent' });
      const bot = tp.client().bearer(token.body.token);
      const me = await bot.get('/api/v1/conversations?assignee=me');
      expect(me.status).to.equal(400);
      expect(me.body.error.code).to.equal('user_required');
    });

    it("another tenant's label or team filters to nothing", async () => {
      expect((await b.users.manager.client.get(`/api/v1/conversations?label=${label}`)).body.items).to.deep.equal([]);
      expect((await b.users.manager.client.get(`/api/v1/conversations?team=${team}`)).body.items).to.deep.equal([]);
    });
  });
});
