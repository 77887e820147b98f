/**
 * Bytes as text and back: how feature files write exact bytes ("ping\r\n", "\xff"), and
 * how traces and messages show the bytes a server sent, unambiguously and safely; and the
 * small text helpers messages share (counts, shell words).
 */

/** Decodes step-text escapes (\n, \r, \t, \0, \\, \", \xNN) into the exact bytes to send. */
export function unescapeBytes(text: string): Buffer {
  const out: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch !== '\\') {
      out.push(...Buffer.from(ch, 'utf8'));
      continue;
    }
    const next = text[++i];
    if (next === 'n') out.push(0x0a);
    else if (next === 'r') out.push(0x0d);
    else if (next === 't') out.push(0x09);
    else if (next === '0') out.push(0x00);
    else if (next === '\\') out.push(0x5c);
    else if (next === '"') out.push(0x22);
    else if (next === 'x' && /^[0-9a-fA-F]{2}$/.test(text.slice(i + 1, i + 3))) {
      out.push(parseInt(text.slice(i + 1, i + 3), 16));
      i += 2;
    } else throw new Error(`bad escape \\${next ?? ''} in ${JSON.stringify(text)}`);
  }
  return Buffer.from(out);
}

const PRINTABLE_ESCAPES: Record<number, string> = { 0x00: '\\0', 0x09: '\\t', 0x0a: '\\n', 0x0d: '\\r', 0x5c: '\\\\' };

/**
 * Bytes as unambiguous ASCII text: printable ASCII as itself, backslash doubled, the
 * usual control characters as \n \r \t \0, everything else as \xNN. A server under test
 * chooses these bytes, so nothing outside printable ASCII reaches a report as text.
 */
export function escapeBytes(bytes: Uint8Array): string {
  let text = '';
  for (const byte of bytes) {
    const named = PRINTABLE_ESCAPES[byte];
    if (named !== undefined) text += named;
    else if (byte >= 0x20 && byte < 0x7f) text += String.fromCharCode(byte);
    else text += `\\x${byte.toString(16).padStart(2, '0')}`;
  }
  return text;
}

/** A count with its noun: "1 scenario", "2 scenarios", "1 fix", "3 fixes". */
export function counted(n: number, singular: string, plural = `${singular}s`): string {
  return `${n} ${n === 1 ? singular : plural}`;
}

/** A word as a POSIX shell reads it back: as is when it is plain, else single-quoted (a replay command, a {root}). */
export function shellQuote(text: string): string {
  return /^[\w@%+=:,./-]+$/.test(text) ? text : `'${text.replace(/'/g, `'\\''`)}'`;
}
