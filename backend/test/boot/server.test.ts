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
