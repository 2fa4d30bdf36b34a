import { DataTypes, type Model, type Optional, type Sequelize } from 'sequelize';
import type { TenantRole } from '../../http/permissions.ts';

export interface ApiTokenAttrs {
  id: number;
  tenantId: number;
  name: string;
  role: TenantRole;
  /** sha256 of the token: the token itself is shown once and never stored. */
  tokenHash: string;
  prefix: string;
  createdBy: number | null;
  lastUsedAt: Date | null;
  expiresAt: Date | null;
  revokedAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}
export type ApiTokenCreation = Optional<
  ApiTokenAttrs,
  'id' | 'createdBy' | 'lastUsedAt' | 'expiresAt' | 'revokedAt' | 'createdAt' | 'updatedAt'
>;
export interface ApiTokenInstance extends Model<ApiTokenAttrs, ApiTokenCreation>, ApiTokenAttrs {}

export function defineApiToken(sequelize: Sequelize) {
  return sequelize.define<ApiTokenInstance>(
    'ApiToken',
    {
      id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true },
      tenantId: { type: DataTypes.INTEGER, allowNull: false },
      name: { type: DataTypes.STRING(120), allowNull: false },
      role: { type: DataTypes.STRING(16), allowNull: false },
      tokenHash: { type: DataTypes.STRING(64), allowNull: false, unique: true },
      prefix: { type: DataTypes.STRING(16), allowNull: false },
      createdBy: { type: DataTypes.INTEGER, allowNull: true },
      lastUsedAt: { type: DataTypes.DATE(3), allowNull: true },
      expiresAt: { type: DataTypes.DATE(3), allowNull: true },
      revokedAt: { type: DataTypes.DATE(3), allowNull: true },
      createdAt: { type: DataTypes.DATE(3), allowNull: false },
      updatedAt: { type: DataTypes.DATE(3), allowNull: false },
    },
    { tableName: 'api_tokens', underscored: true },
  );
}
