import type { Request } from 'express';

/** Where a request that matched no route is counted and named: one name, whatever the path. */
export const UNMATCHED_ROUTE = 'unmatched';

/**
 * The route template (`/api/v1/records/:id`), never the raw path: ids would make every request
 * its own metric series and span name. Express sets `route` once a route matched.
 */
export function routeTemplate(request: Request): string {
  const route: unknown = request.route;
  if (typeof route === 'object' && route !== null && 'path' in route) {
    const { path } = route;
    if (typeof path === 'string') return `${request.baseUrl}${path}`;
  }
  return UNMATCHED_ROUTE;
}
