import { assertSafeTarget, UnsafeTargetError } from '@synq/http';
import { ConnectorError } from './connector';

const vetted = new Map<string, number>();
const VETTED_MS = 60_000;

/**
 * Outbound calls to customer-supplied store URLs (GUIDE.md §2), through @synq/http's policy: http(s)
 * only, no credentials in the URL, and every resolved address public unless private targets are
 * allowed (tests). A host's verdict is kept for a minute so a push does not resolve it per request.
 */
export async function assertPublicTarget(raw: string, allowPrivate: boolean): Promise<URL> {
  const key = `${allowPrivate}|${raw}`;
  const until = vetted.get(key);
  if (until && until > Date.now()) return new URL(raw);
  try {
    const { url } = await assertSafeTarget(raw, { allowPrivate, allowHttp: true });
    if (vetted.size > 10_000) vetted.clear();
    vetted.set(key, Date.now() + VETTED_MS);
    return url;
  } catch (err) {
    if (err instanceof UnsafeTargetError) {
      throw new ConnectorError(`store URL refused: ${err.message}`, { retryable: err.reason === 'unresolvable' });
    }
    throw err;
  }
}
