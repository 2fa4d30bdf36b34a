import { expect } from 'chai';
import { EncryptionService, parseKeys, generateKeySpec } from '../../src/security/encryption.ts';
import { rotateKeys } from '../../src/security/rotate.ts';
import { startPlatform, TEST_KEYS, type TestPlatform } from '../helpers/platform.ts';
import { createTenantGraph, type TenantGraph } from '../factories/tenant-graph.ts';
import { loadConfig } from '../../src/config.ts';
import { createPlatform } from '../../src/platform.ts';

describe('encryption service', () => {
  const enc = new EncryptionService(parseKeys(generateKeySpec('a')));

  it('round-trips a secret with a fresh nonce each time', () => {
    const x = enc.encrypt('EAAG-token-123', 'ctx');
    const y = enc.encrypt('EAAG-token-123', 'ctx');
    expect(x).to.not.equal(y);
    expect(x).to.not.include('EAAG');
    expect(x.split(':')[1]).to.equal('a');
    expect(enc.decrypt(x, 'ctx')).to.equal('EAAG-token-123');
  });

  it('detects tampering and a value moved to another column', () => {
    const x = enc.encrypt('secret', 'credentials.ciphertext');
    const parts = x.split(':');
    const ct = Buffer.from(parts[4], 'base64url');
    ct[0] ^= 1;
    parts[4] = ct.toString('base64url');
    expect(() => enc.decrypt(parts.join(':'), 'credentials.ciphertext')).to.throw(/failed authentication/);
    expect(() => enc.decrypt(x, 'channels.token')).to.throw(/failed authentication/);
  });

  it('decrypts with an older key after a new primary is added', () => {
    const oldSpec = generateKeySpec('old');
    const before = new EncryptionService(parseKeys(oldSpec)).encrypt('v', 'c');
    const after = new EncryptionService(parseKeys(`${generateKeySpec('new')},${oldSpec}`));
    expect(after.decrypt(before, 'c')).to.equal('v');
    expect(after.keyIdOf(after.encrypt('v', 'c'))).to.equal('new');
    expect(() => new EncryptionService(parseKeys(generateKeySpec('other'))).decrypt(before, 'c')).to.throw(/not configured/);
  });

  it('rejects malformed key configuration with a clear message', () => {
    expect(() => parseKeys('nokey')).to.throw(/id:base64key/);
    expect(() => parseKeys('k1:' + Buffer.alloc(16).toString('base64'))).to.throw(/32 bytes/);
    expect(() => parseKeys(`${generateKeySpec('k')},${generateKeySpec('k')}`)).to.throw(/duplicate/);
  });
});

describe('secrets at rest and key rotation', () => {
  let tp: TestPlatform;
  let g: TenantGraph;
  before(async () => {
    tp = await startPlatform();
    g = await createTenantGraph(tp);
  });
  after(async () => tp.stop());

  it('stores credentials encrypted, never returns them, never logs them', async () => {
    const secret = 'EAAGm0PX4ZCpsBA-super-secret-token';
    const res = await g.users.admin.client.put('/api/v1/credentials/whatsapp-token', { value: secret });
    expect(res.status).to.equal(200);
    expect(res.body).to.deep.include({ name: 'whatsapp-token', configured: true, keyId: 'test1' });
    expect(res.text).to.not.include(secret);
    const [rows] = await tp.platform.sequelize.query('SELECT ciphertext FROM credentials');
    expect(JSON.stringify(rows)).to.not.include(secret);
    expect((await g.users.admin.client.get('/api/v1/credentials')).text).to.not.include(secret);
    // A bad request carrying the secret must not echo it back either.
    const bad = await g.users.admin.client.put('/api/v1/credentials/BAD NAME', { value: secret });
    expect(bad.status).to.equal(400);
    expect(bad.text).to.not.include(secret);
    expect(tp.logs.join('')).to.not.include(secret);
    expect(await tp.platform.services.credentials.reveal(g.tenantId, 'whatsapp-token')).to.equal(secret);
  });

  it('never logs passwords, session cookies or tokens', async () => {
    const c = tp.client();
    await c.post('/api/v1/auth/login', { email: g.users.admin.email, password: 'a wrong password here' });
    const token = (await g.users.admin.client.post('/api/v1/api-tokens', { name: 'log check', role: 'agent' })).body.token;
    await tp.client().bearer(token).get('/api/v1/tenant');
    const session = g.users.admin.client.cookie!.split('=')[1];
    const all = tp.logs.join('');
    expect(all.length).to.be.greaterThan(1000);
    expect(all).to.not.include('a wrong password here');
    expect(all).to.not.include(token);
    expect(all).to.not.include(session);
    expect(all).to.not.include(TEST_KEYS.split(':')[1]);
  });

  it('rotates every secret onto a new key so the old key can be removed', async () => {
    await g.users.admin.client.put('/api/v1/credentials/app-secret', { value: 'rotate-me-please' });
    const newKeys = `${generateKeySpec('test2')},${TEST_KEYS}`;
    const enc = new EncryptionService(parseKeys(newKeys));
    const report = await rotateKeys(tp.platform.sequelize, enc, 1);
    expect(report.reencrypted).to.be.at.least(2);
    expect(report.remainingKeyIds).to.deep.equal(['test2']);
    const again = await rotateKeys(tp.platform.sequelize, enc);
    expect(again.reencrypted).to.equal(0);

    // A platform started with only the new key reads every secret.
    await tp.platform.stop();
    const env = { NODE_ENV: 'test', PORT: '0', DATABASE_URL: tp.db.url, DATA_DIR: tp.db.dataDir, LOG_LEVEL: 'silent', DEMO: '0' };
    const config = loadConfig({ ...env, ENCRYPTION_KEYS: newKeys.split(',')[0] });
    const p2 = await createPlatform(config, { announce: () => undefined });
    try {
      expect(await p2.services.credentials.reveal(g.tenantId, 'app-secret')).to.equal('rotate-me-please');
      const row = await p2.models.Credential.findOne({ where: { tenantId: g.tenantId, name: 'app-secret' } });
      expect(row!.keyId).to.equal('test2');
    } finally {
      await p2.stop();
    }
    // restart the shared platform for after() to stop cleanly
    tp.platform = await createPlatform(loadConfig({ ...env, ENCRYPTION_KEYS: newKeys }), { announce: () => undefined });
  });

  it('generates a key into the data directory when none is configured', async () => {
    const { freshDatabase } = await import('../helpers/db.ts');
    const db = await freshDatabase();
    const lines: string[] = [];
    const { Writable } = await import('node:stream');
    const cfg = loadConfig({
      NODE_ENV: 'test',
      PORT: '0',
      DATABASE_URL: db.url,
      DATA_DIR: db.dataDir,
      LOG_LEVEL: 'warn',
      DEMO: '0',
    });
    const p = await createPlatform(cfg, {
      announce: () => undefined,
      logStream: new Writable({ write: (c, _e, cb) => (lines.push(String(c)), cb()) }),
    });
    try {
      const fs = await import('node:fs');
      const keyFile = `${db.dataDir}/encryption.key`;
      expect(fs.existsSync(keyFile)).to.equal(true);
      expect(fs.statSync(keyFile).mode & 0o077).to.equal(0);
      expect(lines.join('')).to.match(/ENCRYPTION_KEYS is not set/);
      expect(lines.join('')).to.not.include(fs.readFileSync(keyFile, 'utf8').trim().split(':')[1]);
    } finally {
      await p.stop();
      await db.cleanup();
    }
  });
});
