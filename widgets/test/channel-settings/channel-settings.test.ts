import { expect } from 'chai';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import {
  defaultEntries,
  delay,
  mount,
  openPage,
  useBrowser,
  waitFor,
  type FakeRequest,
  type RouteHandler,
} from '../helpers/browser.ts';

const entries = [...defaultEntries, fileURLToPath(new URL('../../src/channel-settings/channel-settings.ts', import.meta.url))];

const SIM_ORIGIN = 'http://sim.example.test:4010';
const TOKEN = 'EAAG-secret-token-0123456789abcdef';

declare global {
  interface Window {
    toasts: { message: string; kind?: string }[];
    opened: { url: string; name: string; features: string }[];
    fbInit: unknown[];
    fbLogin: unknown;
    fbCallback: (r: unknown) => void;
  }
}

function channel(over: Record<string, unknown> = {}) {
  return {
    id: 1,
    name: 'Support',
    kind: 'manual',
    phoneNumberId: '106540352242922',
    wabaId: '102290129340398',
    displayPhoneNumber: '+44 7700 900123',
    verifiedName: 'Acme Shop',
    ownApp: true,
    status: 'active',
    health: {
      qualityRating: 'GREEN',
      messagingLimit: 'TIER_2K',
      throughputLevel: 'STANDARD',
      numberStatus: 'CONNECTED',
      checkedAt: new Date(Date.now() - 3 * 60_000).toISOString(),
      error: null,
    },
    webhook: { callbackUrl: 'https://wa.example.com/webhooks/whatsapp/1', verifyToken: 'verify-token-abc' },
    createdAt: '2025-03-01T10:00:00.000Z',
    ...over,
  };
}

/** Opens the widget against fake routes; toasts (the script bridge's window events) land in window.toasts. */
async function openWidget(routes: Record<string, RouteHandler>) {
  const opened = await openPage({
    entries,
    routes: {
      'GET /api/v1/webhook-events': () => ({ body: { items: [] } }),
      ...routes,
    },
  });
  await opened.page.evaluate(() => {
    window.toasts = [];
    addEventListener('wa-toast', (e) => window.toasts.push((e as CustomEvent).detail));
  });
  await mount(
    opened.page,
    `<wa-channel-settings theme="light" data-wa-base="${opened.url}" data-wa-token="test-token"></wa-channel-settings>`,
  );
  const widget = opened.page.locator('wa-channel-settings');
  return { ...opened, widget };
}

const calls = (requests: FakeRequest[], method: string, path: string) =>
  requests.filter((r) => r.method === method && r.path === path);

const toasts = (page: Page) => page.evaluate(() => window.toasts.map((t) => t.message));

/** Dispatches a `message` event as if another window had posted it from `origin`. */
function post(page: Page, origin: string, data: unknown) {
  return page.evaluate(
    ([o, d]) => window.dispatchEvent(new MessageEvent('message', { data: JSON.stringify(d), origin: o as string })),
    [origin, data] as const,
  );
}

