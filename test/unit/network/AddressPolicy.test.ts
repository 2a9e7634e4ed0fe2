import { describe, expect, it, vi } from 'vitest';
import { AddressPolicy, parseNetworkList } from '../../../functions/core/network/AddressPolicy.ts';
import { checkEndpointUrl, type ResolveHost } from '../../../functions/core/network/checkEndpointUrl.ts';
import { BlockedAddressError, InvalidCidrError } from '../../../functions/core/network/errors.ts';

describe('AddressPolicy with no allowed networks', () => {
  const policy = new AddressPolicy();

  const refused: [address: string, reason: string][] = [
    ['127.0.0.1', 'loopback'],
    ['127.255.255.254', 'loopback'],
    ['::1', 'loopback'],
    ['10.0.0.1', 'private (RFC 1918)'],
    ['10.255.255.255', 'private (RFC 1918)'],
    ['172.16.0.1', 'private (RFC 1918)'],
    ['172.31.255.255', 'private (RFC 1918)'],
    ['192.168.1.1', 'private (RFC 1918)'],
    ['100.64.0.1', 'carrier-grade NAT'],
    ['100.127.255.255', 'carrier-grade NAT'],
    ['169.254.169.254', 'link-local / cloud metadata'],
    ['0.0.0.0', 'this network'],
    ['224.0.0.1', 'multicast'],
    ['239.255.255.250', 'multicast'],
    ['255.255.255.255', 'reserved / broadcast'],
    ['::', 'unspecified'],
    ['fc00::1', 'unique local'],
    ['fd12:3456::1', 'unique local'],
    ['fe80::1', 'link-local'],
    ['ff02::1', 'multicast'],
  ];

  it.each(refused)('refuses %s (%s)', (address, reason) => {
    expect(policy.refusalReason(address)).toBe(`${address} is ${reason}`);
  });

  const embedded: [address: string, reason: string][] = [
    ['::ffff:127.0.0.1', '127.0.0.1 is loopback'],
    ['::ffff:7f00:1', '127.0.0.1 is loopback'],
    ['::FFFF:7F00:0001', '127.0.0.1 is loopback'],
    ['::ffff:10.0.0.1', '10.0.0.1 is private (RFC 1918)'],
    ['::ffff:a9fe:a9fe', '169.254.169.254 is link-local / cloud metadata'],
    ['64:ff9b::10.0.0.1', '10.0.0.1 is private (RFC 1918)'],
    ['64:ff9b::169.254.169.254', '169.254.169.254 is link-local / cloud metadata'],
  ];

  it.each(embedded)('refuses %s by its embedded IPv4 address', (address, reason) => {
    expect(policy.refusalReason(address)).toBe(reason);
  });

  it('refuses IPv4-mapped addresses written out in full', () => {
    expect(policy.refusalReason('0:0:0:0:0:ffff:7f00:1')).toMatch(/loopback/);
    expect(policy.refusalReason('0:0:0:0:0:ffff:10.0.0.1')).toMatch(/private/);
  });

  // The URL parser and DNS answers give the hex spelling
  // (new URL('http://[64:ff9b::10.0.0.1]/').hostname is '[64:ff9b::a00:1]'), not the dotted one.
  it('refuses NAT64 addresses in their hex spelling (64:ff9b::a00:1 = 10.0.0.1)', () => {
    expect(policy.refusalReason('64:ff9b::a00:1')).toMatch(/10\.0\.0\.1 is private/);
    expect(policy.refusalReason('64:ff9b::7f00:1')).toMatch(/127\.0\.0\.1 is loopback/);
  });

  it.each([
    '93.184.216.34',
    '8.8.8.8',
    '1.1.1.1',
    '100.128.0.1', // just past 100.64.0.0/10
    '172.32.0.1', // just past 172.16.0.0/12
    '11.0.0.1',
    '2606:4700::1',
    '2001:4860:4860::8888',
    '::ffff:93.184.216.34',
    '64:ff9b::93.184.216.34',
  ])('allows public %s', (address) => {
    expect(policy.refusalReason(address)).toBeUndefined();
  });

  it.each(['', 'example.com', '999.1.1.1', '10.0.0.1/8', 'fe80::zz'])(
    'refuses %j as not an IP address',
    (value) => {
      expect(policy.refusalReason(value)).toBe('not an IP address');
    },
  );
});

