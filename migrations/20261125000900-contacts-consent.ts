// The CRM: contacts (one per tenant and phone), typed custom attributes stored one row per value
// (so segments filter them in SQL through indexes), tags, notes, saved segments, CSV imports with
// per-row errors, and the consent registry: append-only, hash-chained per tenant, guarded by
// triggers that refuse UPDATE and DELETE on both dialects. Conversations point at their contact.
import { DataTypes } from 'sequelize';
import type { MigrationFn } from '../backend/src/db/migrate.ts';

const tenantFk = {
  type: DataTypes.INTEGER,
  allowNull: false,
  references: { model: 'tenants', key: 'id' },
  onDelete: 'CASCADE',
} as const;
const times = {
  created_at: { type: DataTypes.DATE(3), allowNull: false },
  updated_at: { type: DataTypes.DATE(3), allowNull: false },
} as const;

export const up: MigrationFn = async ({ context: qi }) => {
  const dialect = qi.sequelize.getDialect();

  await qi.createTable('contacts', {
    id: { type: DataTypes.BIGINT, autoIncrement: true, primaryKey: true, allowNull: false },
    tenant_id: tenantFk,
    /** E.164 (+4915112345678); null for a customer known only by their business-scoped user id. */
    phone: { type: DataTypes.STRING(20), allowNull: true },
    wa_id: { type: DataTypes.STRING(32), allowNull: true },
    /** WhatsApp's business-scoped user id (BSUID). */
    bsuid: { type: DataTypes.STRING(64), allowNull: true },
    name: { type: DataTypes.STRING(255), allowNull: true },
    email: { type: DataTypes.STRING(255), allowNull: true },
    /** How we first met them: inbound, import, api, agent, form. */
    source: { type: DataTypes.STRING(16), allowNull: false, defaultValue: 'agent' },
    /** Derived from the consent registry in the transaction that appends to it: unknown, opted_in, opted_out. */
    consent_state: { type: DataTypes.STRING(10), allowNull: false, defaultValue: 'unknown' },
    consent_changed_at: { type: DataTypes.DATE(3), allowNull: true },
    last_seen_at: { type: DataTypes.DATE(3), allowNull: true },
    /** Set when this contact was merged into another; it then keeps only history and no phone. */
    merged_into_id: { type: DataTypes.BIGINT, allowNull: true },
    ...times,
  });
  await qi.addIndex('contacts', ['tenant_id', 'phone'], { unique: true, name: 'contacts_tenant_phone' });
  await qi.addIndex('contacts', ['tenant_id', 'bsuid'], { unique: true, name: 'contacts_tenant_bsuid' });
  await qi.addIndex('contacts', ['tenant_id', 'wa_id'], { name: 'contacts_tenant_wa_id' });
  await qi.addIndex('contacts', ['tenant_id', 'id'], { name: 'contacts_tenant_id' });
  await qi.addIndex('contacts', ['tenant_id', 'consent_state', 'id'], { name: 'contacts_tenant_consent' });
  await qi.addIndex('contacts', ['tenant_id', 'last_seen_at', 'id'], { name: 'contacts_tenant_last_seen' });
  await qi.addIndex('contacts', ['tenant_id', 'name'], { name: 'contacts_tenant_name' });
  await qi.addIndex('contacts', ['tenant_id', 'merged_into_id'], { name: 'contacts_tenant_merged' });

  await qi.createTable('contact_attributes', {
    id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true, allowNull: false },
    tenant_id: tenantFk,
    /** Stable key used in imports, segments and {{variables}}: lower_snake_case. */
    key: { type: DataTypes.STRING(64), allowNull: false },
    label: { type: DataTypes.STRING(100), allowNull: false },
    /** text, number, date, boolean, list (one of `options`). */
    type: { type: DataTypes.STRING(10), allowNull: false },
    options: { type: DataTypes.TEXT, allowNull: true },
    ...times,
  });
  await qi.addIndex('contact_attributes', ['tenant_id', 'key'], { unique: true, name: 'contact_attributes_tenant_key' });

  // One row per contact and attribute; the column used depends on the attribute's type (text and
  // list: value_text; number and boolean (0/1): value_number; date: value_date).
  await qi.createTable('contact_attribute_values', {
    contact_id: {
      type: DataTypes.BIGINT,
      allowNull: false,
      primaryKey: true,
      references: { model: 'contacts', key: 'id' },
      onDelete: 'CASCADE',
    },
    attribute_id: {
      type: DataTypes.INTEGER,
      allowNull: false,
      primaryKey: true,
      references: { model: 'contact_attributes', key: 'id' },
      onDelete: 'CASCADE',
    },
    tenant_id: tenantFk,
    value_text: { type: DataTypes.STRING(255), allowNull: true },
    value_number: { type: DataTypes.DOUBLE, allowNull: true },
    value_date: { type: DataTypes.DATE(3), allowNull: true },
  });
  await qi.addIndex('contact_attribute_values', ['attribute_id', 'value_text', 'contact_id'], { name: 'cav_text' });
  await qi.addIndex('contact_attribute_values', ['attribute_id', 'value_number', 'contact_id'], { name: 'cav_number' });
  await qi.addIndex('contact_attribute_values', ['attribute_id', 'value_date', 'contact_id'], { name: 'cav_date' });
  await qi.addIndex('contact_attribute_values', ['tenant_id'], { name: 'cav_tenant' });

  await qi.createTable('tags', {
    id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true, allowNull: false },
    tenant_id: tenantFk,
    name: { type: DataTypes.STRING(64), allowNull: false },
    ...times,
  });
  await qi.addIndex('tags', ['tenant_id', 'name'], { unique: true, name: 'tags_tenant_name' });

  await qi.createTable('contact_tags', {
    contact_id: {
      type: DataTypes.BIGINT,
      allowNull: false,
      primaryKey: true,
      references: { model: 'contacts', key: 'id' },
      onDelete: 'CASCADE',
    },
    tag_id: {
      type: DataTypes.INTEGER,
      allowNull: false,
      primaryKey: true,
      references: { model: 'tags', key: 'id' },
      onDelete: 'CASCADE',
    },
    tenant_id: tenantFk,
    created_at: { type: DataTypes.DATE(3), allowNull: false },
  });
  await qi.addIndex('contact_tags', ['tag_id', 'contact_id'], { name: 'contact_tags_tag' });
  await qi.addIndex('contact_tags', ['tenant_id'], { name: 'contact_tags_tenant' });

  await qi.createTable('contact_notes', {
    id: { type: DataTypes.BIGINT, autoIncrement: true, primaryKey: true, allowNull: false },
    tenant_id: tenantFk,
    contact_id: {
      type: DataTypes.BIGINT,
      allowNull: false,
      references: { model: 'contacts', key: 'id' },
      onDelete: 'CASCADE',
    },
    author_user_id: { type: DataTypes.INTEGER, allowNull: true },
    body: { type: DataTypes.TEXT, allowNull: false },
    ...times,
  });
  await qi.addIndex('contact_notes', ['tenant_id', 'contact_id', 'id'], { name: 'contact_notes_contact' });

  await qi.createTable('segments', {
    id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true, allowNull: false },
    tenant_id: tenantFk,
    name: { type: DataTypes.STRING(100), allowNull: false },
    /** The saved filter (JSON), validated by the segments schema. */
    definition: { type: DataTypes.TEXT, allowNull: false },
    created_by_user_id: { type: DataTypes.INTEGER, allowNull: true },
    ...times,
  });
  await qi.addIndex('segments', ['tenant_id', 'name'], { unique: true, name: 'segments_tenant_name' });

  await qi.createTable('contact_imports', {
    id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true, allowNull: false },
    tenant_id: tenantFk,
    created_by_user_id: { type: DataTypes.INTEGER, allowNull: true },
    filename: { type: DataTypes.STRING(255), allowNull: false },
    /** Where the uploaded file lives in the blob store. */
    blob_id: { type: DataTypes.BIGINT, allowNull: true },
    size_bytes: { type: DataTypes.BIGINT, allowNull: false, defaultValue: 0 },
    /** uploaded → queued → running → done | failed. */
    status: { type: DataTypes.STRING(10), allowNull: false, defaultValue: 'uploaded' },
    /** Column mapping and options chosen in the wizard (JSON). */
    mapping: { type: DataTypes.TEXT, allowNull: true },
    total_rows: { type: DataTypes.INTEGER, allowNull: true },
    processed_rows: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
    created_count: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
    updated_count: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
    unchanged_count: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
    error_count: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
    /** A problem with the whole file (encoding, header), in words. */
    failure: { type: DataTypes.TEXT, allowNull: true },
    started_at: { type: DataTypes.DATE(3), allowNull: true },
    finished_at: { type: DataTypes.DATE(3), allowNull: true },
    ...times,
  });
  await qi.addIndex('contact_imports', ['tenant_id', 'id'], { name: 'contact_imports_tenant' });

  await qi.createTable('contact_import_errors', {
    id: { type: DataTypes.BIGINT, autoIncrement: true, primaryKey: true, allowNull: false },
    tenant_id: tenantFk,
    import_id: {
      type: DataTypes.INTEGER,
      allowNull: false,
      references: { model: 'contact_imports', key: 'id' },
      onDelete: 'CASCADE',
    },
    /** 1-based line of the file (the header is line 1). */
    row_number: { type: DataTypes.INTEGER, allowNull: false },
    column_name: { type: DataTypes.STRING(255), allowNull: true },
    value: { type: DataTypes.STRING(255), allowNull: true },
    message: { type: DataTypes.STRING(500), allowNull: false },
  });
  await qi.addIndex('contact_import_errors', ['import_id', 'row_number'], { name: 'contact_import_errors_import' });

  // The consent registry. No ON DELETE CASCADE from tenants: proof of consent outlives everything.
  await qi.createTable('consent_entries', {
    id: { type: DataTypes.BIGINT, autoIncrement: true, primaryKey: true, allowNull: false },
    tenant_id: { type: DataTypes.INTEGER, allowNull: false, references: { model: 'tenants', key: 'id' } },
    /** Position in the tenant's chain: 1, 2, 3, … (unique, so two writers cannot fork the chain). */
    seq: { type: DataTypes.INTEGER, allowNull: false },
    contact_id: { type: DataTypes.BIGINT, allowNull: false },
    /** The contact's phone (E.164) or BSUID when the entry was made: the proof names a person, not a row. */
    subject: { type: DataTypes.STRING(64), allowNull: false },
    channel: { type: DataTypes.STRING(16), allowNull: false, defaultValue: 'whatsapp' },
    /** opt_in or opt_out. */
    action: { type: DataTypes.STRING(8), allowNull: false },
    /** form, keyword, import, agent, api. */
    source: { type: DataTypes.STRING(10), allowNull: false },
    /** Evidence (JSON): the message id and text of a keyword, the form's page URL, the import's file and line… */
    proof: { type: DataTypes.TEXT, allowNull: true },
    /** Who made it: user:<id>, api_token:<id>, contact, system. */
    actor: { type: DataTypes.STRING(64), allowNull: false },
    occurred_at: { type: DataTypes.DATE(3), allowNull: false },
    prev_hash: { type: DataTypes.STRING(64), allowNull: false },
    hash: { type: DataTypes.STRING(64), allowNull: false },
    created_at: { type: DataTypes.DATE(3), allowNull: false },
  });
  await qi.addIndex('consent_entries', ['tenant_id', 'seq'], { unique: true, name: 'consent_entries_chain' });
  await qi.addIndex('consent_entries', ['tenant_id', 'contact_id', 'seq'], { name: 'consent_entries_contact' });

  // Per-tenant STOP/START keywords and their replies (defaults apply while a tenant has no row).
  await qi.createTable('consent_settings', {
    tenant_id: { ...tenantFk, primaryKey: true },
    /** JSON: [{ keyword, language }] */
    opt_out_keywords: { type: DataTypes.TEXT, allowNull: false },
    opt_in_keywords: { type: DataTypes.TEXT, allowNull: false },
    /** JSON: { [language]: reply text } */
    opt_out_replies: { type: DataTypes.TEXT, allowNull: false },
    opt_in_replies: { type: DataTypes.TEXT, allowNull: false },
    ...times,
  });

  await qi.addColumn('conversations', 'contact_id', { type: DataTypes.BIGINT, allowNull: true });
  await qi.addIndex('conversations', ['tenant_id', 'contact_id'], { name: 'conversations_tenant_contact' });

  // Append-only at the database: UPDATE and DELETE on consent entries fail, whoever issues them.
  if (dialect === 'mysql' || dialect === 'mariadb') {
    for (const op of ['UPDATE', 'DELETE']) {
      await qi.sequelize.query(
        `CREATE TRIGGER consent_entries_no_${op.toLowerCase()} BEFORE ${op} ON consent_entries FOR EACH ROW ` +
          `SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'consent entries are append-only'`,
      );
    }
  } else {
    for (const op of ['UPDATE', 'DELETE']) {
      await qi.sequelize.query(
        `CREATE TRIGGER consent_entries_no_${op.toLowerCase()} BEFORE ${op} ON consent_entries ` +
          `BEGIN SELECT RAISE(ABORT, 'consent entries are append-only'); END`,
      );
    }
  }
};

export const down: MigrationFn = async ({ context: qi }) => {
  for (const op of ['update', 'delete']) await qi.sequelize.query(`DROP TRIGGER IF EXISTS consent_entries_no_${op}`);
  await qi.removeIndex('conversations', 'conversations_tenant_contact');
  await qi.removeColumn('conversations', 'contact_id');
  for (const t of [
    'consent_settings',
    'consent_entries',
    'contact_import_errors',
    'contact_imports',
    'segments',
    'contact_notes',
    'contact_tags',
    'tags',
    'contact_attribute_values',
    'contact_attributes',
    'contacts',
  ]) {
    await qi.dropTable(t);
  }
};