describe('<wa-channel-settings>', function () {
  useBrowser();

  it('lists the numbers with their health in words, webhook settings and failed webhook events', async function () {
    const { widget, requests } = await openWidget({
      'GET /api/v1/channels': () => ({
        body: {
          items: [
            channel(),
            channel({
              id: 2,
              name: 'Sales',
              kind: 'embedded_signup',
              ownApp: false,
              status: 'disconnected',
              displayPhoneNumber: null,
              health: {
                qualityRating: 'RED',
                messagingLimit: 'TIER_UNLIMITED',
                throughputLevel: 'HIGH',
                numberStatus: 'FLAGGED',
                checkedAt: null,
                error: 'The access token has expired.',
              },
            }),
          ],
        },
      }),
      'GET /api/v1/webhook-events': (req) => {
        expect(req.query.get('status')).to.equal('failed');
        return {
          body: {
            items: [
              {
                id: 9,
                source: 'whatsapp',
                status: 'failed',
                attempts: 5,
                lastError: 'Unknown phone number id 999',
                receivedAt: '2025-03-02T09:00:00.000Z',
                processedAt: null,
              },
            ],
          },
        };
      },
    });
    const support = widget.locator('article[data-channel="1"]');
    await support.waitFor();
    const first = (await support.textContent())!.replace(/\s+/g, ' ');
    expect(first).to.contain('Support').and.contain('+44 7700 900123').and.contain('Acme Shop');
    expect(first).to.contain('Connected manually').and.contain('Active');
    expect(first).to.contain('High (green)');
    expect(first).to.contain('2,000 customers / 24 h');
    expect(first).to.contain('80 msg/s');
    expect(first).to.contain('Connected').and.contain('Health checked 3 min ago');
    expect(first).to.contain('https://wa.example.com/webhooks/whatsapp/1').and.contain('verify-token-abc');
    expect(first).to.contain('Meta App Dashboard');
    await support.getByRole('button', { name: 'Copy the callback URL of Support' }).waitFor();

    const sales = (await widget.locator('article[data-channel="2"]').textContent())!.replace(/\s+/g, ' ');
    expect(sales).to.contain('Embedded Signup').and.contain('Disconnected');
    expect(sales).to.contain('Low (red)').and.contain('Unlimited customers / 24 h').and.contain('1,000 msg/s');
    expect(sales).to.contain('Flagged').and.contain('Health not checked yet');
    expect(sales).to.contain('The access token has expired.');
    expect(sales).to.contain("arrive through the platform's Meta app automatically");
    expect(sales).not.to.contain('verify-token-abc');
    expect(await widget.getByRole('button', { name: 'Disconnect Sales' }).count()).to.equal(0);

    const failed = widget.locator('details.failed');
    await failed.locator('summary').click();
    expect(await failed.textContent())
      .to.contain('1 webhook event failed')
      .and.contain('Unknown phone number id 999');
    // Nothing about Embedded Signup is fetched before someone asks for it.
    expect(calls(requests, 'GET', '/api/v1/channels/signup-config')).to.have.length(0);
  });

  it("connects manually with the exact body, shows WhatsApp's refusal inline and leaves no token in the page", async function () {
    let listed: unknown[] = [];
    let attempt = 0;
    // The first answer waits until the test has seen the busy state (no race on a slow machine).
    let release!: () => void;
    const released = new Promise<void>((r) => (release = r));
    const { page, widget, requests } = await openWidget({
      'GET /api/v1/channels': () => ({ body: { items: listed } }),
      'POST /api/v1/channels': async () => {
        if (++attempt === 1) {
          await released;
          return {
            status: 400,
            body: {
              error: { code: 'whatsapp_rejected', message: 'WhatsApp refused the access token: it is invalid or expired.' },
            },
          };
        }
        listed = [channel({ name: 'Shop line' })];
        return { status: 201, body: listed[0] };
      },
    });
    await widget.getByText('No WhatsApp number yet').waitFor();
    await widget.getByRole('button', { name: 'Connect manually' }).click();
    const dialog = widget.locator('dialog#manual');
    await dialog.getByLabel('Name').fill('Shop line');
    await dialog.getByLabel('Phone number ID').fill(' 106540352242922 ');
    await dialog.getByLabel('WhatsApp Business Account ID').fill('102290129340398');
    const token = dialog.getByLabel('Access token', { exact: true });
    await token.fill(TOKEN);
    expect(await token.getAttribute('type')).to.equal('password');
    await dialog.getByRole('button', { name: 'Show access token' }).click();
    expect(await token.getAttribute('type')).to.equal('text');

    await dialog.getByRole('button', { name: 'Connect number' }).click();
    const busy = dialog.getByRole('button', { name: 'Checking with WhatsApp…' });
    await busy.waitFor();
    expect(await busy.isDisabled()).to.equal(true);
    release();
    const alert = dialog.getByRole('alert');
    await alert.waitFor();
    expect(await alert.textContent()).to.contain('WhatsApp refused the access token: it is invalid or expired.');
    expect(calls(requests, 'POST', '/api/v1/channels')[0].json).to.deep.equal({
      name: 'Shop line',
      phoneNumberId: '106540352242922',
      wabaId: '102290129340398',
      accessToken: TOKEN,
    });
    // The dialog stays open for a fix, but the token is gone from the field and the markup.
    expect(await dialog.evaluate((d) => (d as HTMLDialogElement).open)).to.equal(true);
    expect(await token.inputValue()).to.equal('');
    expect(await token.getAttribute('type')).to.equal('password');
    const markup = await page.evaluate(() => document.querySelector('wa-channel-settings')!.shadowRoot!.innerHTML);
    expect(markup).not.to.contain(TOKEN);
    expect(await dialog.getByLabel('Name').inputValue()).to.equal('Shop line');

    // Second try with the own-app fields: they go along, and success closes, toasts and lists.
    await token.fill(TOKEN);
    await dialog.getByLabel('I use my own Meta app').check();
    await dialog.getByLabel('App ID').fill('1234567890');
    await dialog.getByLabel('App secret').fill('0123456789abcdef0123');
    await dialog.getByRole('button', { name: 'Connect number' }).click();
    await widget.locator('article', { hasText: 'Shop line' }).waitFor();
    expect(calls(requests, 'POST', '/api/v1/channels')[1].json).to.deep.equal({
      name: 'Shop line',
      phoneNumberId: '106540352242922',
      wabaId: '102290129340398',
      accessToken: TOKEN,
      appId: '1234567890',
      appSecret: '0123456789abcdef0123',
    });
    expect(await dialog.evaluate((d) => (d as HTMLDialogElement).open)).to.equal(false);
    expect(await toasts(page)).to.include('"Shop line" is connected.');
    const left = await page.evaluate(() => {
      const root = document.querySelector('wa-channel-settings')!.shadowRoot!;
      return [...root.querySelectorAll('input')].map((i) => i.value).join('|') + root.innerHTML;
    });
    expect(left).not.to.contain(TOKEN).and.not.to.contain('0123456789abcdef0123');
  });

  it('refuses an App ID without an App secret (and non-numeric ids) before asking the server', async function () {
    const { widget, requests } = await openWidget({
      'GET /api/v1/channels': () => ({ body: { items: [] } }),
      'POST /api/v1/channels': () => ({ status: 201, body: channel() }),
    });
    await widget.getByRole('button', { name: 'Connect manually' }).click();
    const dialog = widget.locator('dialog#manual');
    await dialog.getByLabel('Name').fill('Support');
    await dialog.getByLabel('Phone number ID').fill('12-34');
    await dialog.getByLabel('WhatsApp Business Account ID').fill('102290129340398');
    await dialog.getByLabel('Access token', { exact: true }).fill(TOKEN);
    await dialog.getByLabel('I use my own Meta app').check();
    await dialog.getByLabel('App ID').fill('1234567890');
    await dialog.getByRole('button', { name: 'Connect number' }).click();
    await dialog.getByText('Give both the App ID and the App secret, or neither.').waitFor();
    await dialog.getByText('digits only').first().waitFor();
    expect(await dialog.getByLabel('App secret').getAttribute('aria-invalid')).to.equal('true');
    expect(await dialog.getByLabel('Phone number ID').getAttribute('aria-invalid')).to.equal('true');
    // Focus goes to the first field to fix.
    expect(await dialog.getByLabel('Phone number ID').evaluate((el) => el.matches(':focus'))).to.equal(true);
    await delay(100);
    expect(calls(requests, 'POST', '/api/v1/channels')).to.have.length(0);
  });

  it('simulator sign-up: joins the code and the ids from the popup (either order) and ignores other origins', async function () {
    let listed: unknown[] = [];
    let release: () => void = () => {};
    const { page, widget, requests } = await openWidget({
      'GET /api/v1/channels': () => ({ body: { items: listed } }),
      'GET /api/v1/channels/signup-config': () => ({
        body: {
          mode: 'simulator',
          appId: '1234567890',
          configId: null,
          graphVersion: 'v23.0',
          simulatorUrl: `${SIM_ORIGIN}/simulator/_sim/embedded-signup`,
        },
      }),
      'POST /api/v1/channels/embedded-signup': async () => {
        await new Promise<void>((ok) => (release = ok));
        listed = [channel({ id: 7, name: 'New Business', kind: 'embedded_signup', displayPhoneNumber: '+1 555 0100' })];
        return { status: 201, body: listed[0] };
      },
    });
    await page.evaluate(() => {
      window.opened = [];
      window.open = ((url: string, name: string, features: string) => {
        window.opened.push({ url: String(url), name, features });
        return { closed: false, close() {}, postMessage() {} } as unknown as Window;
      }) as typeof window.open;
    });
    await widget.getByRole('button', { name: 'Connect with Facebook' }).click();
    await waitFor(() => page.evaluate(() => window.opened.length === 1), 5000, 'the popup');
    const [opened] = await page.evaluate(() => window.opened);
    const popupUrl = new URL(opened.url);
    expect(popupUrl.origin + popupUrl.pathname).to.equal(`${SIM_ORIGIN}/simulator/_sim/embedded-signup`);
    expect(popupUrl.searchParams.get('app_id')).to.equal('1234567890');
    expect(popupUrl.searchParams.get('origin')).to.equal(new URL(page.url()).origin);
    expect([opened.name, opened.features]).to.deep.equal(['wa-signup', 'width=600,height=700']);
    await widget.getByText('Finish the steps in the sign-up window').waitFor();

    // Another page (or a frame) cannot finish the sign-up for us.
    await post(page, 'https://evil.example', { type: 'WA_SIMULATED_LOGIN', code: 'evil-code' });
    await post(page, 'https://evil.example', {
      type: 'WA_EMBEDDED_SIGNUP',
      event: 'FINISH',
      data: { phone_number_id: '666666', waba_id: '666666' },
    });
    // The code first, then the ids: the reverse of what the simulator sends.
    await post(page, SIM_ORIGIN, { type: 'WA_SIMULATED_LOGIN', code: 'sim-code-1' });
    await delay(100);
    expect(calls(requests, 'POST', '/api/v1/channels/embedded-signup')).to.have.length(0);
    await post(page, SIM_ORIGIN, {
      type: 'WA_EMBEDDED_SIGNUP',
      event: 'FINISH',
      version: 3,
      data: { phone_number_id: '200000000000001', waba_id: '300000000000001', business_id: '400000000000001' },
    });
    await widget.getByText('Connecting your number…').waitFor();
    await waitFor(() => calls(requests, 'POST', '/api/v1/channels/embedded-signup').length === 1, 5000, 'the POST');
    release();
    await widget.locator('article', { hasText: 'New Business' }).waitFor();
    const sent = calls(requests, 'POST', '/api/v1/channels/embedded-signup');
    expect(sent.map((r) => r.json)).to.deep.equal([
      { code: 'sim-code-1', phoneNumberId: '200000000000001', wabaId: '300000000000001' },
    ]);
    expect(await toasts(page)).to.include('+1 555 0100 is connected.');

    // Done: the listener is gone, a repeated message does nothing.
    await post(page, SIM_ORIGIN, { type: 'WA_SIMULATED_LOGIN', code: 'sim-code-2' });
    await post(page, SIM_ORIGIN, {
      type: 'WA_EMBEDDED_SIGNUP',
      event: 'FINISH',
      data: { phone_number_id: '200000000000001', waba_id: '300000000000001' },
    });
    await waitFor(() => calls(requests, 'POST', '/api/v1/channels/embedded-signup').length === 1, 5000, 'the POST');
    await delay(150);
    expect(calls(requests, 'POST', '/api/v1/channels/embedded-signup')).to.have.length(1);
  });

  it('stops listening for sign-up messages when the element leaves the page', async function () {
    const { page, widget, requests } = await openWidget({
      'GET /api/v1/channels': () => ({ body: { items: [] } }),
      'GET /api/v1/channels/signup-config': () => ({
        body: { mode: 'simulator', appId: '1', configId: null, graphVersion: 'v23.0', simulatorUrl: `${SIM_ORIGIN}/s` },
      }),
      'POST /api/v1/channels/embedded-signup': () => ({ status: 201, body: channel() }),
    });
    await page.evaluate(() => {
      window.open = (() => ({ close() {} }) as unknown as Window) as typeof window.open;
    });
    await widget.getByRole('button', { name: 'Connect with Facebook' }).click();
    await widget.getByText('Finish the steps in the sign-up window').waitFor();
    await page.evaluate(() => document.querySelector('wa-channel-settings')!.remove());
    await post(page, SIM_ORIGIN, { type: 'WA_SIMULATED_LOGIN', code: 'sim-code' });
    await post(page, SIM_ORIGIN, {
      type: 'WA_EMBEDDED_SIGNUP',
      event: 'FINISH',
      data: { phone_number_id: '123456', waba_id: '654321' },
    });
    await delay(150);
    expect(calls(requests, 'POST', '/api/v1/channels/embedded-signup')).to.have.length(0);
  });

  it('facebook mode: loads the SDK only on click, logs in with the configuration and posts code and ids', async function () {
    const { page, widget, requests } = await openWidget({
      'GET /api/v1/channels': () => ({ body: { items: [channel()] } }),
      'GET /api/v1/channels/signup-config': () => ({
        body: { mode: 'facebook', appId: '1234567890', configId: '9876543210', graphVersion: 'v23.0', simulatorUrl: null },
      }),
      'POST /api/v1/channels/embedded-signup': () => ({ status: 201, body: channel({ id: 2, name: 'From Facebook' }) }),
    });
    const sdkRequests: string[] = [];
    await page.route('https://connect.facebook.net/**', (route) => {
      sdkRequests.push(route.request().url());
      return route.fulfill({
        status: 200,
        contentType: 'text/javascript',
        headers: { 'access-control-allow-origin': '*' },
        body: `window.FB = {
          init: function (o) { (window.fbInit = window.fbInit || []).push(o); },
          login: function (cb, o) { window.fbLogin = o; window.fbCallback = cb; }
        };
        if (window.fbAsyncInit) window.fbAsyncInit();`,
      });
    });
    await widget.locator('article[data-channel="1"]').waitFor();
    await delay(200);
    expect(sdkRequests).to.deep.equal([]);
    expect(await page.evaluate(() => document.querySelectorAll('script[src*="facebook"]').length)).to.equal(0);
    expect(calls(requests, 'GET', '/api/v1/channels/signup-config')).to.have.length(0);

    await widget.getByRole('button', { name: 'Connect with Facebook' }).click();
    await waitFor(() => page.evaluate(() => Boolean(window.fbCallback)), 5000, 'FB.login');
    expect(sdkRequests).to.deep.equal(['https://connect.facebook.net/en_US/sdk.js']);
    const script = await page.evaluate(() => {
      const s = document.querySelector<HTMLScriptElement>('script[src*="connect.facebook.net"]')!;
      return { async: s.async, defer: s.defer, crossOrigin: s.crossOrigin };
    });
    expect(script).to.deep.equal({ async: true, defer: true, crossOrigin: 'anonymous' });
    expect(await page.evaluate(() => [window.fbInit, window.fbLogin])).to.deep.equal([
      [{ appId: '1234567890', autoLogAppEvents: true, xfbml: false, version: 'v23.0' }],
      {
        config_id: '9876543210',
        response_type: 'code',
        override_default_response_type: true,
        extras: { setup: {}, sessionInfoVersion: '3' },
      },
    ]);

    // Messages from anything but facebook.com are ignored; then the real ones, the ids first.
    await post(page, 'https://facebook.com.evil.example', {
      type: 'WA_EMBEDDED_SIGNUP',
      event: 'FINISH',
      data: { phone_number_id: '666666', waba_id: '666666' },
    });
    await post(page, 'https://www.facebook.com', {
      type: 'WA_EMBEDDED_SIGNUP',
      event: 'FINISH',
      data: { phone_number_id: '200000000000009', waba_id: '300000000000009' },
    });
    await delay(100);
    expect(calls(requests, 'POST', '/api/v1/channels/embedded-signup')).to.have.length(0);
    await page.evaluate(() => window.fbCallback({ status: 'connected', authResponse: { code: 'fb-code-1' } }));
    await waitFor(() => calls(requests, 'POST', '/api/v1/channels/embedded-signup').length === 1, 5000, 'the POST');
    expect(calls(requests, 'POST', '/api/v1/channels/embedded-signup')[0].json).to.deep.equal({
      code: 'fb-code-1',
      phoneNumberId: '200000000000009',
      wabaId: '300000000000009',
    });

    // A second sign-up reuses the SDK (one script tag) and reports a cancel with its step, and an error.
    await widget.getByRole('button', { name: 'Connect with Facebook' }).click();
    await waitFor(() => page.evaluate(() => (window.fbInit as unknown[]).length === 1 && Boolean(window.fbCallback)));
    await widget.getByText('Finish the steps in the Facebook window').waitFor();
    await post(page, 'https://www.facebook.com', {
      type: 'WA_EMBEDDED_SIGNUP',
      event: 'CANCEL',
      data: { current_step: 'PHONE_NUMBER_SETUP' },
    });
    await waitFor(
      async () => (await toasts(page)).includes('Sign-up cancelled at step "Phone number setup".'),
      5000,
      'the toast',
    );
    await widget.getByRole('button', { name: 'Connect with Facebook' }).click();
    await widget.getByText('Finish the steps in the Facebook window').waitFor();
    await post(page, 'https://business.facebook.com', {
      type: 'WA_EMBEDDED_SIGNUP',
      event: 'ERROR',
      data: { error_message: 'This phone number is already registered.' },
    });
    const alert = widget.getByRole('alert');
    await alert.waitFor();
    expect(await alert.textContent()).to.contain('This phone number is already registered.');
    expect(sdkRequests).to.have.length(1);
    expect(await page.evaluate(() => document.querySelectorAll('script[src*="connect.facebook.net"]').length)).to.equal(1);
    expect(calls(requests, 'GET', '/api/v1/channels/signup-config')).to.have.length(1);
  });

  it('explains, and keeps the button inert, when sign-up with Facebook is not configured', async function () {
    const { widget, requests } = await openWidget({
      'GET /api/v1/channels': () => ({ body: { items: [] } }),
      'GET /api/v1/channels/signup-config': () => ({
        body: { mode: 'unavailable', appId: null, configId: null, graphVersion: 'v23.0', simulatorUrl: null },
      }),
    });
    const button = widget.getByRole('button', { name: 'Connect with Facebook' });
    await button.click();
    await widget.getByText("Connecting with Facebook isn't set up on this server").waitFor();
    expect(await button.getAttribute('aria-disabled')).to.equal('true');
    expect(await button.getAttribute('aria-describedby')).to.equal('signup-unavailable');
    await button.click({ force: true }); // Playwright refuses aria-disabled buttons; a user can still press it
    expect(await button.evaluate((b) => b.matches(':focus'))).to.equal(true);
    await waitFor(() => calls(requests, 'GET', '/api/v1/channels/signup-config').length === 1, 5000, 'the config request');
  });

  it('sends a test message with { to, text } from the dialog and says where it went', async function () {
    const { page, widget, requests } = await openWidget({
      'GET /api/v1/channels': () => ({ body: { items: [channel()] } }),
      'POST /api/v1/channels/1/test-message': () => ({ body: { wamid: 'wamid.HBgM123', to: '447700900123' } }),
    });
    await widget.getByRole('button', { name: 'Send test message from Support' }).click();
    const dialog = widget.locator('dialog#test');
    await dialog.getByRole('heading', { name: 'Send a test message from Support' }).waitFor();
    await dialog.getByLabel('To').fill('12');
    await dialog.getByRole('button', { name: 'Send' }).click();
    await dialog.getByText('Enter the phone number with its country code').waitFor();
    expect(calls(requests, 'POST', '/api/v1/channels/1/test-message')).to.have.length(0);
    await dialog.getByLabel('To').fill('+44 7700 900123');
    await dialog.getByLabel('Message').fill('Hi there, testing.');
    await dialog.getByRole('button', { name: 'Send' }).click();
    await waitFor(async () => !(await dialog.evaluate((d) => (d as HTMLDialogElement).open)), 5000, 'the dialog to close');
    expect(calls(requests, 'POST', '/api/v1/channels/1/test-message').map((r) => r.json)).to.deep.equal([
      { to: '447700900123', text: 'Hi there, testing.' },
    ]);
    expect(await toasts(page)).to.include('Test message sent to +447700900123 from "Support".');
  });

  it('asks before disconnecting a number', async function () {
    let status = 'active';
    const { page, widget, requests } = await openWidget({
      'GET /api/v1/channels': () => ({ body: { items: [channel({ status })] } }),
      'POST /api/v1/channels/1/disconnect': () => {
        status = 'disconnected';
        return { body: channel({ status }) };
      },
    });
    await widget.getByRole('button', { name: 'Disconnect Support' }).click();
    const confirm = widget.locator('dialog#confirm');
    await confirm.getByText('The conversation history is kept').waitFor();
    await confirm.getByRole('button', { name: 'Cancel' }).click();
    await waitFor(async () => !(await confirm.evaluate((d) => (d as HTMLDialogElement).open)), 5000, 'the dialog to close');
    expect(calls(requests, 'POST', '/api/v1/channels/1/disconnect')).to.have.length(0);

    await widget.getByRole('button', { name: 'Disconnect Support' }).click();
    await confirm.getByRole('button', { name: 'Disconnect number' }).click();
    await widget.locator('article[data-channel="1"] .badge', { hasText: 'Disconnected' }).waitFor();
    expect(calls(requests, 'POST', '/api/v1/channels/1/disconnect')).to.have.length(1);
    expect(await toasts(page)).to.include('"Support" is disconnected. Its history is kept.');
  });

  it('refreshes the health of a number', async function () {
    let quality = 'GREEN';
    const { page, widget } = await openWidget({
      'GET /api/v1/channels': () => ({
        body: { items: [channel({ health: { ...channel().health, qualityRating: quality } })] },
      }),
      'POST /api/v1/channels/1/refresh-health': () => {
        quality = 'YELLOW';
        return { body: channel({ health: { ...channel().health, qualityRating: quality } }) };
      },
    });
    await widget.getByText('High (green)').waitFor();
    await widget.getByRole('button', { name: 'Refresh health of Support' }).click();
    await widget.getByText('Medium (yellow)').waitFor();
    expect(await toasts(page)).to.include('Health of "Support" updated.');
  });

  it('shows an admins-only empty state on 403', async function () {
    const { widget } = await openWidget({
      'GET /api/v1/channels': () => ({
        status: 403,
        body: { error: { code: 'forbidden', message: 'Your role does not allow this.' } },
      }),
    });
    await widget.getByText('Only admins manage WhatsApp numbers').waitFor();
    expect(await widget.getByRole('button', { name: 'Connect with Facebook' }).count()).to.equal(0);
  });
});
