/** The five API surfaces of GUIDE.md §1 (plus system routes), told apart by path. */
export type Surface = 'platform' | 'unified' | 'plugin' | 'developer' | 'storefront' | 'system';

export function surfaceOf(path: string): Surface {
  if (path.startsWith('/api/v1/') || path === '/api/v1') return 'platform';
  if (path.startsWith('/unified/')) return 'unified';
  if (path.startsWith('/api/storefront/') || path.startsWith('/s/')) return 'storefront';
  if (path.startsWith('/v1/') || path === '/v1') return 'developer';
  if (path.startsWith('/api/')) return 'plugin';
  return 'system';
}

/** Surfaces whose error body is `{statusCode, message, error}` rather than `{error, code, details}`. */
export function usesNestErrorShape(surface: Surface): boolean {
  return surface === 'plugin';
}
