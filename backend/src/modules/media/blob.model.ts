import { DataTypes, type Model, type Optional, type Sequelize } from 'sequelize';

/** A stored file (uploaded by an agent or downloaded from WhatsApp); the bytes live in the blob store. */
export interface BlobAttrs {
  id: number;
  tenantId: number;
  storageKey: string;
  mime: string;
  size: number;
  sha256: string;
  filename: string | null;
  createdByUserId: number | null;
  createdAt: Date;
}
export interface BlobInstance
  extends Model<BlobAttrs, Optional<BlobAttrs, 'id' | 'filename' | 'createdByUserId' | 'createdAt'>>, BlobAttrs {}

export function defineBlob(sequelize: Sequelize) {
  return sequelize.define<BlobInstance>(
    'Blob',
    {
      id: { type: DataTypes.BIGINT, autoIncrement: true, primaryKey: true },
      tenantId: { type: DataTypes.INTEGER, allowNull: false },
      storageKey: { type: DataTypes.STRING(255), allowNull: false },
      mime: { type: DataTypes.STRING(100), allowNull: false },
      size: { type: DataTypes.BIGINT, allowNull: false },
      sha256: { type: DataTypes.STRING(64), allowNull: false },
      filename: { type: DataTypes.STRING(255), allowNull: true },
      createdByUserId: { type: DataTypes.INTEGER, allowNull: true },
      createdAt: { type: DataTypes.DATE(3), allowNull: false },
    },
    { tableName: 'blobs', underscored: true, updatedAt: false },
  );
}
