// The media module owns stored files: the blob store (local disk under <dataDir>/media), uploads
// checked against WhatsApp's types and sizes, and tenant-checked downloads.
export { MediaService, contentDisposition, cleanFilename } from './media.service.ts';
export { mediaRoutes } from './media.routes.ts';
export { LocalBlobStore, BlobTooLargeError, BlobMissingError, type BlobStore } from './blob-store.ts';
export {
  MEDIA_KINDS,
  MEDIA_LIMITS,
  baseMime,
  kindOfMime,
  mimeFitsKind,
  isMediaKind,
  formatBytes,
  type MediaKind,
} from './media-types.ts';
