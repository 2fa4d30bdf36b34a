// The consent registry: an append-only, hash-chained log per tenant. Appends and verification, the
// database's refusal to change or delete entries, tampering found at the first broken entry (by the
// service, the platform operator's API and the CLI), merged contacts' history, who may do what, and
// tenant isolation.
import { spawn } from 'node:child_process';
import { expect } from 'chai';
import { startPlatform, type TestPlatform } from '../helpers/platform.ts';
import { createSuperAdmin, createTenantGraph, type TenantGraph } from '../factories/tenant-graph.ts';
import { GENESIS_HASH, entryHash } from '../../src/modules/consent/consent.service.ts';
import type { HttpClient } from '../helpers/platform.ts';

let phoneSeq = 0;
const phone = () => `+4915${String(Date.now() % 1e6).padStart(6, '0')}${String(++phoneSeq).padStart(3, '0')}`;

function runCli(args: string[], env: Record<string, string>) {
  return new Promise<{ code: number | null; out: string; lines: any[] }>((resolve) => {
    const child = spawn(process.execPath, ['backend/src/cli/consent-verify.ts', ...args], {
      env: { ...process.env, LOG_LEVEL: 'warn', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let stdout = '';
    child.stdout.on('data', (d) => {
      out += String(d);
      stdout += String(d);
    });
    child.stderr.on('data', (d) => (out += String(d)));
    child.once('exit', (code) => {
      const lines = stdout
        .split('\n')
        .filter((l) => l.startsWith('{'))
        .map((l) => JSON.parse(l));
      resolve({ code, out, lines });
    });
  });
}

describe('consent registry', function () {
  this.timeout(60_000);
  let tp: TestPlatform;
  let a: TenantGraph;
  let b: TenantGraph;
  let root: { client: HttpClient };

  const contact = async (g: TenantGraph, extra: Record<string, unknown> = {}) =>
    tp.platform.models.Contact.create({ tenantId: g.tenantId, phone: phone(), name: 'Ada', source: 'agent', ...extra });
  const consent = () => tp.platform.services.consent;

  before(async () => {
    tp = await startPlatform();
    a = await createTenantGraph(tp, 'Alpha');
    b = await createTenantGraph(tp, 'Beta');
    root = await createSuperAdmin(tp);
  });
  after(async () => tp?.stop());

  it('appends entries to a per-tenant hash chain that verifies, and moves the contact state with them', async () => {
    const c = await contact(a);
    const d = await contact(a);
    const entries = await consent().record(a.tenantId, [
      {
        contactId: Number(c.id),
        action: 'opt_in',
        source: 'form',
        proof: { url: 'https://shop.example/signup', b: 1, a: 2 },
        actor: 'system',
      },
      { contactId: Number(d.id), action: 'opt_in', source: 'import', actor: 'system' },
      { contactId: Number(c.id), action: 'opt_out', source: 'agent', actor: `user:${a.users.manager.id}` },
    ]);
    expect(entries.map((e) => Number(e.seq))).to.deep.equal([1, 2, 3]);
    expect(entries[0].prevHash).to.equal(GENESIS_HASH);
    expect(entries[1].prevHash).to.equal(entries[0].hash);
    expect(entries[2].prevHash).to.equal(entries[1].hash);
    // The proof is stored as canonical JSON (sorted keys), exactly what was hashed.
    expect(entries[0].proof).to.equal('{"a":2,"b":1,"url":"https://shop.example/signup"}');
    for (const e of entries)
      expect(e.hash)
        .to.equal(entryHash(e))
        .and.to.match(/^[0-9a-f]{64}$/);
    expect(entries[0].subject).to.equal(c.phone);

    await c.reload();
    await d.reload();
    expect(c.consentState).to.equal('opted_out');
    expect(d.consentState).to.equal('opted_in');

    // Another tenant's chain starts at 1 of its own.
    const other = await consent().record(b.tenantId, [
      { contactId: Number((await contact(b)).id), action: 'opt_in', source: 'form', actor: 'system' },
    ]);
    expect(Number(other[0].seq)).to.equal(1);
    expect(other[0].prevHash).to.equal(GENESIS_HASH);

    expect(await consent().verify(a.tenantId)).to.deep.equal({ tenantId: a.tenantId, ok: true, checked: 3, firstBroken: null });
    const api = await a.users.admin.client.get('/api/v1/consent/verify');
    expect(api.status, api.text).to.equal(200);
    expect(api.body).to.deep.equal({ tenantId: a.tenantId, ok: true, checked: 3, firstBroken: null });
  });

  it('keeps an entry older than the last change as history without moving the state back', async () => {
    const c = await contact(a);
    await consent().record(a.tenantId, [{ contactId: Number(c.id), action: 'opt_out', source: 'agent', actor: 'system' }]);
    await consent().record(a.tenantId, [
      {
        contactId: Number(c.id),
        action: 'opt_in',
        source: 'import',
        actor: 'system',
        occurredAt: new Date(Date.now() - 86_400_000),
      },
    ]);
    await c.reload();
    expect(c.consentState).to.equal('opted_out');
    const h = await a.users.manager.client.get(`/api/v1/contacts/${c.id}/consent`);
    expect(h.body.items.map((i: any) => i.action)).to.deep.equal(['opt_in', 'opt_out']);
  });

  it('gives every concurrent writer its own seq (no fork of the chain)', async () => {
    const cs = await Promise.all([1, 2, 3, 4, 5, 6].map(() => contact(a)));
    await Promise.all(
      cs.map((c, i) =>
        consent().record(a.tenantId, [
          { contactId: Number(c.id), action: i % 2 ? 'opt_in' : 'opt_out', source: 'api', actor: 'system' },
        ]),
      ),
    );
    const v = await consent().verify(a.tenantId);
    expect(v.ok, JSON.stringify(v)).to.equal(true);
  });

  it('appends several times inside one caller transaction, as an import batch does', async () => {
    const c = await contact(a);
    const d = await contact(a);
    const fresh = await createTenantGraph(tp, 'Fresh');
    const e = await contact(fresh);
    await tp.platform.sequelize.transaction(async (transaction) => {
      await consent().record(a.tenantId, [{ contactId: Number(c.id), action: 'opt_in', source: 'import', actor: 'system' }], {
        transaction,
      });
      await consent().record(a.tenantId, [{ contactId: Number(d.id), action: 'opt_out', source: 'import', actor: 'system' }], {
        transaction,
      });
      // A tenant's very first entries, too.
      await consent().record(fresh.tenantId, [{ contactId: Number(e.id), action: 'opt_in', source: 'import', actor: 'system' }], {
        transaction,
      });
      await consent().record(
        fresh.tenantId,
        [{ contactId: Number(e.id), action: 'opt_out', source: 'import', actor: 'system' }],
        { transaction },
      );
    });
    expect((await d.reload()).consentState).to.equal('opted_out');
    expect(await consent().verify(a.tenantId)).to.include({ ok: true });
    expect(await consent().verify(fresh.tenantId)).to.deep.include({ ok: true, checked: 2 });
  });

  it('the database refuses UPDATE and DELETE on consent entries, whoever issues them', async () => {
    const seq = tp.platform.sequelize;
    for (const sql of [
      `UPDATE consent_entries SET action = 'opt_in' WHERE tenant_id = ${a.tenantId}`,
      `DELETE FROM consent_entries WHERE tenant_id = ${a.tenantId}`,
    ]) {
      let failed: Error | null = null;
      try {
        await seq.query(sql);
      } catch (err) {
        failed = err as Error;
      }
      expect(failed, sql).to.be.instanceOf(Error);
      const cause = (failed as Error & { parent?: Error }).parent ?? failed!;
      expect(String(cause.message)).to.match(/append-only/);
    }
    expect(await consent().verify(a.tenantId)).to.include({ ok: true });
  });

  it('records opt-ins and opt-outs through the API with the caller as actor, audited', async () => {
    const c = await contact(a);
    const res = await a.users.manager.client.post(`/api/v1/contacts/${c.id}/consent`, {
      action: 'opt_in',
      source: 'form',
      proof: { url: 'https://shop.example/newsletter', note: 'ticked the box' },
    });
    expect(res.status, res.text).to.equal(201);
    expect(res.body).to.include({
      action: 'opt_in',
      source: 'form',
      actor: `user:${a.users.manager.id}`,
      contactId: Number(c.id),
    });
    expect(res.body.proof).to.deep.equal({ note: 'ticked the box', url: 'https://shop.example/newsletter' });

    // An API token is recorded as the integration, whatever source it claims.
    const tok = await a.users.admin.client.post('/api/v1/api-tokens', { name: 'crm', role: 'manager' });
    expect(tok.status, tok.text).to.equal(201);
    const api = tp.client().bearer(tok.body.token);
    const viaToken = await api.post(`/api/v1/contacts/${c.id}/consent`, { action: 'opt_out', source: 'agent' });
    expect(viaToken.status, viaToken.text).to.equal(201);
    expect(viaToken.body.source).to.equal('api');
    expect(viaToken.body.actor).to.equal(`api_token:${tok.body.id}`);

    const hist = await a.users.manager.client.get(`/api/v1/contacts/${c.id}/consent`);
    expect(hist.status).to.equal(200);
    expect(hist.body.state).to.equal('opted_out');
    expect(hist.body.items.map((i: any) => i.action)).to.deep.equal(['opt_out', 'opt_in']);

    const audit = await tp.platform.models.AuditLog.findAll({ where: { tenantId: a.tenantId, action: 'consent.recorded' } });
    expect(audit.map((r) => r.targetId)).to.include(String(c.id));

    const bad = await a.users.manager.client.post(`/api/v1/contacts/${c.id}/consent`, { action: 'maybe' });
    expect(bad.status).to.equal(400);
    expect(bad.body.error.code).to.equal('validation_failed');
  });

  it("shows the history of contacts merged into a contact, and recomputes the winner's state", async () => {
    const winner = await contact(a);
    const loser = await contact(a);
    const older = await contact(a);
    await consent().record(a.tenantId, [{ contactId: Number(winner.id), action: 'opt_in', source: 'form', actor: 'system' }]);
    await consent().record(a.tenantId, [{ contactId: Number(older.id), action: 'opt_in', source: 'import', actor: 'system' }]);
    await consent().record(a.tenantId, [{ contactId: Number(loser.id), action: 'opt_out', source: 'keyword', actor: 'contact' }]);
    // older → loser → winner (transitively)
    await older.update({ mergedIntoId: Number(loser.id), phone: null });
    await loser.update({ mergedIntoId: Number(winner.id), phone: null });
    await tp.platform.sequelize.transaction((t) => consent().recomputeState(a.tenantId, Number(winner.id), t));
    const res = await a.users.manager.client.get(`/api/v1/contacts/${winner.id}/consent`);
    expect(res.status, res.text).to.equal(200);
    expect(res.body.state).to.equal('opted_out');
    expect(res.body.items.map((i: any) => i.contactId)).to.deep.equal([Number(loser.id), Number(older.id), Number(winner.id)]);
    // A later entry for the merged contact lands on the winner.
    const e = await consent().record(a.tenantId, [
      { contactId: Number(older.id), action: 'opt_in', source: 'agent', actor: 'system' },
    ]);
    expect(Number(e[0].contactId)).to.equal(Number(winner.id));
  });

  it('lets managers read and record, keeps agents out, and leaves verification to admins', async () => {
    const c = await contact(a);
    for (const [method, path] of [
      ['GET', `/api/v1/contacts/${c.id}/consent`],
      ['POST', `/api/v1/contacts/${c.id}/consent`],
      ['GET', '/api/v1/consent/settings'],
      ['PUT', '/api/v1/consent/settings'],
      ['GET', '/api/v1/consent/verify'],
      ['GET', `/api/admin/consent/verify?tenant=${a.tenantId}`],
    ] as const) {
      const r = await a.users.agent.client.request(method, path, method === 'GET' ? undefined : { action: 'opt_in' });
      expect(r.status, `${method} ${path}`).to.equal(403);
    }
    expect((await a.users.manager.client.get(`/api/v1/contacts/${c.id}/consent`)).status).to.equal(200);
    expect((await a.users.manager.client.get('/api/v1/consent/settings')).status).to.equal(200);
    expect((await a.users.manager.client.get('/api/v1/consent/verify')).status).to.equal(403);
    expect((await a.users.admin.client.get('/api/v1/consent/verify')).status).to.equal(200);
    expect((await a.users.admin.client.get(`/api/admin/consent/verify?tenant=${a.tenantId}`)).status).to.equal(403);
    const op = await root.client.get(`/api/admin/consent/verify?tenant=${a.tenantId}`);
    expect(op.status, op.text).to.equal(200);
    expect(op.body.tenantId).to.equal(a.tenantId);
    expect((await root.client.get('/api/admin/consent/verify?tenant=999999')).status).to.equal(404);
    // The routes are declared (permission and schemas) in the OpenAPI document.
    const doc = await tp.client().get('/api/v1/openapi.json');
    expect(doc.status).to.equal(200);
    expect(doc.body.paths['/api/v1/contacts/{id}/consent'].post['x-permission']).to.equal('contacts.manage');
    expect(doc.body.paths['/api/v1/consent/verify'].get['x-permission']).to.equal('audit.read');
    expect(doc.body.paths['/api/admin/consent/verify'].get['x-permission']).to.equal('platform.audit');
  });

  it("keeps tenants apart: B can neither read nor record A's contact consent; settings and verification are per tenant", async () => {
    const c = await contact(a);
    await consent().record(a.tenantId, [{ contactId: Number(c.id), action: 'opt_in', source: 'form', actor: 'system' }]);
    expect((await b.users.manager.client.get(`/api/v1/contacts/${c.id}/consent`)).status).to.equal(404);
    expect((await b.users.manager.client.post(`/api/v1/contacts/${c.id}/consent`, { action: 'opt_out' })).status).to.equal(404);
    await c.reload();
    expect(c.consentState).to.equal('opted_in');

    const put = await b.users.manager.client.put('/api/v1/consent/settings', {
      optOutKeywords: [{ keyword: 'NIE WIEDER', language: 'de' }],
    });
    expect(put.status, put.text).to.equal(200);
    expect(put.body.isDefault).to.equal(false);
    expect(put.body.optOutKeywords).to.deep.equal([{ keyword: 'NIE WIEDER', language: 'de' }]);
    const mine = await a.users.manager.client.get('/api/v1/consent/settings');
    expect(mine.body.isDefault).to.equal(true);
    expect(mine.body.optOutKeywords.map((k: any) => k.keyword)).to.include('STOP');
    const clash = await b.users.manager.client.put('/api/v1/consent/settings', {
      optInKeywords: [{ keyword: 'nie wieder', language: 'de' }],
    });
    expect(clash.status).to.equal(400);
    expect(clash.body.error.code).to.equal('keyword_conflict');

    const vb = await b.users.admin.client.get('/api/v1/consent/verify');
    const va = await a.users.admin.client.get('/api/v1/consent/verify');
    expect(vb.body.tenantId).to.equal(b.tenantId);
    expect(vb.body.checked).to.be.lessThan(va.body.checked);
    const aCount = await tp.platform.models.ConsentEntry.count({ where: { tenantId: a.tenantId } });
    expect(va.body.checked).to.equal(aCount);
  });

  describe('tampering (the append-only triggers dropped, as an attacker with database access would)', () => {
    let edited: TenantGraph;
    let deleted: TenantGraph;
    let clean: TenantGraph;

    before(async () => {
      edited = await createTenantGraph(tp, 'Edited');
      deleted = await createTenantGraph(tp, 'Deleted');
      clean = await createTenantGraph(tp, 'Clean');
      for (const g of [edited, deleted, clean]) {
        const c = await contact(g);
        for (const action of ['opt_in', 'opt_out', 'opt_in', 'opt_out', 'opt_in'] as const) {
          await consent().record(g.tenantId, [{ contactId: Number(c.id), action, source: 'agent', actor: 'system' }]);
        }
      }
      const seq = tp.platform.sequelize;
      await seq.query('DROP TRIGGER consent_entries_no_update');
      await seq.query('DROP TRIGGER consent_entries_no_delete');
      await seq.query(`UPDATE consent_entries SET action = 'opt_in' WHERE tenant_id = ${edited.tenantId} AND seq = 4`);
      await seq.query(`DELETE FROM consent_entries WHERE tenant_id = ${deleted.tenantId} AND seq = 2`);
    });

    it('finds an edited field at its seq, through the service and the operator API', async () => {
      const v = await consent().verify(edited.tenantId);
      expect(v.ok).to.equal(false);
      expect(v.firstBroken).to.include({ seq: 4, reason: 'hash_mismatch' });
      expect(v.checked).to.equal(4);
      const api = await root.client.get(`/api/admin/consent/verify?tenant=${edited.tenantId}`);
      expect(api.status).to.equal(200);
      expect(api.body.ok).to.equal(false);
      expect(api.body.firstBroken).to.include({ seq: 4, reason: 'hash_mismatch' });
      expect(api.body.firstBroken.message).to.match(/changed/);
    });

    it('finds a deleted entry as the first missing seq', async () => {
      const v = await consent().verify(deleted.tenantId);
      expect(v.firstBroken).to.deep.include({ seq: 2, id: null, reason: 'missing' });
      const api = await deleted.users.admin.client.get('/api/v1/consent/verify');
      expect(api.body.firstBroken).to.deep.include({ seq: 2, id: null, reason: 'missing' });
    });

    it('finds a deleted last entry through the chain head, and a re-hashed edit at the entry after it', async () => {
      const seq = tp.platform.sequelize;
      await seq.query(`DELETE FROM consent_entries WHERE tenant_id = ${clean.tenantId} AND seq = 5`);
      expect((await consent().verify(clean.tenantId)).firstBroken).to.deep.include({ seq: 5, reason: 'missing' });
      // Restore a consistent 4-entry chain by moving the head back, then edit entry 2 and fix its hash.
      await seq.query(
        `UPDATE consent_chain_heads SET seq = 4, hash = (SELECT hash FROM consent_entries WHERE tenant_id = ${clean.tenantId} AND seq = 4) WHERE tenant_id = ${clean.tenantId}`,
      );
      expect((await consent().verify(clean.tenantId)).ok).to.equal(true);
      const row = (await tp.platform.models.ConsentEntry.findOne({ where: { tenantId: clean.tenantId, seq: 2 } }))!;
      const forged = entryHash({ ...row.get({ plain: true }), action: 'opt_in' });
      await seq.query(`UPDATE consent_entries SET action = 'opt_in', hash = '${forged}' WHERE id = ${row.id}`);
      expect((await consent().verify(clean.tenantId)).firstBroken).to.include({ seq: 3, reason: 'prev_hash_mismatch' });
    });

    it('npm run consent:verify prints one line per tenant and exits 1 while a chain is broken', async () => {
      const env = { DATABASE_URL: tp.db.url, DATA_DIR: tp.db.dataDir };
      const all = await runCli([], env);
      expect(all.code, all.out).to.equal(1);
      const byTenant = new Map(all.lines.map((l) => [l.tenantId, l]));
      expect(byTenant.get(edited.tenantId).firstBroken).to.include({ seq: 4, reason: 'hash_mismatch' });
      expect(byTenant.get(deleted.tenantId).firstBroken).to.include({ seq: 2, reason: 'missing' });
      expect(byTenant.get(b.tenantId).ok).to.equal(true);
      expect(new Set(all.lines.map((l) => l.tenantId)).size).to.equal(all.lines.length);

      const good = await runCli(['--tenant', String(b.tenantId)], env);
      expect(good.code, good.out).to.equal(0);
      expect(good.lines).to.have.length(1);
      expect(good.lines[0]).to.include({ tenantId: b.tenantId, ok: true });
      const one = await runCli(['--tenant', String(deleted.tenantId)], env);
      expect(one.code).to.equal(1);
      expect(one.lines[0].firstBroken.seq).to.equal(2);
    });
  });
});
