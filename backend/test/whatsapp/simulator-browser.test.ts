// The simulator's two pages in a real Chromium: a person chatting on the simulated phone produces signed
// webhooks (and can tap the business's reply buttons), and the Embedded Signup stand-in posts the
// session info and the login code back to the page that opened it, on another origin.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect } from 'chai';
import type { Browser, BrowserContext } from 'playwright-core';
import { createSimulator, type SeedResult, type Simulator } from '../../src/whatsapp/simulator/index.ts';
import { launchChromium } from '../helpers/chromium.ts';

async function listen(handler: http.RequestListener): Promise<{ server: http.Server; url: string }> {
  const server = http.createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

async function close(server: http.Server): Promise<void> {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
}

async function until<T>(fn: () => T | undefined, what: string, timeoutMs = 5000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = fn();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe('WhatsApp Cloud API simulator pages in Chromium', function () {
  this.timeout(60_000);
  let sim: Simulator;
  let simServer: http.Server;
  let simUrl: string;
  let hookServer: http.Server;
  let hooks: any[];
  let opener: { server: http.Server; url: string };
  let browser: Browser;
  let context: BrowserContext;
  let t: SeedResult;

  before(async () => {
    hooks = [];
    const receiver = await listen((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        if (req.method === 'POST') hooks.push(JSON.parse(Buffer.concat(chunks).toString()));
        res.end();
      });
    });
    hookServer = receiver.server;
    sim = createSimulator({ publicUrl: () => simUrl, statusTiming: { sent: 0, delivered: 0, read: 0 } });
    ({ server: simServer, url: simUrl } = await listen(sim.app));
    t = sim.control.seed({ callbackUrl: `${receiver.url}/webhook`, customers: [{ waId: '16505551234', name: 'Sheena Nelson' }] });
    // The product's page on its own origin; it only opens the popup and collects what is posted back.
    opener = await listen((_req, res) => {
      res.setHeader('content-type', 'text/html');
      res.end(`<!doctype html><title>product</title><script>
        window.__msgs = [];
        window.addEventListener('message', (e) => window.__msgs.push({ origin: e.origin, data: e.data }));
      </script>`);
    });
    browser = await launchChromium();
    context = await browser.newContext();
  });

  after(async () => {
    await context?.close();
    await browser?.close();
    await sim.close();
    await Promise.all([close(simServer), close(hookServer), close(opener.server)]);
  });

  it('turns what a person types on the simulated phone into webhooks and lets them tap reply buttons', async () => {
    const page = await context.newPage();
    await page.goto(`${simUrl}/_sim/phone`);
    await page.getByLabel('Business number').selectOption(t.phoneNumberId);
    await page.getByLabel('You are').selectOption('16505551234');
    await page.getByLabel('Message').fill('Do you ship to Lisbon?');
    await page.getByRole('button', { name: 'Send', exact: true }).click();
    const inbound = await until(
      () => hooks.map((h) => h.entry[0].changes[0].value.messages?.[0]).find((m) => m?.text?.body === 'Do you ship to Lisbon?'),
      'the text webhook',
    );
    expect(inbound.from).to.equal('16505551234');

    const res = await fetch(`${simUrl}/v24.0/${t.phoneNumberId}/messages`, {
      method: 'POST',
      headers: { authorization: `Bearer ${t.accessToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        messaging_product: 'whatsapp',
        to: '16505551234',
        type: 'interactive',
        interactive: {
          type: 'button',
          body: { text: 'We do. Want a quote?' },
          action: { buttons: [{ type: 'reply', reply: { id: 'quote_yes', title: 'Yes please' } }] },
        },
      }),
    });
    const wamid = ((await res.json()) as any).messages[0].id;
    await page.getByText('We do. Want a quote?').waitFor();
    await page.getByRole('button', { name: 'Yes please' }).click();
    const reply = await until(
      () => hooks.map((h) => h.entry[0].changes[0].value.messages?.[0]).find((m) => m?.type === 'interactive'),
      'the button_reply webhook',
    );
    expect(reply.interactive.button_reply).to.deep.equal({ id: 'quote_yes', title: 'Yes please' });
    expect(reply.context.id).to.equal(wamid);
    await page.close();
  });

  it('posts FINISH with the new ids and then the login code from the Embedded Signup popup to its opener', async () => {
    const page = await context.newPage();
    await page.goto(`${opener.url}/settings`);
    const popupUrl = `${simUrl}/_sim/embedded-signup?app_id=${t.appId}&config_id=cfg-1&origin=${encodeURIComponent(opener.url)}`;
    const [popup] = await Promise.all([
      context.waitForEvent('page'),
      page.evaluate((u) => void window.open(u, 'signup', 'width=500,height=600'), popupUrl),
    ]);
    await popup.waitForLoadState();
    await popup.getByLabel('Business name').fill('Green Leaf');
    const closed = popup.waitForEvent('close');
    await popup.getByRole('button', { name: 'Connect' }).click();
    await closed;
    const msgs = (await page.evaluate(() => (window as any).__msgs)) as { origin: string; data: string }[];
    expect(msgs.map((m) => m.origin)).to.deep.equal([simUrl, simUrl]);
    const finish = JSON.parse(msgs[0].data);
    const login = JSON.parse(msgs[1].data);
    expect(finish).to.deep.include({ type: 'WA_EMBEDDED_SIGNUP', event: 'FINISH' });
    expect(finish.data).to.have.keys('phone_number_id', 'waba_id', 'business_id');
    expect(sim.state.wabas.get(finish.data.waba_id)?.name).to.equal('Green Leaf');
    expect(login.type).to.equal('WA_SIMULATED_LOGIN');
    const exchange = await fetch(
      `${simUrl}/v24.0/oauth/access_token?client_id=${t.appId}&client_secret=${t.appSecret}&code=${encodeURIComponent(login.code)}`,
    );
    expect(((await exchange.json()) as any).token_type).to.equal('bearer');

    const [cancelled] = await Promise.all([
      context.waitForEvent('page'),
      page.evaluate((u) => void window.open(u, 'signup2'), popupUrl),
    ]);
    await cancelled.waitForLoadState();
    const gone = cancelled.waitForEvent('close');
    await cancelled.getByRole('button', { name: 'Cancel' }).click();
    await gone;
    const all = (await page.evaluate(() => (window as any).__msgs)) as { data: string }[];
    expect(JSON.parse(all[2].data)).to.deep.include({ type: 'WA_EMBEDDED_SIGNUP', event: 'CANCEL' });
    await page.close();
  });
});
