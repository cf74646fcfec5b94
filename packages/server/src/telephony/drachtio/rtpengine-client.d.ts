/**
 * Types for the parts of `rtpengine-client` (no published typings) that the adapter uses: the UDP
 * ng client. Each command takes the rtpengine host and port, then the ng dictionary, and resolves
 * with rtpengine's answer dictionary (`result` is 'ok', 'error' or 'pong').
 */
declare module 'rtpengine-client' {
  import { EventEmitter } from 'node:events';

  export type NgDictionary = Record<string, unknown>;
  export interface NgResponse {
    result: string;
    'error-reason'?: string;
    warning?: string;
    sdp?: string;
    duration?: number;
    [key: string]: unknown;
  }
  type Command = (port: number, host: string, opts?: NgDictionary) => Promise<NgResponse>;

  export class Client extends EventEmitter {
    constructor(opts?: { localPort?: number; localAddress?: string; timeout?: number; rejectOnError?: boolean });
    close(): void;
    ping: Command;
    offer: Command;
    answer: Command;
    delete: Command;
    query: Command;
    playMedia: Command;
    stopMedia: Command;
    playDTMF: Command;
    blockDTMF: Command;
    unblockDTMF: Command;
    startRecording: Command;
    stopRecording: Command;
  }
}
