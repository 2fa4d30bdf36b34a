// Shared widget foundations; the widget platform issue adds the host bridge, context and elements.
export { ApiClient, ApiError, type ApiClientOptions, type RequestOptions } from './api-client.ts';
