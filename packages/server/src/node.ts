/**
 * This server process as other processes sharing the database reach it: its API address
 * (PROLOPE_NODE_URL, else the address it listens on). Known only once the server listens, so it is a
 * holder filled in by startServer; calls this process carries record it as their owner.
 */
export interface NodeIdentity {
  url: string | undefined;
}

export function nodeIdentity(url?: string): NodeIdentity {
  return { url };
}