describe('AddressPolicy allowed networks', () => {
  it('opens exactly the allowed IPv4 range', () => {
    const policy = new AddressPolicy(['10.1.0.0/16']);
    expect(policy.refusalReason('10.1.0.0')).toBeUndefined();
    expect(policy.refusalReason('10.1.2.3')).toBeUndefined();
    expect(policy.refusalReason('10.1.255.255')).toBeUndefined();
    expect(policy.refusalReason('::ffff:10.1.2.3')).toBeUndefined();
    expect(policy.refusalReason('10.0.255.255')).toMatch(/private/);
    expect(policy.refusalReason('10.2.0.0')).toMatch(/private/);
    expect(policy.refusalReason('127.0.0.1')).toMatch(/loopback/);
    expect(policy.refusalReason('169.254.169.254')).toMatch(/metadata/);
  });

  it('treats a bare address as a single host', () => {
    const policy = new AddressPolicy(['127.0.0.1']);
    expect(policy.refusalReason('127.0.0.1')).toBeUndefined();
    expect(policy.refusalReason('::ffff:127.0.0.1')).toBeUndefined();
    expect(policy.refusalReason('127.0.0.2')).toMatch(/loopback/);
    expect(policy.refusalReason('::1')).toMatch(/loopback/);
  });

  it('opens exactly the allowed IPv6 range', () => {
    const policy = new AddressPolicy(['fd00:1::/32', '::1/128']);
    expect(policy.refusalReason('fd00:1::5')).toBeUndefined();
    expect(policy.refusalReason('fd00:1:ffff::1')).toBeUndefined();
    expect(policy.refusalReason('::1')).toBeUndefined();
    expect(policy.refusalReason('fd00:2::5')).toMatch(/unique local/);
    expect(policy.refusalReason('fe80::1')).toMatch(/link-local/);
    expect(policy.refusalReason('127.0.0.1')).toMatch(/loopback/);
  });

  it.each([
    '10.0.0.0/33',
    'nonsense',
    '::1/129',
    '10.0.0.0/8/8',
    '10.0.0.0/-1',
    '10.0.0.0/8.5',
    'example.com/8',
  ])('refuses the allowed network %j', (cidr) => {
    expect(() => new AddressPolicy([cidr])).toThrow(InvalidCidrError);
    expect(() => new AddressPolicy([cidr])).toThrow(cidr);
  });

  // Number('') is 0: read naively, a typo like "10.0.0.0/" would allow every address.
  it('refuses a CIDR with an empty prefix ("10.0.0.0/")', () => {
    expect(() => new AddressPolicy(['10.0.0.0/'])).toThrow(InvalidCidrError);
  });

  it('parseNetworkList splits, trims and validates', () => {
    expect(parseNetworkList('')).toEqual([]);
    expect(parseNetworkList(' 10.0.0.0/8 , ,::1/128 ')).toEqual(['10.0.0.0/8', '::1/128']);
    expect(() => parseNetworkList('10.0.0.0/8,nope')).toThrow(/"nope"/);
  });
});

