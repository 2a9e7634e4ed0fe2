import fc from 'fast-check';

/**
 * Arbitraries for apiNeverFails.test.ts: hostile strings and numbers, JSON text (raw, so numbers can be
 * beyond a double and strings can hold escaped lone surrogates), bodies, URLs, filters, ids and queries.
 */

export const VALID_URL = 'http://127.0.0.1:9/hook';

/** Constant lists, written on one line: items separated by |. */
export const split = (items: string) => items.split('|');

export const hostileChar = fc.constantFrom(
  ...split(`\u0000|\ud800|\udfff|\ufeff|\u202e|\uffff|\u2028|\u0085|😀|é|"|\\|/|%|\n| |*|.|$`),
);
/** Unicode edge cases: lone surrogates, NUL, BOM, bidi overrides, astral characters. */
export const nastyString = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 30 }),
  fc.string({
    unit: fc.oneof(hostileChar, fc.string({ unit: 'grapheme-ascii', minLength: 1, maxLength: 1 })),
  }),
  fc.constantFrom('', ' ', 'a'.repeat(3_000), 'orders.created', 'orders.*', '*', '__proto__', 'constructor'),
);
/** Number literals as text, so that they can be beyond what a double holds. */
export const numberLiteral = fc.oneof(
  fc.double({ noNaN: true, noDefaultInfinity: true }).map((n) => JSON.stringify(n)),
  fc.integer().map(String),
  fc.bigInt({ min: -(10n ** 40n), max: 10n ** 40n }).map(String),
  fc.constantFrom(...split(`1e400|-1e400|1e-400|-0|0.1e1|5e9|5000000000.0000001|300|1.5|1E+2`)),
);
const KNOWN_KEYS = [
  ...split(
    `id|name|tier|url|description|eventTypes|filter|enabled|transport|rateLimitPerSecond|auth|authSecret|type|headerName|username|tokenUrl|clientId|scope|tenantId|endpointId|eventType|$or|prefix|suffix|equals-ignore-case|wildcard|anything-but|numeric|exists|cidr|__proto__|constructor`,
  ),
];
const keyLiteral = fc.oneof(fc.constantFrom(...KNOWN_KEYS), nastyString).map((k) => JSON.stringify(k));
/** Values that are valid somewhere in the API, so random objects get past the first check now and then. */
export const plausibleValue = fc.constantFrom(
  ...split(
    `"http://127.0.0.1:9/hook"|"orders.created"|["orders.*"]|{"type":["orders.created"]}|{"type":"API_KEY","headerName":"x-key"}|{"type":"BASIC","username":"u"}|{"type":"OAUTH_CLIENT_CREDENTIALS","tokenUrl":"https://auth.example.com/t","clientId":"c"}|"pooled"|"dedicated"|"api-destination"|"auto"|"props"|5|true|null|"s3cret"|["<", 5]|"10.0.0.0/8"`,
  ),
);

/** Arbitrary JSON text (recursive via letrec), with raw number literals and hostile strings. */
export const { node: jsonText } = fc.letrec<{ node: string; leaf: string; array: string; object: string }>(
  (tie) => ({
    node: fc.oneof({ depthSize: 'small', withCrossShrink: true }, tie('leaf'), tie('array'), tie('object')),
    leaf: fc.oneof(
      numberLiteral,
      nastyString.map((s) => JSON.stringify(s)),
      plausibleValue,
      fc.constantFrom('true', 'false', 'null'),
    ),
    array: fc.array(tie('node'), { maxLength: 5 }).map((items) => `[${items.join(',')}]`),
    object: fc
      .array(fc.tuple(keyLiteral, tie('node')), { maxLength: 5 })
      .map((entries) => `{${entries.map(([k, v]) => `${k}:${v}`).join(',')}}`),
  }),
);

/** Nesting far deeper than any limit: arrays, objects, or both. */
const deepText = fc
  .tuple(fc.integer({ min: 11, max: 5_000 }), fc.constantFrom('[', '{"a":', '{"$or":[', '{"a":['))
  .map(([depth, open]) => {
    const close = open === '[' ? ']' : open === '{"a":' ? '}' : open === '{"$or":[' ? ']}' : ']}';
    return `${open.repeat(depth)}1${close.repeat(depth)}`;
  });

/** An object with mostly known keys and random (or plausible) values; `base` entries come first. */
const objectText = (base: Record<string, string> = {}) =>
  fc
    .array(fc.tuple(keyLiteral, fc.oneof(plausibleValue, jsonText, deepText)), { maxLength: 6 })
    .map((entries) =>
      [...Object.entries(base).map(([k, v]) => [JSON.stringify(k), v]), ...entries]
        .map(([k, v]) => `${k}:${v}`)
        .join(','),
    )
    .map((inner) => `{${inner}}`);

