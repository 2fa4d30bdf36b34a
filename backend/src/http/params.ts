// Shared pieces of request schemas.
import { z } from 'zod';

/** A numeric id in a path or query string, with messages that name what it identifies. */
export const idParam = (what: string) =>
  z.coerce
    .number()
    .int(`${what} must be a whole number.`)
    .positive(`${what} must be a positive id.`)
    .max(2 ** 53 - 1);
