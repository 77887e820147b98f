/** Generators of small Python programs for the cobra properties (and the reference's own tests). */
import fc from 'fast-check';

const operand = fc.oneof(fc.constantFrom('v0', 'v1'), fc.integer({ min: -9, max: 99 }).map(String));
const expression = fc.tuple(operand, fc.constantFrom('+', '-', '*', '//', '%', '<', '=='), operand)
  // Division by a variable may divide by zero: an uncaught exception is a fine program too.
  .map(([a, op, b]) => `${a} ${op} ${b}`);
const target = fc.constantFrom('v0', 'v1');
const statement = fc.oneof(
  fc.tuple(target, expression).map(([t, e]) => [`${t} = ${e}`]),
  expression.map((e) => [`print(${e})`]),
  expression.map((e) => [`print("err", ${e}, file=sys.stderr)`]),
  fc.tuple(fc.integer({ min: 0, max: 4 }), target, expression).map(([n, t, e]) => [`for i in range(${n}):`, `    ${t} = ${e} + i`]),
  fc.tuple(target, expression).map(([t, e]) => [`${t} = twice(${e})`]),
  fc.tuple(target, fc.integer({ min: 0, max: 3 })).map(([t, n]) => [`${t} = sum([k * 2 for k in range(${n})])`]),
);

/** Small programs over two variables: arithmetic, prints to both streams, loops, calls, comprehensions. */
export const smallProgram: fc.Arbitrary<string> = fc
  .tuple(fc.integer({ min: 0, max: 9 }), fc.integer({ min: 1, max: 9 }), fc.array(statement, { minLength: 1, maxLength: 6 }))
  .map(([a, b, body]) => [
    'import sys',
    'def twice(n):',
    '    return n * 2',
    `v0 = ${a}`,
    `v1 = ${b}`,
    ...body.flat(),
    'print(v0, v1)',
    '',
  ].join('\n'));
