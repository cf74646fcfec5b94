import { lookup as dnsLookup } from 'node:dns';
import { createServer, type Server } from 'node:http';
import type { LookupFunction } from 'node:net';
import { Agent, fetch as undiciFetch } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { safeFetch } from './safe-fetch.js';
import { refusedAddress, refusedUrl, urlPolicy } from './url-policy.js';
import { guardedConnector, RefusedAddressError } from './ssrf-guard.js';

/**
 * Every way of writing an address that is not public unicast, at save time (refusedUrl) and at
 * connect time (the guard behind webhook deliveries and safeFetch), including the forms ipaddr.js
 * alone gets wrong (`::127.0.0.1` is IPv4-compatible `::7f00:1`, not IPv4-mapped) and the check of
 * the socket's real peer that stops a DNS rebinding the resolver check missed.
 */
const production = urlPolicy({ development: false, webhookAllow: [] });
const development = urlPolicy({ development: true, webhookAllow: [] });

describe('SSRF: every special address form is refused', () => {
  it.each([
    // IPv4-compatible IPv6 (::/96), in every spelling: ipaddr.js calls ::7f00:1 unicast.
    ['http://[::127.0.0.1]/', 'IPv4-compatible'],
    ['http://[::7f00:1]/', 'IPv4-compatible'],
    ['http://[0:0:0:0:0:0:127.0.0.1]/', 'IPv4-compatible'],
    ['http://[::a9fe:a9fe]/', 'IPv4-compatible'],
    ['http://[::169.254.169.254]/', 'IPv4-compatible'],
    ['http://[::8.8.8.8]/', 'IPv4-compatible'],
    ['http://[::2]/', 'IPv4-compatible'],
    // IPv4 embedded in other IPv6 ranges.
    ['http://[::ffff:127.0.0.1]/', 'loopback'],
    ['http://[::ffff:7f00:1]/', 'loopback'],
    ['http://[::ffff:0:7f00:1]/', 'rfc6145'],
    ['http://[64:ff9b::a9fe:a9fe]/', 'rfc6052'],
    ['http://[64:ff9b:1::1]/', 'rfc6052'],
    ['http://[2002:7f00:1::1]/', '6to4'],
    ['http://[2001::1]/', 'teredo'],
    // Other special IPv6 ranges.
    ['http://[::]/', 'unspecified'],
    ['http://[::1]/', 'loopback'],
    ['http://[fe80::1]/', 'linkLocal'],
    ['http://[fec0::1]/', 'deprecatedSiteLocal'],
    ['http://[fd12:3456::1]/', 'uniqueLocal'],
    ['http://[ff02::1]/', 'multicast'],
    ['http://[100::1]/', 'discard'],
    ['http://[2001:db8::1]/', 'reserved'],
    ['http://[2001:2::1]/', 'benchmarking'],
    // IPv4 loopback however the URL spells it (the URL parser normalises all of these to 127.0.0.1).
    ['http://2130706433/', 'loopback'],
    ['http://0x7f000001/', 'loopback'],
    ['http://0x7f.1/', 'loopback'],
    ['http://0177.0.0.1/', 'loopback'],
    ['http://127.1/', 'loopback'],
    ['http://127.255.255.254/', 'loopback'],
    // Other special IPv4 ranges.
    ['http://169.254.169.254/', 'linkLocal'],
    ['http://10.0.0.1/', 'private'],
    ['http://172.16.0.1/', 'private'],
    ['http://100.64.0.1/', 'carrierGradeNat'],
    ['http://192.0.0.8/', 'reserved'],
    ['http://198.18.0.1/', 'reserved'],
    ['http://240.0.0.1/', 'reserved'],
    ['http://255.255.255.255/', 'broadcast'],
    ['http://0.0.0.0/', 'unspecified'],
    ['http://0/', 'unspecified'],
    ['http://224.0.0.1/', 'multicast'],
  ])('%s is refused when saved (%s)', async (url, why) => {
    expect(await refusedUrl(url, production)).toContain(why);
  });

  it.each(['::127.0.0.1', '::7f00:1', '0:0:0:0:0:0:127.0.0.1', '::10.0.0.1'])(
    '%s is refused even in development mode and for the operator allow-list of 127.0.0.1 (it is not 127.0.0.1)',
    (address) => {
      expect(refusedAddress(address, development)).toContain('IPv4-compatible');
      expect(refusedAddress(address, urlPolicy({ development: false, webhookAllow: ['127.0.0.1'] }))).toContain('IPv4-compatible');
    },
  );

  it('still allows public unicast, and the names it resolves to', async () => {
    expect(refusedAddress('93.184.215.14', production)).toBeUndefined();
    expect(refusedAddress('2606:4700::1111', production)).toBeUndefined();
    expect(refusedAddress('::ffff:8.8.8.8', production)).toBeUndefined();
    const resolve = (async () => [{ address: '::7f00:1', family: 6 }]) as never;
    expect(await refusedUrl('https://hooks.example.com/x', production, resolve)).toBe(
      'hooks.example.com resolves to ::7f00:1, and ::7f00:1 is an IPv4-compatible IPv6 address (::/96)',
    );
  });
});

