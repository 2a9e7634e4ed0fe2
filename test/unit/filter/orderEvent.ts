/** A webhook event body shaped like the ones Rowhook sends, with one field per kind of value under test. */
export const ORDER_EVENT = {
  type: 'orders.created',
  timestamp: '2026-01-01T00:00:00Z',
  data: {
    id: 1,
    total: '12.50',
    amount: 12.5,
    paid: true,
    blank: '',
    tags: ['a', 'vip'],
    scores: [1, 50],
    emptyList: [],
    label: 'price*2',
    windowsPath: 'C:\\temp',
    path: '/usr/lib/x.so',
    ip: '10.0.0.33',
    ipv6: '2001:db8::1',
    customer: { email: 'Ann@Example.com', country: 'NZ', note: null },
    items: [
      { sku: 'A-1', qty: 2 },
      { sku: 'B-2', qty: 1 },
    ],
  },
} as const;
