/** Generators of hostile and harmless request targets and request lines for the http properties. */
import fc from 'fast-check';
import { CANARY_NAME, FIXTURE_FILES } from './fixture';

/** `..` as a client may spell it: raw, or percent-encoded in part or whole, in any case. */
export const dotDot = fc.constantFrom('..', '%2e%2e', '%2E%2E', '%2e%2E', '.%2e', '%2E.', '.%2E');
/** A separator as a client may spell it: `/`, encoded, or a backslash (a separator on Windows). */
export const separator = fc.constantFrom('/', '%2f', '%2F', '\\', '%5c', '%5C');

/** A directory of the fixture root to start from, and its depth. */
const startDir = fc.constantFrom(['', 0] as const, ['/sub', 1] as const, ['/sub/deeper', 2] as const);

/** Where a traversal aims: the canary just outside the root (exactly one level up), or /etc/passwd (any number above). */
export interface Traversal {
  path: string;
  aim: 'canary' | 'system';
}

/**
 * A path that climbs out of the root with dot segments. Aimed at the canary it climbs
 * exactly one level above the root, so a server that joins the path naively reads it;
 * aimed at /etc/passwd it climbs far enough from anywhere.
 */
export const traversal: fc.Arbitrary<Traversal> = fc
  .tuple(startDir, fc.array(fc.tuple(dotDot, separator), { minLength: 12, maxLength: 12 }), fc.boolean(), fc.integer({ min: 1, max: 8 }))
  .map(([[dir, depth], ups, toCanary, extra]) => {
    const climb = (n: number) => ups.slice(0, n).map(([d, s]) => d + s).join('');
    return toCanary
      ? { path: `${dir}/${climb(depth + 1)}${CANARY_NAME}`, aim: 'canary' as const }
      : { path: `${dir}/${climb(depth + 1 + extra)}etc/passwd`, aim: 'system' as const };
  });

/**
 * Request targets that name a file by an absolute path: a leading `//` before a file-system
 * path, or an absolute-form URL whose path climbs out. `canaryPath` is the canary's
 * absolute file-system path where the suite knows it.
 */
export const absoluteTarget = (authority: string, canaryPath: string | undefined): fc.Arbitrary<string> =>
  fc.oneof(
    fc.constantFrom('//etc/passwd', '///etc/passwd', '/%2fetc%2fpasswd', '/%2Fetc/passwd', ...(canaryPath ? [`/${canaryPath}`, `/${encodeURIComponent(canaryPath)}`] : [])),
    traversal.map((t) => `http://${authority}${t.path}`),
    fc.constantFrom(`http://${authority}//etc/passwd`, `http://${authority}/../../../../etc/passwd`, 'file:///etc/passwd'),
  );

/** A fixture file's path with any subset of its bytes percent-encoded, in either hex case. */
export interface EncodedName {
  name: string;
  path: string;
}

const mustEncode = (byte: number) => byte <= 0x20 || byte >= 0x7f || byte === 0x25; // space, controls, non-ASCII, '%'

export const encodedName: fc.Arbitrary<EncodedName> = fc.constantFrom(...FIXTURE_FILES).chain((name) => {
  const bytes = Buffer.from(name, 'utf8');
  return fc.array(fc.tuple(fc.boolean(), fc.boolean()), { minLength: bytes.length, maxLength: bytes.length }).map((choices) => {
    const path = [...bytes].map((byte, i) => {
      const [encode, upper] = choices[i];
      if (!encode && !mustEncode(byte)) return String.fromCharCode(byte);
      const hex = byte.toString(16).padStart(2, '0');
      return `%${upper ? hex.toUpperCase() : hex}`;
    }).join('');
    return { name, path: `/${path}` };
  });
});

/** A fixture file's path with a broken percent-escape inside: `%` without two hex digits, or encoded invalid UTF-8. */
export const badEscapeTarget: fc.Arbitrary<EncodedName> = fc
  .tuple(
    fc.constantFrom('hello.txt', 'sub/nested.txt', 'data.json'),
    fc.constantFrom('%', '%z', '%zz', '%g0', '%4', '%%', '%ff', '%c3%28', '%80', '%ed%a0%80', '%f8%88%80%80%80'),
    fc.nat(),
  )
  .map(([name, escape, at]) => {
    const cut = at % (name.length + 1);
    return { name, path: `/${name.slice(0, cut)}${escape}${name.slice(cut)}` };
  });

/** A long target: one long segment, or many short ones. */
export const longTarget: fc.Arbitrary<string> = fc
  .tuple(fc.integer({ min: 4096, max: 65536 }), fc.constantFrom('segment', 'segments'))
  .map(([length, shape]) => (shape === 'segment' ? `/${'a'.repeat(length)}` : `/${'a/'.repeat(length / 2)}`).slice(0, length));

/** A request line, and the fixture file some reading of it names. */
export interface NamedRequestLine {
  line: string;
  file: string;
}

/**
 * Request lines that whitespace splits into more than three words, which no reading RFC
 * 9112 §3 permits brings back to `METHOD SP target SP HTTP/1.x` (SRS-HTTP-011): a space,
 * HTAB, VT or FF inside the target, or words after the version. Each names a fixture
 * file under some reading, so a server that picks one answers with its bytes.
 */
export const ambiguousRequestLine: fc.Arbitrary<NamedRequestLine> = fc.oneof(
  fc.constantFrom(' ', '\t', '\x0b', '\x0c').map((space) => ({ line: `GET /with${space}space.txt HTTP/1.1`, file: 'with space.txt' })),
  fc.constantFrom('/hel lo.txt', '/hello.txt /other', '/hello.txt\t/other').map((target) => ({ line: `GET ${target} HTTP/1.1`, file: 'hello.txt' })),
  fc.constantFrom('extra', 'HTTP/1.1', 'x y').map((word) => ({ line: `GET /hello.txt HTTP/1.1 ${word}`, file: 'hello.txt' })),
);

/**
 * Other request lines that are not `METHOD SP origin-form SP HTTP/1.x` under any reading
 * RFC 9112 §3 permits (it lets a server split on whitespace, VT and FF included), each
 * naming hello.txt (SRS-HTTP-037): a single word, a broken version token, a control byte
 * in the version.
 */
export const badRequestLine: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom('GARBAGE', 'GET', '/hello.txt', 'GET/hello.txt HTTP/1.1', '\x16\x03\x01\x00\xa5\x01\x00\x00'),
  fc.constantFrom('HTTX/1.1', 'HTTP/1', 'HTTP/1.1.1', 'HTTP/x.y', 'HTTP/1.1/', 'http/1.1', 'HTTP/1.1extra').map((v) => `GET /hello.txt ${v}`),
  // Inside the version token, never at its edges: RFC 9112 §3 lets a server split on whitespace.
  fc.tuple(fc.integer({ min: 0, max: 31 }).filter((b) => b !== 0x0a && b !== 0x0d && b !== 0x09), fc.integer({ min: 1, max: 7 }))
    .map(([byte, at]) => `GET /hello.txt ${'HTTP/1.1'.slice(0, at)}${String.fromCharCode(byte)}${'HTTP/1.1'.slice(at)}`),
);
