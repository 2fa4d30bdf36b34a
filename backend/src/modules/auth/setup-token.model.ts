import { DataTypes, type Model, type Optional, type Sequelize } from 'sequelize';

export interface SetupTokenAttrs {
  id: number;
  tokenHash: string;
  expiresAt: Date;
  usedAt: Date | null;
  createdAt: Date;
}
export type SetupTokenCreation = Optional<SetupTokenAttrs, 'id' | 'usedAt' | 'createdAt'>;
export interface SetupTokenInstance extends Model<SetupTokenAttrs, SetupTokenCreation>, SetupTokenAttrs {}

export function defineSetupToken(sequelize: Sequelize) {
  return sequelize.define<SetupTokenInstance>(
    'SetupToken',
    {
      id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true },
      tokenHash: { type: DataTypes.STRING(64), allowNull: false, unique: true },
      expiresAt: { type: DataTypes.DATE(3), allowNull: false },
      usedAt: { type: DataTypes.DATE(3), allowNull: true },
      createdAt: { type: DataTypes.DATE(3), allowNull: false },
    },
    { tableName: 'setup_tokens', underscored: true, updatedAt: false },
  );
}
