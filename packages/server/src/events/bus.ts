/**
 * Tells this process's listeners (the delivery worker, live streams) that an account has a new
 * event. It is only a hint: it may arrive before the event's transaction commits, so listeners read
 * committed rows from the store and also poll, which is also how they see events written by other
 * processes sharing PostgreSQL.
 */
type Listener = (accountId: string) => void;

const listeners = new Set<Listener>();

export const eventBus = {
  /** Called by recordEvent; listeners run on a later tick, after the caller's transaction has likely committed. */
  recorded(accountId: string): void {
    if (listeners.size === 0) return;
    setImmediate(() => {
      for (const listener of listeners) {
        try {
          listener(accountId);
        } catch {
          // A listener's failure is its own; the event is in the store either way.
        }
      }
    });
  },
  subscribe(listener: Listener): () => void {
    listeners.add(listener);
    return () => listeners.delete(listener);
  },
};
