/**
 * Destinations no webhook may reach unless an operator allows them explicitly: they address this
 * machine, its private networks or the cloud's metadata service, which is what an SSRF attack
 * aims at. IPv4-mapped and NAT64 IPv6 addresses are checked by their embedded IPv4 address.
 */
export const BLOCKED_NETWORKS = {
  ipv4: [
    ['0.0.0.0', 8, 'this network'],
    ['10.0.0.0', 8, 'private (RFC 1918)'],
    ['100.64.0.0', 10, 'carrier-grade NAT'],
    ['127.0.0.0', 8, 'loopback'],
    ['169.254.0.0', 16, 'link-local / cloud metadata'],
    ['172.16.0.0', 12, 'private (RFC 1918)'],
    ['192.0.0.0', 24, 'IETF protocol assignments'],
    ['192.0.2.0', 24, 'documentation'],
    ['192.168.0.0', 16, 'private (RFC 1918)'],
    ['198.18.0.0', 15, 'benchmarking'],
    ['198.51.100.0', 24, 'documentation'],
    ['203.0.113.0', 24, 'documentation'],
    ['224.0.0.0', 4, 'multicast'],
    ['240.0.0.0', 4, 'reserved / broadcast'],
  ],
  ipv6: [
    ['::', 128, 'unspecified'],
    ['::1', 128, 'loopback'],
    ['fc00::', 7, 'unique local'],
    ['fe80::', 10, 'link-local'],
    ['ff00::', 8, 'multicast'],
    ['2001:db8::', 32, 'documentation'],
  ],
} as const;
