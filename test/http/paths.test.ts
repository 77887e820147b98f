import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import fc from 'fast-check';
import { isInsideRoot, parseRequestTarget, pathUnderRoot } from '../../src/impl/http/paths';
import { contentTypeFor } from '../../src/impl/http/server';

const ROOT = '/srv/www';

describe('parseRequestTarget', () => {
  test('accepts plain targets, decodes segments and drops query and fragment', () => {
    assert.deepEqual(parseRequestTarget('/a/b%20c.txt?x=/../y#z'), { ok: true, segments: ['a', 'b c.txt'] });
    assert.deepEqual(parseRequestTarget('/'), { ok: true, segments: [''] });
    assert.deepEqual(parseRequestTarget('/dir/'), { ok: true, segments: ['dir', ''] });
    assert.deepEqual(parseRequestTarget('/%C3%A9'), { ok: true, segments: ['é'] });
  });

  test('refuses non-origin-form targets and bad encoding with 400', () => {
    for (const target of ['', '*', 'a/b', 'http://host/a', '/%', '/%zz', '/%e9', '/ok/%c3%28']) {
      const verdict = parseRequestTarget(target);
      assert.equal(verdict.ok ? 200 : verdict.status, 400, target);
    }
  });

  test('refuses dot segments, encoded separators, backslashes, NUL and inner empty segments with 403', () => {
    for (const target of ['/..', '/a/../b', '/.', '/%2e%2E', '/a%2fb', '/a%2F..', '/a\\b', '/a%5cb', '/%00', '//a', '/a//b']) {
      const verdict = parseRequestTarget(target);
      assert.equal(verdict.ok ? 200 : verdict.status, 403, target);
    }
  });

  test('property: whatever the target, an accepted one names a path under the root', () => {
    const piece = fc.constantFrom('/', '.', '..', '%2e', '%2E', '%2f', '%2F', '%5c', '%5C', '\\', '%00', 'a', '%', '%zz', '', '?', 'é', '%25');
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 12 }), (pieces) => {
        const verdict = parseRequestTarget('/' + pieces.join(''));
        if (!verdict.ok) return;
        const resolved = path.resolve(pathUnderRoot(ROOT, verdict.segments));
        assert.ok(isInsideRoot(ROOT, resolved), `${pieces.join('')} → ${resolved}`);
      }),
      { numRuns: 2000 },
    );
  });

  test('property: any list of ordinary names, percent-encoded, comes back exactly', () => {
    const name = fc
      .string({ unit: 'binary', minLength: 1, maxLength: 12 })
      .filter((s) => s !== '.' && s !== '..' && !/[/\\\0]/.test(s) && !/\p{Surrogate}/u.test(s));
    fc.assert(
      fc.property(fc.array(name, { minLength: 1, maxLength: 5 }), (names) => {
        const verdict = parseRequestTarget('/' + names.map(encodeURIComponent).join('/'));
        assert.deepEqual(verdict, { ok: true, segments: names });
      }),
    );
  });
});

describe('pathUnderRoot and isInsideRoot', () => {
  test('a trailing slash is kept so only a directory matches it', () => {
    assert.equal(pathUnderRoot(ROOT, ['a', 'b.txt']), '/srv/www/a/b.txt');
    assert.equal(pathUnderRoot(ROOT, ['a', '']), '/srv/www/a/');
    assert.equal(pathUnderRoot(ROOT, ['']), '/srv/www/');
  });

  test('a sibling sharing the root as a prefix is outside', () => {
    assert.ok(isInsideRoot(ROOT, ROOT));
    assert.ok(isInsideRoot(ROOT, '/srv/www/a'));
    assert.ok(!isInsideRoot(ROOT, '/srv/www2/a'));
    assert.ok(!isInsideRoot(ROOT, '/srv'));
    assert.ok(isInsideRoot('/', '/etc/passwd'));
  });
});

describe('contentTypeFor', () => {
  test('maps known extensions case-insensitively, octet-stream otherwise', () => {
    assert.equal(contentTypeFor('a.TXT'), 'text/plain; charset=utf-8');
    assert.equal(contentTypeFor('index.html'), 'text/html; charset=utf-8');
    assert.equal(contentTypeFor('x.json'), 'application/json');
    assert.equal(contentTypeFor('pic.PNG'), 'image/png');
    assert.equal(contentTypeFor('archive.tar.gz'), 'application/octet-stream');
    assert.equal(contentTypeFor('Makefile'), 'application/octet-stream');
    assert.equal(contentTypeFor('.txt'), 'application/octet-stream'); // a dotfile has no extension
  });
});
