// The uploaded CSV file before anything is imported: its bytes are checked while they stream to disk
// (size, UTF-8, binary, line length), then one parse pass finds the delimiter, checks the header and
// counts the rows, so a bad file is refused at upload with a plain-words reason and never reaches
// the job. Nothing here holds more than a chunk (or one row of at most 1 MB) in memory.
import fs from 'node:fs';
import { Transform, type TransformCallback } from 'node:stream';
import { parse, type Options as ParseOptions } from 'csv-parse';
import { AppError } from '../../http/errors.ts';

export const MAX_FILE_BYTES = 50 * 1024 * 1024;
export const MAX_LINE_BYTES = 1024 * 1024;
export const MAX_COLUMNS = 500;
export const MAX_COLUMN_NAME = 100;
export const PREVIEW_ROWS = 10;
const PREVIEW_CELL_CHARS = 200;

export type Delimiter = ',' | ';' | '\t';
export const DELIMITERS: Delimiter[] = [',', ';', '\t'];

const SAVE_AS =
  'In Excel choose File → Save As → "CSV UTF-8 (Comma delimited) (*.csv)"; in Google Sheets, File → Download → CSV.';

export const csvEncoding = (message: string) => new AppError(422, 'csv_encoding', message);
export const lineTooLong = (line: number, record = false) =>
  new AppError(
    422,
    'csv_line_too_long',
    `${record ? `The row starting on line ${line}` : `Line ${line}`} is longer than 1 MB. A CSV file holds one contact per line: check that this really is a CSV file with a line break after each row.`,
  );
export const tooLarge = (size?: number) =>
  new AppError(
    413,
    'csv_too_large',
    `The file may be at most 50 MB${size ? ` (this one is ${(size / 1024 / 1024).toFixed(1)} MB)` : ''}. Split it into smaller files and import them one after the other.`,
    { maxBytes: MAX_FILE_BYTES },
  );

function hex(b: number): string {
  return `0x${b.toString(16).toUpperCase().padStart(2, '0')}`;
}

/**
 * Passes the bytes through unchanged while checking them: at most MAX_FILE_BYTES in all, valid UTF-8
 * (a byte-level state machine, so the error can name its line), no NUL bytes, no line over
 * MAX_LINE_BYTES. Fails the stream with an AppError at the first problem.
 */
export class CsvSniffer extends Transform {
  size = 0;
  /** Lines seen so far (a final line without a line break counts too). */
  lines = 0;
  /** Whether anything besides a BOM and white space was seen. */
  hasContent = false;
  #line = 1;
  #lineBytes = 0;
  #prevCR = false;
  #head: number[] = [];
  /** Continuation bytes still expected, and the allowed range of the next one (overlongs, surrogates). */
  #need = 0;
  #lo = 0x80;
  #hi = 0xbf;
  #seqLine = 1;

  override _transform(chunk: Buffer, _enc: BufferEncoding, callback: TransformCallback) {
    const start = this.size;
    this.size += chunk.length;
    if (this.size > MAX_FILE_BYTES) return callback(tooLarge());
    try {
      if (start < 4) this.#sniffHead(chunk);
      this.#scan(chunk, start);
    } catch (err) {
      return callback(err as Error);
    }
    callback(null, chunk);
  }