export const anyBody = fc.oneof(
  jsonText,
  fc.jsonValue().map((v) => JSON.stringify(v)),
  deepText,
  objectText(),
  objectText({ url: JSON.stringify(VALID_URL) }),
);

/** Bodies that are not JSON at all, or barely: random bytes, invalid UTF-8, truncated JSON. */
export const notJsonBytes = fc.oneof(
  fc.uint8Array({ maxLength: 300 }),
  jsonText.map((t) => new TextEncoder().encode(t.slice(0, Math.max(0, t.length - 1)))),
  fc
    .constantFrom('{"url":"\\ud800', '{"url":1}}', '\ufeff{}', "{'url':1}", '{"a":1,}', 'NaN', '')
    .map((t) => new TextEncoder().encode(t)),
  fc.constantFrom(
    Uint8Array.of(0xff, 0xfe, 0x7b, 0x00, 0x7d, 0x00),
    Uint8Array.of(0x7b, 0xed, 0xa0, 0x80, 0x7d),
  ),
);
export const jsonishContentType = fc.constantFrom(
  ...split(
    `application/json|application/json; charset=utf-16|APPLICATION/JSON;charset=latin1|application/json-patch+json|application/jsonx|text/plain|`,
  ),
);

/** A URL path segment: string → UTF-8 percent-encoding, raw bytes (invalid UTF-8 too), or hostile escapes. */
export const pctEncode = (bytes: Uint8Array) =>
  [...bytes]
    .map((b) =>
      /[A-Za-z0-9_.~-]/.test(String.fromCharCode(b))
        ? String.fromCharCode(b)
        : `%${b.toString(16).padStart(2, '0').toUpperCase()}`,
    )
    .join('');
const utf8Pct = (s: string) => pctEncode(new TextEncoder().encode(s));
const hex32 = fc.stringMatching(/^[0-9a-fA-F]{32}$/);
export const segment = fc.oneof(
  nastyString.map(utf8Pct),
  fc.uint8Array({ minLength: 1, maxLength: 40 }).map(pctEncode),
  hex32.map((h) => `ep_${h}`),
  hex32.map((h) => `dlv_${h}`),
  fc.constantFrom(
    '%',
    '%zz',
    '%ED%A0%80',
    '%00',
    '..',
    '.',
    '%2e%2e',
    '%2F',
    'redrive',
    'dlv_',
    'ep_',
    'a'.repeat(5_000),
  ),
);

const toBase64Url = (text: string) => Buffer.from(text).toString('base64url');
const timestampish = fc.oneof(
  fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
  fc.constantFrom(...split(`infinity|-infinity|epoch|now|2026-99-99|294277-01-01T00:00:00Z|allballs`)),
);
/** Cursors that decode (so they reach SQL) as well as ones that do not. */
const cursor = fc.oneof(
  nastyString,
  fc
    .tuple(fc.oneof(timestampish, nastyString), fc.oneof(nastyString, hex32))
    .map((k) => toBase64Url(JSON.stringify(k))),
  fc.oneof(fc.stringMatching(/^\d{1,40}$/), nastyString).map((k) => toBase64Url(JSON.stringify([k]))),
  fc.jsonValue().map((v) => toBase64Url(JSON.stringify(v) ?? '')),
);
const numericish = fc.oneof(
  numberLiteral,
  fc.constantFrom(...split(`| 5 |0x10|1e2|Infinity|-Infinity|NaN|5.0|250|251|0|+3|1_0`)),
);
const queryValue = fc.oneof(
  nastyString.map(utf8Pct),
  numericish.map(utf8Pct),
  cursor.map(utf8Pct),
  fc.constantFrom('%', '%zz', '%ED%A0%80', '%00', '+', '=', '&&', ''),
);
const queryKey = fc.oneof(
  { arbitrary: fc.constantFrom('limit', 'cursor', 'tenantId', 'endpointId', 'eventType'), weight: 8 },
  fc.constantFrom(...split(`limit|cursor|tenantId|endpointId|eventType|tenantid|limit[]|__proto__`)),
  nastyString.map(utf8Pct),
);
export const queryString = fc
  .array(fc.tuple(queryKey, queryValue), { maxLength: 5 })
  .map((pairs) => (pairs.length ? `?${pairs.map(([k, v]) => `${k}=${v}`).join('&')}` : ''));

