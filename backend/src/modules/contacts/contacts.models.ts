// Models of the CRM tables: contacts, typed custom attributes (definitions and one row per value),
// tags, notes, saved segments, and CSV imports with their per-row errors.
import { DataTypes, type Model, type Optional, type Sequelize } from 'sequelize';

export const CONTACT_SOURCES = ['inbound', 'import', 'api', 'agent', 'form'] as const;
export type ContactSource = (typeof CONTACT_SOURCES)[number];
export const CONSENT_STATES = ['unknown', 'opted_in', 'opted_out'] as const;
export type ConsentState = (typeof CONSENT_STATES)[number];
export const ATTRIBUTE_TYPES = ['text', 'number', 'date', 'boolean', 'list'] as const;
export type AttributeType = (typeof ATTRIBUTE_TYPES)[number];
export const IMPORT_STATUSES = ['uploaded', 'queued', 'running', 'done', 'failed'] as const;
export type ImportStatus = (typeof IMPORT_STATUSES)[number];

const times = {
  createdAt: { type: DataTypes.DATE(3), allowNull: false },
  updatedAt: { type: DataTypes.DATE(3), allowNull: false },
};
type Times = 'createdAt' | 'updatedAt';

export interface ContactAttrs {
  id: number;
  tenantId: number;
  /** E.164 with the leading +; null for a customer known only by their BSUID. */
  phone: string | null;
  waId: string | null;
  bsuid: string | null;
  name: string | null;
  email: string | null;
  source: ContactSource;
  /** Derived from the consent registry, written in the same transaction as the entry. */
  consentState: ConsentState;
  consentChangedAt: Date | null;
  lastSeenAt: Date | null;
  mergedIntoId: number | null;
  createdAt: Date;
  updatedAt: Date;
}
export interface ContactInstance
  extends
    Model<
      ContactAttrs,
      Optional<
        ContactAttrs,
        | 'id'
        | 'phone'
        | 'waId'
        | 'bsuid'
        | 'name'
        | 'email'
        | 'source'
        | 'consentState'
        | 'consentChangedAt'
        | 'lastSeenAt'
        | 'mergedIntoId'
        | Times
      >
    >,
    ContactAttrs {}

export interface ContactAttributeAttrs {
  id: number;
  tenantId: number;
  key: string;
  label: string;
  type: AttributeType;
  /** JSON array of the allowed values of a `list` attribute. */
  options: string | null;
  createdAt: Date;
  updatedAt: Date;
}
export interface ContactAttributeInstance
  extends Model<ContactAttributeAttrs, Optional<ContactAttributeAttrs, 'id' | 'options' | Times>>, ContactAttributeAttrs {}

export interface ContactAttributeValueAttrs {
  contactId: number;
  attributeId: number;
  tenantId: number;
  valueText: string | null;
  valueNumber: number | null;
  valueDate: Date | null;
}
export interface ContactAttributeValueInstance
  extends
    Model<ContactAttributeValueAttrs, Optional<ContactAttributeValueAttrs, 'valueText' | 'valueNumber' | 'valueDate'>>,
    ContactAttributeValueAttrs {}

export interface TagAttrs {
  id: number;
  tenantId: number;
  name: string;
  createdAt: Date;
  updatedAt: Date;
}
export interface TagInstance extends Model<TagAttrs, Optional<TagAttrs, 'id' | Times>>, TagAttrs {}

export interface ContactTagAttrs {
  contactId: number;
  tagId: number;
  tenantId: number;
  createdAt: Date;
}
export interface ContactTagInstance extends Model<ContactTagAttrs, Optional<ContactTagAttrs, 'createdAt'>>, ContactTagAttrs {}

export interface ContactNoteAttrs {
  id: number;
  tenantId: number;
  contactId: number;
  authorUserId: number | null;
  body: string;
  createdAt: Date;
  updatedAt: Date;
}
export interface ContactNoteInstance
  extends Model<ContactNoteAttrs, Optional<ContactNoteAttrs, 'id' | 'authorUserId' | Times>>, ContactNoteAttrs {}

