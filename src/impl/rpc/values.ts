/**
 * Python values that JavaScript has no type for, as the serializers carry them:
 * a tuple is a frozen array (a decoded tuple comes back as one, and serpent writes one
 * as a tuple again), a complex number is a Complex. Everything else maps onto JS types
 * directly (see the rpc section of the README).
 */

/** Python's complex: two floats. */
export class Complex {
  constructor(readonly real: number, readonly imag: number) {}
}

/** A Python tuple: a frozen array (serpent writes it `(a,b)`, json as a list). */
export function tuple<T>(...items: T[]): readonly T[] {
  return Object.freeze(items);
}

/** An array serpent writes as a tuple: a frozen one. */
export function isTuple(value: unknown): value is readonly unknown[] {
  return Array.isArray(value) && Object.isFrozen(value);
}
