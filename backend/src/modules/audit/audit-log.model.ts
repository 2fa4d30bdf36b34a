import { DataTypes, type Model, type Optional, type Sequelize } from 'sequelize';

export interface AuditLogAttrs {
  id: number;
  tenantId: number | null;
  actorType: 'user' | 'api_token' | 'embed' | 'visitor' | 'system' | 'anonymous';
  actorId: number | null;
  actorLabel: string | null;
  action: string;
  targetType: string | null;
  targetId: string | null;
  ip: string | null;
  meta: Record<string, unknown> | null;
  createdAt: Date;
}
export type AuditLogCreation = Optional<
  AuditLogAttrs,
  'id' | 'tenantId' | 'actorId' | 'actorLabel' | 'targetType' | 'targetId' | 'ip' | 'meta' | 'createdAt'
>;
export interface AuditLogInstance extends Model<AuditLogAttrs, AuditLogCreation>, AuditLogAttrs {}

const appendOnly = () => {
  throw new Error('audit_logs is append-only');
};

export function defineAuditLog(sequelize: Sequelize) {
  return sequelize.define<AuditLogInstance>(
    'AuditLog',
    {
      id: { type: DataTypes.BIGINT, autoIncrement: true, primaryKey: true },
      tenantId: { type: DataTypes.INTEGER, allowNull: true },
      actorType: { type: DataTypes.STRING(16), allowNull: false },
      actorId: { type: DataTypes.INTEGER, allowNull: true },
      actorLabel: { type: DataTypes.STRING(254), allowNull: true },
      action: { type: DataTypes.STRING(64), allowNull: false },
      targetType: { type: DataTypes.STRING(32), allowNull: true },
      targetId: { type: DataTypes.STRING(64), allowNull: true },
      ip: { type: DataTypes.STRING(64), allowNull: true },
      meta: {
        type: DataTypes.TEXT,
        allowNull: true,
        get() {
          const raw = this.getDataValue('meta') as unknown;
          return typeof raw === 'string'
            ? (JSON.parse(raw) as Record<string, unknown>)
            : ((raw as Record<string, unknown>) ?? null);
        },
        set(v: Record<string, unknown> | null) {
          this.setDataValue('meta', (v == null ? null : JSON.stringify(v)) as unknown as Record<string, unknown>);
        },
      },
      createdAt: { type: DataTypes.DATE(3), allowNull: false },
    },
    {
      tableName: 'audit_logs',
      underscored: true,
      updatedAt: false,
      // The database refuses UPDATE and DELETE too; these hooks give a clear error before the round trip.
      hooks: { beforeUpdate: appendOnly, beforeDestroy: appendOnly, beforeBulkUpdate: appendOnly, beforeBulkDestroy: appendOnly },
    },
  );
}
