import { expect } from 'chai';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { defaultEntries, mount, openPage, useBrowser, waitFor, type FakeRequest, type RouteHandler } from '../helpers/browser.ts';

const entries = [...defaultEntries, fileURLToPath(new URL('../../src/inbox-settings/inbox-settings.ts', import.meta.url))];

declare global {
  interface Window {
    toasts: { message: string; kind?: string }[];
  }
}

type Role = 'admin' | 'manager' | 'agent';

/** An in-memory backend with the collaboration API's shapes and error answers. */
function fakeBackend(role: Role = 'manager') {
  const state = {
    settings: { agentVisibility: 'mine_team_unassigned', autoAssign: false },
    agents: [
      {
        id: 1,
        name: 'Olga Owner',
        email: 'olga@example.com',
        role: 'admin',
        presence: 'online',
        capacity: null,
        openCount: 3,
        teamIds: [10],
      },
      {
        id: 2,
        name: 'Ada Agent',
        email: 'ada@example.com',
        role: 'agent',
        presence: 'away',
        capacity: 5,
        openCount: 1,
        teamIds: [],
      },
      {
        id: 3,
        name: '',
        email: 'bob@example.com',
        role: 'agent',
        presence: 'offline',
        capacity: null,
        openCount: 0,
        teamIds: [],
      },
    ],
    teams: [{ id: 10, name: 'Support', assignment: 'manual', memberIds: [1] }] as {
      id: number;
      name: string;
      assignment: string;
      memberIds: number[];
    }[],
    labels: [{ id: 20, name: 'VIP', color: '#f59e0b' }],
    canned: [] as { id: number; shortcode: string; title: string; body: string; variables: string[] }[],
  };
  let nextId = 100;
  const forbidden = { status: 403, body: { error: { code: 'forbidden', message: 'Only managers and admins can do this.' } } };
  const write =
    (h: RouteHandler): RouteHandler =>
    (req) =>
      role === 'agent' ? forbidden : h(req);
  const variables = (text: string) => [...new Set([...text.matchAll(/\{\{\s*([A-Za-z0-9_.]+)\s*\}\}/g)].map((m) => m[1]))];
  const routes: Record<string, RouteHandler> = {
    'GET /api/v1/auth/me': () => ({
      body: { user: { isSuperAdmin: false }, memberships: [{ tenantId: 1, role, tenant: { slug: 'demo' } }] },
    }),
    'GET /api/v1/inbox/settings': () => ({ body: state.settings }),
    'PATCH /api/v1/inbox/settings': write((req) => {
      Object.assign(state.settings, req.json);
      return { body: state.settings };
    }),
    'GET /api/v1/inbox/agents': () => ({ body: { items: state.agents } }),
    'PATCH /api/v1/inbox/agents/:userId': write((req) => {
      const a = state.agents.find((x) => x.id === Number(req.params.userId))!;
      a.capacity = (req.json as { capacity: number | null }).capacity as never;
      return { body: a };
    }),
    'GET /api/v1/teams': () => ({ body: { items: state.teams } }),
    'POST /api/v1/teams': write((req) => {
      const t = { id: nextId++, ...(req.json as { name: string; assignment: string; memberIds: number[] }) };
      state.teams.push(t);
      return { status: 201, body: t };
    }),
    'PATCH /api/v1/teams/:id': write((req) => {
      const t = state.teams.find((x) => x.id === Number(req.params.id))!;
      Object.assign(t, req.json);
      return { body: t };
    }),
    'DELETE /api/v1/teams/:id': write((req) => {
      state.teams = state.teams.filter((x) => x.id !== Number(req.params.id));
      return { status: 204 };
    }),
    'GET /api/v1/labels': () => ({ body: { items: state.labels } }),
    'POST /api/v1/labels': write((req) => {
      const body = req.json as { name: string; color: string };
      const clash = state.labels.find((l) => l.name.toLowerCase() === body.name.toLowerCase());
      if (clash) {
        return {
          status: 409,
          body: { error: { code: 'label_exists', message: `A label named "${clash.name}" already exists.` } },
        };
      }
      const l = { id: nextId++, ...body };
      state.labels.push(l);
      return { status: 201, body: l };
    }),
    'DELETE /api/v1/labels/:id': write((req) => {
      state.labels = state.labels.filter((x) => x.id !== Number(req.params.id));
      return { status: 204 };
    }),
    'GET /api/v1/canned-responses': () => ({ body: { items: state.canned } }),
    'POST /api/v1/canned-responses': write((req) => {
      const body = req.json as { shortcode: string; title: string; body: string };
      const c = { id: nextId++, ...body, shortcode: body.shortcode.toLowerCase(), variables: variables(body.body) };
      state.canned.push(c);
      return { status: 201, body: c };
    }),
    'DELETE /api/v1/canned-responses/:id': write((req) => {
      state.canned = state.canned.filter((x) => x.id !== Number(req.params.id));
      return { status: 204 };
    }),
  };
  return { state, routes };
}

