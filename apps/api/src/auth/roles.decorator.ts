import { SetMetadata } from '@nestjs/common';
import { API_KEY_ROLES, ApiKeyRole } from '@vigil/persistence';
import { PUBLIC_ROUTE_KEY } from '@vigil/platform';

export type Role = ApiKeyRole;
export const ROLES: readonly Role[] = API_KEY_ROLES;

export const ROLES_KEY = 'vigil:roles';
/** The same key as libs/platform's `PublicRoute()`, so shared controllers can be public too. */
export const PUBLIC_KEY = PUBLIC_ROUTE_KEY;

/** The roles allowed to call a route (SPEC §6). Routes without it are admin-only. */
export const Roles = (...roles: Role[]) => SetMetadata(ROLES_KEY, roles);

/** Health, metrics and docs need no key. */
export const Public = () => SetMetadata(PUBLIC_KEY, true);

/** Read access: dashboards, auditors and admins. */
export const READERS: Role[] = ['admin', 'dashboard', 'auditor'];
