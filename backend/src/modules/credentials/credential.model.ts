import { DataTypes, type Model, type Optional, type Sequelize } from 'sequelize';

export interface CredentialAttrs {
  id: number;
  tenantId: number;
  name: string;
  /** AES-256-GCM envelope from the encryption service; never serialised to a response. */
  ciphertext: string;
  keyId: string;
  updatedBy: number | null;
  createdAt: Date;
  updatedAt: Date;
}
export type CredentialCreation = Optional<CredentialAttrs, 'id' | 'updatedBy' | 'createdAt' | 'updatedAt'>;
export interface CredentialInstance extends Model<CredentialAttrs, CredentialCreation>, CredentialAttrs {}

export function defineCredential(sequelize: Sequelize) {
  return sequelize.define<CredentialInstance>(
    'Credential',
    {
      id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true },
      tenantId: { type: DataTypes.INTEGER, allowNull: false },
      name: { type: DataTypes.STRING(64), allowNull: false },
      ciphertext: { type: DataTypes.TEXT, allowNull: false },
      keyId: { type: DataTypes.STRING(64), allowNull: false },
      updatedBy: { type: DataTypes.INTEGER, allowNull: true },
      createdAt: { type: DataTypes.DATE(3), allowNull: false },
      updatedAt: { type: DataTypes.DATE(3), allowNull: false },
    },
    { tableName: 'credentials', underscored: true },
  );
}
