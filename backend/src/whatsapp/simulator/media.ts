// The media store: Cloud API MIME/size limits, multipart upload parsing (Node's own FormData parser, so
// no dependency), short-lived signed download URLs on the simulator itself, and fetching `link` media.
import crypto from 'node:crypto';
import type { Request as ExpressRequest } from 'express';
import { graphError } from './errors.ts';
import { graphId } from './ids.ts';
import type { SimMedia, SimState } from './state.ts';

export type MediaKind = 'audio' | 'document' | 'image' | 'sticker' | 'video';

const MB = 1024 * 1024;
export const MEDIA_LIMITS: Record<MediaKind, { mimeTypes: string[]; maxBytes: number }> = {
  audio: { mimeTypes: ['audio/aac', 'audio/amr', 'audio/mpeg', 'audio/mp4', 'audio/ogg'], maxBytes: 16 * MB },
  document: {
    mimeTypes: [
      'text/plain',
      'application/pdf',
      'application/msword',
      'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
      'application/vnd.ms-excel',
      'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
      'application/vnd.ms-powerpoint',
      'application/vnd.openxmlformats-officedocument.presentationml.presentation',
    ],
    maxBytes: 100 * MB,
  },
  image: { mimeTypes: ['image/jpeg', 'image/png'], maxBytes: 5 * MB },
  // 100 KB static / 500 KB animated: without decoding the WebP we allow the larger one.
  sticker: { mimeTypes: ['image/webp'], maxBytes: 500 * 1024 },
  video: { mimeTypes: ['video/mp4', 'video/3gpp'], maxBytes: 16 * MB },
};

export const UPLOAD_TTL_MS = 30 * 24 * 3600 * 1000;
export const INBOUND_TTL_MS = 7 * 24 * 3600 * 1000;
export const URL_TTL_MS = 5 * 60 * 1000;

/** `audio/ogg; codecs=opus` → `audio/ogg`. */
export function baseMime(mime: string): string {
  return mime.split(';')[0].trim().toLowerCase();
}

export function kindOfMime(mime: string): MediaKind | null {
  const base = baseMime(mime);
  for (const [kind, limit] of Object.entries(MEDIA_LIMITS) as [MediaKind, (typeof MEDIA_LIMITS)[MediaKind]][]) {
    if (limit.mimeTypes.includes(base)) return kind;
  }
  return null;
}

/** Whether media of this MIME type can be sent as a message of `type` (stickers are image/webp only). */
export function mimeFitsType(mime: string, type: string): boolean {
  const kind = kindOfMime(mime);
  return kind === type || (type === 'document' && kind !== null);
}

/** Throws 131053 for a MIME type WhatsApp does not carry or a file over its kind's limit. */
export function checkMedia(mime: string, size: number): MediaKind {
  const kind = kindOfMime(mime);
  if (!kind)
    throw graphError(
      131053,
      `Param file must be a file with one of the following types: ${Object.values(MEDIA_LIMITS)
        .flatMap((l) => l.mimeTypes)
        .join(', ')}. Received file of type '${mime}'.`,
    );
  if (baseMime(mime) === 'audio/ogg' && !/codecs=opus/i.test(mime) && mime.includes('codecs'))
    throw graphError(131053, 'audio/ogg is only supported with the Opus codec.');
  const max = MEDIA_LIMITS[kind].maxBytes;
  if (size > max) throw graphError(131053, `Media file size ${size} bytes exceeds the ${kind} limit of ${max} bytes.`);
  if (size === 0) throw graphError(131053, 'The media file is empty.');
  return kind;
}

export function storeMedia(
  state: SimState,
  input: { phoneNumberId: string; bytes: Buffer; mimeType: string; filename?: string | null; origin: SimMedia['origin'] },
): SimMedia {
  const now = state.now();
  const media: SimMedia = {
    id: graphId(16),
    phoneNumberId: input.phoneNumberId,
    bytes: input.bytes,
    mimeType: input.mimeType,
    sha256: crypto.createHash('sha256').update(input.bytes).digest(),
    fileSize: input.bytes.length,
    filename: input.filename ?? null,
    origin: input.origin,
    createdAt: now,
    expiresAt: now + (input.origin === 'inbound' ? INBOUND_TTL_MS : UPLOAD_TTL_MS),
  };
  state.media.set(media.id, media);
  return media;
}

