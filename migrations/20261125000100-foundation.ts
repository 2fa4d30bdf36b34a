// Tenants, people, sessions, API tokens, encrypted credentials and the append-only audit log.
import { DataTypes } from 'sequelize';
import type { MigrationFn } from '../backend/src/db/migrate.ts';

const ts = () => ({ type: DataTypes.DATE(3), allowNull: false });
const id = () => ({ type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true, allowNull: false });
const tenantFk = (allowNull = false) => ({
  type: DataTypes.INTEGER,
  allowNull,
  references: { model: 'tenants', key: 'id' },
  onDelete: 'CASCADE',
});
const userFk = (allowNull = false, onDelete = 'CASCADE') => ({
  type: DataTypes.INTEGER,
  allowNull,
  references: { model: 'users', key: 'id' },
  onDelete,
});

export const up: MigrationFn = async ({ context: qi }) => {
  await qi.createTable('tenants', {
    id: id(),
    name: { type: DataTypes.STRING(120), allowNull: false },
    slug: { type: DataTypes.STRING(63), allowNull: false, unique: true },
    status: { type: DataTypes.STRING(16), allowNull: false, defaultValue: 'active' },
    plan: { type: DataTypes.STRING(32), allowNull: false, defaultValue: 'free' },
    allowed_origins: { type: DataTypes.TEXT, allowNull: false, defaultValue: '[]' },
    suspended_at: { type: DataTypes.DATE(3), allowNull: true },
    created_at: ts(),
    updated_at: ts(),
  });

  await qi.createTable('users', {
    id: id(),
    email: { type: DataTypes.STRING(254), allowNull: false, unique: true },
    name: { type: DataTypes.STRING(120), allowNull: false, defaultValue: '' },
    password_hash: { type: DataTypes.STRING(255), allowNull: true },
    is_super_admin: { type: DataTypes.BOOLEAN, allowNull: false, defaultValue: false },
    failed_logins: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
    locked_until: { type: DataTypes.DATE(3), allowNull: true },
    last_login_at: { type: DataTypes.DATE(3), allowNull: true },
    created_at: ts(),
    updated_at: ts(),
  });

  await qi.createTable('memberships', {
    id: id(),
    tenant_id: tenantFk(),
    user_id: userFk(),
    role: { type: DataTypes.STRING(16), allowNull: false },
    created_at: ts(),
    updated_at: ts(),
  });
  await qi.addIndex('memberships', ['tenant_id', 'user_id'], { unique: true, name: 'memberships_tenant_user' });
  await qi.addIndex('memberships', ['user_id'], { name: 'memberships_user' });

  await qi.createTable('sessions', {
    id: { type: DataTypes.STRING(64), primaryKey: true, allowNull: false },
    user_id: userFk(),
    ip: { type: DataTypes.STRING(64), allowNull: true },
    user_agent: { type: DataTypes.STRING(255), allowNull: true },
    expires_at: ts(),
    created_at: ts(),
    updated_at: ts(),
  });
  await qi.addIndex('sessions', ['user_id'], { name: 'sessions_user' });
  await qi.addIndex('sessions', ['expires_at'], { name: 'sessions_expires' });

  await qi.createTable('api_tokens', {
    id: id(),
    tenant_id: tenantFk(),
    name: { type: DataTypes.STRING(120), allowNull: false },
    role: { type: DataTypes.STRING(16), allowNull: false },
    token_hash: { type: DataTypes.STRING(64), allowNull: false, unique: true },
    prefix: { type: DataTypes.STRING(16), allowNull: false },
    created_by: userFk(true, 'SET NULL'),
    last_used_at: { type: DataTypes.DATE(3), allowNull: true },
    expires_at: { type: DataTypes.DATE(3), allowNull: true },
    revoked_at: { type: DataTypes.DATE(3), allowNull: true },
    created_at: ts(),
    updated_at: ts(),
  });
  await qi.addIndex('api_tokens', ['tenant_id'], { name: 'api_tokens_tenant' });

  await qi.createTable('credentials', {
    id: id(),
    tenant_id: tenantFk(),
    name: { type: DataTypes.STRING(64), allowNull: false },
    ciphertext: { type: DataTypes.TEXT, allowNull: false },
    key_id: { type: DataTypes.STRING(64), allowNull: false },
    updated_by: userFk(true, 'SET NULL'),
    created_at: ts(),
    updated_at: ts(),
  });
  await qi.addIndex('credentials', ['tenant_id', 'name'], { unique: true, name: 'credentials_tenant_name' });

  await qi.createTable('setup_tokens', {
    id: id(),
    token_hash: { type: DataTypes.STRING(64), allowNull: false, unique: true },
    expires_at: ts(),
    used_at: { type: DataTypes.DATE(3), allowNull: true },
    created_at: ts(),
  });

  await qi.createTable('audit_logs', {
    id: { type: DataTypes.BIGINT, autoIncrement: true, primaryKey: true, allowNull: false },
    tenant_id: { type: DataTypes.INTEGER, allowNull: true },
    actor_type: { type: DataTypes.STRING(16), allowNull: false },
    actor_id: { type: DataTypes.INTEGER, allowNull: true },
    actor_label: { type: DataTypes.STRING(254), allowNull: true },
    action: { type: DataTypes.STRING(64), allowNull: false },
    target_type: { type: DataTypes.STRING(32), allowNull: true },
    target_id: { type: DataTypes.STRING(64), allowNull: true },
    ip: { type: DataTypes.STRING(64), allowNull: true },
    meta: { type: DataTypes.TEXT, allowNull: true },
    created_at: ts(),
  });
  await qi.addIndex('audit_logs', ['tenant_id', 'id'], { name: 'audit_logs_tenant_id' });
  await qi.addIndex('audit_logs', ['action'], { name: 'audit_logs_action' });

  // Append-only is enforced by the database itself, not only by the model: no code path (nor a
  // hand-written UPDATE) can rewrite history. Tenant deletion does not cascade here on purpose.
  const dialect = qi.sequelize.getDialect();
  if (dialect === 'sqlite') {
    await qi.sequelize.query(
      `CREATE TRIGGER audit_logs_no_update BEFORE UPDATE ON audit_logs BEGIN SELECT RAISE(ABORT, 'audit_logs is append-only'); END;`,
    );
    await qi.sequelize.query(
      `CREATE TRIGGER audit_logs_no_delete BEFORE DELETE ON audit_logs BEGIN SELECT RAISE(ABORT, 'audit_logs is append-only'); END;`,
    );
  } else if (dialect === 'mysql') {
    await qi.sequelize.query(
      `CREATE TRIGGER audit_logs_no_update BEFORE UPDATE ON audit_logs FOR EACH ROW SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'audit_logs is append-only'`,
    );
    await qi.sequelize.query(
      `CREATE TRIGGER audit_logs_no_delete BEFORE DELETE ON audit_logs FOR EACH ROW SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'audit_logs is append-only'`,
    );
  }
};

export const down: MigrationFn = async ({ context: qi }) => {
  for (const t of ['audit_logs', 'setup_tokens', 'credentials', 'api_tokens', 'sessions', 'memberships', 'users', 'tenants']) {
    await qi.dropTable(t);
  }
};
