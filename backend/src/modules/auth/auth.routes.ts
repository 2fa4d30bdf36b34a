import type { RequestHandler } from 'express';
import { z } from 'zod';
import { defineRoute, tenantOf, type RouteDef } from '../../http/route.ts';
import type { AuthService } from './auth.service.ts';
import { SESSION_COOKIE, userPrincipal } from './auth.service.ts';
import type { ApiTokenService } from './api-tokens.service.ts';
import type { EmbedIssuer } from './embed-issuer.ts';
import type { RealtimeTickets } from './realtime-tickets.ts';
import {
  ApiTokenCreateBody,
  ApiTokenCreated,
  ApiTokenSchema,
  ChangePasswordBody,
  EmbedTokenCreateBody,
  EmbedTokenCreated,
  IdParam,
  LoginBody,
  MeResponse,
  RealtimeTicket,
  SetupBody,
} from './auth.schemas.ts';

export interface AuthRouteDeps {
  auth: AuthService;
  apiTokens: ApiTokenService;
  embedIssuer: EmbedIssuer;
  tickets: RealtimeTickets;
  loginLimiter: RequestHandler;
  secureCookies: boolean;
  publicUrl: string;
}

export function authRoutes(d: AuthRouteDeps): RouteDef[] {
  const client = (req: { ip?: string; get(h: string): string | undefined }) => ({
    ip: req.ip ?? null,
    userAgent: req.get('user-agent') ?? null,
  });
  return [
    defineRoute({
      method: 'post',
      path: '/api/v1/auth/login',
      access: 'public',
      summary: 'Sign in with email and password; sets the HttpOnly session cookie',
      tags: ['auth'],
      before: [d.loginLimiter],
      body: LoginBody,
      response: MeResponse,
      handler: async ({ body, req, res }) => {
        const { token, expiresAt, user } = await d.auth.login(body.email, body.password, client(req));
        res.cookie(SESSION_COOKIE, token, {
          httpOnly: true,
          sameSite: 'lax',
          secure: d.secureCookies,
          path: '/',
          expires: expiresAt,
        });
        return d.auth.me(userPrincipal(user));
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/v1/auth/logout',
      access: 'authenticated',
      principals: ['session'],
      summary: 'Sign out: ends this session',
      tags: ['auth'],
      handler: async ({ ctx, req, res }) => {
        await d.auth.logout(ctx.principal!, req.ip ?? null);
        res.clearCookie(SESSION_COOKIE, { path: '/' });
        return undefined;
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/v1/auth/me',
      access: 'authenticated',
      summary: 'Who am I: the signed-in user and their tenants and roles',
      tags: ['auth'],
      response: MeResponse,
      handler: async ({ ctx }) => d.auth.me(ctx.principal!),
    }),
    defineRoute({
      method: 'post',
      path: '/api/v1/auth/password',
      access: 'authenticated',
      principals: ['session'],
      summary: 'Change my password (signs out my other sessions)',
      tags: ['auth'],
      before: [d.loginLimiter],
      body: ChangePasswordBody,
      handler: async ({ body, ctx, req }) => {
        await d.auth.changePassword(ctx.principal!, body.currentPassword, body.newPassword, req.ip ?? null);
        return undefined;
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/v1/auth/setup',
      access: 'public',
      summary: 'First start: create the super admin with the one-time setup link',
      tags: ['auth'],
      before: [d.loginLimiter],
      body: SetupBody,
      status: 201,
      handler: async ({ body, req }) => {
        const user = await d.auth.completeSetup(body, client(req));
        return { id: user.id, email: user.email };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/v1/api-tokens',
      access: 'api_tokens.manage',
      summary: "List the tenant's API tokens (never the secret)",
      tags: ['api tokens'],
      response: z.object({ items: z.array(ApiTokenSchema) }),
      handler: async ({ ctx }) => d.apiTokens.list(tenantOf(ctx)),
    }),
    defineRoute({
      method: 'post',
      path: '/api/v1/api-tokens',
      access: 'api_tokens.manage',
      principals: ['session', 'api_token'],
      summary: 'Create an API token; the token is shown once in this response',
      tags: ['api tokens'],
      body: ApiTokenCreateBody,
      response: ApiTokenCreated,
      status: 201,
      handler: async ({ body, ctx }) => d.apiTokens.create(tenantOf(ctx), body),
    }),
    defineRoute({
      method: 'delete',
      path: '/api/v1/api-tokens/:id',
      access: 'api_tokens.manage',
      principals: ['session', 'api_token'],
      summary: 'Revoke an API token (takes effect immediately)',
      tags: ['api tokens'],
      params: IdParam,
      response: ApiTokenSchema,
      handler: async ({ params, ctx }) => d.apiTokens.revoke(tenantOf(ctx), params.id),
    }),
    defineRoute({
      method: 'post',
      path: '/api/v1/embed-tokens',
      access: 'embed_tokens.create',
      principals: ['session', 'api_token'],
      summary: 'Mint a short-lived (≤10 min) embed token for a widget on an allowed origin',
      tags: ['embed tokens'],
      body: EmbedTokenCreateBody,
      response: EmbedTokenCreated,
      status: 201,
      handler: async ({ body, ctx }) => d.embedIssuer.issue(tenantOf(ctx), body),
    }),
    defineRoute({
      method: 'post',
      path: '/api/v1/realtime/ticket',
      access: 'realtime.connect',
      summary: 'A single-use, 30-second ticket for opening the WebSocket at /ws?ticket=…',
      tags: ['realtime'],
      response: RealtimeTicket,
      status: 201,
      handler: async ({ ctx }) => {
        const t = tenantOf(ctx);
        const { ticket, expiresAt } = await d.tickets.issue({
          tenantId: t.tenantId,
          userId: t.principal.userId,
          role: t.role,
          kind: t.principal.kind,
        });
        const ws = d.publicUrl.replace(/^http/, 'ws');
        return { ticket, expiresAt: expiresAt.toISOString(), url: `${ws}/ws?ticket=${encodeURIComponent(ticket)}` };
      },
    }),
  ];
}
