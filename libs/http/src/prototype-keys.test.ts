import { describe, expect, it } from 'vitest';
import { PrototypeKeyError, prototypeNamed, refusePrototypeKeys } from './prototype-keys.js';

describe('refusePrototypeKeys', () => {
  it('refuses __proto__ anywhere and a constructor holding an object, naming the key', () => {
    for (const text of ['{"__proto__":{"x":1}}', '{"a":{"__proto__":1}}', '{"constructor":{"prototype":{"x":1}}}', '[{"\\u005f_proto__":{}}]']) {
      expect(() => JSON.parse(text, refusePrototypeKeys), text).toThrow(PrototypeKeyError);
    }
    try {
      JSON.parse('{"a":{"__proto__":1}}', refusePrototypeKeys);
    } catch (error) {
      expect((error as PrototypeKeyError).field).toBe('__proto__');
    }
  });

  it('leaves everything else as JSON.parse gives it', () => {
    const text = '{"name":"constructor","constructor":"a string","proto":{"prototype":1},"list":[1,{"a":null}]}';
    expect(JSON.parse(text, refusePrototypeKeys)).toEqual(JSON.parse(text));
  });
});

describe('prototypeNamed', () => {
  it('finds a prototype name alone or before a bracket, and nothing in ordinary fields', () => {
    expect(prototypeNamed('__proto__')).toBe('__proto__');
    expect(prototypeNamed('__proto__[polluted]')).toBe('__proto__');
    expect(prototypeNamed('constructor[prototype][x]')).toBe('constructor');
    expect(prototypeNamed('prototype')).toBe('prototype');
    for (const field of ['email', 'client_id', 'proto', 'my__proto__', 'scope[0]']) expect(prototypeNamed(field), field).toBeUndefined();
  });
});