describe('checkEndpointUrl', () => {
  const policy = new AddressPolicy(['127.0.0.1/32']);
  const resolver = (table: Record<string, string[]>) =>
    vi.fn<ResolveHost>(async (host) => {
      const addresses = table[host];
      if (!addresses) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND' });
      return addresses;
    });

  it('refuses a hostname that resolves to a private address (DNS name check)', async () => {
    const resolve = resolver({ 'internal.example': ['10.0.0.5'] });
    const check = checkEndpointUrl('https://internal.example/hooks', {
      policy,
      resolve,
      requireHttps: false,
    });
    await expect(check).rejects.toBeInstanceOf(BlockedAddressError);
    await expect(check).rejects.toMatchObject({ code: 'blocked_address' });
    await expect(check).rejects.toThrow(/internal\.example resolves to 10\.0\.0\.5 is private/);
    expect(resolve).toHaveBeenCalledWith('internal.example');
  });

  it('refuses when any one of the resolved addresses is private', async () => {
    const resolve = resolver({ 'mixed.example': ['93.184.216.34', '2606:4700::1', '169.254.169.254'] });
    await expect(
      checkEndpointUrl('https://mixed.example/', { policy, resolve, requireHttps: false }),
    ).rejects.toThrow(/169\.254\.169\.254/);
  });

  it('refuses a name resolving to an IPv4-mapped private address', async () => {
    const resolve = resolver({ 'mapped.example': ['::ffff:192.168.0.10'] });
    await expect(
      checkEndpointUrl('https://mapped.example/', { policy, resolve, requireHttps: false }),
    ).rejects.toThrow(/192\.168\.0\.10 is private/);
  });

  it('accepts a name resolving only to public addresses', async () => {
    const resolve = resolver({ 'public.example': ['93.184.216.34', '2606:4700::1'] });
    const url = await checkEndpointUrl('https://public.example/hooks?x=1', {
      policy,
      resolve,
      requireHttps: true,
    });
    expect(url.toString()).toBe('https://public.example/hooks?x=1');
  });

  it('accepts a name that does not resolve (yet)', async () => {
    const resolve = resolver({});
    const url = await checkEndpointUrl('https://not-yet.example/hooks', {
      policy,
      resolve,
      requireHttps: true,
    });
    expect(url.hostname).toBe('not-yet.example');
    expect(resolve).toHaveBeenCalledWith('not-yet.example');
  });

  it('accepts a name that resolves to nothing', async () => {
    const resolve = vi.fn<ResolveHost>(async () => []);
    await expect(
      checkEndpointUrl('http://empty.example/', { policy, resolve, requireHttps: false }),
    ).resolves.toBeInstanceOf(URL);
  });

  it('checks IP literals directly, without resolving them', async () => {
    const resolve = vi.fn<ResolveHost>(async () => ['93.184.216.34']);
    for (const url of [
      'http://10.0.0.1/',
      'http://[::1]/',
      'http://[::ffff:7f00:2]/',
      'http://0x7f.0.0.2/',
    ]) {
      await expect(
        checkEndpointUrl(url, { policy, resolve, requireHttps: false }),
        url,
      ).rejects.toBeInstanceOf(BlockedAddressError);
    }
    await expect(
      checkEndpointUrl('http://127.0.0.1:8080/ok', { policy, resolve, requireHttps: false }),
    ).resolves.toBeInstanceOf(URL);
    expect(resolve).not.toHaveBeenCalled();
  });

  it('requires https when requireHttps is set', async () => {
    const resolve = resolver({ 'public.example': ['93.184.216.34'] });
    await expect(
      checkEndpointUrl('http://public.example/', { policy, resolve, requireHttps: true }),
    ).rejects.toThrow(/must use https/);
    await expect(
      checkEndpointUrl('http://public.example/', { policy, resolve, requireHttps: true }),
    ).rejects.toMatchObject({ code: 'invalid_url' });
    await expect(
      checkEndpointUrl('https://public.example/', { policy, resolve, requireHttps: true }),
    ).resolves.toBeInstanceOf(URL);
    await expect(
      checkEndpointUrl('http://public.example/', { policy, resolve, requireHttps: false }),
    ).resolves.toBeInstanceOf(URL);
  });

  it.each([
    ['not a url', /not an absolute URL/],
    ['/relative/path', /not an absolute URL/],
    ['ftp://public.example/', /http or https, not ftp/],
    ['file:///etc/passwd', /http or https, not file/],
    ['https://user:pw@public.example/', /must not contain credentials/],
    ['https://user@public.example/', /must not contain credentials/],
    ['https://public.example/#x', /#fragment/],
  ])('refuses %j as an invalid URL', async (raw, message) => {
    const resolve = resolver({ 'public.example': ['93.184.216.34'] });
    const check = checkEndpointUrl(raw, { policy, resolve, requireHttps: false });
    await expect(check).rejects.toThrow(message);
    await expect(check).rejects.toMatchObject({ code: 'invalid_url' });
  });
});
