// The one permission matrix: role → permissions. Every route names exactly one permission (or
// 'public'), and the route × role test walks this file, so changing access means changing it here.
export const ROLES = ['admin', 'manager', 'agent'] as const;
export type TenantRole = (typeof ROLES)[number];
export type Role = TenantRole | 'super_admin';

/** Tenant roles ordered by power: a caller can never grant or mint a role above its own. */
export const ROLE_RANK: Record<TenantRole, number> = { agent: 1, manager: 2, admin: 3 };

export const PERMISSIONS = [
  // every signed-in member of a tenant
  'tenant.read',
  'realtime.connect',
  'inbox.use',
  // managers and admins
  'members.read',
  'embed_tokens.create',
  'inbox.manage',
  'contacts.manage',
  'campaigns.manage',
  'bots.manage',
  'commerce.manage',
  'analytics.read',
  // admins only
  'tenant.manage',
  'members.manage',
  'api_tokens.manage',
  'credentials.manage',
  'channels.manage',
  'audit.read',
  'billing.read',
  // platform operator only
  'platform.tenants',
  'platform.users',
  'platform.audit',
] as const;
export type Permission = (typeof PERMISSIONS)[number];

const AGENT: Permission[] = ['tenant.read', 'realtime.connect', 'inbox.use'];
const MANAGER: Permission[] = [
  ...AGENT,
  'members.read',
  'embed_tokens.create',
  'inbox.manage',
  'contacts.manage',
  'campaigns.manage',
  'bots.manage',
  'commerce.manage',
  'analytics.read',
];
const ADMIN: Permission[] = [
  ...MANAGER,
  'tenant.manage',
  'members.manage',
  'api_tokens.manage',
  'credentials.manage',
  'channels.manage',
  'audit.read',
  'billing.read',
];
// A super admin can act inside any tenant with an admin's rights, plus the platform permissions.
const SUPER_ADMIN: Permission[] = [...ADMIN, 'platform.tenants', 'platform.users', 'platform.audit'];

export const MATRIX: Readonly<Record<Role, ReadonlySet<Permission>>> = Object.freeze({
  agent: new Set(AGENT),
  manager: new Set(MANAGER),
  admin: new Set(ADMIN),
  super_admin: new Set(SUPER_ADMIN),
});

/** Permissions that never need a tenant (they work across all tenants). */
export const PLATFORM_PERMISSIONS: ReadonlySet<Permission> = new Set(['platform.tenants', 'platform.users', 'platform.audit']);

export function can(role: Role, permission: Permission): boolean {
  return MATRIX[role].has(permission);
}

export function isTenantRole(v: unknown): v is TenantRole {
  return typeof v === 'string' && (ROLES as readonly string[]).includes(v);
}