describe('SSRF at connect time', () => {
  let server: Server;
  let port: number;
  let connections = 0;
  let requests = 0;

  beforeAll(async () => {
    server = createServer((_req, res) => {
      requests++;
      res.end('ok');
    });
    server.on('connection', () => {
      connections++;
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    port = (server.address() as { port: number }).port;
  });
  afterAll(async () => {
    await new Promise((r) => server.close(r));
  });

  const causeOf = (err: unknown) => (err as { cause?: unknown }).cause;

  it.each([
    ['production', production],
    ['development', development],
  ])('safeFetch refuses http://[::127.0.0.1]/ before connecting (%s)', async (_name, policy) => {
    const before = connections;
    const err = await safeFetch(policy)(`http://[::127.0.0.1]:${port}/`).catch((e: unknown) => e);
    expect(causeOf(err)).toBeInstanceOf(RefusedAddressError);
    expect(String((causeOf(err) as Error).message)).toBe('::7f00:1 is an IPv4-compatible IPv6 address (::/96)');
    expect(connections).toBe(before);
  });

  it('a name that rebinds to loopback between the check and the connect is cut off on its peer address, before a byte is sent', async () => {
    // A resolver that answers 127.0.0.1 without asking the policy: what a rebinding looks like when it
    // slips past the lookup filter (another resolution path, a race). Only the post-connect check is left.
    const lying: LookupFunction = (_host, options, callback) => {
      if (options.all) (callback as unknown as (e: null, a: Array<{ address: string; family: number }>) => void)(null, [{ address: '127.0.0.1', family: 4 }]);
      else callback(null, '127.0.0.1', 4);
    };
    const dispatcher = new Agent({ connect: guardedConnector(production, 5_000, lying) });
    const before = { connections, requests };
    const err = await undiciFetch(`http://rebind.example:${port}/`, { dispatcher }).catch((e: unknown) => e);
    expect(causeOf(err)).toBeInstanceOf(RefusedAddressError);
    expect((causeOf(err) as Error).message).toBe('127.0.0.1 is a loopback address');
    // The TCP handshake happened (the kernel connected), the HTTP request never went out.
    expect(connections).toBe(before.connections + 1);
    expect(requests).toBe(before.requests);
    await dispatcher.close();
  });

  it('the same lying resolver reaches the server once the operator allows the address (the peer check is what stopped it)', async () => {
    const lying: LookupFunction = (host, options, callback) => dnsLookup(host === 'rebind.example' ? '127.0.0.1' : host, options, callback as never);
    const dispatcher = new Agent({ connect: guardedConnector(urlPolicy({ development: false, webhookAllow: ['127.0.0.1'] }), 5_000, lying) });
    const res = await undiciFetch(`http://rebind.example:${port}/`, { dispatcher });
    expect(await res.text()).toBe('ok');
    await dispatcher.close();
  });
});

