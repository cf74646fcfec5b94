import { ProblemError } from '../errors.js';
import type { FetchLike } from '../http/safe-fetch.js';
import { BodyTooLargeError, readCapped } from '../telephony/verbs/read-capped.js';

/** The largest file fetched from a `url` (ten minutes of 44.1 kHz 16-bit mono WAV is about 50 MiB; MP3 far less). */
export const MAX_URL_BYTES = 25 * 1024 * 1024;
const FETCH_TIMEOUT_MS = 30_000;
const PARAM = '/body/url';

/** Fetches an upload from the customer's URL through the SSRF guard, capped in size and time. */
export async function fetchUpload(fetchImpl: FetchLike, url: string): Promise<Buffer> {
  let res: Response;
  try {
    res = await fetchImpl(url, { signal: AbortSignal.timeout(FETCH_TIMEOUT_MS), redirect: 'follow' });
  } catch (err) {
    const why = (err as { cause?: Error }).cause?.message ?? (err as Error).message;
    throw new ProblemError('audio_fetch_failed', `GET ${url} failed: ${why}. The URL must be public http(s) and answer within 30 s.`, { param: PARAM });
  }
  if (!res.ok) {
    await res.body?.cancel();
    throw new ProblemError('audio_fetch_failed', `GET ${url} answered ${res.status}; it must answer 200 with the file.`, { param: PARAM });
  }
  try {
    return await readCapped(res, MAX_URL_BYTES);
  } catch (err) {
    if (err instanceof BodyTooLargeError) {
      throw new ProblemError('audio_too_large', `The file at ${url} is larger than 25 MiB; prompts last at most 10 minutes, so compress it (MP3) or lower its rate.`, { param: PARAM });
    }
    throw new ProblemError('audio_fetch_failed', `Reading ${url} failed: ${(err as Error).message}.`, { param: PARAM });
  }
}
