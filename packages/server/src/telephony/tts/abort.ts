/** Small AbortSignal helpers shared by the engines and the cache. */

/** The error an aborted synthesis rejects with: the signal's reason, or a DOMException `AbortError`. */
export function abortError(signal: AbortSignal): unknown {
  return signal.reason ?? new DOMException('The synthesis was aborted', 'AbortError');
}

/**
 * Resolves like `promise`, but rejects as soon as `signal` aborts. The underlying work is not stopped
 * (the caller decides that); this only stops the caller waiting for it.
 */
export function raceAbort<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return promise;
  if (signal.aborted) return Promise.reject(abortError(signal));
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(abortError(signal));
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (err: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(err);
      },
    );
  });
}
