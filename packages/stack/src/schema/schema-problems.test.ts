import { describe, expect, it } from 'vitest';
import { pathToString } from '../diagnostics.js';
import { compileBerthSchema } from './berth-ajv.js';
import { problemsFrom } from './schema-problems.js';
import { mapping, nameMap, str, type Shape } from './schema-shapes.js';

function problems(schema: Shape, data: unknown): string[] {
  const validate = compileBerthSchema(schema);
  expect(validate(data)).toBe(false);
  return problemsFrom(validate.errors ?? [], schema, data).map(
    (p) => `${pathToString(p.path)}${p.atKey ? ' (key)' : ''}: ${p.message}`,
  );
}

// berth's own schema avoids anyOf, but the reduction must still hold if one is ever added.
const PORT: Shape = {
  anyOf: [
    { type: 'integer' },
    { type: 'string', pattern: '^\\d+:\\d+$' },
    mapping({ target: { type: 'integer' }, published: { type: 'integer' } }),
  ],
  expected: 'a port number, a "host:container" string or a long-form mapping',
};
const WITH_PORTS: Shape = mapping({ ports: { type: 'array', items: PORT } });

describe('problemsFrom', () => {
  it('collapses a scalar that fits no alternative into one message', () => {
    expect(problems(WITH_PORTS, { ports: [true, 'x'] })).toEqual([
      'ports[0]: must be a port number, a "host:container" string or a long-form mapping (got boolean true)',
      'ports[1]: must be a port number, a "host:container" string or a long-form mapping (got string "x")',
    ]);
  });

  it('reports inside the one alternative a mapping was meant for', () => {
    expect(problems(WITH_PORTS, { ports: [{ target: 'x', tagret: 1 }] })).toEqual([
      'ports[0].tagret (key): unknown key "tagret"; did you mean "target"?',
      'ports[0].target: must be an integer (got string "x")',
    ]);
  });

  it('names invalid keys of a name map by their kind', () => {
    const schema = mapping({ services: nameMap(mapping({ image: str() }), 'service name') });
    expect(problems(schema, { services: { 'my web': {}, db: { imgae: 'x' } } })).toEqual([
      'services["my web"] (key): invalid service name "my web": only letters, digits, ".", "_" and "-" are allowed',
      'services.db.imgae (key): unknown key "imgae"; did you mean "image"?',
    ]);
  });

  it('reports a missing key at the mapping key, once', () => {
    const schema = mapping({ a: mapping({ b: str() }, { required: ['b'] }) });
    expect(problems(schema, { a: {} })).toEqual(['a (key): missing required key "b"']);
  });
});
