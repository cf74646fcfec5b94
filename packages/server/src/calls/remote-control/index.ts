export { forwardingToHolder, type LiveActionHandler } from './forwarder.js';
export { startNodeLease, type NodeLease, type NodeLeaseOptions } from './node-lease.js';
export { openNatsTransport } from './nats-transport.js';
export { openPgTransport } from './pg-transport.js';
export { FORWARDED_HEADER, remoteControl, type RemoteControl } from './remote-control.js';
export type { ControlTransport } from './transport.js';
export { openTransport, resolveNodeId } from './open-transport.js';
