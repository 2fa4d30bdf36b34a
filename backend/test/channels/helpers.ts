// Small helpers shared by the webhook pipeline tests.
import crypto from 'node:crypto';

export function sign(body: string, secret: string) {
  return `sha256=${crypto.createHmac('sha256', secret).update(Buffer.from(body, 'utf8')).digest('hex')}`;
}

export async function waitFor<T>(fn: () => Promise<T | false | null | undefined>, ms = 5000, what = 'condition'): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