export interface SegmentAttrs {
  id: number;
  tenantId: number;
  name: string;
  /** JSON of the segment definition (see segments.schemas.ts). */
  definition: string;
  createdByUserId: number | null;
  createdAt: Date;
  updatedAt: Date;
}
export interface SegmentInstance
  extends Model<SegmentAttrs, Optional<SegmentAttrs, 'id' | 'createdByUserId' | Times>>, SegmentAttrs {}

export interface ContactImportAttrs {
  id: number;
  tenantId: number;
  createdByUserId: number | null;
  filename: string;
  blobId: number | null;
  sizeBytes: number;
  status: ImportStatus;
  mapping: string | null;
  totalRows: number | null;
  processedRows: number;
  createdCount: number;
  updatedCount: number;
  unchangedCount: number;
  errorCount: number;
  failure: string | null;
  startedAt: Date | null;
  finishedAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}
export interface ContactImportInstance
  extends
    Model<
      ContactImportAttrs,
      Optional<
        ContactImportAttrs,
        | 'id'
        | 'createdByUserId'
        | 'blobId'
        | 'sizeBytes'
        | 'status'
        | 'mapping'
        | 'totalRows'
        | 'processedRows'
        | 'createdCount'
        | 'updatedCount'
        | 'unchangedCount'
        | 'errorCount'
        | 'failure'
        | 'startedAt'
        | 'finishedAt'
        | Times
      >
    >,
    ContactImportAttrs {}

export interface ContactImportErrorAttrs {
  id: number;
  tenantId: number;
  importId: number;
  rowNumber: number;
  columnName: string | null;
  value: string | null;
  message: string;
}
export interface ContactImportErrorInstance
  extends
    Model<ContactImportErrorAttrs, Optional<ContactImportErrorAttrs, 'id' | 'columnName' | 'value'>>,
    ContactImportErrorAttrs {}

