// Shared by the contacts tests (and readable by the segments, imports and consent tests): creating
// contacts and attribute definitions through the API, and checking error answers.
import { expect } from 'chai';
import type { HttpClient, HttpResponse } from '../helpers/platform.ts';

let counter = 0;

/** A valid German mobile number no other test in this process uses. */
export function uniquePhone(): string {
  counter += 1;
  const n = (Date.now() % 1_000_000) * 1000 + counter;
  return `+49151${String(n).padStart(8, '0').slice(-8)}`;
}

/** POST /api/v1/contacts, expecting 201; returns the contact. */
export async function createContact(client: HttpClient, body: Record<string, unknown> = {}) {
  const res = await client.post('/api/v1/contacts', { phone: uniquePhone(), ...body });
  expect(res.status, res.text).to.equal(201);
  return res.body as {
    id: number;
    phone: string | null;
    name: string | null;
    tags: string[];
    attributes: Record<string, unknown>;
  };
}

/** POST /api/v1/contact-attributes, expecting 201; returns the definition. */
export async function defineAttribute(
  client: HttpClient,
  key: string,
  type: 'text' | 'number' | 'date' | 'boolean' | 'list',
  options?: string[],
) {
  const res = await client.post('/api/v1/contact-attributes', { key, label: key.replace(/_/g, ' '), type, options });
  expect(res.status, res.text).to.equal(201);
  return res.body as { id: number; key: string; type: string; options: string[] | null };
}

/** Asserts an error answer's status and machine code; returns the error object. */
export function expectError(res: HttpResponse, status: number, code?: string) {
  expect(res.status, res.text).to.equal(status);
  if (code) expect(res.body?.error?.code, res.text).to.equal(code);
  return res.body.error as { code: string; message: string; details?: any };
}