async function openWidget(role: Role = 'manager', tweak?: (b: ReturnType<typeof fakeBackend>) => void) {
  const backend = fakeBackend(role);
  tweak?.(backend);
  const opened = await openPage({ entries, routes: backend.routes });
  await opened.page.evaluate(() => {
    window.toasts = [];
    addEventListener('wa-toast', (e) => window.toasts.push((e as CustomEvent).detail));
  });
  await mount(
    opened.page,
    `<wa-inbox-settings theme="light" data-wa-base="${opened.url}" data-wa-token="test-token"></wa-inbox-settings>`,
  );
  const widget = opened.page.locator('wa-inbox-settings');
  await widget.getByRole('heading', { name: 'Agents', exact: true }).waitFor();
  return { ...opened, widget, state: backend.state };
}

const calls = (requests: FakeRequest[], method: string, path: string) =>
  requests.filter((r) => r.method === method && r.path === path);

const toasts = (page: Page) => page.evaluate(() => window.toasts.map((t) => t.message));

describe('<wa-inbox-settings>', function () {
  useBrowser();

  it('loads and shows all five sections', async function () {
    const { widget } = await openWidget();
    for (const name of ['Who agents see', 'Agents', 'Teams', 'Labels', 'Canned responses']) {
      await widget.getByRole('heading', { name, exact: true }).waitFor();
    }
    expect(await widget.getByRole('radio', { name: /Their own, their teams' and unassigned/ }).isChecked()).to.equal(true);
    expect(await widget.getByRole('switch', { name: /Assign automatically/ }).isChecked()).to.equal(false);
    const ada = widget.locator('tr[data-agent="2"]');
    expect((await ada.textContent())!.replace(/\s+/g, ' '))
      .to.contain('Ada Agent')
      .and.contain('Away');
    expect(await widget.getByLabel('Capacity of Ada Agent').inputValue()).to.equal('5');
    expect(await widget.getByLabel('Capacity of Olga Owner').inputValue()).to.equal('');
    const support = widget.locator('li[data-team="10"]');
    expect((await support.textContent())!.replace(/\s+/g, ' '))
      .to.contain('Support')
      .and.contain('Manual')
      .and.contain('Olga Owner');
    await widget.getByRole('button', { name: 'Edit label VIP' }).waitFor();
    await widget.getByText('No canned responses yet').waitFor();
  });

  it('saves the visibility and the auto-assign switch', async function () {
    const { widget, page, requests } = await openWidget();
    await widget.getByRole('radio', { name: /Only their own/ }).check();
    await waitFor(() => calls(requests, 'PATCH', '/api/v1/inbox/settings').length === 1, 5000, 'PATCH settings');
    expect(calls(requests, 'PATCH', '/api/v1/inbox/settings')[0].json).to.deep.equal({ agentVisibility: 'mine' });
    await waitFor(async () => (await toasts(page)).includes('Inbox settings saved.'));

    await widget.getByRole('switch', { name: /Assign automatically/ }).focus();
    await page.keyboard.press('Space');
    await waitFor(() => calls(requests, 'PATCH', '/api/v1/inbox/settings').length === 2, 5000, 'second PATCH');
    expect(calls(requests, 'PATCH', '/api/v1/inbox/settings')[1].json).to.deep.equal({ autoAssign: true });
    await waitFor(() => widget.getByRole('switch', { name: /Assign automatically/ }).isChecked());
  });

  it('validates the capacity and saves it on change; blank means no limit', async function () {
    const { widget, page, requests, state } = await openWidget();
    const ada = widget.getByLabel('Capacity of Ada Agent');
    await ada.fill('0');
    await ada.press('Tab');
    await widget.getByText('Use a whole number from 1 to 1000').waitFor();
    expect(await ada.getAttribute('aria-invalid')).to.equal('true');
    await ada.fill('2.5');
    await ada.blur();
    await ada.fill('1001');
    await ada.press('Enter');
    await page.waitForTimeout(100);
    expect(calls(requests, 'PATCH', '/api/v1/inbox/agents/2')).to.have.length(0);

    await ada.fill('12');
    await ada.press('Enter');
    await waitFor(() => state.agents[1].capacity === 12, 5000, 'capacity saved');
    expect(calls(requests, 'PATCH', '/api/v1/inbox/agents/2')[0].json).to.deep.equal({ capacity: 12 });
    await widget.getByText('Use a whole number from 1 to 1000').waitFor({ state: 'detached' });
    expect(await ada.getAttribute('aria-invalid')).to.equal('false');
    await waitFor(async () => (await toasts(page)).includes('Ada Agent takes up to 12 open conversations.'));

    await ada.fill('');
    await ada.press('Tab');
    await waitFor(() => state.agents[1].capacity === null, 5000, 'limit removed');
    expect(calls(requests, 'PATCH', '/api/v1/inbox/agents/2')[1].json).to.deep.equal({ capacity: null });
  });

  it('creates a team with members and round robin', async function () {
    const { widget, requests } = await openWidget();
    await widget.getByRole('button', { name: 'Add team' }).click();
    const dialog = widget.locator('dialog#team');
    expect(await dialog.evaluate((d) => (d as HTMLDialogElement).open)).to.equal(true);
    await dialog.getByLabel('Name').fill('Sales');
    await dialog.getByRole('switch', { name: /Round robin/ }).check();
    await dialog.getByRole('checkbox', { name: 'Ada Agent' }).check();
    await dialog.getByRole('checkbox', { name: 'bob@example.com' }).check();
    await dialog.getByRole('button', { name: 'Add team' }).click();
    const row = widget.locator('li.item', { hasText: 'Sales' });
    await row.waitFor();
    expect(calls(requests, 'POST', '/api/v1/teams')[0].json).to.deep.equal({
      name: 'Sales',
      assignment: 'round_robin',
      memberIds: [2, 3],
    });
    expect((await row.textContent())!.replace(/\s+/g, ' '))
      .to.contain('Round robin')
      .and.contain('Ada Agent, bob@example.com');
    expect(await dialog.evaluate((d) => (d as HTMLDialogElement).open)).to.equal(false);

    // Editing starts from what the team has.
    await widget.getByRole('button', { name: 'Edit team Sales' }).click();
    expect(await dialog.getByLabel('Name').inputValue()).to.equal('Sales');
    expect(await dialog.getByRole('checkbox', { name: 'Ada Agent' }).isChecked()).to.equal(true);
    expect(await dialog.getByRole('checkbox', { name: 'Olga Owner' }).isChecked()).to.equal(false);
    await dialog.getByRole('checkbox', { name: 'Ada Agent' }).uncheck();
    await dialog.getByRole('button', { name: 'Save team' }).click();
    await waitFor(() => calls(requests, 'PATCH', '/api/v1/teams/100').length === 1, 5000, 'PATCH team');
    expect(calls(requests, 'PATCH', '/api/v1/teams/100')[0].json).to.deep.equal({
      name: 'Sales',
      assignment: 'round_robin',
      memberIds: [3],
    });
  });

  it("shows the server's 409 message for a duplicate label inside the dialog", async function () {
    const { widget, requests } = await openWidget();
    await widget.getByRole('button', { name: 'Add label' }).click();
    const dialog = widget.locator('dialog#label');
    await dialog.getByLabel('Name').fill('vip');
    await dialog.getByLabel('Colour').fill('#3366ff');
    await dialog.getByRole('button', { name: 'Add label' }).click();
    await dialog.getByRole('alert').getByText('A label named "VIP" already exists.').waitFor();
    expect(await dialog.evaluate((d) => (d as HTMLDialogElement).open)).to.equal(true);
    expect(calls(requests, 'POST', '/api/v1/labels')[0].json).to.deep.equal({ name: 'vip', color: '#3366ff' });

    await dialog.getByLabel('Name').fill('Refund');
    await dialog.getByRole('button', { name: 'Add label' }).click();
    await widget.getByRole('button', { name: 'Edit label Refund' }).waitFor();
    expect(await dialog.evaluate((d) => (d as HTMLDialogElement).open)).to.equal(false);
  });

  it('creates a canned response and shows its variables', async function () {
    const { widget, requests } = await openWidget();
    await widget.getByRole('button', { name: 'Add response' }).click();
    const dialog = widget.locator('dialog#canned');
    await dialog.getByText('{{contact.name}}').first().waitFor(); // the hint on built-in variables
    await dialog.getByLabel('Shortcode').fill('Hello');
    await dialog.getByLabel('Title').fill('Greeting');
    await dialog.getByLabel('Text').fill('Hi {{contact.name}}, your order {{order_number}} ships today. {{ agent.name }}');
    // Detected while typing.
    await dialog.locator('.detected li', { hasText: '{{order_number}}' }).waitFor();
    await dialog.getByRole('button', { name: 'Add response' }).click();
    const item = widget.locator('li.item', { hasText: 'Greeting' });
    await item.waitFor();
    expect(calls(requests, 'POST', '/api/v1/canned-responses')[0].json).to.deep.equal({
      shortcode: 'Hello',
      title: 'Greeting',
      body: 'Hi {{contact.name}}, your order {{order_number}} ships today. {{ agent.name }}',
    });
    const chips = await item.locator('li.var').allTextContents();
    expect(chips.map((c) => c.replace(/\s+/g, ' ').trim())).to.deep.equal([
      '{{contact.name}} (filled in automatically)',
      '{{order_number}} (the agent fills it in)',
      '{{agent.name}} (filled in automatically)',
    ]);
    expect(await item.locator('.shortcode').textContent()).to.equal('/hello');
  });

  it('asks before deleting, and Cancel keeps the item', async function () {
    const { widget, page, requests, state } = await openWidget();
    await widget.getByRole('button', { name: 'Delete team Support' }).click();
    const confirm = widget.locator('dialog#confirm');
    await confirm.getByText('Delete team Support?').waitFor();
    await confirm.getByRole('button', { name: 'Cancel' }).click();
    expect(await confirm.evaluate((d) => (d as HTMLDialogElement).open)).to.equal(false);
    expect(calls(requests, 'DELETE', '/api/v1/teams/10')).to.have.length(0);

    await widget.getByRole('button', { name: 'Delete label VIP' }).click();
    await confirm.getByText('Delete label VIP?').waitFor();
    await confirm.getByRole('button', { name: 'Delete label' }).click();
    await widget.getByText('No labels yet').waitFor();
    expect(state.labels).to.have.length(0);
    await waitFor(async () => (await toasts(page)).includes('VIP was deleted.'));
    expect(calls(requests, 'DELETE', '/api/v1/labels/20')).to.have.length(1);
  });

  it('shows an agent the settings read-only', async function () {
    const { widget, requests } = await openWidget('agent');
    await widget.getByText('only managers and admins can change them').waitFor();
    expect(await widget.getByRole('radio', { name: /Only their own/ }).isDisabled()).to.equal(true);
    expect(await widget.getByRole('switch', { name: /Assign automatically/ }).isDisabled()).to.equal(true);
    for (const name of ['Add team', 'Add label', 'Add response', 'Edit team Support', 'Delete team Support', 'Edit label VIP']) {
      expect(await widget.getByRole('button', { name }).count(), name).to.equal(0);
    }
    expect(await widget.getByLabel('Capacity of Ada Agent').count()).to.equal(0);
    expect((await widget.locator('tr[data-agent="1"]').textContent())!).to.contain('No limit');
    await widget.getByText('VIP').waitFor();
    expect(requests.filter((r) => r.method !== 'GET')).to.have.length(0);
  });

  it('shows a refused write in plain words when the role is unknown', async function () {
    // An embed token has no /auth/me role: the controls show and the server decides.
    const { widget, page } = await openWidget('agent', (b) => {
      b.routes['GET /api/v1/auth/me'] = () => ({
        status: 401,
        body: { error: { code: 'unauthorized', message: 'No session.' } },
      });
    });
    await widget.getByRole('radio', { name: /Every conversation/ }).click();
    await waitFor(async () => (await toasts(page)).includes('Only managers and admins can do this.'));
    // The server still holds the old choice, and the screen shows it again.
    await waitFor(() => widget.getByRole('radio', { name: /Their own, their teams' and unassigned/ }).isChecked());
  });
});
