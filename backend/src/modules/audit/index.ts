// The audit module owns the append-only audit log: who did what security-relevant thing, in which
// tenant, from where and when; admins read their tenant's entries and super admins read all.
export { AuditService, AUDIT_ACTIONS, type AuditAction, type AuditEntry } from './audit.service.ts';
export { auditRoutes } from './audit.routes.ts';
