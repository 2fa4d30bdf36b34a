// Agenda 6 storage on our own SQL database (SQLite or MySQL/MariaDB) through Sequelize raw queries.
// Every write is one autocommit statement; claims are conditional UPDATEs, so any number of processes
// can poll the same table. No transactions: Sequelize opens a separate SQLite connection per
// transaction (without our busy_timeout), and MySQL has no UPDATE ... RETURNING anyway.
import crypto from 'node:crypto';
import { QueryTypes, UniqueConstraintError, type Sequelize } from 'sequelize';
import {
  computeJobState,
  toJobId,
  type AgendaBackend,
  type JobId,
  type JobParameters,
  type JobRepository,
  type JobRepositoryOptions,
  type JobState,
  type JobsOverview,
  type JobsQueryOptions,
  type JobsResult,
  type JobsSort,
  type JobWithState,
  type RemoveJobsOptions,
} from 'agenda';

type Dialect = 'sqlite' | 'mysql';
type DbDate = Date | string | number | null;
type Params = Record<string, unknown>;

interface JobRow {
  id: string;
  name: string;
  type: string;
  priority: number | string;
  next_run_at: DbDate;
  locked_at: DbDate;
  last_run_at: DbDate;
  last_finished_at: DbDate;
  failed_at: DbDate;
  fail_count: number | string | null;
  fail_reason: string | null;
  repeat_interval: string | null;
  repeat_timezone: string | null;
  repeat_at: string | null;
  start_date: DbDate;
  end_date: DbDate;
  skip_days: string | null;
  data: string | null;
  disabled: number | boolean | string;
  progress: number | string | null;
  fork: number | boolean | string;
  unique_key: string | null;
  debounce_started_at: DbDate;
  last_modified_by: string | null;
}

export interface SqlBackendOptions {
  sequelize: Sequelize;
  tableName?: string;
}

// Candidates fetched per claim round; a few spares let a loser of a race move straight on to the next
// job instead of re-querying.
const CLAIM_BATCH = 8;
const CLAIM_ROUNDS = 4;
const ID_CHUNK = 500;

// Mirrors computeJobState() from agenda so dashboards can filter and count by state in SQL.
const STATE_SQL = `CASE
  WHEN locked_at IS NOT NULL THEN 'running'
  WHEN failed_at IS NOT NULL AND (last_finished_at IS NULL OR failed_at >= last_finished_at) THEN 'failed'
  WHEN repeat_interval IS NOT NULL AND repeat_interval <> '' THEN 'repeating'
  WHEN next_run_at > :now THEN 'scheduled'
  WHEN next_run_at <= :now THEN 'queued'
  ELSE 'completed' END`;

const SORT_COLUMNS: Record<keyof JobsSort, string> = {
  nextRunAt: 'next_run_at',
  lastRunAt: 'last_run_at',
  lastFinishedAt: 'last_finished_at',
  priority: 'priority',
  name: 'name',
  data: 'data',
};

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

function toDate(value: Date | string | number | null | undefined): Date | null {
  if (value === null || value === undefined) return null;
  const d = value instanceof Date ? value : new Date(value);
  return Number.isNaN(d.getTime()) ? null : d;
}

function parseDbDate(value: DbDate | undefined): Date | null {
  if (value === null || value === undefined) return null;
  if (value instanceof Date) return value;
  if (typeof value === 'number') return new Date(value);
  // Stored as UTC 'YYYY-MM-DD HH:MM:SS.mmm' (+ ' +00:00' on SQLite); never let Date read it as local.
  let s = value
    .trim()
    .replace(' ', 'T')
    .replace(/ ?([+-]\d\d:?\d\d|Z)$/, '$1');
  if (!/(Z|[+-]\d\d:?\d\d)$/.test(s)) s += 'Z';
  const d = new Date(s);
  return Number.isNaN(d.getTime()) ? null : d;
}

