// CSV imports: upload, preview with a suggested column mapping, a background job that upserts by
// phone in batches with progress, per-row errors (downloadable), and a clear report for a bad file.
//
// Each batch of rows is applied in one transaction together with the import's counters and its row
// errors, so `processed_rows` always says exactly how far the committed work goes: a job that runs
// again after a crash replays the rows before that point in memory only (to rebuild the duplicate
// check) and carries on, and nothing is counted twice. Running the same file again is an upsert that
// finds nothing to change: no UPDATE, no new rows, `updated_at` untouched.
import crypto from 'node:crypto';
import fs from 'node:fs';
import { mkdir, rename, unlink } from 'node:fs/promises';
import path from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { stringify } from 'csv-stringify';
import { Op, QueryTypes, Transaction, type Sequelize } from 'sequelize';
import type { Models } from '../../db/models.ts';
import { dialectOf, sqlDate } from '../../db/sequelize.ts';
import type { TenantContext } from '../../http/context.ts';
import { AppError, notFound } from '../../http/errors.ts';
import type { Logger } from '../../logger.ts';
import type { EventBus } from '../../realtime/index.ts';
import type { AuditService } from '../audit/index.ts';
import type { ConsentInput, ConsentService } from '../consent/index.ts';
import { cleanFilename } from '../media/index.ts';
import { valueColumns } from './attributes.ts';
import type { AttributeType, ContactAttributeValueAttrs, ContactImportInstance } from './contacts.models.ts';
import { CsvSniffer, MAX_FILE_BYTES, analyseCsv, readRecords, tooLarge, type Delimiter } from './imports.file.ts';
import {
  readRow,
  suggestMapping,
  type AttributeDef,
  type GoodRow,
  type MappingTarget,
  type RowError,
  type RowPlan,
  type RowResult,
} from './imports.rows.ts';
import type { ImportView, StartImportInput } from './imports.schemas.ts';

export const IMPORT_JOB = 'contacts.import';
export const IMPORT_CLEANUP_JOB = 'contacts.import-cleanup';
/** Rows applied per transaction. */
export const IMPORT_BATCH = 1000;
/** Row errors kept per import (the count goes on). */
export const MAX_STORED_ERRORS = 10_000;
/** Imports not started within this time lose their file (see cleanUp). */
export const UNSTARTED_TTL_MS = 24 * 60 * 60_000;
const PLAN_HEADER_BYTES = 32_000;
const PLAN_BYTES = 60_000;

export interface ImportsDeps {
  models: Models;
  sequelize: Sequelize;
  audit: AuditService;
  bus: EventBus;
  logger: Logger;
  consent: ConsentService;
  /** Where uploaded CSV files are kept while they are imported. */
  dir: string;
  enqueue: (name: string, data: unknown) => Promise<unknown>;
}

export interface UploadHeaders {
  contentType?: string;
  contentLength?: string;
  /** X-Filename, URI-encoded. */
  filename?: string;
}

/** What the `mapping` column holds: the file as analysed at upload, then the wizard's choices. */
interface StoredPlan {
  file: string;
  delimiter: Delimiter;
  columns: string[];
  mapping?: Record<string, MappingTarget>;
  defaultCountry?: string | null;
  tags?: string[];
}

// Spreadsheets and browsers label CSV files in many ways; anything else (JSON, forms) is a mistake.
const CSV_TYPES = new Set([
  'text/csv',
  'text/plain',
  'text/comma-separated-values',
  'text/tab-separated-values',
  'text/x-csv',
  'application/csv',
  'application/x-csv',
  'application/vnd.ms-excel',
  'application/octet-stream',
]);

interface ContactRow {
  id: number;
  phone: string;
  name: string | null;
  email: string | null;
  consentState: string;
}

interface RunState {
  imp: ContactImportInstance;
  tenantId: number;
  actor: string;
  processed: number;
  created: number;
  updated: number;
  unchanged: number;
  errorRows: number;
  storedErrors: number;
  /** Lower-cased tag name → id, filled once per import. */
  tagIds: Map<string, number>;
}

const iso = (d: Date | null) => (d ? new Date(d).toISOString() : null);
const CONSENT_STATE = { opt_in: 'opted_in', opt_out: 'opted_out' } as const;

function timeOf(v: unknown): number | null {
  if (v === null || v === undefined) return null;
  if (v instanceof Date) return v.getTime();
  // SQLite keeps "2026-11-25 00:00:00.000 +00:00".
  const m = /^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}:\d{2}(?:\.\d+)?)\s*(Z|[+-]\d{2}:?\d{2})?$/.exec(String(v));
  const t = m ? Date.parse(`${m[1]}T${m[2]}${m[3] ?? 'Z'}`) : Date.parse(String(v));
  return Number.isNaN(t) ? null : t;
}

export class ImportsService {
  readonly #d: ImportsDeps;

