// Where the bytes of stored files live. The interface is what MediaService needs (write a stream with
// a size cap, read it back as a stream); the local-disk implementation keeps files under
// <dataDir>/media. An S3-compatible store can implement the same interface later.
import crypto from 'node:crypto';
import fs from 'node:fs';
import { mkdir, rename, unlink } from 'node:fs/promises';
import path from 'node:path';
import { Transform, type Readable, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';

export interface StoredBytes {
  key: string;
  size: number;
  /** Hex digest of what was written. */
  sha256: string;
}

export interface BlobStore {
  /** Streams `source` into a new object under `prefix`; throws BlobTooLargeError past `maxBytes`. */
  put(prefix: string, source: Readable, options: { maxBytes: number }): Promise<StoredBytes>;
  /** A stream of the object's bytes; throws BlobMissingError when it is gone. */
  get(key: string): Promise<Readable>;
  delete(key: string): Promise<void>;
  /** A file on local disk holding the object, when the store has one (lets uploads stream from disk). */
  localPath(key: string): string | null;
}

export class BlobTooLargeError extends Error {
  readonly maxBytes: number;
  constructor(maxBytes: number) {
    super(`The file is larger than ${maxBytes} bytes.`);
    this.name = 'BlobTooLargeError';
    this.maxBytes = maxBytes;
  }
}

export class BlobMissingError extends Error {
  constructor(key: string) {
    super(`No stored bytes for ${key}.`);
    this.name = 'BlobMissingError';
  }
}

/** Counts and hashes what passes through, failing once more than maxBytes went by. */
export function meter(maxBytes: number) {
  const hash = crypto.createHash('sha256');
  let size = 0;
  const stream = new Transform({
    transform(chunk: Buffer, _enc, callback: TransformCallback) {
      size += chunk.length;
      if (size > maxBytes) {
        callback(new BlobTooLargeError(maxBytes));
        return;
      }
      hash.update(chunk);
      callback(null, chunk);
    },
  });
  return { stream, result: () => ({ size, sha256: hash.digest('hex') }) };
}

const KEY = /^[A-Za-z0-9_-]{1,64}\/[0-9a-f]{2}\/[0-9a-f-]{36}$/;
const PREFIX = /^[A-Za-z0-9_-]{1,64}$/;

export class LocalBlobStore implements BlobStore {
  readonly #root: string;
  readonly #tmp: string;

  constructor(root: string) {
    this.#root = path.resolve(root);
    this.#tmp = path.join(this.#root, '.tmp');
  }

  #file(key: string): string {
    // Keys come from our own rows, but a path built from one must never leave the root.
    if (!KEY.test(key)) throw new BlobMissingError(key);
    return path.join(this.#root, ...key.split('/'));
  }

  async put(prefix: string, source: Readable, options: { maxBytes: number }): Promise<StoredBytes> {
    if (!PREFIX.test(prefix)) throw new TypeError('Invalid blob prefix');
    const id = crypto.randomUUID();
    const key = `${prefix}/${id.slice(0, 2)}/${id}`;
    const target = this.#file(key);
    await mkdir(this.#tmp, { recursive: true });
    // Written beside the store and renamed into place only when complete, so a failed or oversized
    // upload never leaves a half file under a real key.
    const partial = path.join(this.#tmp, `${id}.part`);
    const m = meter(options.maxBytes);
    try {
      await pipeline(source, m.stream, fs.createWriteStream(partial, { flags: 'wx' }));
      await mkdir(path.dirname(target), { recursive: true });
      await rename(partial, target);
    } catch (err) {
      await unlink(partial).catch(() => {});
      throw err;
    }
    return { key, ...m.result() };
  }

  async get(key: string): Promise<Readable> {
    const file = this.#file(key);
    // Open first so a missing file is an error here, not halfway through a response.
    const handle = await fs.promises.open(file, 'r').catch((err: NodeJS.ErrnoException) => {
      throw err.code === 'ENOENT' ? new BlobMissingError(key) : err;
    });
    return handle.createReadStream();
  }

  async delete(key: string): Promise<void> {
    await unlink(this.#file(key)).catch((err: NodeJS.ErrnoException) => {
      if (err.code !== 'ENOENT') throw err;
    });
  }

  localPath(key: string): string | null {
    return this.#file(key);
  }
}
