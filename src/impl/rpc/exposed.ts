import { RemoteError } from './json';

/**
 * What a registered object shows remotely. Nothing else of the object is reachable:
 * not inherited names, not `constructor`, not `__proto__`.
 */
export interface Exposure {
  /**
   * Exposed method → its Python-style parameter names, in order. `name?` is optional
   * (the method gets undefined, so a JS default applies); a last `**name` collects the
   * other keyword arguments into one object. Keyword arguments bind by these names,
   * so a Pyro4 client may call `lookup(name="x")`.
   */
  methods: Readonly<Record<string, readonly string[]>>;
  /** Exposed methods that clients should call oneway (reported in the metadata). */
  oneway?: readonly string[];
}

/** Pyro4's get_metadata answer (sets travel as lists). */
export interface ObjectMetadata {
  methods: string[];
  oneway: string[];
  attrs: string[];
}

interface ExposedMethod {
  readonly fn: (...args: unknown[]) => unknown;
  readonly positional: readonly { name: string; optional: boolean }[];
  readonly collectKeywords: boolean;
}

/** A name Pyro4's util.is_private_attribute would refuse, or one every JS object inherits. */
function isReservedName(name: string): boolean {
  return name.startsWith('_') || name in Object.prototype;
}

function attributeError(message: string): RemoteError {
  return new RemoteError('builtins.AttributeError', [message]);
}

function typeError(message: string): RemoteError {
  return new RemoteError('builtins.TypeError', [message]);
}

/** A target object and the methods it exposes, checked once at registration. */
export class ExposedObject {
  private readonly methods = new Map<string, ExposedMethod>();
  private readonly onewayNames: string[];

  constructor(readonly target: object, exposure: Exposure) {
    for (const name of Object.keys(exposure.methods)) {
      if (isReservedName(name)) throw new TypeError(`cannot expose reserved name ${JSON.stringify(name)}`);
      const fn = (target as Record<string, unknown>)[name];
      if (typeof fn !== 'function') throw new TypeError(`exposed member ${JSON.stringify(name)} is not a method of the target`);
      const params = exposure.methods[name];
      const collectKeywords = params.length > 0 && params[params.length - 1].startsWith('**');
      const positional = (collectKeywords ? params.slice(0, -1) : params).map((param) => ({
        name: param.replace(/\?$/, ''),
        optional: param.endsWith('?'),
      }));
      this.methods.set(name, { fn: fn as ExposedMethod['fn'], positional, collectKeywords });
    }
    this.onewayNames = [...(exposure.oneway ?? [])];
    for (const name of this.onewayNames) {
      if (!this.methods.has(name)) throw new TypeError(`oneway method ${JSON.stringify(name)} is not exposed`);
    }
  }

  metadata(): ObjectMetadata {
    return { methods: [...this.methods.keys()], oneway: [...this.onewayNames], attrs: [] };
  }

  /**
   * Resolves an exposed method as Pyro4's util.getAttribute does (AttributeError otherwise)
   * and returns a call that binds Python-style arguments then runs it. The call returns
   * what the method returns (a promise if the method is async) and throws what binding
   * or the method throws.
   */
  method(name: string): (args: unknown[], kwargs: Record<string, unknown>) => unknown {
    const method = typeof name === 'string' ? this.methods.get(name) : undefined;
    if (!method) {
      if (typeof name !== 'string') throw typeError('method name must be a string');
      if (isReservedName(name)) throw attributeError(`attempt to access private attribute '${name}'`);
      if (name in this.target) throw attributeError(`attempt to access unexposed attribute '${name}'`);
      throw attributeError(`'${this.target.constructor?.name ?? 'object'}' object has no attribute '${name}'`);
    }
    return (args, kwargs) => method.fn.apply(this.target, bindArguments(name, method, args, kwargs));
  }
}

/** Python's argument binding for `def name(p1, p2=..., **kw)`, with Python's TypeError texts. */
function bindArguments(name: string, method: ExposedMethod, args: unknown[], kwargs: Record<string, unknown>): unknown[] {
  const { positional, collectKeywords } = method;
  if (args.length > positional.length) {
    throw typeError(`${name}() takes ${positional.length} positional arguments but ${args.length} were given`);
  }
  const keywords = Object.keys(kwargs);
  if (keywords.length === 0 && args.length === positional.length && !collectKeywords) return args; // the usual call: all by position
  const values: unknown[] = positional.map((_, i) => args[i]);
  const given = positional.map((_, i) => i < args.length);
  const extra: Record<string, unknown> = {};
  for (const key of keywords) {
    const index = positional.findIndex((param) => param.name === key);
    if (index >= 0) {
      if (given[index]) throw typeError(`${name}() got multiple values for argument '${key}'`);
      values[index] = kwargs[key];
      given[index] = true;
    } else if (collectKeywords) {
      Object.defineProperty(extra, key, { value: kwargs[key], writable: true, enumerable: true, configurable: true });
    } else {
      throw typeError(`${name}() got an unexpected keyword argument '${key}'`);
    }
  }
  const missing = positional.filter((param, i) => !param.optional && !given[i]).map((param) => `'${param.name}'`);
  if (missing.length > 0) throw typeError(`${name}() missing ${missing.length} required positional argument(s): ${missing.join(', ')}`);
  return collectKeywords ? [...values, extra] : values;
}