  constructor(deps: ImportsDeps) {
    this.#d = deps;
  }

  // -------------------------------------------------------------------------------------------------
  // Reading

  serialize(imp: ContactImportInstance): ImportView {
    const plan = imp.mapping ? (JSON.parse(imp.mapping) as StoredPlan) : null;
    return {
      id: imp.id,
      filename: imp.filename,
      status: imp.status,
      sizeBytes: Number(imp.sizeBytes),
      totalRows: imp.totalRows,
      processedRows: imp.processedRows,
      createdCount: imp.createdCount,
      updatedCount: imp.updatedCount,
      unchangedCount: imp.unchangedCount,
      errorCount: imp.errorCount,
      failure: imp.failure,
      mapping: plan?.mapping ? Object.fromEntries(plan.columns.map((c) => [c, plan.mapping![c] ?? 'ignore'])) : null,
      defaultCountry: plan?.defaultCountry ?? null,
      tags: plan?.tags ?? [],
      startedAt: iso(imp.startedAt),
      finishedAt: iso(imp.finishedAt),
      createdAt: iso(imp.createdAt)!,
    };
  }

  async #find(tenantId: number, id: number): Promise<ContactImportInstance> {
    const imp = await this.#d.models.ContactImport.findOne({ where: { id, tenantId } });
    if (!imp) throw notFound('Import');
    return imp;
  }

  async get(ctx: TenantContext, id: number): Promise<ImportView> {
    return this.serialize(await this.#find(ctx.tenantId, id));
  }

  async list(ctx: TenantContext, limit = 25): Promise<{ items: ImportView[] }> {
    const rows = await this.#d.models.ContactImport.findAll({
      where: { tenantId: ctx.tenantId },
      order: [['id', 'DESC']],
      limit,
    });
    return { items: rows.map((r) => this.serialize(r)) };
  }

  /** The import's row errors as CSV (row,column,value,message), read in keyset batches. */
  async errorsCsv(ctx: TenantContext, id: number): Promise<{ stream: Readable; filename: string }> {
    const imp = await this.#find(ctx.tenantId, id);
    const M = this.#d.models.ContactImportError;
    const tenantId = ctx.tenantId;
    async function* rows() {
      let after = 0;
      for (;;) {
        const batch = await M.findAll({
          where: { tenantId, importId: imp.id, id: { [Op.gt]: after } },
          order: [['id', 'ASC']],
          limit: 1000,
          raw: true,
        });
        for (const e of batch) yield [e.rowNumber, e.columnName ?? '', defuse(e.value ?? ''), e.message];
        if (batch.length < 1000) return;
        after = Number(batch[batch.length - 1].id);
      }
    }
    const out = stringify({ header: true, columns: ['row', 'column', 'value', 'message'] });
    const source = Readable.from(rows());
    source.on('error', (err) => out.destroy(err));
    source.pipe(out);
    const base = imp.filename.replace(/\.(csv|txt|tsv)$/i, '');
    return { stream: out, filename: `${base}-errors.csv` };
  }

  // -------------------------------------------------------------------------------------------------
  // Upload

  /** POST /contacts/imports: the body is the CSV file, checked while it streams to disk, then previewed. */
  async upload(ctx: TenantContext, headers: UploadHeaders, body: Readable) {
    const mime = (headers.contentType ?? '').split(';')[0].trim().toLowerCase();
    if (mime && !CSV_TYPES.has(mime)) {
      throw new AppError(
        415,
        'unsupported_media_type',
        `Send the CSV file itself as the request body with Content-Type text/csv (got "${mime}").`,
      );
    }
    const declared = headers.contentLength === undefined ? null : Number(headers.contentLength);
    if (declared !== null && Number.isFinite(declared) && declared > MAX_FILE_BYTES) throw tooLarge(declared);
    let filename = 'contacts.csv';
    if (headers.filename) {
      try {
        filename = cleanFilename(decodeURIComponent(headers.filename)) ?? filename;
      } catch {
        throw new AppError(400, 'invalid_filename', 'X-Filename must be URI-encoded (encodeURIComponent).');
      }
    }
    const dir = path.join(this.#d.dir, String(ctx.tenantId));
    await mkdir(dir, { recursive: true });
    const id = crypto.randomUUID();
    const file = path.join(dir, `${id}.csv`);
    const partial = `${file}.part`;
    const sniffer = new CsvSniffer();
    // Read through a pass-through so that stopping early does not destroy the request: the rest is
    // drained and discarded, and the client reads our answer instead of a reset connection.
    const source = new PassThrough();
    const abandon = () => {
      if (!body.readableEnded) source.destroy(new AppError(400, 'upload_interrupted', 'The upload was interrupted.'));
    };
    body.once('error', abandon);
    body.once('close', abandon);
    body.pipe(source);
    try {
      await pipeline(source, sniffer, fs.createWriteStream(partial, { flags: 'wx' }));
      await rename(partial, file);
    } catch (err) {
      body.unpipe(source);
      body.resume();
      await unlink(partial).catch(() => {});
      throw err;
    } finally {
      body.off('error', abandon);
      body.off('close', abandon);
    }
    let analysis;
    try {
      if (!sniffer.hasContent) throw new AppError(422, 'csv_empty', 'The file is empty.');
      analysis = await analyseCsv(file);
    } catch (err) {
      await unlink(file).catch(() => {});
      throw err;
    }
    const attributes = await this.#attributes(ctx.tenantId);
    const plan: StoredPlan = { file: id, delimiter: analysis.delimiter, columns: analysis.columns };
    // The plan lives in a TEXT column (64 KB on MySQL), with room left for the mapping.
    if (Buffer.byteLength(JSON.stringify(plan)) > PLAN_HEADER_BYTES) {
      await unlink(file).catch(() => {});
      throw new AppError(
        422,
        'csv_header',
        `The header line is too long (${analysis.columns.length} columns). Remove the columns you do not need and upload the file again.`,
      );
    }
    const imp = await this.#d.models.ContactImport.create({
      tenantId: ctx.tenantId,
      createdByUserId: ctx.principal.userId,
      filename,
      sizeBytes: sniffer.size,
      status: 'uploaded',
      mapping: JSON.stringify(plan),
      totalRows: analysis.totalRows,
    });
    return {
      ...this.serialize(imp),
      preview: {
        columns: analysis.columns,
        rows: analysis.rows,
        suggestedMapping: suggestMapping(analysis.columns, [...attributes.values()]),
        delimiter: analysis.delimiter,
        totalRowsEstimate: analysis.totalRows,
      },
    };
  }

  async #attributes(tenantId: number): Promise<Map<string, AttributeDef>> {
    const rows = await this.#d.models.ContactAttribute.findAll({ where: { tenantId }, order: [['id', 'ASC']] });
    return new Map(
      rows.map((r) => [
        r.key,
        {
          id: r.id,
          key: r.key,
          label: r.label,
          type: r.type,
          options: r.options ? (JSON.parse(r.options) as string[]) : null,
        },
      ]),
    );
  }

  #file(tenantId: number, plan: StoredPlan): string {
    if (!/^[0-9a-f-]{36}$/.test(plan.file)) throw new Error('Invalid import file id');
    return path.join(this.#d.dir, String(tenantId), `${plan.file}.csv`);
  }

  // -------------------------------------------------------------------------------------------------
  // Start

  /** POST /contacts/imports/:id/start: checks the mapping against the file and the attributes, queues the job. */
  async start(ctx: TenantContext, id: number, input: StartImportInput): Promise<ImportView> {
    const imp = await this.#find(ctx.tenantId, id);
    if (imp.status !== 'uploaded') {
      throw new AppError(
        409,
        'import_started',
        `This import was already started (it is ${imp.status}). Upload the file again to import it once more.`,
      );
    }
    const plan = JSON.parse(imp.mapping!) as StoredPlan;
    const attributes = await this.#attributes(ctx.tenantId);
    const bad = (code: string, message: string) => new AppError(400, code, message);
    const once = new Map<string, string>();
    for (const [column, target] of Object.entries(input.mapping)) {
      if (!plan.columns.includes(column)) {
        throw bad('unknown_column', `The file has no column "${column}". Its columns are: ${plan.columns.join(', ')}.`);
      }
      if (target.startsWith('attribute:')) {
        const key = target.slice('attribute:'.length);
        if (!attributes.has(key)) {
          throw bad(
            'unknown_attribute',
            `There is no attribute "${key}". Create it first, or map the column "${column}" to something else.`,
          );
        }
      }
      if (target === 'ignore' || target === 'tags') continue;
      const other = once.get(target);
      if (other !== undefined) {
        throw bad('duplicate_mapping', `Both "${other}" and "${column}" are mapped to ${target}; map only one column to it.`);
      }
      once.set(target, column);
    }
    if (!once.has('phone')) {
      throw bad('phone_column_required', 'Map one column to phone: contacts are matched and created by their phone number.');
    }
    const file = this.#file(ctx.tenantId, plan);
    if (!fs.existsSync(file)) {
      throw new AppError(410, 'import_file_gone', 'The uploaded file is no longer available; upload it again.');
    }
    const next: StoredPlan = {
      ...plan,
      // Only what is imported is kept: the column stays small for files with hundreds of columns.
      mapping: Object.fromEntries(Object.entries(input.mapping).filter(([, t]) => t !== 'ignore')),
      defaultCountry: input.defaultCountry ?? null,
      tags: [...new Map((input.tags ?? []).map((t) => [t.toLowerCase(), t])).values()],
    };
    if (Buffer.byteLength(JSON.stringify(next)) > PLAN_BYTES) {
      throw bad('mapping_too_large', 'The mapping is too large; map fewer columns (leave the others out or set them to ignore).');
    }
    const M = this.#d.models.ContactImport;
    // A double click starts it once.
    const [n] = await M.update(
      { status: 'queued', mapping: JSON.stringify(next) },
      { where: { id: imp.id, tenantId: ctx.tenantId, status: 'uploaded' } },
    );
    if (n === 0) throw new AppError(409, 'import_started', 'This import was already started.');
    try {
      await this.#d.enqueue(IMPORT_JOB, { importId: imp.id });
    } catch (err) {
      await M.update({ status: 'uploaded', mapping: imp.mapping }, { where: { id: imp.id, status: 'queued' } });
      throw err;
    }
    await this.#progress(ctx.tenantId, imp.id);
    return this.serialize(await this.#find(ctx.tenantId, imp.id));
  }

  // -------------------------------------------------------------------------------------------------
  // The job

  /**
   * Job 'contacts.import'. A queued import starts from the top; a running one (the job ran before
   * and stopped) resumes after the rows already committed. Done and failed imports are left alone.
   */
  async run(importId: number, attempt: { n: number; of: number } = { n: 1, of: 1 }): Promise<void> {
    const M = this.#d.models;
    const imp = await M.ContactImport.findByPk(importId);
    if (!imp || (imp.status !== 'queued' && imp.status !== 'running')) return;
    const plan = JSON.parse(imp.mapping!) as StoredPlan;
    const file = this.#file(imp.tenantId, plan);
    if (imp.status === 'queued') {
      // Nothing of this import was written yet: the counters start from zero.
      const [claimed] = await M.ContactImport.update(
        {
          status: 'running',
          startedAt: new Date(),
          processedRows: 0,
          createdCount: 0,
          updatedCount: 0,
          unchangedCount: 0,
          errorCount: 0,
          failure: null,
        },
        { where: { id: imp.id, status: 'queued' } },
      );
      await imp.reload();
      if (!claimed && (imp.status as string) !== 'running') return;
      await this.#progress(imp.tenantId, imp.id);
    }
    const log = this.#d.logger.child({ importId: imp.id, tenantId: imp.tenantId });
    let run: RunState | null = null;
    try {
      if (!fs.existsSync(file)) {
        throw new AppError(410, 'import_file_gone', 'The uploaded file is no longer available; upload it again.');
      }
      run = await this.#newRun(imp);
      await this.#process(run, plan, file);
      const [n] = await M.ContactImport.update(
        { status: 'done', finishedAt: new Date(), totalRows: run.processed },
        { where: { id: imp.id, status: 'running', processedRows: run.processed } },
      );
      if (n === 0) throw new Superseded();
      log.info({ processed: run.processed, created: run.created, updated: run.updated, errors: run.errorRows }, 'import done');
    } catch (err) {
      if (err instanceof Superseded) {
        log.warn('another run of this import carried on; this one stops');
        return;
      }
      const known = err instanceof AppError ? err.message : null;
      if (!known && attempt.n < attempt.of) throw err;
      log.error({ err }, 'import failed');
      const done = run?.processed ?? imp.processedRows;
      await imp.reload();
      await imp.update({
        status: 'failed',
        finishedAt: new Date(),
        failure:
          known ??
          `The import stopped because of an unexpected error after ${done} rows. Those rows are saved; upload the file again to import the rest (rows already imported will show as unchanged).`,
      });
      await this.#removeFile(file);
      await this.#progress(imp.tenantId, imp.id);
      if (!known) throw err;
      return;
    }
    await this.#removeFile(file);
    await this.#progress(imp.tenantId, imp.id);
  }

  /**
   * Job 'contacts.import-cleanup': an upload nobody started within a day has its file removed and is
   * marked failed, so abandoned wizards do not fill the disk.
   */
  async cleanUp(now = new Date()): Promise<number> {
    const M = this.#d.models.ContactImport;
    const stale = await M.findAll({
      where: { status: 'uploaded', createdAt: { [Op.lt]: new Date(now.getTime() - UNSTARTED_TTL_MS) } },
      limit: 500,
    });
    for (const imp of stale) {
      const [n] = await M.update(
        {
          status: 'failed',
          finishedAt: now,
          failure: 'This upload was not started within a day, so its file was removed. Upload the file again to import it.',
        },
        { where: { id: imp.id, status: 'uploaded' } },
      );
      if (n) await this.#removeFile(this.#file(imp.tenantId, JSON.parse(imp.mapping!) as StoredPlan));
    }
    return stale.length;
  }

  async #removeFile(file: string) {
    await unlink(file).catch((err: NodeJS.ErrnoException) => {
      if (err.code !== 'ENOENT') this.#d.logger.warn({ err }, 'could not remove an import file');
    });
  }

  async #progress(tenantId: number, importId: number) {
    try {
      await this.#d.bus.publish({ tenantId, topic: 'contacts', type: 'import.progress', data: { importId } });
    } catch (err) {
      this.#d.logger.warn({ err }, 'could not publish import progress');
    }
  }

  async #newRun(imp: ContactImportInstance): Promise<RunState> {
    const tags = await this.#d.sequelize.query<{ id: number; name: string }>('SELECT id, name FROM tags WHERE tenant_id = ?', {
      replacements: [imp.tenantId],
      type: QueryTypes.SELECT,
    });
    const tagIds = new Map<string, number>();
    for (const t of tags) if (!tagIds.has(t.name.toLowerCase())) tagIds.set(t.name.toLowerCase(), Number(t.id));
    return {
      imp,
      tenantId: imp.tenantId,
      actor: imp.createdByUserId ? `user:${imp.createdByUserId}` : 'system',
      processed: imp.processedRows,
      created: imp.createdCount,
      updated: imp.updatedCount,
      unchanged: imp.unchangedCount,
      errorRows: imp.errorCount,
      storedErrors: imp.processedRows > 0 ? await this.#d.models.ContactImportError.count({ where: { importId: imp.id } }) : 0,
      tagIds,
    };
  }

  async #rowPlan(tenantId: number, plan: StoredPlan): Promise<RowPlan> {
    const attributes = await this.#attributes(tenantId);
    const rp: RowPlan = {
      phone: -1,
      phoneColumn: '',
      name: null,
      email: null,
      tags: [],
      consent: null,
      attributes: [],
      columns: plan.columns,
      defaultCountry: plan.defaultCountry ?? null,
      extraTags: plan.tags ?? [],
    };
    plan.columns.forEach((column, index) => {
      const target = plan.mapping?.[column] ?? 'ignore';
      if (target === 'phone') {
        rp.phone = index;
        rp.phoneColumn = column;
      } else if (target === 'name') rp.name = index;
      else if (target === 'email') rp.email = index;
      else if (target === 'consent') rp.consent = index;
      else if (target === 'tags') rp.tags.push(index);
      else if (target.startsWith('attribute:')) {
        const key = target.slice('attribute:'.length);
        const def = attributes.get(key);
        if (!def) {
          throw new AppError(
            409,
            'unknown_attribute',
            `The attribute "${key}" was deleted after the import was started, so the column "${column}" cannot be imported. Upload the file again.`,
          );
        }
        rp.attributes.push({ index, column, def });
      }
    });
    if (rp.phone < 0) throw new AppError(400, 'phone_column_required', 'No column is mapped to phone.');
    return rp;
  }

  async #process(run: RunState, plan: StoredPlan, file: string) {
    const rowPlan = await this.#rowPlan(run.tenantId, plan);
    const resumeAfter = run.processed;
    const seen = new Map<string, number>();
    let header = false;
    let index = 0;
    let batch: RowResult[] = [];
    for await (const rec of readRecords(file, plan.delimiter)) {
      if (!header) {
        header = true;
        continue;
      }
      index++;
      const row = readRow(rowPlan, rec.cells, rec.line, seen);
      // Rows a previous run committed only feed the duplicate check.
      if (index <= resumeAfter) continue;
      batch.push(row);
      if (batch.length >= IMPORT_BATCH) {
        await this.#applyBatch(run, batch);
        batch = [];
      }
    }
    if (batch.length) await this.#applyBatch(run, batch);
  }

  #transaction<T>(fn: (t: Transaction) => Promise<T>): Promise<T> {
    // IMMEDIATE on SQLite: the batch reads before it writes, and a deferred transaction could not
    // upgrade to a writer once another connection has written in between.
    const sqlite = dialectOf(this.#d.sequelize) === 'sqlite';
    return sqlite ? this.#d.sequelize.transaction({ type: Transaction.TYPES.IMMEDIATE }, fn) : this.#d.sequelize.transaction(fn);
  }

  /**
   * Applies one batch of rows, its row errors and the import's counters in one transaction; a
   * deadlock with another writer (an inbound message creating the same contact) retries the batch.
   */
  async #applyBatch(run: RunState, rows: RowResult[]) {
    for (let attempt = 1; ; attempt++) {
      try {
        await this.#applyBatchOnce(run, rows);
        break;
      } catch (err) {
        if (attempt >= BATCH_ATTEMPTS || !isLockConflict(err)) throw err;
        this.#d.logger.warn({ importId: run.imp.id, attempt }, 'import batch hit a lock conflict; trying it again');
        await new Promise((r) => setTimeout(r, 50 * attempt + Math.random() * 100));
      }
    }
    await this.#progress(run.tenantId, run.imp.id);
  }

  async #applyBatchOnce(run: RunState, rows: RowResult[]) {
    const { models, sequelize } = this.#d;
    const good = rows.filter((r): r is GoodRow => r.ok);
    const errors: RowError[] = rows.flatMap((r) => (r.ok ? [] : r.errors));
    const newTags = new Map<string, number>();
    const keep = errors.slice(0, Math.max(0, MAX_STORED_ERRORS - run.storedErrors));
    const counts = await this.#transaction(async (transaction) => {
      // Runs of the same import queue here, and one that finds the counters moved stops: another
      // run (which took over a lock it thought stale) owns the import now.
      const lock = dialectOf(sequelize) === 'mysql' ? ' FOR UPDATE' : '';
      const [current] = await sequelize.query<{ processed_rows: number; status: string }>(
        `SELECT processed_rows, status FROM contact_imports WHERE id = ?${lock}`,
        { replacements: [run.imp.id], type: QueryTypes.SELECT, transaction },
      );
      if (!current || current.status !== 'running' || Number(current.processed_rows) !== run.processed) throw new Superseded();
      const c = good.length ? await this.#upsert(run, good, transaction, newTags) : { created: 0, updated: 0, unchanged: 0 };
      if (keep.length) {
        await models.ContactImportError.bulkCreate(
          keep.map((e) => ({
            tenantId: run.tenantId,
            importId: run.imp.id,
            rowNumber: e.line,
            columnName: e.column ? e.column.slice(0, 255) : null,
            value: e.value === null ? null : e.value.slice(0, 255),
            message: e.message.slice(0, 500),
          })),
          { transaction },
        );
      }
      await models.ContactImport.update(
        {
          processedRows: run.processed + rows.length,
          createdCount: run.created + c.created,
          updatedCount: run.updated + c.updated,
          unchangedCount: run.unchanged + c.unchanged,
          errorCount: run.errorRows + (rows.length - good.length),
        },
        { where: { id: run.imp.id }, transaction },
      );
      return c;
    });
    run.processed += rows.length;
    run.created += counts.created;
    run.updated += counts.updated;
    run.unchanged += counts.unchanged;
    run.errorRows += rows.length - good.length;
    run.storedErrors += keep.length;
    for (const [k, v] of newTags) run.tagIds.set(k, v);
  }

  /**
   * Creates the batch's new contacts and changes existing ones only where the row says something
   * different; returns how many of each there were.
   */
  async #upsert(run: RunState, good: GoodRow[], transaction: Transaction, newTags: Map<string, number>) {
    const sequelize = this.#d.sequelize;
    const mysql = dialectOf(sequelize) === 'mysql';
    const q = (v: string | number | null) => (v === null ? 'NULL' : sequelize.escape(v));
    const tenantId = run.tenantId;
    const now = sqlDate(sequelize, new Date());
    const ignoreDuplicates = mysql ? 'ON DUPLICATE KEY UPDATE tenant_id = tenant_id' : 'ON CONFLICT DO NOTHING';
    // A locking read on MySQL sees rows another transaction committed after this one's snapshot.
    const latest = mysql ? ' FOR UPDATE' : '';

    const byPhone = await this.#contactsByPhone(
      tenantId,
      good.map((r) => r.phone),
      transaction,
      '',
    );
    const fresh = good.filter((r) => !byPhone.has(r.phone));
    const createdIds = new Set<number>();
    if (fresh.length) {
      const values = fresh
        .map(
          (r) =>
            `(${tenantId}, ${q(r.phone)}, ${q(r.waId)}, ${q(r.name)}, ${q(r.email)}, 'import', 'unknown', ${q(now)}, ${q(now)})`,
        )
        .join(', ');
      await sequelize.query(
        `INSERT INTO contacts (tenant_id, phone, wa_id, name, email, source, consent_state, created_at, updated_at) VALUES ${values} ${ignoreDuplicates}`,
        { transaction },
      );
      const inserted = await this.#contactsByPhone(
        tenantId,
        fresh.map((r) => r.phone),
        transaction,
        latest,
      );
      for (const r of fresh) {
        const c = inserted.get(r.phone);
        if (!c) throw new Error(`The contact for ${r.phone} was neither found nor created.`);
        byPhone.set(r.phone, c);
        // Someone else may have created it a moment earlier: then it is an existing contact.
        if (c.name === r.name && c.email === r.email && c.consentState === 'unknown') createdIds.add(c.id);
      }
    }
    const existingIds = good.map((r) => byPhone.get(r.phone)!.id).filter((id) => !createdIds.has(id));

    // Tags: ids found or created once per import.
    const tagNames = new Map<string, string>();
    for (const r of good) for (const t of r.tags) if (!run.tagIds.has(t.toLowerCase())) tagNames.set(t.toLowerCase(), t);
    if (tagNames.size) {
      const names = [...tagNames.values()];
      await sequelize.query(
        `INSERT INTO tags (tenant_id, name, created_at, updated_at) VALUES ${names.map((n) => `(${tenantId}, ${q(n)}, ${q(now)}, ${q(now)})`).join(', ')} ${ignoreDuplicates}`,
        { transaction },
      );
      const found = await sequelize.query<{ id: number; name: string }>(
        `SELECT id, name FROM tags WHERE tenant_id = ? AND name IN (${names.map(q).join(', ')})${latest}`,
        { replacements: [tenantId], type: QueryTypes.SELECT, transaction },
      );
      for (const t of found) newTags.set(t.name.toLowerCase(), Number(t.id));
      // SQLite compares names case-sensitively: a differently-cased twin still maps to its row.
      for (const [lower] of tagNames) if (!newTags.has(lower)) throw new Error(`Tag "${lower}" could not be created.`);
    }
    const tagId = (name: string) => run.tagIds.get(name.toLowerCase()) ?? newTags.get(name.toLowerCase())!;

    const haveTags = new Set<string>();
    const haveValues = new Map<string, Pick<ContactAttributeValueAttrs, 'valueText' | 'valueNumber' | 'valueDate'>>();
    if (existingIds.length) {
      const tagIdsUsed = [...new Set(good.flatMap((r) => r.tags.map(tagId)))];
      if (tagIdsUsed.length) {
        const pairs = await sequelize.query<{ contact_id: number; tag_id: number }>(
          `SELECT contact_id, tag_id FROM contact_tags WHERE contact_id IN (${existingIds.join(', ')}) AND tag_id IN (${tagIdsUsed.join(', ')})`,
          { type: QueryTypes.SELECT, transaction },
        );
        for (const p of pairs) haveTags.add(`${Number(p.contact_id)}:${Number(p.tag_id)}`);
      }
      const attrIds = [...new Set(good.flatMap((r) => r.attributes.map((a) => a.def.id)))];
      if (attrIds.length) {
        const values = await sequelize.query<{
          contact_id: number;
          attribute_id: number;
          value_text: string | null;
          value_number: number | null;
          value_date: unknown;
        }>(
          `SELECT contact_id, attribute_id, value_text, value_number, value_date FROM contact_attribute_values WHERE contact_id IN (${existingIds.join(', ')}) AND attribute_id IN (${attrIds.join(', ')})`,
          { type: QueryTypes.SELECT, transaction },
        );
        for (const v of values) {
          haveValues.set(`${Number(v.contact_id)}:${Number(v.attribute_id)}`, {
            valueText: v.value_text,
            valueNumber: v.value_number === null ? null : Number(v.value_number),
            valueDate: v.value_date as Date | null,
          });
        }
      }
    }

    let created = 0;
    let updated = 0;
    let unchanged = 0;
    const nameChanges: [number, string][] = [];
    const emailChanges: [number, string][] = [];
    const touched: number[] = [];
    const tagRows: string[] = [];
    const valueRows: string[] = [];
    const consent: ConsentInput[] = [];
    // A file may set consent where nobody has yet, or correct what an earlier import set; it never
    // overrides what the customer (a keyword, a form), a teammate or the API recorded since. So an
    // old file imported again cannot undo an opt-out.
    const consentCandidates = good
      .map((r) => ({ r, c: byPhone.get(r.phone)! }))
      .filter(
        ({ r, c }) =>
          r.consent && !createdIds.has(c.id) && c.consentState !== 'unknown' && c.consentState !== CONSENT_STATE[r.consent],
      );
    const lastSource = await this.#d.consent.latestSources(
      tenantId,
      consentCandidates.map(({ c }) => c.id),
      transaction,
    );
    for (const r of good) {
      const c = byPhone.get(r.phone)!;
      const isNew = createdIds.has(c.id);
      let changed = false;
      if (!isNew && r.name !== null && r.name !== c.name) {
        nameChanges.push([c.id, r.name]);
        changed = true;
      }
      if (!isNew && r.email !== null && r.email !== c.email) {
        emailChanges.push([c.id, r.email]);
        changed = true;
      }
      for (const t of r.tags) {
        const id = tagId(t);
        if (!isNew && haveTags.has(`${c.id}:${id}`)) continue;
        haveTags.add(`${c.id}:${id}`);
        tagRows.push(`(${c.id}, ${id}, ${tenantId}, ${q(now)})`);
        changed = true;
      }
      for (const a of r.attributes) {
        const cols = valueColumns(a.def.type, a.value);
        if (!isNew && sameValue(a.def.type, haveValues.get(`${c.id}:${a.def.id}`), cols)) continue;
        const date = cols.valueDate ? sqlDate(sequelize, cols.valueDate) : null;
        valueRows.push(`(${c.id}, ${a.def.id}, ${tenantId}, ${q(cols.valueText)}, ${q(cols.valueNumber)}, ${q(date)})`);
        changed = true;
      }
      const mayConsent = isNew || c.consentState === 'unknown' || lastSource.get(c.id) === 'import';
      if (r.consent && c.consentState !== CONSENT_STATE[r.consent] && mayConsent) {
        consent.push({
          contactId: c.id,
          action: r.consent,
          source: 'import',
          proof: { importId: run.imp.id, filename: run.imp.filename, line: r.line },
          actor: run.actor,
        });
        changed = true;
      }
      if (isNew) created++;
      else if (changed) {
        updated++;
        touched.push(c.id);
      } else unchanged++;
    }

    if (touched.length) {
      const sets: string[] = [];
      const caseOf = (column: string, changes: [number, string][]) =>
        `${column} = CASE id ${changes.map(([id, v]) => `WHEN ${id} THEN ${q(v)}`).join(' ')} ELSE ${column} END`;
      if (nameChanges.length) sets.push(caseOf('name', nameChanges));
      if (emailChanges.length) sets.push(caseOf('email', emailChanges));
      sets.push(`updated_at = ${q(now)}`);
      await sequelize.query(
        `UPDATE contacts SET ${sets.join(', ')} WHERE tenant_id = ${tenantId} AND id IN (${touched.join(', ')})`,
        {
          transaction,
        },
      );
    }
    if (tagRows.length) {
      await sequelize.query(
        `INSERT INTO contact_tags (contact_id, tag_id, tenant_id, created_at) VALUES ${tagRows.join(', ')} ${mysql ? 'ON DUPLICATE KEY UPDATE contact_id = contact_id' : 'ON CONFLICT DO NOTHING'}`,
        { transaction },
      );
    }
    if (valueRows.length) {
      const upsert = mysql
        ? 'ON DUPLICATE KEY UPDATE value_text = VALUES(value_text), value_number = VALUES(value_number), value_date = VALUES(value_date)'
        : 'ON CONFLICT (contact_id, attribute_id) DO UPDATE SET value_text = excluded.value_text, value_number = excluded.value_number, value_date = excluded.value_date';
      await sequelize.query(
        `INSERT INTO contact_attribute_values (contact_id, attribute_id, tenant_id, value_text, value_number, value_date) VALUES ${valueRows.join(', ')} ${upsert}`,
        { transaction },
      );
    }
    if (consent.length) await this.#d.consent.record(tenantId, consent, { transaction });
    return { created, updated, unchanged };
  }

  async #contactsByPhone(
    tenantId: number,
    phones: string[],
    transaction: Transaction,
    suffix: string,
  ): Promise<Map<string, ContactRow>> {
    const sequelize = this.#d.sequelize;
    const rows = await sequelize.query<{
      id: number;
      phone: string;
      name: string | null;
      email: string | null;
      consent_state: string;
    }>(
      `SELECT id, phone, name, email, consent_state FROM contacts WHERE tenant_id = ? AND phone IN (${phones.map((p) => sequelize.escape(p)).join(', ')})${suffix}`,
      { replacements: [tenantId], type: QueryTypes.SELECT, transaction },
    );
    return new Map(
      rows.map((r) => [
        r.phone,
        { id: Number(r.id), phone: r.phone, name: r.name, email: r.email, consentState: r.consent_state },
      ]),
    );
  }
}

