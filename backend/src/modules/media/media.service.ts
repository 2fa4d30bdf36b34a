// Stored files of a tenant: agents' uploads (checked against what WhatsApp carries before a byte is
// kept) and media downloaded from WhatsApp. Bytes stream into the blob store and never sit whole in
// memory; the blobs row records type, size, hash and name, and every read is checked against the
// caller's tenant.
import { PassThrough, type Readable } from 'node:stream';
import type { Models } from '../../db/models.ts';
import type { TenantContext } from '../../http/context.ts';
import { AppError, notFound } from '../../http/errors.ts';
import type { BlobInstance } from './blob.model.ts';
import { visibilityWhere } from '../inbox/index.ts';
import { BlobMissingError, BlobTooLargeError, type BlobStore } from './blob-store.ts';
import { ALL_MEDIA_MIME_TYPES, MEDIA_LIMITS, baseMime, formatBytes, kindOfMime } from './media-types.ts';

export interface MediaDeps {
  models: Models;
  store: BlobStore;
}

export interface UploadHeaders {
  contentType?: string;
  contentLength?: string;
  /** X-Filename, URI-encoded. */
  filename?: string;
}

const EXTENSIONS: Record<string, string> = {
  'image/jpeg': 'jpg',
  'image/png': 'png',
  'image/webp': 'webp',
  'video/mp4': 'mp4',
  'video/3gpp': '3gp',
  'audio/aac': 'aac',
  'audio/amr': 'amr',
  'audio/mpeg': 'mp3',
  'audio/mp4': 'm4a',
  'audio/ogg': 'ogg',
  'text/plain': 'txt',
  'application/pdf': 'pdf',
};

// Types a browser may render in place; everything else is offered as a download. HTML and SVG are
// never stored, and even if one were it would not be served inline.
const INLINE = new Set([
  'image/jpeg',
  'image/png',
  'image/webp',
  'video/mp4',
  'video/3gpp',
  'audio/aac',
  'audio/mpeg',
  'audio/mp4',
  'audio/ogg',
]);

/** A file name as a person gave it, without directories, control characters or excess length. */
export function cleanFilename(name: string | null | undefined): string | null {
  if (!name) return null;
  const base = name.split(/[/\\]/).pop() ?? '';
  // eslint-disable-next-line no-control-regex
  const clean = base.replace(/[\u0000-\u001f\u007f]/g, '').trim();
  return clean ? clean.slice(0, 255) : null;
}

/** RFC 6266 header value: an ASCII fallback plus the exact UTF-8 name. */
export function contentDisposition(type: 'inline' | 'attachment', filename: string): string {
  const ascii = filename.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_');
  const encoded = encodeURIComponent(filename).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `${type}; filename="${ascii}"; filename*=UTF-8''${encoded}`;
}

export class MediaService {
  readonly #d: MediaDeps;

  constructor(deps: MediaDeps) {
    this.#d = deps;
  }

  get store(): BlobStore {
    return this.#d.store;
  }

  serialize(b: BlobInstance) {
    return { id: Number(b.id), mime: b.mime, size: Number(b.size), filename: b.filename };
  }

  /** POST /media: the request body is the file; its Content-Type must be one WhatsApp carries. */
  async upload(ctx: TenantContext, headers: UploadHeaders, body: Readable) {
    const mime = baseMime(headers.contentType);
    const kind = kindOfMime(mime);
    if (!kind) {
      throw new AppError(
        415,
        'unsupported_media_type',
        `WhatsApp does not carry files of type "${mime || 'none'}". Send the file with one of these Content-Types: ${ALL_MEDIA_MIME_TYPES.join(', ')}.`,
      );
    }
    const limit = MEDIA_LIMITS[kind];
    const tooLarge = (size: number | null) =>
      new AppError(
        413,
        'media_too_large',
        `${limit.label} (${mime}) may be at most ${formatBytes(limit.maxBytes)}${size !== null ? `; this file is ${formatBytes(size)}` : ''}.`,
        { maxBytes: limit.maxBytes },
      );
    const declared = headers.contentLength === undefined ? null : Number(headers.contentLength);
    if (declared !== null && Number.isFinite(declared) && declared > limit.maxBytes) throw tooLarge(declared);
    let filename: string | null = null;
    if (headers.filename) {
      try {
        filename = cleanFilename(decodeURIComponent(headers.filename));
      } catch {
        throw new AppError(400, 'invalid_filename', 'X-Filename must be URI-encoded (encodeURIComponent).');
      }
    }
    // Read through a pass-through so that stopping at the limit does not destroy the request: the
    // rest is drained and discarded, and the client reads our 413 instead of a reset connection.
    const source = new PassThrough();
    const abandon = () => {
      if (!body.readableEnded) source.destroy(new Error('The upload was interrupted.'));
    };
    body.once('error', abandon);
    body.once('close', abandon);
    body.pipe(source);
    let blob: BlobInstance;
    try {
      blob = await this.saveStream(ctx.tenantId, source, {
        mime,
        filename,
        maxBytes: limit.maxBytes,
        createdByUserId: ctx.principal.userId,
      });
    } catch (err) {
      body.unpipe(source);
      body.resume();
      if (err instanceof BlobTooLargeError) throw tooLarge(null);
      throw err;
    } finally {
      body.off('error', abandon);
      body.off('close', abandon);
    }
    return this.serialize(blob);
  }

