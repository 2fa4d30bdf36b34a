// The users module owns people: accounts, tenant memberships with one role each, and the super-admin
// flag; it answers "what is this user's role in that tenant" for the RBAC middleware.
export { UsersService } from './users.service.ts';
export { usersRoutes } from './users.routes.ts';
export type { UserInstance } from './user.model.ts';
export type { MembershipInstance } from './membership.model.ts';