/** Hosts that need no DNS lookup: loopback, private, metadata, odd IPv4 notations, IPv6. */
const ipHost = fc.oneof(
  fc.ipV4(),
  fc.ipV4Extended(),
  fc.ipV6().map((a) => `[${a}]`),
  fc.constantFrom(...split(`127.0.0.1:9|[::1]|169.254.169.254|10.0.0.1|[::ffff:7f00:1]|0|[fe80::1%25lo]`)),
);
/**
 * Endpoint URLs: well-formed web URLs and hostile strings. Most random URLs get an IP host: a
 * registered name is resolved at registration, and a sandbox resolver that drops a packet stalls
 * that request for glibc's 5 s retry (see the property's longer timeout).
 */
export const endpointUrl = fc.oneof(
  fc
    .tuple(fc.webUrl({ withQueryParameters: true, withFragments: true }), ipHost)
    .map(([url, host]) => url.replace(/^([a-z]+:\/\/)[^/?#]*/, `$1${host}`)),
  fc
    .tuple(fc.webUrl({ validSchemes: ['http', 'https', 'ftp', 'file', 'javascript', 'ws'] }), ipHost)
    .map(([url, host]) => url.replace(/^([a-z]+:\/\/)[^/?#]*/, `$1${host}`)),
  fc.webUrl({ withQueryParameters: true, withFragments: true }),
  nastyString,
  nastyString.map((s) => `http://${s}/`),
  nastyString.map((s) => `http://127.0.0.1:9/${s}`),
  fc.integer({ min: 1_900, max: 2_100 }).map((n) => `http://127.0.0.1/${'a'.repeat(n)}`),
  fc.constantFrom(
    ...split(
      `http://[::1]/|http://0x7f.1/|http://2130706433/|http://[::ffff:127.0.0.1]/|http://[::ffff:a9fe:a9fe]/|http://169.254.169.254/latest/meta-data|http://0/|file:///etc/passwd|javascript:alert(1)|http://|http:/x|http://a b/|http://%00/|http://exa%41mple.com/|http://127.0.0.1:99999/|http://[fe80::1%25eth0]/|https://xn--/|http://localhost./|HTTP://127.0.0.1:9/|http://u:p@127.0.0.1/|http://127.0.0.1/#frag|http://1.2.3.4.5/|http://\u0000/|http://\ud800.example/`,
    ),
  ),
);

/** Filters shaped like EventBridge patterns (operators, $or, numerics, nesting) and random ones. */
const { pattern: filterPattern } = fc.letrec<{ pattern: string; rule: string; condition: string }>((tie) => ({
  pattern: fc
    .array(
      fc.oneof(
        fc.tuple(keyLiteral, fc.oneof({ depthSize: 'small' }, tie('rule'), tie('pattern'))),
        fc.tuple(
          fc.constant('"$or"'),
          fc.array(tie('pattern'), { maxLength: 3 }).map((ps) => `[${ps.join(',')}]`),
        ),
      ),
      { maxLength: 4 },
    )
    .map((entries) => `{${entries.map(([k, v]) => `${k}:${v}`).join(',')}}`),
  rule: fc
    .array(fc.oneof(tie('condition'), jsonText), { maxLength: 4 })
    .map((items) => `[${items.join(',')}]`),
  condition: fc.oneof(
    fc
      .tuple(
        fc.constantFrom('prefix', 'suffix', 'equals-ignore-case', 'wildcard', 'cidr', 'exists'),
        jsonText,
      )
      .map(([op, v]) => `{${JSON.stringify(op)}:${v}}`),
    fc
      .array(fc.oneof(fc.constantFrom('"<"', '">"', '"="', '"<="', '">="', '"!"'), numberLiteral), {
        maxLength: 5,
      })
      .map((xs) => `{"numeric":[${xs.join(',')}]}`),
    fc.oneof(jsonText, tie('condition')).map((v) => `{"anything-but":${v}}`),
  ),
}));
/** Filters that pass the structural checks, with hostile names and values: they reach the jsonb column. */
const storableFilter = fc
  .array(
    fc.tuple(
      nastyString,
      fc.array(
        fc.oneof(
          nastyString.map((v) => JSON.stringify(v)),
          numberLiteral,
        ),
        { minLength: 1, maxLength: 3 },
      ),
    ),
    { minLength: 1, maxLength: 3 },
  )
  .map((entries) => `{${entries.map(([k, vs]) => `${JSON.stringify(k)}:[${vs.join(',')}]`).join(',')}}`);
export const anyFilter = fc.oneof(
  storableFilter,
  filterPattern,
  jsonText,
  deepText,
  fc.jsonValue().map((v) => JSON.stringify(v)),
);