  /** Streams bytes into the store and records them; refuses an empty file. */
  async saveStream(
    tenantId: number,
    source: Readable,
    meta: { mime: string; filename: string | null; maxBytes: number; createdByUserId?: number | null },
  ): Promise<BlobInstance> {
    const stored = await this.#d.store.put(String(tenantId), source, { maxBytes: meta.maxBytes });
    if (stored.size === 0) {
      await this.#d.store.delete(stored.key);
      throw new AppError(400, 'empty_file', 'The file is empty.');
    }
    try {
      return await this.#d.models.Blob.create({
        tenantId,
        storageKey: stored.key,
        mime: baseMime(meta.mime),
        size: stored.size,
        sha256: stored.sha256,
        filename: meta.filename,
        createdByUserId: meta.createdByUserId ?? null,
      });
    } catch (err) {
      await this.#d.store.delete(stored.key).catch(() => {});
      throw err;
    }
  }

  async find(tenantId: number, id: number): Promise<BlobInstance> {
    const blob = await this.#d.models.Blob.findOne({ where: { id, tenantId } });
    if (!blob) throw notFound('Media');
    return blob;
  }

  /** The name a download is offered under (a made-up one when the file came without). */
  downloadName(b: BlobInstance): string {
    return b.filename ?? `${kindOfMime(b.mime) ?? 'file'}-${b.id}.${EXTENSIONS[b.mime] ?? 'bin'}`;
  }

  /** GET /media/:id: headers that keep a stored file from ever being run as a page. */
  async open(ctx: TenantContext, id: number) {
    const blob = await this.find(ctx.tenantId, id);
    await this.#assertVisible(ctx, blob);
    let stream: Readable;
    try {
      stream = await this.#d.store.get(blob.storageKey);
    } catch (err) {
      if (err instanceof BlobMissingError) throw new AppError(410, 'media_gone', 'The stored file is no longer available.');
      throw err;
    }
    const inline = INLINE.has(blob.mime);
    return {
      stream,
      headers: {
        'Content-Type': blob.mime,
        'Content-Length': String(blob.size),
        'Content-Disposition': contentDisposition(inline ? 'inline' : 'attachment', this.downloadName(blob)),
        'X-Content-Type-Options': 'nosniff',
        'Content-Security-Policy': "default-src 'none'; sandbox",
        'Cache-Control': 'private, max-age=3600',
        ETag: `"${blob.sha256}"`,
      },
    };
  }

  /**
   * An agent limited to some conversations sees a file they uploaded themselves, or one carried by
   * a message of a conversation they may see; anything else is a 404, as if it did not exist.
   */
  async #assertVisible(ctx: TenantContext, blob: BlobInstance) {
    const visible = await visibilityWhere(this.#d.models, ctx);
    if (!visible || (blob.createdByUserId !== null && blob.createdByUserId === ctx.principal.userId)) return;
    const carrier = await this.#d.models.WaMessage.findOne({
      attributes: ['id'],
      where: { tenantId: ctx.tenantId, mediaBlobId: blob.id },
      include: [{ model: this.#d.models.Conversation, as: 'conversation', required: true, attributes: [], where: visible }],
    });
    if (!carrier) throw notFound('Media');
  }

  /** What GraphClient.uploadMedia reads the blob from: the file on disk when there is one. */
  async uploadSource(b: BlobInstance): Promise<{ path: string } | { stream: Readable; maxBytes: number }> {
    const local = this.#d.store.localPath(b.storageKey);
    if (local) return { path: local };
    return { stream: await this.#d.store.get(b.storageKey), maxBytes: Number(b.size) };
  }
}
