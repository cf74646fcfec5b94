import type { components } from '../http/contract.js';

export type Service = components['schemas']['Service'];

/** The services of the SLA (terms 6), in the spec's order, with the names people read. */
export const SERVICES: readonly { service: Service; name: string }[] = [
  { service: 'cloud_pbx', name: 'Cloud PBX' },
  { service: 'contact_center', name: 'Contact Center' },
  { service: 'voice_ai', name: 'Voice AI' },
  { service: 'sip_trunking', name: 'SIP Trunking' },
  { service: 'api', name: 'API' },
];

export function serviceName(service: string): string {
  return SERVICES.find((s) => s.service === service)?.name ?? service;
}