function bool(value: unknown): boolean {
  return value === true || value === 1 || value === '1' || value === 'true';
}

function num(value: unknown): number | undefined {
  if (value === null || value === undefined || value === '') return undefined;
  const n = Number(value);
  return Number.isFinite(n) ? n : undefined;
}

function parseJson(text: string | null): unknown {
  if (text === null || text === '') return null;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function keyHash(kind: 'single' | 'unique', name: string, query?: unknown): string {
  return crypto
    .createHash('sha256')
    .update(`${kind}\u0000${name}\u0000${query === undefined ? '' : canonicalJson(query)}`)
    .digest('hex');
}

// Stable key order so { a, b } and { b, a } give the same unique key.
function canonicalJson(value: unknown): string {
  if (value instanceof Date) return JSON.stringify(value.toISOString());
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.keys(value as object)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`);
    return `{${entries.join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}

// "Exact match or partial object match", as the agenda query types describe the data filter.
function matchesData(filter: unknown, data: unknown): boolean {
  if (filter && typeof filter === 'object' && !Array.isArray(filter)) {
    if (!data || typeof data !== 'object' || Array.isArray(data)) return false;
    return Object.entries(filter as Record<string, unknown>).every(([k, v]) =>
      matchesData(v, (data as Record<string, unknown>)[k]),
    );
  }
  return canonicalJson(filter) === canonicalJson(data);
}

function isTransientLockError(err: unknown): boolean {
  const e = err as { parent?: { code?: string }; original?: { code?: string }; message?: string };
  const code = e?.parent?.code ?? e?.original?.code;
  if (code === 'ER_LOCK_DEADLOCK' || code === 'ER_LOCK_WAIT_TIMEOUT' || code === 'SQLITE_BUSY') return true;
  return /SQLITE_BUSY|Deadlock found/.test(e?.message ?? '');
}

function chunks<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

function rowToJob<DATA = unknown>(row: JobRow): JobParameters<DATA> {
  const interval = row.repeat_interval;
  return {
    _id: toJobId(String(row.id)),
    name: row.name,
    priority: num(row.priority) ?? 0,
    nextRunAt: parseDbDate(row.next_run_at),
    type: row.type === 'single' ? 'single' : 'normal',
    lockedAt: parseDbDate(row.locked_at) ?? undefined,
    lastRunAt: parseDbDate(row.last_run_at) ?? undefined,
    lastFinishedAt: parseDbDate(row.last_finished_at) ?? undefined,
    failedAt: parseDbDate(row.failed_at) ?? undefined,
    failCount: num(row.fail_count),
    failReason: row.fail_reason ?? undefined,
    // Numbers were given as milliseconds (agenda.every(60000, ...)); give them back as numbers.
    repeatInterval: interval === null ? undefined : /^\d+$/.test(interval) ? Number(interval) : interval,
    repeatTimezone: row.repeat_timezone ?? undefined,
    repeatAt: row.repeat_at ?? undefined,
    startDate: parseDbDate(row.start_date) ?? undefined,
    endDate: parseDbDate(row.end_date) ?? undefined,
    skipDays: row.skip_days ? (parseJson(row.skip_days) as number[]) : undefined,
    data: parseJson(row.data) as DATA,
    disabled: bool(row.disabled),
    progress: num(row.progress),
    fork: bool(row.fork),
    debounceStartedAt: parseDbDate(row.debounce_started_at) ?? undefined,
    lastModifiedBy: row.last_modified_by ?? undefined,
  };
}

export class SqlJobRepository implements JobRepository {
  private readonly sequelize: Sequelize;
  private readonly dialect: Dialect;
  private readonly table: string;

  constructor(options: SqlBackendOptions) {
    this.sequelize = options.sequelize;
    this.dialect = options.sequelize.getDialect() === 'mysql' ? 'mysql' : 'sqlite';
    this.table = options.sequelize.getQueryInterface().quoteIdentifier(options.tableName ?? 'jobs');
  }

  // Agenda calls connect() from its constructor without handling a rejection, so it must not fail;
  // createJobs() calls verifySchema() first to fail early with a readable message instead.
  async connect(): Promise<void> {}

  async verifySchema(): Promise<void> {
    try {
      await this.select(`SELECT id FROM ${this.table} WHERE 1 = 0`);
    } catch (err) {
      throw new Error(`The jobs table ${this.table} is not usable (have the migrations run?)`, { cause: err });
    }
  }

  // ---- formatting -------------------------------------------------------------------------------

  // Dates go in as explicit UTC strings: DATETIME(3) on MySQL, and on SQLite the same fixed-width
  // text Sequelize writes, which compares correctly as a string.
  private d(value: Date | string | number | null | undefined): string | null {
    const date = toDate(value);
    if (!date) return null;
    const iso = date.toISOString();
    const s = `${iso.slice(0, 10)} ${iso.slice(11, 23)}`;
    return this.dialect === 'sqlite' ? `${s} +00:00` : s;
  }

  private async select<T extends object>(sql: string, replacements: Params = {}): Promise<T[]> {
    return this.retry(() => this.sequelize.query<T>(sql, { replacements, type: QueryTypes.SELECT }));
  }

  /** Runs an UPDATE/DELETE and returns the number of rows it changed. */
  private async write(sql: string, replacements: Params = {}): Promise<number> {
    return this.retry(async () => {
      const result = (await this.sequelize.query(sql, { replacements, type: QueryTypes.UPDATE })) as unknown;
      const affected = Array.isArray(result) ? result[1] : result;
      return Number(affected) || 0;
    });
  }

  private async insertRow(values: Params): Promise<void> {
    const cols = Object.keys(values);
    const sql = `INSERT INTO ${this.table} (${cols.join(', ')}) VALUES (${cols.map((c) => `:${c}`).join(', ')})`;
    await this.retry(() => this.sequelize.query(sql, { replacements: values, type: QueryTypes.INSERT }));
  }

  // MySQL may pick a deadlock victim between two writers touching the same index range; the
  // statements here are idempotent, so running them again is safe.
  private async retry<T>(fn: () => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await fn();
      } catch (err) {
        if (attempt >= 5 || !isTransientLockError(err)) throw err;
        await sleep(5 * attempt + Math.random() * 20);
      }
    }
  }

  private async findRow(where: string, params: Params): Promise<JobRow | null> {
    const rows = await this.select<JobRow>(`SELECT * FROM ${this.table} WHERE ${where} LIMIT 1`, params);
    return rows[0] ?? null;
  }

  private async rowById(id: string): Promise<JobRow | null> {
    return this.findRow('id = :id', { id });
  }

  /** Columns that a user-level save (Job.save(), agenda.every(), ...) writes. */
  private configValues(job: Partial<JobParameters>, lastModifiedBy: string | null): Params {
    const values: Params = {
      name: job.name,
      type: job.type === 'single' ? 'single' : 'normal',
      priority: Math.trunc(Number(job.priority ?? 0)) || 0,
      next_run_at: this.d(job.nextRunAt),
      repeat_interval: job.repeatInterval === undefined || job.repeatInterval === null ? null : String(job.repeatInterval),
      repeat_timezone: job.repeatTimezone ?? null,
      repeat_at: job.repeatAt ?? null,
      start_date: this.d(job.startDate),
      end_date: this.d(job.endDate),
      skip_days: job.skipDays ? JSON.stringify(job.skipDays) : null,
      data: JSON.stringify(job.data === undefined ? null : job.data),
      fork: job.fork ? 1 : 0,
      last_modified_by: lastModifiedBy,
      updated_at: this.d(new Date()),
    };
    // A fresh Job has disabled undefined: re-registering a recurring job at boot must not re-enable
    // one an operator paused.
    if (job.disabled !== undefined) values.disabled = job.disabled ? 1 : 0;
    return values;
  }

  /** Columns the job processor owns; written by saveJob only when the caller set them explicitly. */
  private stateValues(job: Partial<JobParameters>, onlyDefined: boolean): Params {
    const all: Params = {
      locked_at: job.lockedAt === undefined ? undefined : this.d(job.lockedAt),
      last_run_at: job.lastRunAt === undefined ? undefined : this.d(job.lastRunAt),
      last_finished_at: job.lastFinishedAt === undefined ? undefined : this.d(job.lastFinishedAt),
      failed_at: job.failedAt === undefined ? undefined : this.d(job.failedAt),
      fail_count: job.failCount ?? undefined,
      fail_reason: job.failReason ?? undefined,
      progress: job.progress ?? undefined,
    };
    const out: Params = {};
    for (const [k, v] of Object.entries(all)) {
      if (v !== undefined) out[k] = v;
      else if (!onlyDefined) out[k] = null;
    }
    return out;
  }

  private async updateColumns(id: string, values: Params, extraWhere = '', extraParams: Params = {}): Promise<number> {
    const sets = Object.keys(values).map((c) => `${c} = :${c}`);
    return this.write(`UPDATE ${this.table} SET ${sets.join(', ')} WHERE id = :__id ${extraWhere}`, {
      ...extraParams,
      ...values,
      __id: id,
    });
  }

  // ---- the hot path --------------------------------------------------------------------------------

  async getNextJobToRun(
    jobName: string,
    nextScanAt: Date,
    lockDeadline: Date,
    now: Date | undefined,
    options: JobRepositoryOptions | undefined,
  ): Promise<JobParameters | undefined> {
    // Ready (unlocked and due before the next scan) or stale (locked by a worker that stopped touching
    // it before the lock lifetime ran out, e.g. it crashed).
    const claimable = `name = :name AND disabled = 0 AND (
      (locked_at IS NULL AND next_run_at <= :nextScanAt) OR locked_at <= :lockDeadline)`;
    const params = { name: jobName, nextScanAt: this.d(nextScanAt), lockDeadline: this.d(lockDeadline) };
    for (let round = 0; round < CLAIM_ROUNDS; round++) {
      const candidates = await this.select<{ id: string }>(
        `SELECT id FROM ${this.table} WHERE ${claimable} ORDER BY next_run_at ASC, priority DESC LIMIT ${CLAIM_BATCH}`,
        params,
      );
      if (candidates.length === 0) return undefined;
      for (const { id } of candidates) {
        const lockedAt = this.d(now ?? new Date());
        // The WHERE re-checks claimability against the current row, so of several workers that picked
        // the same candidate exactly one changes it; the others see 0 rows and try the next one.
        const changed = await this.write(
          `UPDATE ${this.table} SET locked_at = :lockedAt, last_modified_by = :by, updated_at = :lockedAt
           WHERE id = :id AND ${claimable}`,
          { ...params, id: String(id), lockedAt, by: options?.lastModifiedBy ?? null },
        );
        if (changed !== 1) continue;
        const row = await this.rowById(String(id));
        if (row) return rowToJob(row);
      }
    }
    return undefined;
  }

  async lockJob(job: JobParameters, options: JobRepositoryOptions | undefined): Promise<JobParameters | undefined> {
    if (!job._id) return undefined;
    const now = this.d(new Date());
    const nextRunCheck = job.nextRunAt ? 'next_run_at = :nextRunAt' : 'next_run_at IS NULL';
    const changed = await this.write(
      `UPDATE ${this.table} SET locked_at = :now, last_modified_by = :by, updated_at = :now
       WHERE id = :id AND name = :name AND locked_at IS NULL AND disabled = 0 AND ${nextRunCheck}`,
      {
        now,
        by: options?.lastModifiedBy ?? null,
        id: String(job._id),
        name: job.name,
        nextRunAt: this.d(job.nextRunAt),
      },
    );
    if (changed !== 1) return undefined;
    const row = await this.rowById(String(job._id));
    return row ? rowToJob(row) : undefined;
  }

  // A job whose nextRunAt is null is being (or has been) run as a one-off; unlocking it would let a
  // stale-lock scan run it again, so only jobs still waiting for a run are released.
  async unlockJob(job: JobParameters): Promise<void> {
    if (!job._id) return;
    await this.write(`UPDATE ${this.table} SET locked_at = NULL WHERE id = :id AND next_run_at IS NOT NULL`, {
      id: String(job._id),
    });
  }

  async unlockJobs(jobIds: (JobId | string)[]): Promise<void> {
    for (const ids of chunks(jobIds.map(String), ID_CHUNK)) {
      await this.write(`UPDATE ${this.table} SET locked_at = NULL WHERE id IN (:ids) AND next_run_at IS NOT NULL`, {
        ids,
      });
    }
  }

  async saveJobState(job: JobParameters, options: JobRepositoryOptions | undefined): Promise<void> {
    if (!job._id) throw new Error('Cannot save job state without job ID');
    const id = String(job._id);
    const values = {
      ...this.stateValues(job, false),
      next_run_at: this.d(job.nextRunAt),
      last_modified_by: options?.lastModifiedBy ?? null,
      updated_at: this.d(new Date()),
    };
    const changed = await this.updateColumns(id, values);
    // MySQL reports rows *changed*, so 0 can also mean "identical values"; only a missing row is an error.
    if (changed === 0 && !(await this.rowById(id))) {
      throw new Error(`job ${id} (name: ${job.name}) cannot be updated in the database, maybe it does not exist anymore?`);
    }
  }

  // ---- saving -------------------------------------------------------------------------------------

  async saveJob<DATA = unknown>(
    job: JobParameters<DATA>,
    options: JobRepositoryOptions | undefined,
  ): Promise<JobParameters<DATA>> {
    const { _id, unique, uniqueOpts, ...props } = job;
    const by = options?.lastModifiedBy ?? null;

    if (_id) {
      const id = String(_id);
      const values = { ...this.configValues(props, by), ...this.stateValues(props, true) };
      // Matching on name too, like the Mongo backend: an id reused for another job type is not updated.
      delete values.name;
      await this.updateColumns(id, values, 'AND name = :__name', { __name: props.name });
      const row = await this.findRow('id = :id AND name = :name', { id, name: props.name });
      return row ? rowToJob<DATA>(row) : job;
    }

    if (props.type === 'single') {
      return this.upsertKeyed<DATA>(keyHash('single', props.name), props, by, (existing, now) => {
        // agenda.every() at every boot asks for "now"; keep the schedule already stored instead, or
        // each restart would fire every recurring job immediately.
        const protect = existing.next_run_at !== null && props.nextRunAt !== null && props.nextRunAt <= now;
        return protect ? { next_run_at: this.d(parseDbDate(existing.next_run_at)) } : {};
      });
    }

    if (unique) {
      const debounce = uniqueOpts?.debounce;
      const key = keyHash('unique', props.name, unique);
      return this.upsertKeyed<DATA>(
        key,
        props,
        by,
        (existing, now) => {
          if (uniqueOpts?.insertOnly && !debounce) return null;
          if (!debounce) return { debounce_started_at: null };
          const started = parseDbDate(existing.debounce_started_at);
          if (debounce.strategy === 'leading') {
            // Within the window: keep the run already scheduled (or done) and only refresh the data.
            if (started && now.getTime() - started.getTime() < debounce.delay) {
              return { next_run_at: this.d(parseDbDate(existing.next_run_at)), debounce_started_at: this.d(started) };
            }
            return { next_run_at: this.d(props.nextRunAt ?? now), debounce_started_at: this.d(now) };
          }
          // Trailing: a window is open while a run is still pending; otherwise this save opens a new one.
          const windowStart = existing.next_run_at !== null && started ? started : now;
          if (debounce.maxWait && now.getTime() - windowStart.getTime() >= debounce.maxWait) {
            return { next_run_at: this.d(now), debounce_started_at: this.d(windowStart) };
          }
          return {
            next_run_at: this.d(new Date(now.getTime() + debounce.delay)),
            debounce_started_at: this.d(windowStart),
          };
        },
        (now) =>
          debounce
            ? {
                next_run_at:
                  debounce.strategy === 'leading' ? this.d(props.nextRunAt) : this.d(new Date(now.getTime() + debounce.delay)),
                debounce_started_at: this.d(now),
              }
            : {},
      );
    }

    const id = crypto.randomUUID();
    await this.insertRow(this.newRowValues(id, props, by, null));
    const row = await this.rowById(id);
    return row ? rowToJob<DATA>(row) : { ...job, _id: toJobId(id) };
  }

  private newRowValues(id: string, props: Partial<JobParameters>, by: string | null, uniqueKey: string | null): Params {
    const now = this.d(new Date());
    return {
      id,
      ...this.configValues(props, by),
      disabled: props.disabled ? 1 : 0,
      ...this.stateValues(props, false),
      unique_key: uniqueKey,
      debounce_started_at: this.d(props.debounceStartedAt),
      created_at: now,
      updated_at: now,
    };
  }

  /**
   * Insert-or-update on unique_key. The unique index makes concurrent first saves safe: the loser of
   * the INSERT race gets a UniqueConstraintError and updates the winner's row instead.
   * `onExisting` returns column overrides for the update, or null to leave the row untouched.
   */
  private async upsertKeyed<DATA>(
    key: string,
    props: Omit<JobParameters<DATA>, '_id' | 'unique' | 'uniqueOpts'>,
    by: string | null,
    onExisting: (existing: JobRow, now: Date) => Params | null,
    onInsert: (now: Date) => Params = () => ({}),
  ): Promise<JobParameters<DATA>> {
    for (let attempt = 0; attempt < 3; attempt++) {
      const now = new Date();
      const existing = await this.findRow('unique_key = :key', { key });
      if (existing) {
        const overrides = onExisting(existing, now);
        if (overrides === null) return rowToJob<DATA>(existing);
        await this.updateColumns(String(existing.id), { ...this.configValues(props, by), ...overrides });
        const row = await this.rowById(String(existing.id));
        if (row) return rowToJob<DATA>(row);
        continue; // removed in between: start over and insert
      }
      const id = crypto.randomUUID();
      try {
        await this.insertRow({ ...this.newRowValues(id, props, by, key), ...onInsert(now) });
      } catch (err) {
        if (err instanceof UniqueConstraintError) continue;
        throw err;
      }
      const row = await this.rowById(id);
      if (row) return rowToJob<DATA>(row);
    }
    throw new Error(`Could not save job ${props.name}: its unique row kept changing`);
  }

  // ---- selection by RemoveJobsOptions -------------------------------------------------------------

  /** Ids matching the options, or null when the options name no criteria (never act on everything). */
  private async selectIds(options: RemoveJobsOptions): Promise<string[] | null> {
    const clauses: string[] = [];
    const params: Params = {};
    if (options.id !== undefined && options.id !== null) {
      clauses.push('id = :id');
      params.id = String(options.id);
    }
    if (options.ids) {
      if (options.ids.length === 0) return [];
      clauses.push('id IN (:ids)');
      params.ids = options.ids.map(String);
    }
    if (options.name) {
      clauses.push('name = :name');
      params.name = options.name;
    }
    if (options.names) {
      if (options.names.length === 0) return [];
      clauses.push('name IN (:names)');
      params.names = options.names;
    }
    if (options.notNames && options.notNames.length > 0) {
      clauses.push('name NOT IN (:notNames)');
      params.notNames = options.notNames;
    }
    if (clauses.length === 0 && options.data === undefined) return null;
    const where = clauses.length > 0 ? clauses.join(' AND ') : '1 = 1';
    if (options.data === undefined) {
      const rows = await this.select<{ id: string }>(`SELECT id FROM ${this.table} WHERE ${where}`, params);
      return rows.map((r) => String(r.id));
    }
    const rows = await this.select<{ id: string; data: string | null }>(
      `SELECT id, data FROM ${this.table} WHERE ${where}`,
      params,
    );
    return rows.filter((r) => matchesData(options.data, parseJson(r.data))).map((r) => String(r.id));
  }

  private async writeByIds(sql: (ids: string) => string, ids: string[], params: Params = {}): Promise<number> {
    let total = 0;
    for (const chunk of chunks(ids, ID_CHUNK)) total += await this.write(sql(':ids'), { ...params, ids: chunk });
    return total;
  }

  async removeJobs(options: RemoveJobsOptions): Promise<number> {
    const ids = await this.selectIds(options);
    if (!ids || ids.length === 0) return 0;
    return this.writeByIds((p) => `DELETE FROM ${this.table} WHERE id IN (${p})`, ids);
  }

  async disableJobs(options: RemoveJobsOptions): Promise<number> {
    const ids = await this.selectIds(options);
    if (!ids || ids.length === 0) return 0;
    return this.writeByIds(
      (p) => `UPDATE ${this.table} SET disabled = 1, updated_at = :now WHERE id IN (${p}) AND disabled = 0`,
      ids,
      { now: this.d(new Date()) },
    );
  }

  async enableJobs(options: RemoveJobsOptions): Promise<number> {
    const ids = await this.selectIds(options);
    if (!ids || ids.length === 0) return 0;
    return this.writeByIds(
      (p) => `UPDATE ${this.table} SET disabled = 0, updated_at = :now WHERE id IN (${p}) AND disabled = 1`,
      ids,
      { now: this.d(new Date()) },
    );
  }

  async purgeAllJobs(): Promise<number> {
    return this.write(`DELETE FROM ${this.table}`);
  }

  // ---- reads for dashboards -----------------------------------------------------------------------

  async getJobById(id: string): Promise<JobParameters | null> {
    const row = await this.rowById(String(id));
    return row ? rowToJob(row) : null;
  }

  async getDistinctJobNames(): Promise<string[]> {
    const rows = await this.select<{ name: string }>(`SELECT DISTINCT name FROM ${this.table} ORDER BY name`);
    return rows.map((r) => r.name);
  }

  async getQueueSize(): Promise<number> {
    const rows = await this.select<{ n: number | string }>(`SELECT COUNT(*) AS n FROM ${this.table} WHERE next_run_at < :now`, {
      now: this.d(new Date()),
    });
    return Number(rows[0]?.n ?? 0);
  }

  async getJobsOverview(): Promise<JobsOverview[]> {
    const states: JobState[] = ['running', 'scheduled', 'queued', 'completed', 'failed', 'repeating'];
    const sums = states.map((s) => `SUM(CASE WHEN st = '${s}' THEN 1 ELSE 0 END) AS ${s}`).join(', ');
    const rows = await this.select<Record<string, unknown>>(
      `SELECT name, COUNT(*) AS total, ${sums}, SUM(CASE WHEN disabled = 1 THEN 1 ELSE 0 END) AS paused
       FROM (SELECT name, disabled, ${STATE_SQL} AS st FROM ${this.table}) s GROUP BY name ORDER BY name`,
      { now: this.d(new Date()) },
    );
    // MySQL returns SUM() as DECIMAL strings.
    return rows.map((r) => ({
      name: String(r.name),
      total: Number(r.total),
      running: Number(r.running),
      scheduled: Number(r.scheduled),
      queued: Number(r.queued),
      completed: Number(r.completed),
      failed: Number(r.failed),
      repeating: Number(r.repeating),
      paused: Number(r.paused),
    }));
  }

  async queryJobs(options: JobsQueryOptions = {}): Promise<JobsResult> {
    const now = new Date();
    const clauses: string[] = [];
    const params: Params = { now: this.d(now) };
    if (options.id) {
      clauses.push('id = :id');
      params.id = String(options.id);
    }
    if (options.ids) {
      if (options.ids.length === 0) return { jobs: [], total: 0 };
      clauses.push('id IN (:ids)');
      params.ids = options.ids.map(String);
    }
    if (options.name) {
      clauses.push('name = :name');
      params.name = options.name;
    }
    if (options.names) {
      if (options.names.length === 0) return { jobs: [], total: 0 };
      clauses.push('name IN (:names)');
      params.names = options.names;
    }
    if (options.search) {
      // '!' as the LIKE escape: a backslash means different things in MySQL and SQLite string literals.
      clauses.push(`name LIKE :search ESCAPE '!'`);
      params.search = `%${options.search.replace(/[!%_]/g, (c) => `!${c}`)}%`;
    }
    if (options.includeDisabled === false) clauses.push('disabled = 0');
    if (options.state === 'paused') clauses.push('disabled = 1');
    else if (options.state) {
      clauses.push(`(${STATE_SQL}) = :state`);
      params.state = options.state;
    }
    const where = clauses.length > 0 ? `WHERE ${clauses.join(' AND ')}` : '';
    const order = this.orderBy(options.sort);
    const skip = Math.max(0, Math.trunc(Number(options.skip ?? 0)) || 0);
    const limit = Math.max(0, Math.trunc(Number(options.limit ?? 0)) || 0);
    const withState = (row: JobRow): JobWithState => {
      const job = rowToJob(row);
      return { ...job, _id: job._id!, state: computeJobState(job, now) };
    };

    if (options.data !== undefined) {
      // The data filter is a JSON partial match, so it runs here and pagination follows it.
      const rows = await this.select<JobRow>(`SELECT * FROM ${this.table} ${where} ${order}`, params);
      const matched = rows.filter((r) => matchesData(options.data, parseJson(r.data)));
      const page = limit > 0 ? matched.slice(skip, skip + limit) : matched.slice(skip);
      return { jobs: page.map(withState), total: matched.length };
    }

    let page = '';
    if (limit > 0) page = `LIMIT ${limit} OFFSET ${skip}`;
    else if (skip > 0) page = this.dialect === 'mysql' ? `LIMIT 18446744073709551615 OFFSET ${skip}` : `LIMIT -1 OFFSET ${skip}`;
    const [rows, counts] = await Promise.all([
      this.select<JobRow>(`SELECT * FROM ${this.table} ${where} ${order} ${page}`, params),
      this.select<{ n: number | string }>(`SELECT COUNT(*) AS n FROM ${this.table} ${where}`, params),
    ]);
    return { jobs: rows.map(withState), total: Number(counts[0]?.n ?? 0) };
  }

  private orderBy(sort: JobsSort | undefined): string {
    const parts: string[] = [];
    for (const [key, dir] of Object.entries(sort ?? {})) {
      const col = SORT_COLUMNS[key as keyof JobsSort];
      if (col && (dir === 'asc' || dir === 'desc')) parts.push(`${col} ${dir.toUpperCase()}`);
    }
    if (parts.length === 0) parts.push('next_run_at DESC', 'last_run_at DESC');
    parts.push('id ASC'); // stable pages
    return `ORDER BY ${parts.join(', ')}`;
  }
}

export class SqlBackend implements AgendaBackend {
  readonly name = 'SQL';
  readonly repository: SqlJobRepository;
  // The Sequelize instance belongs to the application; agenda.stop() must not close it.
  readonly ownsConnection = false;

  constructor(options: SqlBackendOptions) {
    this.repository = new SqlJobRepository(options);
  }

  async connect(): Promise<void> {
    await this.repository.connect();
  }

  async disconnect(): Promise<void> {}
}
