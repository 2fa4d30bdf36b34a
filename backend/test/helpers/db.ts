// Gives each test its own empty database: a temporary SQLite file by default, or a freshly created
// MySQL/MariaDB database on the server named by DATABASE_URL (dropped again by cleanup()).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import crypto from 'node:crypto';
import mysql from 'mysql2/promise';

export const TEST_DIALECT: 'sqlite' | 'mysql' = (process.env.DATABASE_URL ?? '').startsWith('mysql') ? 'mysql' : 'sqlite';

export interface FreshDatabase {
  url: string;
  dataDir: string;
  cleanup(): Promise<void>;
}

export async function freshDatabase(): Promise<FreshDatabase> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'wa-test-'));
  if (TEST_DIALECT === 'sqlite') {
    const url = `sqlite:${path.join(dataDir, 'test.sqlite')}`;
    return { url, dataDir, cleanup: async () => fs.rmSync(dataDir, { recursive: true, force: true }) };
  }
  const base = new URL(process.env.DATABASE_URL!);
  const name = `wa_test_${crypto.randomBytes(5).toString('hex')}`;
  const admin = await mysql.createConnection({
    host: base.hostname,
    port: Number(base.port || 3306),
    user: decodeURIComponent(base.username),
    password: decodeURIComponent(base.password),
  });
  await admin.query(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
  await admin.end();
  const url = new URL(base.href);
  url.pathname = `/${name}`;
  return {
    url: url.href,
    dataDir,
    cleanup: async () => {
      const c = await mysql.createConnection({
        host: base.hostname,
        port: Number(base.port || 3306),
        user: decodeURIComponent(base.username),
        password: decodeURIComponent(base.password),
      });
      await c.query(`DROP DATABASE IF EXISTS \`${name}\``);
      await c.end();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
