// The two shells in a real Chromium against the real product: sign-in, navigation, the settings
// widgets doing real API calls, role-based navigation, and screenshots of every screen in both
// themes at desktop and phone widths (written to test-results/screenshots/ for people to look at).
import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { Browser, Frame, Page } from 'playwright-core';
import { startPlatform, type TestPlatform } from '../../../backend/test/helpers/platform.ts';
import { launchChromium } from '../../../backend/test/helpers/chromium.ts';

const ADMIN_EMAIL = 'owner@example.com';
const ADMIN_PASSWORD = 'correct horse battery staple';
const AGENT_EMAIL = 'agent@example.com';
const AGENT_PASSWORD = 'agent password 123';
const SHOTS = path.resolve('test-results/screenshots');

/** Waits until no skeleton or loading indicator is left anywhere, shadow roots included. */
async function settle(page: Page | Frame) {
  await page.waitForFunction(() => {
    const busy = (root: Document | ShadowRoot): boolean =>
      [...root.querySelectorAll('*')].some(
        (el) =>
          el.localName === 'wa-skeleton' || el.classList.contains('loading') || (el.shadowRoot ? busy(el.shadowRoot) : false),
      );
    return !busy(document);
  });
  await page.waitForTimeout(150);
}

async function waitUntil(fn: () => Promise<boolean>, ms = 15_000) {
  const end = Date.now() + ms;
  while (!(await fn())) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** The deepest focused element, through shadow roots. */
function focused(page: Page) {
  return page.evaluate(() => {
    let a = document.activeElement;
    while (a?.shadowRoot?.activeElement) a = a.shadowRoot.activeElement;
    return a ? `${a.localName}:${(a.textContent ?? '').trim()}` : null;
  });
}

async function signIn(page: Page, email: string, password: string) {
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

describe('console and admin shells in Chromium', function () {
  this.timeout(180_000);
  let p: TestPlatform;
  let browser: Browser;
  let demoTenantId: number;

  before(async function () {
    if (!fs.existsSync('dist/w')) execFileSync('npx', ['rollup', '-c'], { stdio: 'inherit' });
    p = await startPlatform({ env: { ADMIN_EMAIL, ADMIN_PASSWORD, DEMO: '1' } });
    browser = await launchChromium();
    fs.mkdirSync(SHOTS, { recursive: true });

    // The agent is created through the API, as an admin would.
    const admin = p.client();
    expect((await admin.post('/api/v1/auth/login', { email: ADMIN_EMAIL, password: ADMIN_PASSWORD })).status).to.equal(200);
    const me = await admin.get('/api/v1/auth/me');
    demoTenantId = me.body.memberships.find((m: { tenant: { name: string } }) => m.tenant.name === 'Demo Shop').tenantId;
    const added = await admin
      .tenant(demoTenantId)
      .post('/api/v1/members', { email: AGENT_EMAIL, name: 'Ada Agent', role: 'agent', password: AGENT_PASSWORD });
    expect(added.status, added.text).to.equal(201);
  });

  after(async () => {
    await browser?.close();
    await p?.stop();
  });

  async function newPage(opts: { width?: number; colorScheme?: 'light' | 'dark'; theme?: string } = {}) {
    const ctx = await browser.newContext({
      viewport: { width: opts.width ?? 1280, height: 800 },
      colorScheme: opts.colorScheme ?? 'light',
      permissions: ['clipboard-read', 'clipboard-write'],
    });
    if (opts.theme) await ctx.addInitScript((t) => localStorage.setItem('wa-theme', t), opts.theme);
    const page = await ctx.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    return { ctx, page, errors };
  }

  it('signs the admin in to /app, adds a member, shows a new API token once and lists the audit log', async () => {
    const { ctx, page, errors } = await newPage();
    await page.goto(p.url + '/app');
    await signIn(page, ADMIN_EMAIL, 'not the password at all');
    await page.getByText('Email or password is wrong').waitFor();

    await signIn(page, ADMIN_EMAIL, ADMIN_PASSWORD);
    const workspace = page.locator('#tenant-header');
    await workspace.waitFor();
    expect(await workspace.locator('option:checked').textContent()).to.contain('Demo Shop');
    expect(new URL(page.url()).pathname).to.equal('/app/inbox');
    await page.locator('wa-inbox').getByRole('heading', { name: 'Inbox', exact: true }).waitFor();

    // Team: add a new person (the server asks for a password first, in plain words).
    await page.getByRole('link', { name: 'Team' }).click();
    expect(new URL(page.url()).pathname).to.equal('/app/settings/team');
    await settle(page);
    expect(await focused(page)).to.equal('h2:Team');
    expect(await page.getByRole('link', { name: 'Team' }).getAttribute('aria-current')).to.equal('page');
    await page.getByRole('button', { name: 'Add member' }).click();
    const dialog = page.locator('wa-team-members dialog#add');
    await dialog.getByLabel('Email').fill('new.person@example.com');
    await dialog.getByLabel('Name').fill('New Person');
    await dialog.getByLabel('Role').selectOption('manager');
    await dialog.getByRole('button', { name: 'Add member' }).click();
    await dialog.getByText('set an initial password').waitFor();
    await page.screenshot({ path: path.join(SHOTS, 'app-team-add-dialog-error-light-1280.png') });
    await dialog.getByLabel('Initial password').fill('a long enough password');
    await dialog.getByRole('button', { name: 'Add member' }).click();
    await page.locator('wa-team-members tbody tr', { hasText: 'new.person@example.com' }).waitFor();
    expect(await dialog.evaluate((d) => (d as HTMLDialogElement).open)).to.equal(false);

    // API tokens: the secret is shown once.
    await page.getByRole('link', { name: 'API tokens' }).click();
    await settle(page);
    await page.getByRole('button', { name: 'Create token' }).click();
    const create = page.locator('wa-api-tokens dialog#create');
    await create.getByLabel('Name').fill('Order sync');
    await create.getByLabel('Expires after (days)').fill('30');
    await create.getByRole('button', { name: 'Create token' }).click();
    const secret = page.locator('wa-api-tokens dialog#secret');
    await secret.getByText("you won't see this token again").waitFor();
    const token = (await secret.locator('[data-token]').textContent())!.trim();
    await page.screenshot({ path: path.join(SHOTS, 'app-api-token-shown-once-light-1280.png') });
    expect(token.length).to.be.greaterThan(20);
    await secret.getByRole('button', { name: 'Copy' }).click();
    await secret.getByText('Copied to the clipboard.').waitFor();
    expect(await page.evaluate(() => navigator.clipboard.readText())).to.equal(token);
    await secret.getByRole('button', { name: 'Done' }).click();
    await page.locator('wa-api-tokens tbody tr', { hasText: 'Order sync' }).waitFor();
    // The token works against the API, and the list never shows it again.
    const viaToken = await p.client().bearer(token).get('/api/v1/tenant');
    expect(viaToken.status).to.equal(200);
    await page.reload();
    await settle(page);
    expect(await page.locator('wa-api-tokens').textContent()).not.to.contain(token);
    expect(await page.evaluate(() => document.querySelector('wa-console')!.shadowRoot!.innerHTML)).not.to.contain(token);

    // Audit log: entries of this tenant, newest first.
    await page.getByRole('link', { name: 'Audit log' }).click();
    await settle(page);
    const rows = page.locator('wa-audit-log tbody tr');
    expect(await rows.count()).to.be.greaterThan(0);

    // Back and forward move between the screens.
    await page.goBack();
    await settle(page);
    expect(new URL(page.url()).pathname).to.equal('/app/settings/api-tokens');
    await page.getByRole('heading', { name: 'API tokens' }).waitFor();
    await page.goForward();
    await settle(page);
    await page.getByRole('heading', { name: 'Audit log' }).waitFor();

    // Signing out returns to the sign-in form.
    await page.locator('header').getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    expect(errors).to.deep.equal([]);
    await ctx.close();
  });

  it('lets an admin allow a website, copy the snippet with the publishable key, and replace the key', async () => {
    const { ctx, page, errors } = await newPage();
    await page.goto(p.url + '/app/settings/embedding');
    await signIn(page, ADMIN_EMAIL, ADMIN_PASSWORD);
    await settle(page);
    await page.getByRole('heading', { name: 'Website embedding' }).waitFor();
    const widget = page.locator('wa-embed-settings');
    const site = widget.getByLabel('Website address');

    await site.fill('not a website');
    await widget.getByRole('button', { name: 'Add website' }).click();
    await widget.getByText('That is not a web address').waitFor();
    expect(await site.getAttribute('aria-invalid')).to.equal('true');
    await site.fill('https://shop.example.com/some/page?x=1');
    await site.press('Enter');
    await widget.locator('.origins li', { hasText: 'https://shop.example.com' }).waitFor();
    expect(await site.inputValue()).to.equal('');
    const stored = await p.platform.models.Tenant.findByPk(demoTenantId);
    expect(stored!.allowedOrigins).to.include('https://shop.example.com');

    const key = (await widget.locator('[data-key]').textContent())!.trim();
    expect(key).to.equal(stored!.publishableKey);
    await widget.getByRole('button', { name: 'Copy snippet' }).click();
    await widget.getByText('Snippet copied.').waitFor();
    const snippet = await page.evaluate(() => navigator.clipboard.readText());
    expect(snippet).to.equal(`<script async src="${p.url}/w/v1/loader.js" data-wa-publishable-key="${key}"></script>`);
    await page.screenshot({ path: path.join(SHOTS, 'app-embedding-light-1280.png'), fullPage: true });

    // Replacing the key asks first, then shows the new key; the old one stops starting sessions.
    await widget.getByRole('button', { name: 'Replace key…' }).click();
    const confirm = widget.locator('dialog#confirm');
    await confirm.getByText('stop working at once').waitFor();
    await confirm.getByRole('button', { name: 'Replace key' }).click();
    const keyNow = () =>
      widget
        .locator('[data-key]')
        .textContent()
        .then((t) => (t ?? '').trim());
    for (let i = 0; i < 50 && (await keyNow()) === key; i++) await page.waitForTimeout(100);
    const fresh = (await widget.locator('[data-key]').textContent())!.trim();
    expect(fresh).to.match(/^wpk_/);
    const refused = await p
      .client()
      .post('/api/v1/visitor/sessions', { publishableKey: key }, { origin: 'https://shop.example.com' });
    expect(refused.status).to.equal(403);
    const accepted = await p
      .client()
      .post('/api/v1/visitor/sessions', { publishableKey: fresh }, { origin: 'https://shop.example.com' });
    expect(accepted.status).to.equal(201);

    // Removing the site takes it off the list at once.
    await widget.getByRole('button', { name: 'Remove https://shop.example.com' }).click();
    await widget.locator('.origins li', { hasText: 'https://shop.example.com' }).waitFor({ state: 'detached' });
    expect(errors).to.deep.equal([]);
    await ctx.close();
  });

  it('connects a WhatsApp number through the Embedded Signup popup (the simulator stands in for Facebook)', async () => {
    const { ctx, page, errors } = await newPage();
    await page.goto(p.url + '/app/settings/whatsapp');
    await signIn(page, ADMIN_EMAIL, ADMIN_PASSWORD);
    await settle(page);
    const widget = page.locator('wa-channel-settings');
    // The demo workspace starts with its simulated number.
    await widget.getByText('Demo Shop (simulated)').first().waitFor();
    const before = await p.platform.models.Channel.count({ where: { tenantId: demoTenantId } });
    const [popup] = await Promise.all([
      ctx.waitForEvent('page'),
      widget.getByRole('button', { name: 'Connect with Facebook' }).click(),
    ]);
    await popup.waitForLoadState();
    await popup.getByRole('button', { name: 'Connect', exact: true }).click();
    await waitUntil(async () => (await p.platform.models.Channel.count({ where: { tenantId: demoTenantId } })) === before + 1);
    const added = await p.platform.models.Channel.findOne({ where: { tenantId: demoTenantId, kind: 'embedded_signup' } });
    await widget.getByText(added!.displayPhoneNumber!.slice(-4), { exact: false }).first().waitFor();
    await page.screenshot({ path: path.join(SHOTS, 'app-whatsapp-after-signup-light-1280.png'), fullPage: true });
    expect(errors).to.deep.equal([]);
    await ctx.close();
  });

  it('hides API tokens, Audit log, Inbox settings and Contacts from an agent and refuses the deep link', async () => {
    const { ctx, page } = await newPage();
    await page.goto(p.url + '/app/settings/api-tokens');
    await signIn(page, AGENT_EMAIL, AGENT_PASSWORD);
    await page.getByText('Not available for your role').waitFor();
    const nav = page.locator('nav#nav');
    await nav.getByRole('link', { name: 'Inbox', exact: true }).waitFor();
    expect(await nav.getByRole('link', { name: 'API tokens' }).count()).to.equal(0);
    expect(await nav.getByRole('link', { name: 'Audit log' }).count()).to.equal(0);
    expect(await nav.getByRole('link', { name: 'Inbox settings' }).count()).to.equal(0);
    expect(await nav.getByRole('link', { name: 'Contacts' }).count()).to.equal(0);
    await ctx.close();
  });

  it('switches workspace: the widgets reload for the new tenant and the navigation follows the role there', async () => {
    // The agent becomes the first admin of a second tenant (an existing account keeps its password).
    const op = p.client();
    await op.post('/api/v1/auth/login', { email: ADMIN_EMAIL, password: ADMIN_PASSWORD });
    const second = await op.post('/api/admin/tenants', { name: 'Second Shop', admin: { email: AGENT_EMAIL } });
    expect(second.status, second.text).to.equal(201);

    const { ctx, page, errors } = await newPage();
    await page.goto(p.url + '/app/settings/team');
    await signIn(page, AGENT_EMAIL, AGENT_PASSWORD);
    const nav = page.locator('nav#nav');
    await nav.getByRole('link', { name: 'Inbox', exact: true }).waitFor();
    const switcher = page.locator('#tenant-header');
    await switcher.selectOption({ label: 'Demo Shop' });
    await settle(page);
    expect(await nav.getByRole('link', { name: 'API tokens' }).count()).to.equal(0);
    await page.getByText('Not available for your role').waitFor(); // an agent may not list the team

    await switcher.selectOption({ label: 'Second Shop' });
    await settle(page);
    await nav.getByRole('link', { name: 'API tokens' }).waitFor();
    const rows = page.locator('wa-team-members tbody tr');
    expect(await rows.count()).to.equal(1);
    expect(await rows.first().textContent()).to.contain(AGENT_EMAIL);

    // The choice survives a reload.
    await page.reload();
    await settle(page);
    expect(await page.locator('#tenant-header option:checked').textContent()).to.contain('Second Shop');
    expect(errors).to.deep.equal([]);
    await ctx.close();
  });

  it('offers a skip link and moves focus to the page heading', async () => {
    const { ctx, page } = await newPage();
    await page.goto(p.url + '/app/inbox');
    await signIn(page, ADMIN_EMAIL, ADMIN_PASSWORD);
    await page.locator('wa-inbox').getByRole('heading', { name: 'Inbox', exact: true }).waitFor();
    await page.reload(); // a fresh page: the first Tab lands on the skip link
    await settle(page);
    await page.keyboard.press('Tab');
    expect(await focused(page)).to.equal('a:Skip to content');
    await page.keyboard.press('Enter');
    expect(await focused(page)).to.equal('h2:Inbox');
    // Keyboard through the navigation: links in order, Enter follows one.
    await page.getByRole('link', { name: 'Contacts' }).focus();
    await page.keyboard.press('Enter');
    await page.waitForURL('**/app/contacts');
    // Contacts is loaded lazily (like the inbox): focus reaches its heading once the module is in.
    await waitUntil(async () => (await focused(page)) === 'h2:Contacts', 5000);
    await ctx.close();
  });

  it('lets a super admin create, suspend and resume a tenant in /admin, and see users and the global audit log', async () => {
    const { ctx, page, errors } = await newPage();
    await page.goto(p.url + '/admin');
    await signIn(page, ADMIN_EMAIL, ADMIN_PASSWORD);
    await page.locator('nav#nav').waitFor({ state: 'attached' });
    await settle(page);
    expect(new URL(page.url()).pathname).to.equal('/admin/tenants');
    await page.locator('wa-admin-tenants tbody tr', { hasText: 'Demo Shop' }).waitFor();

    await page.getByRole('button', { name: 'Create tenant' }).click();
    const create = page.locator('wa-admin-tenants dialog#create');
    await create.getByLabel('Tenant name').fill('Acme Test');
    await create.getByLabel('Slug (optional)').fill('acme-test');
    await create.getByRole('button', { name: 'Create tenant' }).click();
    const row = page.locator('wa-admin-tenants tbody tr', { hasText: 'Acme Test' });
    await row.waitFor();
    await row.getByText('Active').waitFor();

    await row.getByRole('button', { name: 'Suspend Acme Test' }).click();
    const confirm = page.locator('wa-admin-tenants dialog#confirm');
    await confirm.getByLabel('Reason').fill('Unpaid invoice');
    await page.screenshot({ path: path.join(SHOTS, 'admin-tenant-suspend-dialog-light-1280.png') });
    await confirm.getByRole('button', { name: 'Suspend tenant' }).click();
    await row.getByText('Suspended', { exact: true }).waitFor();
    await row.getByRole('button', { name: 'Resume Acme Test' }).click();
    await confirm.getByRole('button', { name: 'Resume tenant' }).click();
    await row.getByText('Active').waitFor();

    await page.getByRole('link', { name: 'Users' }).click();
    await settle(page);
    const owner = page.locator('wa-admin-users tbody tr', { hasText: ADMIN_EMAIL });
    await owner.getByText('Super admin').waitFor();
    await page.locator('wa-admin-users tbody tr', { hasText: AGENT_EMAIL }).getByText(`Tenant ${demoTenantId} · agent`).waitFor();

    await page.getByRole('link', { name: 'Audit log' }).click();
    await settle(page);
    await page.locator('wa-audit-log tbody tr', { hasText: 'tenant.suspended' }).waitFor();
    await page.locator('wa-audit-log tbody tr', { hasText: 'tenant.resumed' }).waitFor();
    // The action filter narrows the list.
    await page.locator('wa-audit-log').getByLabel('Action').fill('tenant.created');
    await page.locator('wa-audit-log').getByRole('button', { name: 'Filter' }).click();
    await settle(page);
    const actions = await page.locator('wa-audit-log tbody tr .action').allTextContents();
    expect(actions.length).to.be.greaterThan(0);
    expect(new Set(actions)).to.deep.equal(new Set(['tenant.created']));
    expect(errors).to.deep.equal([]);
    await ctx.close();
  });

  it('turns away a user who is not a platform operator at /admin', async () => {
    const { ctx, page } = await newPage();
    await page.goto(p.url + '/admin');
    await signIn(page, AGENT_EMAIL, AGENT_PASSWORD);
    await page.getByText('This console is for platform operators').waitFor();
    expect(await page.locator('nav#nav').count()).to.equal(0);
    await ctx.close();
  });

  it('collapses the navigation into a menu below 700 px and never scrolls sideways at 360 px', async () => {
    const { ctx, page } = await newPage({ width: 360 });
    await page.goto(p.url + '/app/settings/team');
    await signIn(page, ADMIN_EMAIL, ADMIN_PASSWORD);
    await page.locator('nav#nav').waitFor({ state: 'attached' });
    await settle(page);
    const menu = page.getByRole('button', { name: 'Menu' });
    expect(await page.getByRole('link', { name: 'Inbox', exact: true }).isVisible()).to.equal(false);
    await menu.click();
    await page.screenshot({ path: path.join(SHOTS, 'app-menu-open-light-360.png'), fullPage: true });
    await page.getByRole('link', { name: 'Audit log' }).click();
    await settle(page);
    expect(new URL(page.url()).pathname).to.equal('/app/settings/audit-log');
    expect(await page.getByRole('link', { name: 'Inbox', exact: true }).isVisible()).to.equal(false);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(overflow).to.be.at.most(0);
    await ctx.close();
  });

  it('fits every settings screen in a 600 px iframe without sideways scrolling', async () => {
    const { ctx, page } = await newPage();
    await page.goto(p.url + '/app/inbox');
    await signIn(page, ADMIN_EMAIL, ADMIN_PASSWORD);
    await page.locator('nav#nav').waitFor({ state: 'attached' });
    for (const screen of [
      'inbox',
      'settings/whatsapp',
      'settings/inbox',
      'settings/team',
      'settings/api-tokens',
      'settings/embedding',
      'settings/audit-log',
    ]) {
      await page.evaluate((src) => {
        document.body.innerHTML = `<iframe title="embedded" src="${src}" style="width:600px;height:700px;border:0"></iframe>`;
      }, `/app/${screen}`);
      const frame = page.frameLocator('iframe');
      await frame.locator('main#main').waitFor();
      const f = page.frames().find((x) => x.url().endsWith(`/app/${screen}`))!;
      await settle(f);
      const overflow = await f.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
      expect(overflow, `/app/${screen} in a 600 px iframe`).to.be.at.most(0);
    }
    await page.screenshot({ path: path.join(SHOTS, 'app-settings-audit-log-iframe-600.png') });
    await ctx.close();
  });

  it('saves screenshots of every screen in light and dark at 1280 and 375 px', async () => {
    const screens: [string, string[]][] = [
      [
        'app',
        [
          'inbox',
          'campaigns',
          'contacts',
          'bots',
          'settings/whatsapp',
          'settings/inbox',
          'settings/team',
          'settings/api-tokens',
          'settings/embedding',
          'settings/audit-log',
        ],
      ],
      ['admin', ['tenants', 'users', 'audit-log']],
    ];
    for (const theme of ['light', 'dark'] as const) {
      for (const width of [1280, 375]) {
        for (const [shell, pages] of screens) {
          const { ctx, page, errors } = await newPage({ width, colorScheme: theme, theme });
          const name = (screen: string) => path.join(SHOTS, `${shell}-${screen.replace('/', '-')}-${theme}-${width}.png`);
          await page.goto(`${p.url}/${shell}/${pages[0]}`);
          await settle(page);
          await page.screenshot({ path: name('signin'), fullPage: true });
          await signIn(page, ADMIN_EMAIL, ADMIN_PASSWORD);
          await page.locator('nav#nav').waitFor({ state: 'attached' }); // the session cookie is set
          for (const screen of pages) {
            // A reload on each deep link also proves that deep links work.
            await page.goto(`${p.url}/${shell}/${screen}`);
            await settle(page);
            await page.screenshot({ path: name(screen), fullPage: true });
            const overflow = await page.evaluate(
              () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
            );
            expect(overflow, `${shell}/${screen} at ${width}px scrolls sideways`).to.be.at.most(0);
          }
          expect(errors).to.deep.equal([]);
          await ctx.close();
        }
      }
    }
    expect(fs.readdirSync(SHOTS).filter((f) => f.endsWith('.png')).length).to.be.at.least(60);
  });
});
