// What the benchmark scripts share: free ports, a throwaway database (SQLite file or a fresh MySQL
// database), the real server started as a separate process (as in production), and percentiles.
import crypto from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import mysql from 'mysql2/promise';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const MYSQL_URL = process.env.BENCH_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306/test';

export const log = (...a: unknown[]) => process.stderr.write(`${a.join(' ')}\n`);
export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => {
      const p = (s.address() as { port: number }).port;
      s.close(() => resolve(p));
    });
  });
}

export async function waitHealthy(url: string) {
  for (let i = 0; i < 600; i++) {
    const ok = await fetch(url).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return;
    await sleep(100);
  }
  throw new Error(`${url} never became healthy`);
}

function mysqlConn(u: URL) {
  return {
    host: u.hostname,
    port: Number(u.port || 3306),
    user: decodeURIComponent(u.username),
    password: decodeURIComponent(u.password),
  };
}

export async function mysqlReachable(): Promise<boolean> {
  if (MYSQL_URL === 'off') return false;
  try {
    const c = await mysql.createConnection(mysqlConn(new URL(MYSQL_URL)));
    await c.end();
    return true;
  } catch {
    return false;
  }
}

export interface BenchDatabase {
  url: string;
  dataDir: string;
  drop(): Promise<void>;
}

/** An empty database for one run: a SQLite file, or a new MySQL database dropped afterwards. */
export async function benchDatabase(dialect: 'sqlite' | 'mysql'): Promise<BenchDatabase> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'wa-bench-'));
  const rmDir = () => fs.rmSync(dataDir, { recursive: true, force: true });
  if (dialect === 'sqlite') {
    return { url: `sqlite:${path.join(dataDir, 'bench.sqlite')}`, dataDir, drop: async () => rmDir() };
  }
  const base = new URL(MYSQL_URL);
  const name = `wa_bench_${crypto.randomBytes(4).toString('hex')}`;
  const admin = await mysql.createConnection(mysqlConn(base));
  await admin.query(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
  await admin.end();
  const u = new URL(base.href);
  u.pathname = `/${name}`;
  return {
    url: u.href,
    dataDir,
    async drop() {
      const c = await mysql.createConnection(mysqlConn(base));
      await c.query(`DROP DATABASE IF EXISTS \`${name}\``);
      await c.end();
      rmDir();
    },
  };
}

export interface BenchServer {
  port: number;
  url: string;
  /** The server process's pid (for /proc/<pid>/stat CPU time). */
  pid?: number;
  stop(): Promise<void>;
}

/** `node backend/src/server.ts` on a free port, waited for until /healthz answers. */
export async function startServer(db: BenchDatabase, env: Record<string, string>): Promise<BenchServer> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const child: ChildProcess = spawn(process.execPath, [path.join(ROOT, 'backend/src/server.ts')], {
    cwd: ROOT,
    env: {
      ...process.env,
      NODE_ENV: 'production',
      PORT: String(port),
      HOST: '127.0.0.1',
      PUBLIC_URL: url,
      DATABASE_URL: db.url,
      DATA_DIR: db.dataDir,
      DEMO: '0',
      LOG_LEVEL: 'warn',
      REDIS_URL: '',
      ...env,
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  await waitHealthy(`${url}/healthz`);
  return {
    port,
    url,
    pid: child.pid,
    async stop() {
      if (child.exitCode !== null) return;
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
    },
  };
}

/** The p-th percentile (0–100) of a list of numbers, rounded to 0.1. */
export function percentile(values: number[], p: number): number {
  if (values.length === 0) return NaN;
  const s = [...values].sort((x, y) => x - y);
  const v = s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)];
  return Math.round(v * 10) / 10;
}
