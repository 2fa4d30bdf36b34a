// CSV imports through HTTP on a real database: upload with preview and suggested mapping, the job
// upserting contacts with typed attributes, tags and consent, per-row errors as CSV, idempotent
// re-imports, files refused with a reason (encoding, header, size, a 10 MB line), roles and tenants.
import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { Op } from 'sequelize';
import { parse } from 'csv-parse/sync';
import { startPlatform, type TestPlatform } from '../helpers/platform.ts';
import { createTenantGraph, type TenantGraph } from '../factories/tenant-graph.ts';
import { serializeContact } from '../../src/modules/contacts/index.ts';
import type { RealtimeEvent } from '../../src/realtime/index.ts';
import { IMPORTS, bigCsv, importCsv, maxUpdatedAt, phoneOf, uploadCsv, waitForImport } from './imports-helpers.ts';

const MB = 1024 * 1024;

describe('CSV imports', function () {
  this.timeout(120_000);
  let tp: TestPlatform;
  let a: TenantGraph;
  let b: TenantGraph;
  let importDir: string;

  before(async () => {
    tp = await startPlatform();
    a = await createTenantGraph(tp, 'Alpha');
    b = await createTenantGraph(tp, 'Beta');
    importDir = path.join(tp.db.dataDir, 'imports');
    const A = tp.platform.models.ContactAttribute;
    for (const tenantId of [a.tenantId, b.tenantId]) {
      await A.create({ tenantId, key: 'plan', label: 'Plan', type: 'list', options: JSON.stringify(['Gold', 'Silver']) });
      await A.create({ tenantId, key: 'score', label: 'Score', type: 'number' });
      await A.create({ tenantId, key: 'birthday', label: 'Birthday', type: 'date' });
      await A.create({ tenantId, key: 'vip', label: 'VIP customer', type: 'boolean' });
      await A.create({ tenantId, key: 'note', label: 'Note', type: 'text' });
    }
  });
  after(async () => tp?.stop());

  const contactOf = async (tenantId: number, phone: string) => {
    const row = await tp.platform.models.Contact.findOne({ where: { tenantId, phone } });
    return row ? serializeContact(tp.platform.models, row) : null;
  };
  const filesLeft = (tenantId: number) => {
    const dir = path.join(importDir, String(tenantId));
    return fs.existsSync(dir) ? fs.readdirSync(dir) : [];
  };

  it('previews an upload with a suggested mapping, imports it with progress to 100%, and the contacts read back typed with tags and consent', async () => {
    const csv = [
      'Phone,Full Name,E-Mail,Labels,Opt-in,Plan,Score,Birthday,VIP customer,Comment',
      '+49 151 11111111,Ana Alves,ANA@example.com,"vip, newsletter",yes,gold,"1.234,5",1990-05-01,ja,call after 5',
      '0151 22222222,Ben Braun,ben@example.com,newsletter,no,Silver,7,,no,',
      '015133333333,Cleo,,,,,,,,',
    ].join('\r\n');
    const events: RealtimeEvent[] = [];
    const off = tp.platform.bus.subscribe((e) => {
      if (e.topic === 'contacts' && e.type === 'import.progress') events.push(e);
    });
    const up = await uploadCsv(a.users.manager.client, csv, { filename: 'Kunden März.csv' });
    expect(up.status, up.text).to.equal(201);
    expect(up.body).to.deep.include({ filename: 'Kunden März.csv', status: 'uploaded', totalRows: 3, processedRows: 0 });
    expect(up.body.preview.columns).to.deep.equal([
      'Phone',
      'Full Name',
      'E-Mail',
      'Labels',
      'Opt-in',
      'Plan',
      'Score',
      'Birthday',
      'VIP customer',
      'Comment',
    ]);
    expect(up.body.preview.rows).to.have.length(3);
    expect(up.body.preview.rows[2]).to.deep.equal(['015133333333', 'Cleo', '', '', '', '', '', '', '', '']);
    expect(up.body.preview).to.deep.include({ delimiter: ',', totalRowsEstimate: 3 });
    expect(up.body.preview.suggestedMapping).to.deep.equal({
      Phone: 'phone',
      'Full Name': 'name',
      'E-Mail': 'email',
      Labels: 'tags',
      'Opt-in': 'consent',
      Plan: 'attribute:plan',
      Score: 'attribute:score',
      Birthday: 'attribute:birthday',
      'VIP customer': 'attribute:vip',
      Comment: 'ignore',
    });
    expect(filesLeft(a.tenantId)).to.have.length(1);

    const started = await a.users.manager.client.post(`${IMPORTS}/${up.body.id}/start`, {
      mapping: up.body.preview.suggestedMapping,
      defaultCountry: 'de',
      tags: ['Spring fair'],
    });
    expect(started.status, started.text).to.equal(202);
    expect(started.body).to.deep.include({ status: 'queued', defaultCountry: 'DE', tags: ['Spring fair'] });
    const done = await waitForImport(a.users.manager.client, up.body.id);
    off();
    expect(done, JSON.stringify(done)).to.deep.include({
      status: 'done',
      totalRows: 3,
      processedRows: 3,
      createdCount: 3,
      updatedCount: 0,
      unchangedCount: 0,
      errorCount: 0,
      failure: null,
    });
    expect(done.startedAt).to.be.a('string');
    expect(done.finishedAt).to.be.a('string');
    expect(events.length).to.be.greaterThan(0);
    expect(events.every((e) => e.tenantId === a.tenantId && (e.data as { importId: number }).importId === up.body.id)).to.equal(
      true,
    );
    // The file is removed once the import is finished.
    expect(filesLeft(a.tenantId)).to.deep.equal([]);

    const ana = await contactOf(a.tenantId, '+4915111111111');
    expect(ana).to.deep.include({ name: 'Ana Alves', email: 'ana@example.com', source: 'import', waId: '4915111111111' });
    expect(ana!.tags).to.deep.equal(['newsletter', 'Spring fair', 'vip']);
    expect(ana!.attributes).to.deep.equal({ plan: 'Gold', score: 1234.5, birthday: '1990-05-01', vip: true });
    expect(ana!.consent.state).to.equal('opted_in');
    const ben = await contactOf(a.tenantId, '+4915122222222');
    expect(ben!.attributes).to.deep.equal({ plan: 'Silver', score: 7, vip: false });
    expect(ben!.consent.state).to.equal('opted_out');
    const cleo = await contactOf(a.tenantId, '+4915133333333');
    expect(cleo).to.deep.include({ name: 'Cleo', email: null });
    expect(cleo!.tags).to.deep.equal(['Spring fair']);
    expect(cleo!.consent.state).to.equal('unknown');

    // The consent entries name the import, the file and the line as proof, and who imported it.
    const entry = await tp.platform.models.ConsentEntry.findOne({ where: { tenantId: a.tenantId, contactId: ana!.id } });
    expect(entry).to.deep.include({ action: 'opt_in', source: 'import', actor: `user:${a.users.manager.id}` });
    expect(JSON.parse(entry!.proof!)).to.deep.equal({ importId: up.body.id, filename: 'Kunden März.csv', line: 2 });

    const list = await a.users.manager.client.get(IMPORTS);
    expect(list.status).to.equal(200);
    expect(list.body.items[0]).to.deep.include({ id: up.body.id, status: 'done', createdCount: 3 });
  });

  it('reports bad rows with their line numbers in errors.csv and imports the rest', async () => {
    const csv = [
      'phone;name;email;score;plan;consent',
      '+4915140000001;"Dora ""Doc"" Diaz";dora@example.com;12;Gold;yes',
      '+49 151 4000000x;Eve;;;;',
      ';Fay;;;;',
      '+4915140000004;Gus;not-an-email;;;',
      '+4915140000005;"Hal',
      'on two lines";;twelve;Bronze;maybe',
      '+4915140000001;Dora again;;;;',
      '+4915140000008;Ida;;;;',
    ].join('\n');
    const { upload, result } = await importCsv(a.users.admin.client, csv, { defaultCountry: 'DE' });
    expect(upload.preview.delimiter).to.equal(';');
    expect(result).to.deep.include({ status: 'done', processedRows: 7, createdCount: 2, errorCount: 5 });

    const res = await fetch(`${a.users.admin.client.base}${IMPORTS}/${upload.id}/errors.csv`, {
      headers: { ...a.users.admin.client.headers, cookie: a.users.admin.client.cookie! },
    });
    expect(res.status).to.equal(200);
    expect(res.headers.get('content-type')).to.match(/^text\/csv/);
    expect(res.headers.get('content-disposition')).to.match(/^attachment; filename="contacts-errors.csv"/);
    const rows = parse(await res.text(), { columns: true }) as { row: string; column: string; value: string; message: string }[];
    const summary = rows.map((r) => [Number(r.row), r.column]);
    expect(summary).to.deep.equal([
      [3, 'phone'],
      [4, 'phone'],
      [5, 'email'],
      [6, 'score'],
      [6, 'plan'],
      [6, 'consent'],
      [8, 'phone'],
    ]);
    expect(rows[0].message).to.match(/letters/);
    expect(rows[1].message).to.match(/empty/);
    expect(rows[2]).to.deep.include({ value: 'not-an-email' });
    expect(rows[3].message).to.match(/not a number/);
    expect(rows[4].message).to.match(/Gold, Silver/);
    expect(rows[5].message).to.match(/yes or no/);
    expect(rows[6].message).to.equal('Same phone number as line 2; this row was skipped.');
    const dora = await contactOf(a.tenantId, '+4915140000001');
    expect(dora).to.deep.include({ name: 'Dora "Doc" Diaz' });
    expect(await contactOf(a.tenantId, '+4915140000005')).to.equal(null);
  });

  it('imports the same file again as unchanged: nothing created, nothing updated, updated_at untouched', async () => {
    const csv = bigCsv(2500, { offset: 500_000 });
    const first = await importCsv(a.users.manager.client, csv, {
      mapping: { phone: 'phone', name: 'name', email: 'email', tags: 'tags', score: 'attribute:score', consent: 'consent' },
    });
    expect(first.result).to.deep.include({ status: 'done', createdCount: 2500, updatedCount: 0, errorCount: 0 });
    const before = await maxUpdatedAt(tp, a.tenantId);
    const entries = await tp.platform.models.ConsentEntry.count({ where: { tenantId: a.tenantId } });
    await new Promise((r) => setTimeout(r, 20));

    const second = await importCsv(a.users.manager.client, csv, { mapping: first.result.mapping });
    expect(second.result).to.deep.include({
      status: 'done',
      processedRows: 2500,
      createdCount: 0,
      updatedCount: 0,
      unchangedCount: 2500,
      errorCount: 0,
    });
    expect(await maxUpdatedAt(tp, a.tenantId)).to.equal(before);
    expect(await tp.platform.models.ConsentEntry.count({ where: { tenantId: a.tenantId } })).to.equal(entries);

    // One changed name, one new tag on another row: two updates, the rest untouched.
    const changed = csv
      .replace(`${phoneOf(500_007)},Person 500007,`, `${phoneOf(500_007)},Person Seven,`)
      .replace(
        `${phoneOf(500_008)},Person 500008,p500008@example.com,"bulk,group-8"`,
        `${phoneOf(500_008)},Person 500008,p500008@example.com,"bulk,group-8,new"`,
      );
    const third = await importCsv(a.users.manager.client, changed, { mapping: first.result.mapping });
    expect(third.result).to.deep.include({ createdCount: 0, updatedCount: 2, unchangedCount: 2498 });
    const moved = await tp.platform.models.Contact.count({
      where: { tenantId: a.tenantId, updatedAt: { [Op.gt]: new Date(before) } },
    });
    expect(moved).to.equal(2);
    const seven = await contactOf(a.tenantId, phoneOf(500_007));
    expect(seven!.name).to.equal('Person Seven');
    expect(new Date(seven!.updatedAt).getTime()).to.be.greaterThan(before);
    const eight = await contactOf(a.tenantId, phoneOf(500_008));
    expect(eight!.tags).to.include('new');
    const nine = await contactOf(a.tenantId, phoneOf(500_009));
    expect(new Date(nine!.updatedAt).getTime()).to.be.at.most(before);
  });

  it('never undoes a later opt-out or opt-in by the customer or a teammate, while a newer file may correct an older one', async () => {
    const client = a.users.manager.client;
    const [p1, p2, p3] = [phoneOf(700_001), phoneOf(700_002), phoneOf(700_003)];
    const csv = `phone,name,consent\n${p1},Una,yes\n${p2},Dos,yes\n${p3},Tres,no\n`;
    const first = await importCsv(client, csv);
    expect(first.result).to.deep.include({ status: 'done', createdCount: 3 });
    const id = async (phone: string) => (await contactOf(a.tenantId, phone))!.id;
    // Una says STOP through a teammate; Tres opts in on a form (recorded through the API).
    expect((await client.post(`/api/v1/contacts/${await id(p1)}/consent`, { action: 'opt_out' })).status).to.equal(201);
    const form = { action: 'opt_in', source: 'form', proof: { url: 'https://shop.example.com/signup' } };
    expect((await client.post(`/api/v1/contacts/${await id(p3)}/consent`, form)).status).to.equal(201);

    const again = await importCsv(client, csv, { mapping: first.result.mapping });
    expect(again.result).to.deep.include({ createdCount: 0, updatedCount: 0, unchangedCount: 3 });
    expect((await contactOf(a.tenantId, p1))!.consent.state).to.equal('opted_out');
    expect((await contactOf(a.tenantId, p3))!.consent.state).to.equal('opted_in');

    // A newer file changes what the older file set (Dos's consent came only from an import).
    const newer = await importCsv(client, `phone,name,consent\n${p2},Dos,no\n`, { mapping: first.result.mapping });
    expect(newer.result).to.deep.include({ updatedCount: 1 });
    expect((await contactOf(a.tenantId, p2))!.consent.state).to.equal('opted_out');
  });

  it('refuses files in the wrong encoding with advice to save as CSV UTF-8, and other unreadable files with a reason', async () => {
    const c = a.users.manager.client;
    const latin1 = Buffer.concat([
      Buffer.from('phone,name\n+4915150000001,Ana\n+4915150000002,Ren'),
      Buffer.from([0xe9]),
      Buffer.from('\n'),
    ]);
    let res = await uploadCsv(c, latin1);
    expect(res.status, res.text).to.equal(422);
    expect(res.body.error.code).to.equal('csv_encoding');
    expect(res.body.error.message).to.match(/^Line 3 is not valid UTF-8/);
    expect(res.body.error.message).to.match(/Windows-1252/);
    expect(res.body.error.message).to.match(/CSV UTF-8/);

    const text = 'phone,name\n+4915150000001,Ana\n';
    for (const utf16 of [
      Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]),
      Buffer.from(text, 'utf16le'),
      Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from(text, 'utf16le').swap16()]),
    ]) {
      res = await uploadCsv(c, utf16);
      expect(res.status, res.text).to.equal(422);
      expect(res.body.error.code).to.equal('csv_encoding');
      expect(res.body.error.message).to.match(/UTF-16/);
      expect(res.body.error.message).to.match(/CSV UTF-8/);
    }
    res = await uploadCsv(c, Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x14, 0x00, 0x06, 0x00]), {
      contentType: 'application/octet-stream',
    });
    expect(res.status).to.equal(422);
    expect(res.body.error.message).to.match(/Excel workbook/);
    res = await uploadCsv(c, Buffer.from('phone,name\n+4915150000001,A\u0000na\n'));
    expect(res.status).to.equal(422);
    expect(res.body.error).to.deep.include({ code: 'csv_encoding' });
    expect(res.body.error.message).to.match(/binary data .* line 2/);

    for (const [body, code, pattern] of [
      ['', 'csv_empty', /empty/],
      ['\ufeff\r\n  \r\n', 'csv_empty', /empty/],
      ['phone,name\n', 'csv_no_rows', /no rows/],
      ['phone,name,Phone\n+4915150000001,Ana,1\n', 'csv_header', /Two columns are called "Phone"/],
      ['phone,,name\n+4915150000001,x,Ana\n', 'csv_header', /Column 2 has no name/],
      ['+4915150000001,Ana\n+4915150000002,Ben\n', 'csv_header', /must name the columns/],
      ['phone,name\n+4915150000001,"Ana\n', 'csv_malformed', /line 2 is never closed/],
    ] as const) {
      res = await uploadCsv(c, body);
      expect(res.status, `${JSON.stringify(body)}: ${res.text}`).to.equal(422);
      expect(res.body.error.code).to.equal(code);
      expect(res.body.error.message).to.match(pattern);
    }
    // JSON is not a file upload.
    res = await c.post(IMPORTS, { phone: '+4915150000001' });
    expect(res.status).to.equal(415);
    expect(res.body.error.code).to.equal('unsupported_media_type');

    // A UTF-8 BOM (Excel's "CSV UTF-8") is not part of the first column's name; CRLF line ends are fine.
    res = await uploadCsv(c, '\ufeffTelefon;Name\r\n+4915150000001;José\r\n');
    expect(res.status, res.text).to.equal(201);
    expect(res.body.preview.columns).to.deep.equal(['Telefon', 'Name']);
    expect(res.body.preview.rows).to.deep.equal([['+4915150000001', 'José']]);
    expect(res.body.preview.suggestedMapping).to.deep.equal({ Telefon: 'phone', Name: 'name' });
    // Nothing refused is kept on disk: only the one accepted upload.
    expect(filesLeft(a.tenantId).filter((f) => f.endsWith('.csv'))).to.have.length(1);
    expect(filesLeft(a.tenantId).filter((f) => !f.endsWith('.csv'))).to.deep.equal([]);
    await tp.platform.models.ContactImport.destroy({ where: { id: res.body.id } });
    fs.rmSync(path.join(importDir, String(a.tenantId)), { recursive: true, force: true });
  });

  it('refuses a 10 MB single line with 422 and keeps serving requests; a file over 50 MB gets 413', async () => {
    const c = a.users.manager.client;
    const huge = Buffer.alloc(10 * MB, 0x61);
    let res = await uploadCsv(c, Buffer.concat([Buffer.from('phone,name\n+4915150000001,'), huge, Buffer.from('\n')]));
    expect(res.status, res.text.slice(0, 300)).to.equal(422);
    expect(res.body.error).to.deep.include({ code: 'csv_line_too_long' });
    expect(res.body.error.message).to.match(/^Line 2 is longer than 1 MB/);
    // The header itself as one long line.
    res = await uploadCsv(c, huge);
    expect(res.status).to.equal(422);
    expect(res.body.error.code).to.equal('csv_line_too_long');
    // Short lines, but one quoted field running over 1 MB of them.
    res = await uploadCsv(c, `phone,note\n+4915150000001,"${'x\n'.repeat(600_000)}"\n`);
    expect(res.status).to.equal(422);
    expect(res.body.error.code).to.equal('csv_line_too_long');
    expect(res.body.error.message).to.match(/The row starting on line 2/);
    // The server is fine and answers at once.
    expect((await c.get(IMPORTS)).status).to.equal(200);

    res = await uploadCsv(c, Buffer.alloc(50 * MB + 1, 0x61));
    expect(res.status).to.equal(413);
    expect(res.body.error.code).to.equal('csv_too_large');
    // Without a Content-Length the stream is cut off at 50 MB all the same.
    res = await uploadCsv(
      c,
      new ReadableStream({
        start(controller) {
          controller.enqueue(new TextEncoder().encode('phone,name\n'));
          const row = Buffer.from('+4915150000001,Ana\n'.repeat(1000));
          for (let i = 0; i < Math.ceil((51 * MB) / row.length); i++) controller.enqueue(new Uint8Array(row));
          controller.close();
        },
      }),
    );
    expect(res.status).to.equal(413);
    expect((await c.get(IMPORTS)).status).to.equal(200);
    expect(filesLeft(a.tenantId)).to.deep.equal([]);
  });

  it('refuses to start without a phone column, with unknown columns or attributes, and a second time', async () => {
    const c = a.users.manager.client;
    const up = await uploadCsv(c, 'mobile,name,email,level\n+4915160000001,Ana,ana@example.com,3\n');
    expect(up.status, up.text).to.equal(201);
    const start = (body: unknown) => c.post(`${IMPORTS}/${up.body.id}/start`, body);
    let res = await start({ mapping: { mobile: 'ignore', name: 'name' } });
    expect(res.status).to.equal(400);
    expect(res.body.error.code).to.equal('phone_column_required');
    res = await start({ mapping: {} });
    expect(res.body.error.code).to.equal('phone_column_required');
    res = await start({ mapping: { mobile: 'phone', email: 'phone' } });
    expect(res.status).to.equal(400);
    expect(res.body.error.code).to.equal('duplicate_mapping');
    res = await start({ mapping: { mobile: 'phone', level: 'attribute:level' } });
    expect(res.status).to.equal(400);
    expect(res.body.error).to.deep.include({ code: 'unknown_attribute' });
    expect(res.body.error.message).to.match(/"level"/);
    res = await start({ mapping: { mobile: 'phone', fax: 'name' } });
    expect(res.body.error.code).to.equal('unknown_column');
    res = await start({ mapping: { mobile: 'phone', name: 'nickname' } });
    expect(res.status).to.equal(400);
    expect(res.body.error.code).to.equal('validation_failed');
    res = await start({ mapping: { mobile: 'phone' }, defaultCountry: 'XX' });
    expect(res.body.error.code).to.equal('validation_failed');
    expect((await c.get(`${IMPORTS}/${up.body.id}`)).body.status).to.equal('uploaded');

    res = await start({ mapping: { mobile: 'phone', name: 'name', level: 'attribute:score' } });
    expect(res.status, res.text).to.equal(202);
    res = await start({ mapping: { mobile: 'phone' } });
    expect(res.status).to.equal(409);
    expect(res.body.error.code).to.equal('import_started');
    const done = await waitForImport(c, up.body.id);
    expect(done).to.deep.include({ status: 'done', createdCount: 1 });
    expect((await contactOf(a.tenantId, '+4915160000001'))!.attributes).to.deep.equal({ score: 3 });
    expect((await c.get(`${IMPORTS}/999999`)).status).to.equal(404);
  });

  it('reads semicolon- and tab-delimited files', async () => {
    const semi = 'Telefon;Name;Score;Tags\n+4915170000001;Jörg;"3,5";a,b\n+4915170000002;Kai;10;\n';
    const s = await importCsv(a.users.manager.client, semi);
    expect(s.upload.preview.delimiter).to.equal(';');
    expect(s.upload.preview.suggestedMapping).to.deep.equal({
      Telefon: 'phone',
      Name: 'name',
      Score: 'attribute:score',
      Tags: 'tags',
    });
    expect(s.result).to.deep.include({ status: 'done', createdCount: 2, errorCount: 0 });
    const jorg = await contactOf(a.tenantId, '+4915170000001');
    expect(jorg).to.deep.include({ name: 'Jörg' });
    expect(jorg!.attributes).to.deep.equal({ score: 3.5 });
    expect(jorg!.tags).to.deep.equal(['a', 'b']);

    const tab = 'phone\tname\tnote\n+4915170000003\tLia\thas, commas; and semicolons\n';
    const t = await importCsv(a.users.manager.client, tab, { mapping: { phone: 'phone', name: 'name', note: 'attribute:note' } });
    expect(t.upload.preview.delimiter).to.equal('\t');
    expect(t.result).to.deep.include({ status: 'done', createdCount: 1 });
    expect((await contactOf(a.tenantId, '+4915170000003'))!.attributes).to.deep.equal({ note: 'has, commas; and semicolons' });
  });

  it('keeps commas, quotes and line breaks inside quoted fields', async () => {
    const csv = [
      'phone,name,note',
      '+4915180000001,"Müller, Hans","Line one',
      'line two, with a comma"',
      '"+49 151 80000002","Say ""hi""",plain',
      '+4915180000003,Ola,last',
    ].join('\n');
    const { upload, result } = await importCsv(a.users.manager.client, csv, {
      mapping: { phone: 'phone', name: 'name', note: 'attribute:note' },
    });
    expect(upload.preview.rows).to.deep.equal([
      ['+4915180000001', 'Müller, Hans', 'Line one\nline two, with a comma'],
      ['+49 151 80000002', 'Say "hi"', 'plain'],
      ['+4915180000003', 'Ola', 'last'],
    ]);
    expect(upload.totalRows).to.equal(3);
    expect(result).to.deep.include({ status: 'done', createdCount: 3, errorCount: 0 });
    const hans = await contactOf(a.tenantId, '+4915180000001');
    expect(hans).to.deep.include({ name: 'Müller, Hans' });
    expect(hans!.attributes).to.deep.equal({ note: 'Line one\nline two, with a comma' });
    expect((await contactOf(a.tenantId, '+4915180000002'))!.name).to.equal('Say "hi"');
  });

  it('keeps agents out: every import route is 403 for them', async () => {
    const up = await uploadCsv(a.users.manager.client, 'phone\n+4915190000001\n');
    const agent = a.users.agent.client;
    expect((await uploadCsv(agent, 'phone\n+4915190000001\n')).status).to.equal(403);
    expect((await agent.get(IMPORTS)).status).to.equal(403);
    expect((await agent.get(`${IMPORTS}/${up.body.id}`)).status).to.equal(403);
    expect((await agent.post(`${IMPORTS}/${up.body.id}/start`, { mapping: { phone: 'phone' } })).status).to.equal(403);
    expect((await agent.get(`${IMPORTS}/${up.body.id}/errors.csv`)).status).to.equal(403);
    expect((await a.users.manager.client.get(`${IMPORTS}/${up.body.id}`)).body.status).to.equal('uploaded');
  });

  it("keeps tenants apart: B cannot see, start or read the errors of A's import, and B's import never touches A's contacts", async () => {
    const phone = '+4915199000001';
    const mine = await importCsv(a.users.admin.client, `phone,name,score\n${phone},Alpha Person,1\n+4915199000002,x,bad\n`);
    expect(mine.result).to.deep.include({ createdCount: 1, errorCount: 1 });
    const pending = await uploadCsv(a.users.admin.client, `phone,name\n${phone},Changed\n`);
    const other = b.users.admin.client;
    expect((await other.get(`${IMPORTS}/${mine.upload.id}`)).status).to.equal(404);
    expect((await other.get(`${IMPORTS}/${mine.upload.id}/errors.csv`)).status).to.equal(404);
    expect(
      (await other.post(`${IMPORTS}/${pending.body.id}/start`, { mapping: { phone: 'phone', name: 'name' } })).status,
    ).to.equal(404);
    expect((await other.get(IMPORTS)).body.items.map((i: { id: number }) => i.id)).to.not.include(mine.upload.id);
    expect((await a.users.admin.client.get(`${IMPORTS}/${pending.body.id}`)).body.status).to.equal('uploaded');

    const before = await contactOf(a.tenantId, phone);
    const theirs = await importCsv(other, `phone,name,tags,score,consent\n${phone},Beta Person,beta,2,no\n`);
    expect(theirs.result).to.deep.include({ createdCount: 1, updatedCount: 0 });
    const after = await contactOf(a.tenantId, phone);
    expect(after).to.deep.equal(before);
    const inB = await contactOf(b.tenantId, phone);
    expect(inB).to.deep.include({ name: 'Beta Person' });
    expect(inB!.tags).to.deep.equal(['beta']);
    expect(inB!.consent.state).to.equal('opted_out');
    expect(inB!.id).to.not.equal(after!.id);
    // B's tag is B's: A's tags table has no "beta".
    expect(await tp.platform.models.Tag.count({ where: { tenantId: a.tenantId, name: 'beta' } })).to.equal(0);
  });

  it('resumes a run that stopped half way after the rows it committed, without counting them twice, even when two runs overlap', async () => {
    const c = a.users.admin.client;
    const csv = bigCsv(2500, { offset: 700_000 });
    // Row 1800 repeats the phone of row 10, which the stopped run had already applied.
    const lines = csv.trimEnd().split('\n');
    lines[1800] = `${phoneOf(700_009)},Twin,,,,`;
    const file = `${lines.join('\n')}\n`;
    const firstPart = `${lines.slice(0, 1001).join('\n')}\n`;
    const mapping = { phone: 'phone', name: 'name', email: 'email', tags: 'tags', score: 'attribute:score', consent: 'ignore' };
    // What the stopped run had committed: the first 1000 rows.
    await importCsv(c, firstPart, { mapping });
    const up = await uploadCsv(c, file);
    const plan = JSON.parse((await tp.platform.models.ContactImport.findByPk(up.body.id))!.mapping!);
    await tp.platform.models.ContactImport.update(
      {
        status: 'running',
        startedAt: new Date(),
        mapping: JSON.stringify({ ...plan, mapping, defaultCountry: null, tags: [] }),
        processedRows: 1000,
        createdCount: 1000,
      },
      { where: { id: up.body.id } },
    );
    // Two runs at once (a lock taken over while the first still works): one carries on, the other stops.
    await Promise.all([tp.platform.services.imports.run(up.body.id), tp.platform.services.imports.run(up.body.id)]);
    const done = (await c.get(`${IMPORTS}/${up.body.id}`)).body;
    expect(done).to.deep.include({
      status: 'done',
      processedRows: 2500,
      totalRows: 2500,
      createdCount: 2499,
      unchangedCount: 0,
      errorCount: 1,
    });
    const errors = await tp.platform.models.ContactImportError.findAll({ where: { importId: up.body.id } });
    expect(errors.map((e) => [e.rowNumber, e.message])).to.deep.equal([
      [1801, 'Same phone number as line 11; this row was skipped.'],
    ]);
    // Running the job again once it is done changes nothing.
    await tp.platform.services.imports.run(up.body.id);
    expect((await c.get(`${IMPORTS}/${up.body.id}`)).body).to.deep.equal(done);
  });

  it('imports 100,000 rows within a minute, and the same file again as 100,000 unchanged rows with nothing written', async function () {
    this.timeout(240_000);
    // scripts/bench-import.ts measures the same on both databases and prints the timings.
    const rows = 100_000;
    const csv = bigCsv(rows, { offset: 1_000_000 });
    const mapping = { phone: 'phone', name: 'name', email: 'email', tags: 'tags', score: 'attribute:score', consent: 'ignore' };
    const t0 = Date.now();
    const first = await importCsv(a.users.manager.client, csv, { mapping }, 90_000);
    const took = Date.now() - t0;
    expect(first.result).to.deep.include({
      status: 'done',
      totalRows: rows,
      processedRows: rows,
      createdCount: rows,
      errorCount: 0,
    });
    expect(took).to.be.below(60_000);
    const before = await maxUpdatedAt(tp, a.tenantId);
    const second = await importCsv(a.users.manager.client, csv, { mapping }, 90_000);
    expect(second.result).to.deep.include({ createdCount: 0, updatedCount: 0, unchangedCount: rows, errorCount: 0 });
    expect(await maxUpdatedAt(tp, a.tenantId)).to.equal(before);
    const sample = await contactOf(a.tenantId, phoneOf(1_012_345));
    expect(sample).to.deep.include({ name: 'Person 1012345', email: 'p1012345@example.com' });
    expect(sample!.tags).to.deep.equal(['bulk', 'group-5']);
    expect(sample!.attributes).to.deep.equal({ score: 45 });
  });

  it('removes the file of an upload nobody started within a day', async () => {
    const c = a.users.manager.client;
    const waiting = filesLeft(a.tenantId).length;
    const up = await uploadCsv(c, 'phone\n+4915191000001\n');
    const fresh = await uploadCsv(c, 'phone\n+4915191000002\n');
    expect(filesLeft(a.tenantId)).to.have.length(waiting + 2);
    await tp.platform.models.ContactImport.update(
      { createdAt: new Date(Date.now() - 25 * 60 * 60_000) },
      { where: { id: up.body.id }, silent: true },
    );
    await tp.platform.services.imports.cleanUp();
    const old = (await c.get(`${IMPORTS}/${up.body.id}`)).body;
    expect(old.status).to.equal('failed');
    expect(old.failure).to.match(/not started within a day/);
    expect(filesLeft(a.tenantId)).to.have.length(waiting + 1);
    expect((await c.post(`${IMPORTS}/${up.body.id}/start`, { mapping: { phone: 'phone' } })).status).to.equal(409);
    expect((await c.post(`${IMPORTS}/${fresh.body.id}/start`, { mapping: { phone: 'phone' } })).status).to.equal(202);
    expect(await waitForImport(c, fresh.body.id)).to.deep.include({ status: 'done', createdCount: 1 });
  });

  it('keeps the first 10,000 row errors and still counts them all', async () => {
    const lines = ['phone,name'];
    for (let i = 0; i < 10_050; i++) lines.push(`not a phone ${i},x`);
    lines.push('+4915192000001,Only good row');
    const { upload, result } = await importCsv(a.users.manager.client, `${lines.join('\n')}\n`);
    expect(result).to.deep.include({ status: 'done', processedRows: 10_051, createdCount: 1, errorCount: 10_050 });
    expect(await tp.platform.models.ContactImportError.count({ where: { importId: upload.id } })).to.equal(10_000);
    const res = await fetch(`${a.users.manager.client.base}${IMPORTS}/${upload.id}/errors.csv`, {
      headers: { ...a.users.manager.client.headers, cookie: a.users.manager.client.cookie! },
    });
    const rows = parse(await res.text(), { columns: true }) as { row: string }[];
    expect(rows).to.have.length(10_000);
    expect(rows[0].row).to.equal('2');
    expect(rows[9_999].row).to.equal('10001');
  });

  it('ends as failed with the reason in plain words when the file or a mapped attribute is gone', async () => {
    const c = a.users.manager.client;
    const M = tp.platform.models;
    const queue = async (csv: string, mapping: Record<string, string>) => {
      const up = await uploadCsv(c, csv);
      const row = (await M.ContactImport.findByPk(up.body.id))!;
      // Queued as start() would, without handing it to the job runner.
      await row.update({ status: 'queued', mapping: JSON.stringify({ ...JSON.parse(row.mapping!), mapping }) });
      return { id: up.body.id as number, plan: JSON.parse(row.mapping!) as { file: string } };
    };
    const gone = await queue('phone\n+4915193000001\n', { phone: 'phone' });
    fs.rmSync(path.join(importDir, String(a.tenantId), `${gone.plan.file}.csv`));
    await tp.platform.services.imports.run(gone.id);
    expect((await c.get(`${IMPORTS}/${gone.id}`)).body).to.deep.include({
      status: 'failed',
      failure: 'The uploaded file is no longer available; upload it again.',
    });

    const attr = await M.ContactAttribute.create({ tenantId: a.tenantId, key: 'temp', label: 'Temp', type: 'text' });
    const orphan = await queue('phone,temp\n+4915193000002,x\n', { phone: 'phone', temp: 'attribute:temp' });
    await attr.destroy();
    await tp.platform.services.imports.run(orphan.id);
    const failed = (await c.get(`${IMPORTS}/${orphan.id}`)).body;
    expect(failed.status).to.equal('failed');
    expect(failed.failure).to.match(/The attribute "temp" was deleted after the import was started/);
    expect(failed.finishedAt).to.be.a('string');
    expect(await M.Contact.count({ where: { tenantId: a.tenantId, phone: '+4915193000002' } })).to.equal(0);
    expect(fs.existsSync(path.join(importDir, String(a.tenantId), `${orphan.plan.file}.csv`))).to.equal(false);
  });
});
