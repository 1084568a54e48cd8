import { AppError } from '../../common/errors/app-error';

const MAX_BYTES = 256 * 1024;

/**
 * The manifest entry published at `manifestUrl` (the console's "install from a URL"): http(s) only, JSON only,
 * 256 KiB at most, 10 s. What it holds is then validated like a manifest sent in the body.
 */
export async function fetchManifest(manifestUrl: unknown): Promise<unknown> {
  let url: URL;
  try {
    url = new URL(String(manifestUrl));
  } catch {
    throw AppError.validation('manifestUrl', 'manifestUrl must be an absolute http(s) URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw AppError.validation('manifestUrl', 'manifestUrl must be an absolute http(s) URL');
  let res: Response;
  try {
    res = await fetch(url, { headers: { Accept: 'application/json' }, redirect: 'error', signal: AbortSignal.timeout(10_000) });
  } catch {
    throw new AppError('UPSTREAM_FAILED', 'The manifest URL could not be reached', 'manifestUrl');
  }
  if (!res.ok) throw AppError.validation('manifestUrl', `The manifest URL answered HTTP ${res.status}`);
  const text = await res.text();
  if (text.length > MAX_BYTES) throw AppError.validation('manifestUrl', 'The manifest is larger than 256 KiB');
  try {
    return JSON.parse(text);
  } catch {
    throw AppError.validation('manifestUrl', 'The manifest URL did not answer with JSON');
  }
}
