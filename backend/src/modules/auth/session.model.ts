import { DataTypes, type Model, type Optional, type Sequelize } from 'sequelize';

export interface SessionAttrs {
  /** sha256 of the cookie value: a stolen database row cannot be replayed as a cookie. */
  id: string;
  userId: number;
  ip: string | null;
  userAgent: string | null;
  expiresAt: Date;
  createdAt: Date;
  updatedAt: Date;
}
export type SessionCreation = Optional<SessionAttrs, 'ip' | 'userAgent' | 'createdAt' | 'updatedAt'>;
export interface SessionInstance extends Model<SessionAttrs, SessionCreation>, SessionAttrs {}

export function defineSession(sequelize: Sequelize) {
  return sequelize.define<SessionInstance>(
    'Session',
    {
      id: { type: DataTypes.STRING(64), primaryKey: true },
      userId: { type: DataTypes.INTEGER, allowNull: false },
      ip: { type: DataTypes.STRING(64), allowNull: true },
      userAgent: { type: DataTypes.STRING(255), allowNull: true },
      expiresAt: { type: DataTypes.DATE(3), allowNull: false },
      createdAt: { type: DataTypes.DATE(3), allowNull: false },
      updatedAt: { type: DataTypes.DATE(3), allowNull: false },
    },
    { tableName: 'sessions', underscored: true },
  );
}
