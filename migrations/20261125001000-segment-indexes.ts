// Segments evaluate as semi-joins driven from the most selective side (an attribute value or a
// tag), then check each candidate contact's tenant, consent state and merge state. This index holds
// all three with the id (InnoDB appends the primary key), so that check reads a small covering
// index instead of the whole contact row — at a million contacts the rows outgrow the buffer pool,
// the index does not. It also serves the list's consent filter in id order.
import type { MigrationFn } from '../backend/src/db/migrate.ts';

export const up: MigrationFn = async ({ context: qi }) => {
  await qi.addIndex('contacts', ['tenant_id', 'consent_state', 'merged_into_id'], { name: 'contacts_tenant_consent_live' });
};

export const down: MigrationFn = async ({ context: qi }) => {
  await qi.removeIndex('contacts', 'contacts_tenant_consent_live');
};
