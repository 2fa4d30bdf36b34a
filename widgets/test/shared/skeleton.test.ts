import { expect } from 'chai';
import { mount, openPage, useBrowser } from '../helpers/browser.ts';

describe('wa-skeleton and theming', function () {
  useBrowser();

  it('tells assistive technology it is loading, once, instead of reading empty shapes', async function () {
    const { page } = await openPage();
    await mount(page, '<wa-skeleton lines="3"></wa-skeleton>');
    const base = page.locator('wa-skeleton [part="base"]');
    expect(await base.getAttribute('aria-busy')).to.equal('true');
    expect(await base.getAttribute('role')).to.equal('status');
    expect(await base.getAttribute('aria-label')).to.equal('Loading');
    expect(await page.locator('wa-skeleton [part="line"]').count()).to.equal(3);
    expect(await page.locator('wa-skeleton [aria-hidden="true"]').count()).to.equal(1);
  });

  it('draws rows with an avatar, or one block, by variant', async function () {
    const { page } = await openPage();
    await mount(page, '<wa-skeleton variant="rows" lines="2"></wa-skeleton><wa-skeleton variant="block"></wa-skeleton>');
    expect(await page.locator('wa-skeleton[variant="rows"] [part="row"]').count()).to.equal(2);
    expect(await page.locator('wa-skeleton[variant="rows"] [part="avatar"]').count()).to.equal(2);
    expect(await page.locator('wa-skeleton[variant="block"] [part="block"]').count()).to.equal(1);
    const height = await page
      .locator('wa-skeleton[variant="block"] [part="block"]')
      .evaluate((el) => el.getBoundingClientRect().height);
    expect(height).to.equal(120);
  });

  it('shimmers, except when the user prefers reduced motion', async function () {
    const { page } = await openPage();
    await mount(page, '<wa-skeleton lines="1"></wa-skeleton>');
    const animation = () => page.locator('wa-skeleton [part="line"]').evaluate((el) => getComputedStyle(el).animationName);
    await page.emulateMedia({ reducedMotion: 'no-preference' });
    expect(await animation()).to.equal('wa-skeleton-shimmer');
    await page.emulateMedia({ reducedMotion: 'reduce' });
    expect(await animation()).to.equal('none');
  });

  it('switches the --wa-* tokens with theme="dark", whatever the system prefers', async function () {
    const { page } = await openPage();
    await page.emulateMedia({ colorScheme: 'light' });
    await mount(
      page,
      `<wa-empty-state id="light" heading="Light"></wa-empty-state>
       <wa-empty-state id="dark" theme="dark" heading="Dark"></wa-empty-state>`,
    );
    const tokens = (id: string) =>
      page.locator(`#${id}`).evaluate((el) => ({
        bg: getComputedStyle(el).getPropertyValue('--wa-color-bg').trim(),
        text: getComputedStyle(el.shadowRoot!.querySelector('[part="heading"]')!).color,
      }));
    const light = await tokens('light');
    const dark = await tokens('dark');
    expect(light.bg).to.equal('#ffffff');
    expect(dark.bg).to.equal('#111b21');
    expect(dark.text).to.not.equal(light.text);
    expect(dark.text).to.equal('rgb(233, 237, 239)');

    // And the system preference alone turns an un-themed widget dark.
    await page.emulateMedia({ colorScheme: 'dark' });
    expect((await tokens('light')).bg).to.equal('#111b21');
  });
});
