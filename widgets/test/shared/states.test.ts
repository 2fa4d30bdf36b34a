import { expect } from 'chai';
import type { Page } from 'playwright-core';
import { mount, openPage, shadowText, useBrowser } from '../helpers/browser.ts';

describe('wa-error-state and wa-empty-state', function () {
  useBrowser();

  const failing = {
    'GET /api/v1/things': () => ({
      status: 409,
      headers: { 'x-request-id': 'req-7f3a' },
      body: { error: { code: 'name_taken', message: 'That name is already in use.' }, requestId: 'req-7f3a' },
    }),
  };

  async function mountFailure(page: Page) {
    await mount(page, '<wa-error-state heading="Could not load things"></wa-error-state>');
    await page.evaluate(async () => {
      const client = new window.wa.ApiClient({ baseUrl: location.origin });
      const el = document.querySelector('wa-error-state')!;
      el.error = await client.get('/api/v1/things').catch((e: unknown) => e);
      await el.updateComplete;
    });
  }

  it("shows the server's message and the request id of a failed request, as an alert", async function () {
    const { page } = await openPage({ routes: failing });
    await mountFailure(page);
    const text = await shadowText(page, 'wa-error-state');
    expect(text).to.include('Could not load things');
    expect(text).to.include('That name is already in use.');
    expect(text).to.include('req-7f3a');
    expect(await page.locator('wa-error-state [part="base"]').getAttribute('role')).to.equal('alert');
  });

  it('emits wa-retry when "Try again" is clicked and when Enter is pressed on it', async function () {
    const { page } = await openPage({ routes: failing });
    await mountFailure(page);
    await page.evaluate(() => {
      (window as unknown as { retries: number }).retries = 0;
      document.addEventListener('wa-retry', () => (window as unknown as { retries: number }).retries++);
    });
    const retries = () => page.evaluate(() => (window as unknown as { retries: number }).retries);

    const button = page.getByRole('button', { name: 'Try again' });
    await button.click();
    expect(await retries()).to.equal(1);

    // Reach the button from the keyboard, as a keyboard user would, so :focus-visible applies.
    await page.keyboard.press('Shift+Tab');
    await page.keyboard.press('Tab');
    expect(await button.evaluate((b) => b.matches(':focus-visible'))).to.equal(true);
    expect(await button.evaluate((b) => getComputedStyle(b).outlineStyle)).to.not.equal('none');
    await page.keyboard.press('Enter');
    expect(await retries()).to.equal(2);
  });

  it('says something human when the network itself failed', async function () {
    const { page } = await openPage();
    await mount(page, '<wa-error-state></wa-error-state>');
    await page.evaluate(async () => {
      const el = document.querySelector('wa-error-state')!;
      el.error = new TypeError('Failed to fetch');
      await el.updateComplete;
    });
    const text = await shadowText(page, 'wa-error-state');
    expect(text).to.include('Something went wrong');
    expect(text).to.include('could not reach the server');
    expect(text).to.not.include('Failed to fetch');
  });

  it('renders its heading, description and the slotted action', async function () {
    const { page } = await openPage();
    await mount(
      page,
      `<wa-empty-state heading="No team members yet" description="Invite a colleague to share the inbox.">
         <button slot="action">Invite someone</button>
       </wa-empty-state>`,
    );
    const text = await shadowText(page, 'wa-empty-state');
    expect(text).to.include('No team members yet');
    expect(text).to.include('Invite a colleague to share the inbox.');
    const assigned = await page.$eval('wa-empty-state', (el) =>
      el
        .shadowRoot!.querySelector<HTMLSlotElement>('slot[name="action"]')!
        .assignedElements()
        .map((e) => e.textContent),
    );
    expect(assigned).to.deep.equal(['Invite someone']);
    expect(await page.getByRole('button', { name: 'Invite someone' }).isVisible()).to.equal(true);
  });
});