/** A live media object, or undefined when unknown, deleted or past its retention. */
export function liveMedia(state: SimState, id: string): SimMedia | undefined {
  const m = state.media.get(id);
  if (!m) return undefined;
  if (m.expiresAt <= state.now()) {
    state.media.delete(id);
    return undefined;
  }
  return m;
}

function urlHash(secret: Buffer, id: string, expires: number): string {
  return crypto.createHmac('sha256', secret).update(`${id}.${expires}`).digest('base64url').slice(0, 32);
}

/** Mirrors lookaside.fbsbx.com's shape: `…/whatsapp_business/attachments/?mid=…&ext=…&hash=…`. */
export function downloadUrl(publicUrl: string, secret: Buffer, media: SimMedia, now: number): string {
  const expires = Math.floor((now + URL_TTL_MS) / 1000);
  const q = new URLSearchParams({ mid: media.id, ext: String(expires), hash: urlHash(secret, media.id, expires) });
  return `${publicUrl}/whatsapp_business/attachments/?${q}`;
}

export function checkDownloadUrl(
  secret: Buffer,
  query: Record<string, unknown>,
  now: number,
): { id: string } | 'invalid' | 'expired' {
  const { mid, ext, hash } = query;
  if (typeof mid !== 'string' || typeof ext !== 'string' || typeof hash !== 'string') return 'invalid';
  const expected = urlHash(secret, mid, Number(ext));
  if (expected.length !== hash.length || !crypto.timingSafeEqual(Buffer.from(expected), Buffer.from(hash))) return 'invalid';
  if (Number(ext) * 1000 <= now) return 'expired';
  return { id: mid };
}

export interface ParsedUpload {
  fields: Map<string, string>;
  file: { bytes: Buffer; mimeType: string; filename: string } | null;
}

/** Reads a multipart/form-data request, refusing bodies beyond the largest media limit plus slack. */
export async function parseMultipart(req: ExpressRequest): Promise<ParsedUpload> {
  const contentType = req.headers['content-type'] ?? '';
  if (!contentType.toLowerCase().startsWith('multipart/form-data'))
    throw graphError(100, 'Media upload must be multipart/form-data.');
  const limit = MEDIA_LIMITS.document.maxBytes + MB;
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > limit)
    throw graphError(131053, `Media file size exceeds the maximum of ${MEDIA_LIMITS.document.maxBytes} bytes.`);
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    total += chunk.length;
    if (total > limit)
      throw graphError(131053, `Media file size exceeds the maximum of ${MEDIA_LIMITS.document.maxBytes} bytes.`);
    chunks.push(chunk);
  }
  let form: FormData;
  try {
    form = await new Request('http://simulator.invalid/', {
      method: 'POST',
      headers: { 'content-type': contentType },
      body: Buffer.concat(chunks),
    }).formData();
  } catch {
    throw graphError(100, 'The multipart body could not be parsed.');
  }
  const fields = new Map<string, string>();
  let file: ParsedUpload['file'] = null;
  for (const [name, value] of form) {
    if (typeof value === 'string') fields.set(name, value);
    else if (name === 'file')
      file = { bytes: Buffer.from(await value.arrayBuffer()), mimeType: value.type, filename: value.name };
  }
  return { fields, file };
}

/** Fetches `link` media the way Meta does before sending; returns the stored media or why it failed. */
export async function fetchLinkedMedia(
  fetchImpl: typeof fetch,
  state: SimState,
  phoneNumberId: string,
  link: string,
  type: string,
  signal: AbortSignal,
): Promise<SimMedia | string> {
  try {
    const res = await fetchImpl(link, {
      signal: AbortSignal.any([signal, AbortSignal.timeout(15_000)]),
      headers: { 'user-agent': 'WhatsApp/2.0' },
    });
    if (!res.ok) return `Downloading ${link} answered HTTP ${res.status}.`;
    const mime = res.headers.get('content-type') ?? 'application/octet-stream';
    const bytes = Buffer.from(await res.arrayBuffer());
    try {
      checkMedia(mime, bytes.length);
    } catch (err) {
      return (err as Error & { details?: string }).details ?? (err as Error).message;
    }
    if (!mimeFitsType(mime, type)) return `Media of type ${mime} can not be sent as ${type}.`;
    const filename = decodeURIComponent(new URL(link).pathname.split('/').pop() ?? '') || null;
    return storeMedia(state, { phoneNumberId, bytes, mimeType: mime, filename, origin: 'link' });
  } catch (err) {
    return `Downloading ${link} failed: ${(err as Error).message}`;
  }
}
