import { DataTypes, type Model, type Optional, type Sequelize } from 'sequelize';

export interface UserAttrs {
  id: number;
  email: string;
  name: string;
  passwordHash: string | null;
  isSuperAdmin: boolean;
  failedLogins: number;
  lockedUntil: Date | null;
  lastLoginAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}
export type UserCreation = Optional<
  UserAttrs,
  'id' | 'name' | 'passwordHash' | 'isSuperAdmin' | 'failedLogins' | 'lockedUntil' | 'lastLoginAt' | 'createdAt' | 'updatedAt'
>;
export interface UserInstance extends Model<UserAttrs, UserCreation>, UserAttrs {}

export function defineUser(sequelize: Sequelize) {
  return sequelize.define<UserInstance>(
    'User',
    {
      id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true },
      email: { type: DataTypes.STRING(254), allowNull: false, unique: true },
      name: { type: DataTypes.STRING(120), allowNull: false, defaultValue: '' },
      passwordHash: { type: DataTypes.STRING(255), allowNull: true },
      isSuperAdmin: { type: DataTypes.BOOLEAN, allowNull: false, defaultValue: false },
      failedLogins: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
      lockedUntil: { type: DataTypes.DATE(3), allowNull: true },
      lastLoginAt: { type: DataTypes.DATE(3), allowNull: true },
      createdAt: { type: DataTypes.DATE(3), allowNull: false },
      updatedAt: { type: DataTypes.DATE(3), allowNull: false },
    },
    { tableName: 'users', underscored: true },
  );
}
