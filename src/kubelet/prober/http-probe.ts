import type { Clock } from '../../util/index.ts';
import { httpGet, HttpGetError, type HttpGetRequest } from './http-get.ts';
import type { ProbeOutcome } from './types.ts';

/**
 * Upstream DoHTTPProbe: 200-299 is success with the body as output; 300-399 (a redirect to
 * another host, or one that was not followed) is a success with a warning; anything else fails
 * with `HTTP probe failed with statuscode: N` (never the body: it may hold secrets). Transport
 * errors and timeouts are failures with Go's error text.
 */
export async function httpProbe(
  req: HttpGetRequest,
  timeoutMs: number,
  clock?: Clock,
): Promise<ProbeOutcome> {
  let res;
  try {
    res = await httpGet(req, { timeoutMs, ...(clock ? { clock } : {}) });
  } catch (err) {
    if (err instanceof HttpGetError) {
      // A body that could not be read is an error of the probe itself (retried), as upstream.
      if (err.whileReadingBody) return { result: 'failure', output: '', error: err };
      return { result: 'failure', output: err.message };
    }
    throw err;
  }
  const body = res.body.toString('utf8');
  if (res.statusCode >= 200 && res.statusCode < 400) {
    if (res.statusCode >= 300) {
      return { result: 'warning', output: `Probe terminated redirects, Response body: ${body}` };
    }
    return { result: 'success', output: body };
  }
  return { result: 'failure', output: `HTTP probe failed with statuscode: ${res.statusCode}` };
}
