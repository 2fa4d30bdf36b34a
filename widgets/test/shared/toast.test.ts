import { expect } from 'chai';
import type { Page } from 'playwright-core';
import { delay, mount, openPage, useBrowser, waitFor } from '../helpers/browser.ts';

const toasts = (page: Page) => page.locator('wa-toast-region [part~="toast"]');

async function recordDismissals(page: Page) {
  await page.evaluate(() => {
    const log: string[] = [];
    (window as unknown as { dismissed: string[] }).dismissed = log;
    document.addEventListener('wa-toast-dismiss', (e) => {
      const d = (e as CustomEvent<{ message: string; reason: string }>).detail;
      log.push(`${d.message}:${d.reason}`);
    });
  });
  return () => page.evaluate(() => (window as unknown as { dismissed: string[] }).dismissed);
}

describe('wa-toast-region', function () {
  useBrowser();

  it('shows a toast inside a polite live region that existed before the toast arrived', async function () {
    const { page } = await openPage();
    await mount(page, '<wa-toast-region></wa-toast-region>');
    const live = page.locator('wa-toast-region [aria-live="polite"]');
    expect(await live.count()).to.equal(1);
    expect(await live.getAttribute('role')).to.equal('status');

    await page.evaluate(() => document.querySelector('wa-toast-region')!.show('Template saved', { kind: 'success' }));
    await waitFor(async () => (await live.textContent())?.includes('Template saved'), 2000, 'the toast in the live region');
    expect(await toasts(page).getAttribute('part')).to.include('toast--success');
    expect(await page.getByRole('region', { name: 'Notifications' }).count()).to.equal(1);
  });

  it('announces errors assertively, from the wa-toast event a host bridge dispatches', async function () {
    const { page } = await openPage();
    await mount(page, '<wa-toast-region></wa-toast-region>');
    await page.evaluate(() => {
      const bridge = new window.wa.ConsoleBridge({ baseUrl: location.origin });
      bridge.toast('Could not send the campaign', { kind: 'error' });
    });
    const urgent = page.locator('wa-toast-region [aria-live="assertive"]');
    await waitFor(async () => (await urgent.textContent())?.includes('Could not send the campaign'), 2000, 'the error toast');
    expect(await page.locator('wa-toast-region [aria-live="polite"]').textContent()).to.not.include('Could not send');
  });

  it('is dismissed with its button, by mouse or keyboard', async function () {
    const { page } = await openPage();
    await mount(page, '<wa-toast-region></wa-toast-region>');
    const dismissed = await recordDismissals(page);
    await page.evaluate(() => {
      const region = document.querySelector('wa-toast-region')!;
      region.show('First', { duration: 0 });
      region.show('Second', { duration: 0 });
    });
    await page.getByRole('button', { name: 'Dismiss notification' }).first().click();
    await waitFor(async () => (await toasts(page).count()) === 1, 2000, 'one toast left');

    await page.getByRole('button', { name: 'Dismiss notification' }).focus();
    await page.keyboard.press('Enter');
    await waitFor(async () => (await toasts(page).count()) === 0, 2000, 'no toast left');
    expect(await dismissed()).to.deep.equal(['First:user', 'Second:user']);
  });

  it('dismisses itself after its duration, and a duration of 0 stays until dismissed', async function () {
    const { page } = await openPage();
    await mount(page, '<wa-toast-region></wa-toast-region>');
    const dismissed = await recordDismissals(page);
    await page.evaluate(() => {
      const region = document.querySelector('wa-toast-region')!;
      region.show('Quick', { duration: 1500 });
      region.show('Sticky', { duration: 0 });
    });
    expect(await toasts(page).count()).to.equal(2);
    await waitFor(async () => (await toasts(page).count()) === 1, 6000, 'the quick toast to leave');
    expect(await toasts(page).textContent()).to.include('Sticky');
    await delay(400);
    expect(await toasts(page).count()).to.equal(1);
    expect(await dismissed()).to.deep.equal(['Quick:timeout']);
  });

  it('keeps at most four toasts on screen, dropping the oldest', async function () {
    const { page } = await openPage();
    await mount(page, '<wa-toast-region></wa-toast-region>');
    await page.evaluate(() => {
      const region = document.querySelector('wa-toast-region')!;
      for (let i = 1; i <= 6; i++) region.show(`Toast ${i}`);
    });
    await waitFor(async () => (await toasts(page).count()) === 4, 2000, 'four toasts');
    const texts = await toasts(page).locator('[part="message"]').allTextContents();
    expect(texts).to.deep.equal(['Toast 3', 'Toast 4', 'Toast 5', 'Toast 6']);
  });

  it('lets only one region on the page show a toast from the window event', async function () {
    const { page } = await openPage();
    await mount(page, '<wa-toast-region id="a"></wa-toast-region><wa-toast-region id="b"></wa-toast-region>');
    await page.evaluate(() =>
      window.dispatchEvent(new CustomEvent('wa-toast', { detail: { message: 'Once only', kind: 'info' } })),
    );
    await waitFor(async () => (await toasts(page).count()) > 0, 2000, 'a toast');
    await delay(50);
    expect(await toasts(page).count()).to.equal(1);
  });

  it('waits while the pointer rests on a toast, then leaves after the pointer moves away', async function () {
    const { page } = await openPage();
    await mount(page, '<wa-toast-region></wa-toast-region>');
    await page.evaluate(() => document.querySelector('wa-toast-region')!.show('Read me slowly', { duration: 1500 }));
    await toasts(page).hover({ timeout: 1000 });
    await delay(2500);
    expect(await toasts(page).count()).to.equal(1);
    await page.mouse.move(0, 0);
    await waitFor(async () => (await toasts(page).count()) === 0, 6000, 'the toast to leave');
  });
});
