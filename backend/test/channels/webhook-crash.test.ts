// Nothing acknowledged is ever lost: a server process is killed (SIGKILL) in the middle of a burst
// of webhooks, before it processed any of them; a new instance on the same database processes
// every event that was answered 200, once.
import { spawn, type ChildProcess } from 'node:child_process';
import { expect } from 'chai';
import { freePort, startPlatform, TEST_KEYS } from '../helpers/platform.ts';
import { freshDatabase } from '../helpers/db.ts';
import { envelope, INBOUND_MESSAGES } from './fixtures.ts';
import { sign, waitFor } from './helpers.ts';

const APP_ID = '777000000000001';
const APP_SECRET = 'crash-test-app-secret-0123456789';
const PN = '1000000000777';

describe('webhook pipeline after a crash', function () {
  this.timeout(120_000);

  it('processes every acknowledged event exactly once after the receiving process was killed', async () => {
    const db = await freshDatabase();
    const port = await freePort();
    const env = {
      ...process.env,
      NODE_ENV: 'test',
      PORT: String(port),
      HOST: '127.0.0.1',
      DATABASE_URL: db.url,
      DATA_DIR: db.dataDir,
      ENCRYPTION_KEYS: TEST_KEYS,
      WHATSAPP_APP_ID: APP_ID,
      WHATSAPP_APP_SECRET: APP_SECRET,
      // This instance only receives: nothing is processed before the kill.
      JOBS_ENABLED: '0',
      DEMO: '0',
      LOG_LEVEL: 'warn',
    };
    let child: ChildProcess | null = spawn(process.execPath, ['backend/src/server.ts'], { env, stdio: 'ignore' });
    const url = `http://127.0.0.1:${port}`;
    try {
      await waitFor(async () => (await fetch(`${url}/healthz`).catch(() => null))?.ok, 30_000, 'the server to start');
      const acked: string[] = [];
      const sendOne = async (i: number) => {
        const id = `wamid.crash-${i}`;
        const body = envelope(PN, { messages: [{ ...INBOUND_MESSAGES.text, id }] });
        try {
          const res = await fetch(`${url}/webhooks/whatsapp`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', 'x-hub-signature-256': sign(body, APP_SECRET) },
            body,
          });
          if (res.status === 200) acked.push(id);
        } catch {
          // The connection died with the process: not acknowledged, so Meta would retry it.
        }
      };
      const first = await Promise.all(Array.from({ length: 50 }, (_, i) => sendOne(i)));
      expect(first).to.have.length(50);
      expect(acked).to.have.length(50);
      // A second burst is cut short by the kill.
      const burst = Promise.all(Array.from({ length: 300 }, (_, i) => sendOne(50 + i)));
      await new Promise((r) => setTimeout(r, 30));
      child.kill('SIGKILL');
      await burst;
      child = null;
      expect(acked.length).to.be.at.least(50);

      // A new instance (with the channel now connected) drains what the dead one acknowledged.
      const tp = await startPlatform({ db, env: { WHATSAPP_APP_ID: APP_ID, WHATSAPP_APP_SECRET: APP_SECRET } });
      try {
        const tenant = await tp.platform.models.Tenant.create({ name: 'Crash Shop', slug: 'crash-shop' });
        await tp.platform.models.Channel.create({
          tenantId: tenant.id,
          name: 'Crash number',
          kind: 'manual',
          phoneNumberId: PN,
          wabaId: '2000000000001',
          accessTokenEnc: tp.platform.encryption.encrypt('EAAG-crash', 'channels.access_token'),
          verifyToken: 'crash-verify-token',
        });
        tp.platform.webhooks.processor.invalidateChannels();
        tp.platform.webhooks.processor.wake();
        const stored = await tp.platform.models.WebhookEvent.count();
        expect(stored, 'every acknowledged event was on disk').to.be.at.least(acked.length);
        await waitFor(
          async () => (await tp.platform.models.WebhookEvent.count({ where: { status: 'processed' } })) === stored,
          60_000,
          'all events to be processed',
        );
        const rows = await tp.platform.models.WaMessage.findAll({ attributes: ['wamid'], raw: true });
        const wamids = rows.map((r) => r.wamid);
        expect(new Set(wamids).size, 'no message stored twice').to.equal(wamids.length);
        for (const id of acked) expect(wamids, `${id} was acknowledged`).to.include(id);
      } finally {
        await tp.stop();
      }
    } finally {
      child?.kill('SIGKILL');
      await db.cleanup();
    }
  });
});
