import { AppError } from '../../common/errors/app-error';
import { blockedCause, type OutboundGuard } from '../../common/net/outbound-guard';
import { AnswerTooLargeError, readCapped } from '../../common/net/read-capped';

const MAX_BYTES = 256 * 1024;

/**
 * The manifest entry published at `manifestUrl` (the console's "install from a URL"): http(s) only, through the
 * outbound guard (an address the operator did not allow is refused before anything is sent), no redirects, JSON only,
 * 256 KiB at most, 10 s. What it holds is then validated like a manifest sent in the body.
 */
export async function fetchManifest(manifestUrl: unknown, outbound: OutboundGuard): Promise<unknown> {
  if (typeof manifestUrl !== 'string' || !/^https?:\/\//i.test(manifestUrl)) throw AppError.validation('manifestUrl', 'manifestUrl must be an absolute http(s) URL');
  await outbound.assertAllowedUrl(manifestUrl, 'manifestUrl');
  let text: string;
  let status: number;
  try {
    const res = await outbound.fetch(manifestUrl, { headers: { Accept: 'application/json' }, redirect: 'error', signal: AbortSignal.timeout(10_000) });
    status = res.status;
    text = await readCapped(res, MAX_BYTES);
  } catch (error) {
    if (error instanceof AnswerTooLargeError) throw AppError.validation('manifestUrl', 'The manifest is larger than 256 KiB');
    const blocked = blockedCause(error);
    if (blocked) throw AppError.validation('manifestUrl', `manifestUrl: ${blocked.message}`);
    // One answer for refused, closed, unreachable and timed out: the admin learns nothing about the network behind.
    // A 400, not a 502: the URL is the admin's input, and it is what has to change.
    throw AppError.validation('manifestUrl', 'The manifest URL could not be reached');
  }
  if (status < 200 || status > 299) throw AppError.validation('manifestUrl', `The manifest URL answered HTTP ${status}`);
  try {
    return JSON.parse(text);
  } catch {
    throw AppError.validation('manifestUrl', 'The manifest URL did not answer with JSON');
  }
}
