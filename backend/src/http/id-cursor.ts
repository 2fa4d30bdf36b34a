// Keyset cursors over numeric ids: opaque to clients (base64url of the id), checked on the way back.
import { AppError } from './errors.ts';

export const encodeIdCursor = (id: number): string => Buffer.from(String(id)).toString('base64url');

export function decodeIdCursor(cursor: string): number {
  const text = Buffer.from(cursor, 'base64url').toString('utf8');
  const id = Number(text);
  if (!/^[1-9][0-9]{0,17}$/.test(text) || !Number.isSafeInteger(id)) {
    throw new AppError(400, 'invalid_cursor', 'This cursor is not valid; start again from the first page.');
  }
  return id;
}
