import { DataTypes, type Model, type Optional, type Sequelize } from 'sequelize';
import type { TenantRole } from '../../http/permissions.ts';

export interface MembershipAttrs {
  id: number;
  tenantId: number;
  userId: number;
  role: TenantRole;
  createdAt: Date;
  updatedAt: Date;
}
export type MembershipCreation = Optional<MembershipAttrs, 'id' | 'createdAt' | 'updatedAt'>;
export interface MembershipInstance extends Model<MembershipAttrs, MembershipCreation>, MembershipAttrs {}

export function defineMembership(sequelize: Sequelize) {
  return sequelize.define<MembershipInstance>(
    'Membership',
    {
      id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true },
      tenantId: { type: DataTypes.INTEGER, allowNull: false },
      userId: { type: DataTypes.INTEGER, allowNull: false },
      role: { type: DataTypes.STRING(16), allowNull: false },
      createdAt: { type: DataTypes.DATE(3), allowNull: false },
      updatedAt: { type: DataTypes.DATE(3), allowNull: false },
    },
    { tableName: 'memberships', underscored: true },
  );
}
