import { z } from 'zod';
import { defineRoute, tenantOf, type RouteDef } from '../../http/route.ts';
import type { UsersService } from './users.service.ts';
import {
  AdminUserListQuery,
  AdminUserSchema,
  MemberAddBody,
  MemberSchema,
  MemberUpdateBody,
  UserIdParam,
} from './users.schemas.ts';

export function usersRoutes(users: UsersService): RouteDef[] {
  return [
    defineRoute({
      method: 'get',
      path: '/api/v1/members',
      access: 'members.read',
      summary: 'Team members of the tenant and their roles',
      tags: ['members'],
      response: z.object({ items: z.array(MemberSchema) }),
      handler: async ({ ctx }) => users.listMembers(tenantOf(ctx)),
    }),
    defineRoute({
      method: 'post',
      path: '/api/v1/members',
      access: 'members.manage',
      summary: 'Add a team member (creates the account when the email is new)',
      tags: ['members'],
      body: MemberAddBody,
      response: MemberSchema,
      status: 201,
      handler: async ({ ctx, body }) => users.addMember(tenantOf(ctx), body),
    }),
    defineRoute({
      method: 'patch',
      path: '/api/v1/members/:userId',
      access: 'members.manage',
      summary: "Change a member's role",
      tags: ['members'],
      params: UserIdParam,
      body: MemberUpdateBody,
      response: MemberSchema,
      handler: async ({ ctx, params, body }) => users.changeRole(tenantOf(ctx), params.userId, body.role),
    }),
    defineRoute({
      method: 'delete',
      path: '/api/v1/members/:userId',
      access: 'members.manage',
      summary: 'Remove a member from the tenant',
      tags: ['members'],
      params: UserIdParam,
      handler: async ({ ctx, params }) => users.removeMember(tenantOf(ctx), params.userId),
    }),
    defineRoute({
      method: 'get',
      path: '/api/admin/users',
      access: 'platform.users',
      summary: 'Users across all tenants',
      tags: ['admin'],
      query: AdminUserListQuery,
      response: z.object({ items: z.array(AdminUserSchema), nextBefore: z.number().nullable() }),
      handler: async ({ query }) => users.listUsers(query),
    }),
  ];
}
