import { SetMetadata } from '@nestjs/common';

/**
 * Marks a controller or route as needing no API key (health probes, Prometheus scrapes). It
 * lives here so shared controllers can say so without importing an app; the API's key guard
 * honours this key (apps/api `@Public()` sets the same one).
 */
export const PUBLIC_ROUTE_KEY = 'vigil:public';

export const PublicRoute = () => SetMetadata(PUBLIC_ROUTE_KEY, true);
