/**
 * Tells one store's listeners (its server's delivery worker and live streams) that an account has a
 * new event. Each store has its own (store/db.ts), so two servers in one process never wake each other.
 * It is only a hint: it may arrive before the event's transaction commits, so listeners read committed
 * rows from the store and also poll, which is also how they see events written by other processes
 * sharing PostgreSQL.
 */
export interface EventBus {
  /** An event of the account was written; listeners run on a later tick, after its transaction has likely committed. */
  recorded(accountId: string): void;
  /** Returns the unsubscribe function. */
  subscribe(listener: (accountId: string) => void): () => void;
}

export function createEventBus(): EventBus {
  const listeners = new Set<(accountId: string) => void>();
  return {
    recorded(accountId) {
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
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