  override _flush(callback: TransformCallback) {
    if (this.#need > 0) return callback(this.#invalid(this.#seqLine, null));
    if (this.#lineBytes > 0) this.lines = this.#line;
    else this.lines = this.#line - 1;
    callback();
  }

  #sniffHead(chunk: Buffer) {
    for (const b of chunk) {
      if (this.#head.length >= 4) break;
      this.#head.push(b);
    }
    const h = this.#head;
    if ((h[0] === 0xff && h[1] === 0xfe) || (h[0] === 0xfe && h[1] === 0xff)) {
      throw csvEncoding(
        `The file is saved as UTF-16 ("Unicode Text"), which cannot be read as CSV here. Save it as CSV UTF-8 instead. ${SAVE_AS}`,
      );
    }
    if (h[0] === 0x50 && h[1] === 0x4b && h[2] === 0x03 && h[3] === 0x04) {
      throw csvEncoding(
        `This is an Excel workbook (.xlsx) or another zip file, not a CSV file. Save it as CSV UTF-8. ${SAVE_AS}`,
      );
    }
    if (h[0] === 0xd0 && h[1] === 0xcf && h[2] === 0x11 && h[3] === 0xe0) {
      throw csvEncoding(`This is an Excel 97–2003 workbook (.xls), not a CSV file. Save it as CSV UTF-8. ${SAVE_AS}`);
    }
    // UTF-16 without a byte order mark: ASCII text with a NUL byte beside every character.
    if (h.length >= 2 && ((h[0] === 0 && h[1] !== 0 && h[1] < 0x80) || (h[1] === 0 && h[0] !== 0 && h[0] < 0x80))) {
      throw csvEncoding(
        `The file is saved as UTF-16 ("Unicode Text"), which cannot be read as CSV here. Save it as CSV UTF-8 instead. ${SAVE_AS}`,
      );
    }
  }

  #invalid(line: number, byte: number | null) {
    return csvEncoding(
      `Line ${line} is not valid UTF-8${byte === null ? ' (the file ends in the middle of a character)' : ` (byte ${hex(byte)})`}: the file was probably saved in another encoding, such as Windows-1252 or ISO-8859-1, so letters like é, ü or ñ cannot be read. Save it as CSV UTF-8. ${SAVE_AS}`,
    );
  }

  #scan(buf: Buffer, offset: number) {
    const n = buf.length;
    for (let i = 0; i < n; i++) {
      const b = buf[i];
      if (this.#need > 0) {
        if (b < this.#lo || b > this.#hi) throw this.#invalid(this.#seqLine, b);
        this.#lo = 0x80;
        this.#hi = 0xbf;
        this.#need--;
        this.#lineBytes++;
        continue;
      }
      if (b < 0x80) {
        if (b === 0x0a) {
          if (!this.#prevCR) this.#line++;
          this.#prevCR = false;
          this.#lineBytes = 0;
          continue;
        }
        if (b === 0x0d) {
          this.#line++;
          this.#prevCR = true;
          this.#lineBytes = 0;
          continue;
        }
        this.#prevCR = false;
        if (b === 0) {
          throw csvEncoding(
            `The file contains binary data (a NUL byte on line ${this.#line}), so it is not a CSV text file. Save it as CSV UTF-8. ${SAVE_AS}`,
          );
        }
        if (!this.hasContent && b !== 0x20 && b !== 0x09) this.hasContent = true;
        if (++this.#lineBytes > MAX_LINE_BYTES) throw lineTooLong(this.#line);
        continue;
      }
      this.#prevCR = false;
      const first = offset + i === 0;
      if (b >= 0xc2 && b <= 0xdf) this.#need = 1;
      else if (b >= 0xe0 && b <= 0xef) {
        this.#need = 2;
        if (b === 0xe0) this.#lo = 0xa0;
        else if (b === 0xed) this.#hi = 0x9f;
      } else if (b >= 0xf0 && b <= 0xf4) {
        this.#need = 3;
        if (b === 0xf0) this.#lo = 0x90;
        else if (b === 0xf4) this.#hi = 0x8f;
      } else throw this.#invalid(this.#line, b);
      this.#seqLine = this.#line;
      // A UTF-8 byte order mark at the very start is not content.
      if (!(first && b === 0xef)) this.hasContent = true;
      this.#lineBytes += 1;
      if (this.#lineBytes > MAX_LINE_BYTES) throw lineTooLong(this.#line);
    }
  }
}

/** The delimiter of the header line: whichever of , ; tab occurs most outside quotes (comma when none). */
export function detectDelimiter(head: string): Delimiter {
  const counts = new Map<Delimiter, number>(DELIMITERS.map((d) => [d, 0]));
  let quoted = false;
  for (let i = 0; i < head.length; i++) {
    const c = head[i];
    if (c === '"') quoted = !quoted;
    else if (!quoted && (c === '\n' || c === '\r')) {
      // The header ends here, unless nothing but blank lines came before.
      if ([...counts.values()].some((v) => v > 0) || head.slice(0, i).trim() !== '') break;
    } else if (!quoted && counts.has(c as Delimiter)) counts.set(c as Delimiter, counts.get(c as Delimiter)! + 1);
  }
  let best: Delimiter = ',';
  for (const d of DELIMITERS) if (counts.get(d)! > counts.get(best)!) best = d;
  return best;
}

async function readHead(file: string, bytes = 64 * 1024): Promise<string> {
  const handle = await fs.promises.open(file, 'r');
  try {
    const buf = Buffer.alloc(bytes);
    const { bytesRead } = await handle.read(buf, 0, bytes, 0);
    // The cut may split a character; the header is all that is needed and it comes first.
    return buf
      .subarray(0, bytesRead)
      .toString('utf8')
      .replace(/^\uFEFF/, '');
  } finally {
    await handle.close();
  }
}

export function parserOptions(delimiter: Delimiter): ParseOptions {
  return {
    delimiter,
    bom: true,
    info: true,
    relax_column_count: true,
    relax_quotes: true,
    max_record_size: MAX_LINE_BYTES,
  };
}

export interface ParsedRecord {
  cells: string[];
  /** First line of the file this row is on (the header is line 1 unless blank lines come first). */
  line: number;
}

/** The rows of a stored CSV file in order, skipping blank rows, with the line each starts on. */
export async function* readRecords(file: string, delimiter: Delimiter): AsyncGenerator<ParsedRecord> {
  const source = fs.createReadStream(file);
  const parser = parse(parserOptions(delimiter));
  source.on('error', (err) => parser.destroy(err));
  source.pipe(parser);
  let prevEnd = 0;
  try {
    for await (const item of parser as AsyncIterable<{ record: string[]; info: { lines: number } }>) {
      const line = prevEnd + 1;
      prevEnd = item.info.lines;
      if (item.record.every((c) => c.trim() === '')) continue;
      yield { cells: item.record, line };
    }
  } catch (err) {
    throw csvProblem(err, prevEnd + 1);
  } finally {
    source.destroy();
    parser.destroy();
  }
}

/** What csv-parse reports about a malformed file, in words a person can act on. */
export function csvProblem(err: unknown, line: number): unknown {
  const e = err as { code?: string; lines?: number; message?: string };
  if (!e?.code?.startsWith('CSV_')) return err;
  if (e.code === 'CSV_MAX_RECORD_SIZE') return lineTooLong(line, true);
  if (e.code === 'CSV_QUOTE_NOT_CLOSED') {
    return new AppError(
      422,
      'csv_malformed',
      `The quoted field that starts on line ${line} is never closed: a quotation mark (") is missing. Fix that line, or save the file again from your spreadsheet.`,
    );
  }
  return new AppError(
    422,
    'csv_malformed',
    `Line ${e.lines ?? line} is not valid CSV (${(e.message ?? '').replace(/^[^:]*:\s*/, '').slice(0, 200)}). Save the file again from your spreadsheet as CSV UTF-8.`,
  );
}

/** Header names as used for mapping: trimmed, trailing unnamed columns (a spreadsheet artefact) dropped. */
export function headerColumns(cells: string[], line: number): string[] {
  const names = cells.map((c) => c.trim());
  while (names.length && names[names.length - 1] === '') names.pop();
  const headerError = (m: string) => new AppError(422, 'csv_header', m);
  if (names.length > MAX_COLUMNS)
    throw headerError(`The file has ${names.length} columns; at most ${MAX_COLUMNS} can be imported.`);
  // A header of phone numbers means the file starts with data: the first line must name the columns.
  const data = names.find((n) => /^\+?[\d\s().-]{7,}$/.test(n) && /\d{6}/.test(n.replace(/\D/g, '')));
  if (data !== undefined) {
    throw headerError(
      `The first line must name the columns (for example: phone,name,email), but it holds data ("${data}"). Add a header line.`,
    );
  }
  const seen = new Map<string, number>();
  names.forEach((name, i) => {
    if (name === '') {
      throw headerError(
        `Column ${i + 1} has no name in the header (line ${line}). Give every column a name in the first line, or delete the empty column.`,
      );
    }
    if (name.length > MAX_COLUMN_NAME)
      throw headerError(`The name of column ${i + 1} is longer than ${MAX_COLUMN_NAME} characters.`);
    const key = name.toLowerCase();
    const other = seen.get(key);
    if (other !== undefined) {
      throw headerError(
        `Two columns are called "${name}" (columns ${other + 1} and ${i + 1}). Rename one of them so every column has its own name.`,
      );
    }
    seen.set(key, i);
  });
  return names;
}

export interface CsvAnalysis {
  delimiter: Delimiter;
  columns: string[];
  headerLine: number;
  /** First rows, one cell per column (missing cells empty; long cells cut). */
  rows: string[][];
  /** Non-blank data rows. */
  totalRows: number;
}

/** One pass over a stored file: delimiter, header, preview rows and the number of rows. */
export async function analyseCsv(file: string): Promise<CsvAnalysis> {
  const delimiter = detectDelimiter(await readHead(file));
  let columns: string[] | null = null;
  let headerLine = 1;
  const rows: string[][] = [];
  let totalRows = 0;
  for await (const rec of readRecords(file, delimiter)) {
    if (!columns) {
      columns = headerColumns(rec.cells, rec.line);
      headerLine = rec.line;
      continue;
    }
    totalRows++;
    if (rows.length < PREVIEW_ROWS) {
      rows.push(
        columns.map((_c, i) => {
          const v = rec.cells[i] ?? '';
          return v.length > PREVIEW_CELL_CHARS ? `${v.slice(0, PREVIEW_CELL_CHARS)}…` : v;
        }),
      );
    }
  }
  if (!columns) throw new AppError(422, 'csv_empty', 'The file is empty: it has no header line and no rows.');
  if (totalRows === 0) {
    throw new AppError(422, 'csv_no_rows', 'The file has a header line but no rows of contacts below it.');
  }
  return { delimiter, columns, headerLine, rows, totalRows };
}
