// The demo workspace's contacts (DEMO=1, first start only): a few customers with attributes, tags and
// consent from a sign-up form, so the contacts screen, segments and the consent timeline have
// something to show on a fresh clone.
import type { Models } from '../../db/models.ts';
import type { ConsentService } from '../consent/index.ts';
import { ensureTags } from './contacts-tags.ts';
import { valueColumns } from './attributes.ts';

const PEOPLE: [
  name: string,
  phone: string,
  city: string,
  plan: string,
  spent: number,
  tags: string[],
  consent: 'in' | 'out' | null,
][] = [
  ['Aisha Khan', '+4915112340001', 'Berlin', 'Pro', 420, ['vip', 'newsletter'], 'in'],
  ['Ben Okafor', '+4915112340002', 'Berlin', 'Free', 0, ['newsletter'], 'in'],
  ['Carla Mendes', '+351912345601', 'Lisbon', 'Pro', 250, ['vip'], 'in'],
  ['Dmitri Ivanov', '+4915112340004', 'Hamburg', 'Free', 35, [], 'out'],
  ['Elena García', '+34612345601', 'Madrid', 'Business', 1280, ['vip', 'wholesale'], 'in'],
  ['Farid Haddad', '+33612345601', 'Paris', 'Free', 60, ['newsletter'], null],
  ['Grace Lee', '+447912345601', 'London', 'Pro', 310, ['newsletter'], 'in'],
  ['Hiro Tanaka', '+4915112340008', 'Berlin', 'Business', 980, ['wholesale'], 'in'],
  ['Inès Dupont', '+33612345602', 'Paris', 'Pro', 150, [], 'out'],
  ['João Silva', '+351912345602', 'Porto', 'Free', 20, ['newsletter'], null],
  ['Katarzyna Nowak', '+48512345601', 'Warsaw', 'Pro', 275, ['vip'], 'in'],
  ['Luca Rossi', '+393123456701', 'Milan', 'Business', 1540, ['vip', 'wholesale'], 'in'],
];

export async function seedDemoContacts(d: { models: Models; consent: ConsentService; tenantId: number; publicUrl: string }) {
  const M = d.models;
  if ((await M.Contact.count({ where: { tenantId: d.tenantId } })) > 0) return;
  const city = await M.ContactAttribute.create({ tenantId: d.tenantId, key: 'city', label: 'City', type: 'text' });
  const plan = await M.ContactAttribute.create({
    tenantId: d.tenantId,
    key: 'plan',
    label: 'Plan',
    type: 'list',
    options: JSON.stringify(['Free', 'Pro', 'Business']),
  });
  const spent = await M.ContactAttribute.create({ tenantId: d.tenantId, key: 'spent', label: 'Spent (EUR)', type: 'number' });
  const tags = new Map((await ensureTags(M, d.tenantId, ['vip', 'newsletter', 'wholesale'])).map((t) => [t.name, t.id]));
  const day = 86_400_000;
  for (const [i, [name, phone, c, p, s, tagNames, consent]] of PEOPLE.entries()) {
    const contact = await M.Contact.create({
      tenantId: d.tenantId,
      phone,
      waId: phone.slice(1),
      name,
      email: `${name.split(' ')[0].normalize('NFD').replace(/\p{M}/gu, '').toLowerCase()}@example.com`,
      source: 'form',
      lastSeenAt: new Date(Date.now() - (i * 3 + 1) * day),
    });
    await M.ContactAttributeValue.bulkCreate([
      { contactId: contact.id, attributeId: city.id, tenantId: d.tenantId, ...valueColumns('text', c) },
      { contactId: contact.id, attributeId: plan.id, tenantId: d.tenantId, ...valueColumns('list', p) },
      { contactId: contact.id, attributeId: spent.id, tenantId: d.tenantId, ...valueColumns('number', s) },
    ]);
    if (tagNames.length) {
      await M.ContactTag.bulkCreate(tagNames.map((t) => ({ contactId: contact.id, tagId: tags.get(t)!, tenantId: d.tenantId })));
    }
    if (consent) {
      const form = { url: `${d.publicUrl}/demo/embed`, form: 'Newsletter sign-up' };
      await d.consent.record(d.tenantId, [
        {
          contactId: contact.id,
          action: 'opt_in',
          source: 'form',
          proof: form,
          actor: 'contact',
          occurredAt: new Date(Date.now() - 40 * day),
        },
        ...(consent === 'out'
          ? [
              {
                contactId: contact.id,
                action: 'opt_out' as const,
                source: 'agent' as const,
                proof: { note: 'Asked by phone not to receive offers' },
                actor: 'system',
              },
            ]
          : []),
      ]);
    }
  }
}
