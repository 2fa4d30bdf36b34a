// Helpers for the CSV import tests: raw uploads through HTTP, starting an import and waiting for it
// to finish, and CSV files of any size made up at run time.
import type { HttpClient, HttpResponse, TestPlatform } from '../helpers/platform.ts';
import { waitFor } from '../channels/helpers.ts';

export const IMPORTS = '/api/v1/contacts/imports';

/** POSTs the bytes as the request body, the way the wizard's api-client `upload()` does. */
export async function uploadCsv(
  client: HttpClient,
  body: Buffer | string | ReadableStream<Uint8Array>,
  opts: { filename?: string; contentType?: string } = {},
): Promise<HttpResponse> {
  const headers: Record<string, string> = { ...client.headers, 'content-type': opts.contentType ?? 'text/csv' };
  if (client.cookie) headers.cookie = client.cookie;
  if (opts.filename) headers['x-filename'] = encodeURIComponent(opts.filename);
  const init: RequestInit & { duplex?: 'half' } = { method: 'POST', headers, body: body as BodyInit };
  if (body instanceof ReadableStream) init.duplex = 'half';
  const res = await fetch(`${client.base}${IMPORTS}`, init);
  const text = await res.text();
  let parsed: unknown;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    parsed = undefined;
  }
  return { status: res.status, body: parsed, text, headers: res.headers };
}

export async function waitForImport(client: HttpClient, id: number, ms = 60_000) {
  return waitFor(
    async () => {
      const res = await client.get(`${IMPORTS}/${id}`);
      return res.body.status === 'done' || res.body.status === 'failed' ? res.body : false;
    },
    ms,
    `import ${id} to finish`,
  );
}

/** Uploads, starts with the given (or suggested) mapping and waits for the result. */
export async function importCsv(
  client: HttpClient,
  csv: Buffer | string,
  start: { mapping?: Record<string, string>; defaultCountry?: string; tags?: string[] } = {},
  ms = 60_000,
) {
  const up = await uploadCsv(client, csv, { filename: 'contacts.csv' });
  if (up.status !== 201) throw new Error(`upload failed: ${up.status} ${up.text}`);
  const started = await client.post(`${IMPORTS}/${up.body.id}/start`, {
    ...start,
    mapping: start.mapping ?? up.body.preview.suggestedMapping,
  });
  if (started.status !== 202) throw new Error(`start failed: ${started.status} ${started.text}`);
  return { upload: up.body, result: await waitForImport(client, up.body.id, ms) };
}

/** A German mobile number, different for every n (+49 151 2xxxxxxx). */
export const phoneOf = (n: number) => `+491512${String(n).padStart(7, '0')}`;

/** A CSV of `rows` contacts with name, email, tags, a number attribute and consent. */
export function bigCsv(rows: number, opts: { offset?: number; nameSuffix?: string } = {}): string {
  const lines = ['phone,name,email,tags,score,consent'];
  const offset = opts.offset ?? 0;
  for (let i = 0; i < rows; i++) {
    const n = i + offset;
    lines.push(
      `${phoneOf(n)},Person ${n}${opts.nameSuffix ?? ''},p${n}@example.com,"bulk,group-${n % 10}",${n % 100},${n % 3 === 0 ? 'yes' : ''}`,
    );
  }
  return `${lines.join('\n')}\n`;
}

export async function maxUpdatedAt(tp: TestPlatform, tenantId: number): Promise<number> {
  const row = await tp.platform.models.Contact.max('updatedAt', { where: { tenantId } });
  return row ? new Date(row as Date).getTime() : 0;
}
