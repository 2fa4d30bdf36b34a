// Starts the product the way `npm start` does (a separate Node process running backend/src/server.ts)
// and checks that it runs on Node 24+, serves /healthz and shuts down gracefully on SIGTERM.
import { expect } from 'chai';
import { spawn } from 'node:child_process';
import { freePort } from '../helpers/platform.ts';
import { freshDatabase } from '../helpers/db.ts';

describe('server process', function () {
  this.timeout(60_000);

  it('boots on the configured database, prints its Node version, serves /healthz and stops on SIGTERM', async () => {
    const db = await freshDatabase();
    const port = await freePort();
    const child = spawn(process.execPath, ['backend/src/server.ts'], {
      env: {
        ...process.env,
        PORT: String(port),
        DATABASE_URL: db.url,
        DATA_DIR: db.dataDir,
        LOG_LEVEL: 'info',
        DEMO: '1',
        ADMIN_EMAIL: '',
        ADMIN_PASSWORD: '',
        ENCRYPTION_KEYS: '',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d) => (out += String(d)));
    child.stderr.on('data', (d) => (out += String(d)));
    try {
      const deadline = Date.now() + 30_000;
      let health: { status: string; db: { dialect: string } } | null = null;
      while (Date.now() < deadline) {
        try {
          const res = await fetch(`http://127.0.0.1:${port}/healthz`);
          health = (await res.json()) as typeof health;
          break;
        } catch {
          await new Promise((r) => setTimeout(r, 200));
        }
      }
      expect(health, out).to.not.equal(null);
      expect(health!.status).to.equal('ok');
      expect(out).to.match(/Node v2[4-9]\./);
      expect(out).to.match(/\/setup#token=/);
      const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
      child.kill('SIGTERM');
      expect(await exited).to.equal(0);
      expect(out).to.include('stopped');
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
      await db.cleanup();
    }
  });
});

describe('command-line tools', function () {
  this.timeout(60_000);

  const run = (args: string[], env: Record<string, string>) =>
    new Promise<{ code: number | null; out: string }>((resolve) => {
      const child = spawn(process.execPath, args, {
        env: { ...process.env, LOG_LEVEL: 'warn', ...env },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let out = '';
      child.stdout.on('data', (d) => (out += String(d)));
      child.stderr.on('data', (d) => (out += String(d)));
      child.once('exit', (code) => resolve({ code, out }));
    });

  it('npm run migrate applies every migration and reports nothing pending', async () => {
    const db = await freshDatabase();
    try {
      const first = await run(['backend/src/cli/migrate.ts'], { DATABASE_URL: db.url, DATA_DIR: db.dataDir });
      expect(first.code, first.out).to.equal(0);
      const report = JSON.parse(first.out.trim().split('\n').pop()!);
      expect(report.applied.length).to.be.at.least(2);
      expect(report.pending).to.deep.equal([]);
      const second = await run(['backend/src/cli/migrate.ts'], { DATABASE_URL: db.url, DATA_DIR: db.dataDir });
      expect(JSON.parse(second.out.trim().split('\n').pop()!).applied).to.deep.equal([]);
    } finally {
      await db.cleanup();
    }
  });

  it('npm run keys:rotate moves secrets to the newest key and says which old keys can go', async () => {
    const db = await freshDatabase();
    const { createPlatform } = await import('../../src/platform.ts');
    const { loadConfig } = await import('../../src/config.ts');
    const { generateKeySpec } = await import('../../src/security/encryption.ts');
    const oldKey = generateKeySpec('old');
    const newKey = generateKeySpec('new');
    const base = { NODE_ENV: 'test', PORT: '0', DATABASE_URL: db.url, DATA_DIR: db.dataDir, LOG_LEVEL: 'silent', DEMO: '0' };
    const p = await createPlatform(loadConfig({ ...base, ENCRYPTION_KEYS: oldKey }), { announce: () => undefined });
    const t = await p.models.Tenant.create({ name: 'R', slug: 'r' });
    const ctx = {
      tenantId: t.id,
      role: 'admin' as const,
      principal: { kind: 'session' as const, userId: null, label: 't', isSuperAdmin: false, tenantId: null, tokenRole: null },
      ip: null,
    };
    await p.services.credentials.set(ctx, 'token', 'secret-to-rotate');
    await p.stop();
    try {
      const gen = await run(['backend/src/cli/rotate-keys.ts', '--generate'], {});
      expect(gen.out).to.match(/^k\d{8}:[A-Za-z0-9+/=]{44}$/m);
      const res = await run(['backend/src/cli/rotate-keys.ts'], {
        DATABASE_URL: db.url,
        DATA_DIR: db.dataDir,
        ENCRYPTION_KEYS: `${newKey},${oldKey}`,
      });
      expect(res.code, res.out).to.equal(0);
      expect(res.out).to.include('"reencrypted":1');
      expect(res.out).to.match(/safe to remove from ENCRYPTION_KEYS: old/);
      expect(res.out).to.not.include('secret-to-rotate');
      const p2 = await createPlatform(loadConfig({ ...base, ENCRYPTION_KEYS: newKey }), { announce: () => undefined });
      try {
        expect(await p2.services.credentials.reveal(t.id, 'token')).to.equal('secret-to-rotate');
        expect(await p2.models.AuditLog.count({ where: { action: 'encryption.keys_rotated' } })).to.equal(1);
      } finally {
        await p2.stop();
      }
    } finally {
      await db.cleanup();
    }
  });
});
