/**
 * The slice of drachtio-srf the adapter touches, typed from its source (lib/request.js,
 * lib/response.js, lib/dialog.js). Its bundled typings miss or mistype several of these (the
 * `send` callback, `source_port`, `Srf.parseUri` as a static), so we narrow to what we rely on.
 */
export interface SrfRequest {
  method: string;
  uri: string;
  body: string | undefined;
  source_address: string;
  source_port: number | string;
  get(name: string): string | undefined;
  has(name: string): boolean;
  getParsedHeader(name: 'from' | 'to'): { uri: string; params: Record<string, string | undefined> };
  on(event: 'cancel', listener: () => void): void;
}

export interface SrfResponse {
  finalResponseSent: boolean;
  send(status: number, reason: string | undefined, opts: { headers?: Record<string, string>; body?: string }, callback: (err: unknown) => void): void;
}

export interface SrfDialog {
  on(event: 'destroy', listener: () => void): void;
  once(event: 'ack', listener: () => void): void;
  destroy(opts: Record<string, never>, callback: (err: unknown) => void): void;
}

export interface SrfLike {
  createUAS(req: SrfRequest, res: SrfResponse, opts: { localSdp: string; headers?: Record<string, string> }): Promise<SrfDialog>;
}
