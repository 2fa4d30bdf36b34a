// The credentials module owns a tenant's named secrets (API keys, app secrets of integrations),
// encrypted at rest; the HTTP API can set and delete them but never read a value back.
export { CredentialsService, CREDENTIAL_CONTEXT } from './credentials.service.ts';
export { credentialsRoutes } from './credentials.routes.ts';
