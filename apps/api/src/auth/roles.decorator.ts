import { SetMetadata } from '@nestjs/common';

export type Role = 'admin' | 'dashboard' | 'auditor' | 'producer';
export const ROLES: readonly Role[] = ['admin', 'dashboard', 'auditor', 'producer'];

export const ROLES_KEY = 'vigil:roles';
export const PUBLIC_KEY = 'vigil:public';

/** The roles allowed to call a route (SPEC §6). Routes without it are admin-only. */
export const Roles = (...roles: Role[]) => SetMetadata(ROLES_KEY, roles);

/** Health, metrics and docs need no key. */
export const Public = () => SetMetadata(PUBLIC_KEY, true);

/** Read access: dashboards, auditors and admins. */
export const READERS: Role[] = ['admin', 'dashboard', 'auditor'];
