import crypto from 'node:crypto';
import { DataTypes, type Model, type Optional, type Sequelize } from 'sequelize';

export function newPublishableKey(): string {
  return `wpk_${crypto.randomBytes(18).toString('base64url')}`;
}

export const TENANT_STATUSES = ['active', 'suspended'] as const;
export type TenantStatus = (typeof TENANT_STATUSES)[number];

export interface TenantAttrs {
  id: number;
  name: string;
  slug: string;
  status: TenantStatus;
  plan: string;
  allowedOrigins: string[];
  /** Public identifier for visitor-facing widgets; useless without an allowed Origin. */
  publishableKey: string;
  suspendedAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}
export type TenantCreation = Optional<
  TenantAttrs,
  'id' | 'status' | 'plan' | 'allowedOrigins' | 'publishableKey' | 'suspendedAt' | 'createdAt' | 'updatedAt'
>;
export interface TenantInstance extends Model<TenantAttrs, TenantCreation>, TenantAttrs {}

export function defineTenant(sequelize: Sequelize) {
  return sequelize.define<TenantInstance>(
    'Tenant',
    {
      id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true },
      name: { type: DataTypes.STRING(120), allowNull: false },
      slug: { type: DataTypes.STRING(63), allowNull: false, unique: true },
      status: { type: DataTypes.STRING(16), allowNull: false, defaultValue: 'active' },
      plan: { type: DataTypes.STRING(32), allowNull: false, defaultValue: 'free' },
      allowedOrigins: {
        type: DataTypes.TEXT,
        allowNull: false,
        defaultValue: '[]',
        get() {
          const raw = this.getDataValue('allowedOrigins') as unknown;
          return typeof raw === 'string' ? (JSON.parse(raw) as string[]) : ((raw as string[]) ?? []);
        },
        set(v: string[]) {
          this.setDataValue('allowedOrigins', JSON.stringify(v ?? []) as unknown as string[]);
        },
      },
      publishableKey: { type: DataTypes.STRING(40), allowNull: false, unique: true, defaultValue: newPublishableKey },
      suspendedAt: { type: DataTypes.DATE(3), allowNull: true },
      createdAt: { type: DataTypes.DATE(3), allowNull: false },
      updatedAt: { type: DataTypes.DATE(3), allowNull: false },
    },
    { tableName: 'tenants', underscored: true },
  );
}