const BATCH_ATTEMPTS = 4;

/** A deadlock or lock wait that gave up: the transaction was rolled back and may simply run again. */
function isLockConflict(err: unknown): boolean {
  const e = err as { parent?: { code?: string; errno?: number }; original?: { code?: string } };
  const code = e?.parent?.code ?? e?.original?.code ?? '';
  return code === 'ER_LOCK_DEADLOCK' || code === 'ER_LOCK_WAIT_TIMEOUT' || code.startsWith('SQLITE_BUSY');
}

/** Thrown when the import's counters moved under this run: another run owns it now. */
class Superseded extends Error {
  constructor() {
    super('The import was carried on by another run.');
    this.name = 'Superseded';
  }
}

/** Whether a stored value equals the one a row brings (so nothing is written). */
function sameValue(
  type: AttributeType,
  stored: Pick<ContactAttributeValueAttrs, 'valueText' | 'valueNumber' | 'valueDate'> | undefined,
  next: Pick<ContactAttributeValueAttrs, 'valueText' | 'valueNumber' | 'valueDate'>,
): boolean {
  if (!stored) return false;
  switch (type) {
    case 'number':
    case 'boolean':
      return stored.valueNumber !== null && next.valueNumber !== null && Number(stored.valueNumber) === Number(next.valueNumber);
    case 'date':
      return timeOf(stored.valueDate) !== null && timeOf(stored.valueDate) === timeOf(next.valueDate);
    default:
      return stored.valueText === next.valueText;
  }
}

/** A cell a spreadsheet would run as a formula is shown as text (phone numbers like +49… stay as they are). */
function defuse(value: string): string {
  if (/^[=@\t\r]/.test(value) || (/^[+-]/.test(value) && !/^[+-][\d\s().-]*$/.test(value))) return `'${value}`;
  return value;
}
