// What WhatsApp carries, per message type: the MIME types and the largest file (Cloud API digest §3.3).
// Uploads, outbound sends and inbound downloads all check against this one table.
const MB = 1024 * 1024;

export const MEDIA_KINDS = ['image', 'video', 'audio', 'document', 'sticker'] as const;
export type MediaKind = (typeof MEDIA_KINDS)[number];

export const MEDIA_LIMITS: Readonly<Record<MediaKind, { mimeTypes: readonly string[]; maxBytes: number; label: string }>> = {
  image: { mimeTypes: ['image/jpeg', 'image/png'], maxBytes: 5 * MB, label: 'Images' },
  video: { mimeTypes: ['video/mp4', 'video/3gpp'], maxBytes: 16 * MB, label: 'Videos' },
  audio: {
    mimeTypes: ['audio/aac', 'audio/amr', 'audio/mpeg', 'audio/mp4', 'audio/ogg'],
    maxBytes: 16 * MB,
    label: 'Audio files',
  },
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
    label: 'Documents',
  },
  // 100 KB static / 500 KB animated: without decoding the WebP the larger limit applies.
  sticker: { mimeTypes: ['image/webp'], maxBytes: 500 * 1024, label: 'Stickers' },
};

export const ALL_MEDIA_MIME_TYPES: readonly string[] = MEDIA_KINDS.flatMap((k) => MEDIA_LIMITS[k].mimeTypes);

/** `audio/ogg; codecs=opus` → `audio/ogg`. */
export function baseMime(mime: string | null | undefined): string {
  return (mime ?? '').split(';')[0].trim().toLowerCase();
}

/** The kind a file of this MIME type is sent as by default; null when WhatsApp does not carry it. */
export function kindOfMime(mime: string | null | undefined): MediaKind | null {
  const base = baseMime(mime);
  for (const kind of MEDIA_KINDS) if (MEDIA_LIMITS[kind].mimeTypes.includes(base)) return kind;
  return null;
}

/** Whether a file of this MIME type may go out as a message of `type` (any carried file may be a document). */
export function mimeFitsKind(mime: string, type: MediaKind): boolean {
  const kind = kindOfMime(mime);
  return kind === type || (type === 'document' && kind !== null);
}

export function isMediaKind(type: string): type is MediaKind {
  return (MEDIA_KINDS as readonly string[]).includes(type);
}

export function formatBytes(n: number): string {
  if (n >= MB) return `${Math.round((n / MB) * 10) / 10} MB`;
  if (n >= 1024) return `${Math.round(n / 1024)} KB`;
  return `${n} bytes`;
}
