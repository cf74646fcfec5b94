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
  /** An in-dialog request; with no listener drachtio-srf answers it 200 itself (lib/dialog.js). */
  on(event: 'refer', listener: (req: SrfRequest, res: SrfResponse) => void): void;
  /**
   * A re-INVITE whose SDP is not a plain refresh: with a listener, drachtio-srf leaves the answer to us
   * (without one it answers 200 with our last SDP and no media relay ever hears of the new offer).
   */
  on(event: 'modify', listener: (req: SrfRequest, res: SrfResponse) => void): void;
  /** An UPDATE (RFC 3311); with no listener drachtio-srf answers 200 with our last SDP itself. */
  on(event: 'update', listener: (req: SrfRequest, res: SrfResponse) => void): void;
  /** The ACK of our 2xx; its body is the answer when our 2xx carried the offer (lib/dialog.js). */
  once(event: 'ack', listener: (ack?: SrfRequest) => void): void;
  destroy(opts: Record<string, never>, callback: (err: unknown) => void): void;
}

export interface SrfLike {
  /**
   * The callback form: it is called in the same tick as drachtio-server's confirmation of the 200, so
   * listeners added there are in place for an ACK or re-INVITE that came in the same read (the promise
   * form resolves a microtask later, after drachtio-srf has handled them without us).
   */
  createUAS(
    req: SrfRequest,
    res: SrfResponse,
    opts: { localSdp: string; headers?: Record<string, string> },
    callback: (err: Error | null | undefined, dialog: SrfDialog) => void,
  ): unknown;
}

/** The INVITE drachtio-srf sent for createUAC (lib/request.js); cancel() sends CANCEL in its transaction. */
export interface SrfSentRequest {
  cancel(callback?: (err: unknown) => void): void;
}

/** A response to our INVITE (lib/response.js). */
export interface SrfUacResponse {
  status: number;
  reason: string;
  body: string | undefined;
  get(name: string): string | undefined;
}

/** The dialog createUAC resolves with (lib/dialog.js, type 'uac'). */
export interface SrfUacDialog extends SrfDialog {
  readonly id: string;
  readonly sip: { callId: string; localTag: string; remoteTag: string };
  readonly remote: { uri: string; sdp: string | undefined };
}

/** Options of createUAC we use (lib/srf.js); proxy is where the INVITE goes, whatever the Request-URI says. */
export interface SrfUacOptions {
  localSdp: string;
  proxy?: string;
  headers?: Record<string, string>;
  auth?: { username: string; password: string };
}

/** createUAC rejects with a SipError carrying the final status (lib/sip_error.js). */
export interface SrfSipError extends Error {
  status?: number;
  reason?: string;
}

export interface SrfUacLike {
  createUAC(
    uri: string,
    opts: SrfUacOptions,
    progress: { cbRequest?: (err: unknown, req: SrfSentRequest) => void; cbProvisional?: (res: SrfUacResponse) => void },
  ): Promise<SrfUacDialog>;
}
