/**
 * This server process as other processes sharing the database reach it: its API address
 * (PROLOPE_NODE_URL, else the address it listens on) and, with PostgreSQL, its node id
 * (PROLOPE_NODE_ID, else one made at start) that live calls it holds record, so a live action landing
 * on another process is sent here (calls/remote-control/). The URL is known only once the server
 * listens, so it is a holder filled in by startServer.
 */
export interface NodeIdentity {
  url: string | undefined;
  /** Undefined on SQLite: one process holds every call. */
  id?: string | undefined;
}

export function nodeIdentity(url?: string, id?: string): NodeIdentity {
  return { url, id };
}
