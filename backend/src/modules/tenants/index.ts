// The tenants module owns tenants (name, slug, status, plan, allowed widget origins) and the
// platform operator's create / suspend / resume; suspension cuts off every credential of the tenant.
export { TenantsService, serializeTenant, slugify } from './tenants.service.ts';
export { tenantsRoutes } from './tenants.routes.ts';
export { TENANT_STATUSES, type TenantInstance } from './tenant.model.ts';
