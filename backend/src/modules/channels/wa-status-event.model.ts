import { DataTypes, type Model, type Optional, type Sequelize } from 'sequelize';

/** One (message, status) pair as WhatsApp reported it; the unique index makes duplicates no-ops. */
export interface WaStatusEventAttrs {
  id: number;
  tenantId: number;
  channelId: number;
  wamid: string;
  status: string;
  occurredAt: Date;
  payload: string;
  createdAt: Date;
}
export type WaStatusEventCreation = Optional<WaStatusEventAttrs, 'id' | 'createdAt'>;
export interface WaStatusEventInstance extends Model<WaStatusEventAttrs, WaStatusEventCreation>, WaStatusEventAttrs {}

export function defineWaStatusEvent(sequelize: Sequelize) {
  return sequelize.define<WaStatusEventInstance>(
    'WaStatusEvent',
    {
      id: { type: DataTypes.BIGINT, autoIncrement: true, primaryKey: true },
      tenantId: { type: DataTypes.INTEGER, allowNull: false },
      channelId: { type: DataTypes.INTEGER, allowNull: false },
      wamid: { type: DataTypes.STRING(191), allowNull: false },
      status: { type: DataTypes.STRING(12), allowNull: false },
      occurredAt: { type: DataTypes.DATE(3), allowNull: false },
      payload: { type: DataTypes.TEXT, allowNull: false },
      createdAt: { type: DataTypes.DATE(3), allowNull: false },
    },
    { tableName: 'wa_status_events', underscored: true, updatedAt: false },
  );
}
