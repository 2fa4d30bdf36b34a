import { expect } from 'chai';
import { delay, useBrowser, waitFor } from '../helpers/browser.ts';
import { calls, fakeContacts, openContacts } from './fake-contacts.ts';

describe('<wa-contacts> segment builder', function () {
  useBrowser();

  it('builds conditions with operators per attribute type and counts live, debounced, the last definition only', async function () {
    const fake = fakeContacts();
    fake.state.countFor = (def) => ((def as { conditions: unknown[] }).conditions.length === 2 ? 1234 : 87);
    const { contacts, requests } = await openContacts(fake);
    await contacts.locator('table.contacts tbody tr').first().waitFor();
    await contacts.getByRole('button', { name: 'Build segment' }).click();
    const builder = contacts.locator('wa-contacts-segment-builder');
    await builder.getByText('Condition 1: Name at least one tag.').waitFor();
    expect(calls(requests, 'POST', '/api/v1/segments/count')).to.have.length(0);

    await builder.getByLabel('Condition 1 tags (separate with commas)').pressSequentially('vip, newsletter', { delay: 20 });
    await builder.getByText('87 contacts').waitFor();
    // One count for the whole burst of typing.
    expect(calls(requests, 'POST', '/api/v1/segments/count')).to.have.length(1);
    expect(calls(requests, 'POST', '/api/v1/segments/count')[0].json).to.deep.equal({
      definition: { match: 'all', conditions: [{ field: 'tags', op: 'any', tags: ['vip', 'newsletter'] }] },
    });

    // An attribute condition: the number attribute offers numeric operators; "between" takes two values.
    await builder.getByRole('button', { name: 'Add condition' }).click();
    await builder.getByLabel('Condition 2 field').selectOption('attribute');
    await builder.getByLabel('Condition 2 attribute').selectOption('orders');
    const ops = await builder.getByLabel('Condition 2 operator').locator('option').allTextContents();
    expect(ops.map((o) => o.trim())).to.deep.equal(['=', '≠', '>', '≥', '<', '≤', 'between', 'is set', 'is not set']);
    await builder.getByLabel('Condition 2 operator').selectOption('between');
    await builder.getByText('Condition 2: Fill in every value.').waitFor();
    await builder.getByLabel('Condition 2 from').fill('2');
    await builder.getByLabel('Condition 2 to').fill('10');
    await builder.getByText('1,234 contacts').waitFor();
    await builder.getByLabel('Contacts matching').selectOption('any');
    await waitFor(
      () =>
        (calls(requests, 'POST', '/api/v1/segments/count').at(-1)!.json as { definition: { match: string } }).definition.match ===
        'any',
    );
    await delay(600);
    const last = calls(requests, 'POST', '/api/v1/segments/count').at(-1)!.json as { definition: unknown };
    expect(last.definition).to.deep.equal({
      match: 'any',
      conditions: [
        { field: 'tags', op: 'any', tags: ['vip', 'newsletter'] },
        { field: 'attribute', key: 'orders', op: 'between', value: [2, 10] },
      ],
    });

    // A boolean attribute takes no value; a date offers date operators.
    await builder.getByLabel('Condition 2 attribute').selectOption('birthday');
    expect(
      (await builder.getByLabel('Condition 2 operator').locator('option').allTextContents()).map((o) => o.trim()),
    ).to.include('is within the last … days');
    await builder.getByLabel('Condition 2 attribute').selectOption('wholesale');
    expect(await builder.getByLabel('Condition 2 value').count()).to.equal(0);
    await builder.getByText('1,234 contacts').waitFor();

    // Apply: the list is asked with the definition as `filter`.
    await builder.getByRole('button', { name: 'Apply to list' }).click();
    await waitFor(() => calls(requests, 'GET', '/api/v1/contacts').some((r) => r.query.has('filter')));
    const filter = JSON.parse(calls(requests, 'GET', '/api/v1/contacts').at(-1)!.query.get('filter')!) as unknown;
    expect(filter).to.deep.equal({
      match: 'any',
      conditions: [
        { field: 'tags', op: 'any', tags: ['vip', 'newsletter'] },
        { field: 'attribute', key: 'wholesale', op: 'is_true' },
      ],
    });
    await contacts.getByText('Custom filter (2 conditions)').waitFor();
    // Removing a condition counts again.
    const before = calls(requests, 'POST', '/api/v1/segments/count').length;
    await builder.getByRole('button', { name: 'Remove condition 2' }).click();
    await builder.getByText('87 contacts').waitFor();
    expect(calls(requests, 'POST', '/api/v1/segments/count').length).to.equal(before + 1);
  });

  it('shows a count refused by the server in its words', async function () {
    const fake = fakeContacts({
      routes: {
        'POST /api/v1/segments/count': () => ({
          status: 400,
          body: { error: { code: 'unknown_attribute', message: 'There is no attribute "colour".' } },
        }),
      },
    });
    const { contacts } = await openContacts(fake);
    await contacts.getByRole('button', { name: 'Build segment' }).click();
    const builder = contacts.locator('wa-contacts-segment-builder');
    await builder.getByLabel('Condition 1 field').selectOption('consent');
    await builder.getByText('There is no attribute "colour".').waitFor();
  });

  it('saves a segment, selects it in the list, and says inline when the name is taken (409)', async function () {
    const fake = fakeContacts();
    const { contacts, requests } = await openContacts(fake);
    await contacts.locator('table.contacts tbody tr').first().waitFor();
    await contacts.getByRole('button', { name: 'Build segment' }).click();
    const builder = contacts.locator('wa-contacts-segment-builder');
    await builder.getByLabel('Condition 1 field').selectOption('last_seen');
    await builder.getByLabel('Condition 1 days').fill('7');
    await builder.getByText('1,234 contacts').waitFor();

    const name = builder.getByLabel('Segment name');
    await name.fill('vips in berlin');
    await builder.getByRole('button', { name: 'Save as segment' }).click();
    await builder.getByText('A segment named “vips in berlin” already exists.').waitFor();
    expect(await name.getAttribute('aria-invalid')).to.equal('true');

    await name.fill('Active this week');
    expect(await name.getAttribute('aria-invalid')).to.equal('false');
    await builder.getByRole('button', { name: 'Save as segment' }).click();
    await contacts.getByText('Segment: Active this week').waitFor();
    const saved = calls(requests, 'POST', '/api/v1/segments').at(-1)!.json;
    expect(saved).to.deep.equal({
      name: 'Active this week',
      definition: { match: 'all', conditions: [{ field: 'last_seen', op: 'within_last_days', value: 7 }] },
    });
    await waitFor(() => calls(requests, 'GET', '/api/v1/contacts').at(-1)!.query.get('segment') === '2');
    expect(await contacts.locator('wa-contacts-segment-builder').count()).to.equal(0);
    expect(await contacts.getByLabel('Segment', { exact: true }).inputValue()).to.equal('2');
    // Reopened while the segment is selected, the builder starts from its definition.
    await contacts.getByRole('button', { name: 'Build segment' }).click();
    expect(await builder.getByLabel('Condition 1 field').inputValue()).to.equal('last_seen');
    expect(await builder.getByLabel('Condition 1 days').inputValue()).to.equal('7');
  });
});
