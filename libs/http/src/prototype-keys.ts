/**
 * Thrown by `refusePrototypeKeys` while a JSON body is parsed. body-parser keeps the instance (it
 * strips own properties other than the message), so the key travels as the message.
 */
export class PrototypeKeyError extends SyntaxError {
  constructor(key: string) {
    super(key);
    this.name = 'PrototypeKeyError';
  }

  /** The key refused, to name in the 400. */
  get field(): string {
    return this.message;
  }
}

/**
 * A `JSON.parse` reviver refusing the keys that reach an object's prototype when the parsed value
 * is later merged or assigned (`Object.assign`, a deep merge): `__proto__` anywhere, and a
 * `constructor` holding an object (`constructor.prototype`). No Portcullis document has such a field,
 * so the body is refused (400 naming the key) rather than the key quietly dropped.
 */
export function refusePrototypeKeys(key: string, value: unknown): unknown {
  if (key === '__proto__' || (key === 'constructor' && value !== null && typeof value === 'object')) throw new PrototypeKeyError(key);
  return value;
}

const prototypeNames = new Set(['__proto__', 'constructor', 'prototype']);

/**
 * The prototype a form field is named for, alone or in the bracket syntax of nested-form parsers
 * (`__proto__[x]`, `constructor[prototype][x]`, the `qs` style), else undefined: no form of ours has
 * such a field, and a parser that nests would write through it, so such a form is refused like such
 * a JSON key. Only this name is echoed in the refusal, never the rest of what the client sent.
 */
export function prototypeNamed(field: string): string | undefined {
  const bracket = field.indexOf('[');
  const name = bracket === -1 ? field : field.slice(0, bracket);
  return prototypeNames.has(name) ? name : undefined;
}