export function defineContactModels(sequelize: Sequelize) {
  const Contact = sequelize.define<ContactInstance>(
    'Contact',
    {
      id: { type: DataTypes.BIGINT, autoIncrement: true, primaryKey: true },
      tenantId: { type: DataTypes.INTEGER, allowNull: false },
      phone: { type: DataTypes.STRING(20), allowNull: true },
      waId: { type: DataTypes.STRING(32), allowNull: true },
      bsuid: { type: DataTypes.STRING(64), allowNull: true },
      name: { type: DataTypes.STRING(255), allowNull: true },
      email: { type: DataTypes.STRING(255), allowNull: true },
      source: { type: DataTypes.STRING(16), allowNull: false, defaultValue: 'agent' },
      consentState: { type: DataTypes.STRING(10), allowNull: false, defaultValue: 'unknown' },
      consentChangedAt: { type: DataTypes.DATE(3), allowNull: true },
      lastSeenAt: { type: DataTypes.DATE(3), allowNull: true },
      mergedIntoId: { type: DataTypes.BIGINT, allowNull: true },
      ...times,
    },
    { tableName: 'contacts', underscored: true },
  );
  const ContactAttribute = sequelize.define<ContactAttributeInstance>(
    'ContactAttribute',
    {
      id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true },
      tenantId: { type: DataTypes.INTEGER, allowNull: false },
      key: { type: DataTypes.STRING(64), allowNull: false },
      label: { type: DataTypes.STRING(100), allowNull: false },
      type: { type: DataTypes.STRING(10), allowNull: false },
      options: { type: DataTypes.TEXT, allowNull: true },
      ...times,
    },
    { tableName: 'contact_attributes', underscored: true },
  );
  const ContactAttributeValue = sequelize.define<ContactAttributeValueInstance>(
    'ContactAttributeValue',
    {
      contactId: { type: DataTypes.BIGINT, allowNull: false, primaryKey: true },
      attributeId: { type: DataTypes.INTEGER, allowNull: false, primaryKey: true },
      tenantId: { type: DataTypes.INTEGER, allowNull: false },
      valueText: { type: DataTypes.STRING(255), allowNull: true },
      valueNumber: { type: DataTypes.DOUBLE, allowNull: true },
      valueDate: { type: DataTypes.DATE(3), allowNull: true },
    },
    { tableName: 'contact_attribute_values', underscored: true, timestamps: false },
  );
  const Tag = sequelize.define<TagInstance>(
    'Tag',
    {
      id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true },
      tenantId: { type: DataTypes.INTEGER, allowNull: false },
      name: { type: DataTypes.STRING(64), allowNull: false },
      ...times,
    },
    { tableName: 'tags', underscored: true },
  );
  const ContactTag = sequelize.define<ContactTagInstance>(
    'ContactTag',
    {
      contactId: { type: DataTypes.BIGINT, allowNull: false, primaryKey: true },
      tagId: { type: DataTypes.INTEGER, allowNull: false, primaryKey: true },
      tenantId: { type: DataTypes.INTEGER, allowNull: false },
      createdAt: { type: DataTypes.DATE(3), allowNull: false },
    },
    { tableName: 'contact_tags', underscored: true, updatedAt: false },
  );
  const ContactNote = sequelize.define<ContactNoteInstance>(
    'ContactNote',
    {
      id: { type: DataTypes.BIGINT, autoIncrement: true, primaryKey: true },
      tenantId: { type: DataTypes.INTEGER, allowNull: false },
      contactId: { type: DataTypes.BIGINT, allowNull: false },
      authorUserId: { type: DataTypes.INTEGER, allowNull: true },
      body: { type: DataTypes.TEXT, allowNull: false },
      ...times,
    },
    { tableName: 'contact_notes', underscored: true },
  );
  const Segment = sequelize.define<SegmentInstance>(
    'Segment',
    {
      id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true },
      tenantId: { type: DataTypes.INTEGER, allowNull: false },
      name: { type: DataTypes.STRING(100), allowNull: false },
      definition: { type: DataTypes.TEXT, allowNull: false },
      createdByUserId: { type: DataTypes.INTEGER, allowNull: true },
      ...times,
    },
    { tableName: 'segments', underscored: true },
  );
  const ContactImport = sequelize.define<ContactImportInstance>(
    'ContactImport',
    {
      id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true },
      tenantId: { type: DataTypes.INTEGER, allowNull: false },
      createdByUserId: { type: DataTypes.INTEGER, allowNull: true },
      filename: { type: DataTypes.STRING(255), allowNull: false },
      blobId: { type: DataTypes.BIGINT, allowNull: true },
      sizeBytes: { type: DataTypes.BIGINT, allowNull: false, defaultValue: 0 },
      status: { type: DataTypes.STRING(10), allowNull: false, defaultValue: 'uploaded' },
      mapping: { type: DataTypes.TEXT, allowNull: true },
      totalRows: { type: DataTypes.INTEGER, allowNull: true },
      processedRows: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
      createdCount: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
      updatedCount: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
      unchangedCount: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
      errorCount: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
      failure: { type: DataTypes.TEXT, allowNull: true },
      startedAt: { type: DataTypes.DATE(3), allowNull: true },
      finishedAt: { type: DataTypes.DATE(3), allowNull: true },
      ...times,
    },
    { tableName: 'contact_imports', underscored: true },
  );
  const ContactImportError = sequelize.define<ContactImportErrorInstance>(
    'ContactImportError',
    {
      id: { type: DataTypes.BIGINT, autoIncrement: true, primaryKey: true },
      tenantId: { type: DataTypes.INTEGER, allowNull: false },
      importId: { type: DataTypes.INTEGER, allowNull: false },
      rowNumber: { type: DataTypes.INTEGER, allowNull: false },
      columnName: { type: DataTypes.STRING(255), allowNull: true },
      value: { type: DataTypes.STRING(255), allowNull: true },
      message: { type: DataTypes.STRING(500), allowNull: false },
    },
    { tableName: 'contact_import_errors', underscored: true, timestamps: false },
  );
  return {
    Contact,
    ContactAttribute,
    ContactAttributeValue,
    Tag,
    ContactTag,
    ContactNote,
    Segment,
    ContactImport,
    ContactImportError,
  };
}
