// The auth module owns how callers prove who they are: passwords and console sessions, API tokens,
// embed tokens for widgets, realtime tickets, lockout, and the first-start setup link.
export { AuthService, SESSION_COOKIE, userPrincipal } from './auth.service.ts';
export { ApiTokenService, API_TOKEN_PREFIX } from './api-tokens.service.ts';
export { EmbedTokenService, normalizeOrigin, EMBED_MAX_TTL_SECONDS } from './embed-tokens.service.ts';
export { EmbedIssuer } from './embed-issuer.ts';
export { RealtimeTickets } from './realtime-tickets.ts';
export { authRoutes } from './auth.routes.ts';
export { VisitorSessions, VISITOR_TTL_SECONDS } from './visitor-sessions.ts';
export { visitorRoutes } from './visitor.routes.ts';
