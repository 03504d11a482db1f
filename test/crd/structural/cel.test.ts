import { describe, expect, it } from 'vitest';
import { checkStructuralSchema, compileSchema } from '../../../src/crd/structural/index.js';
import type { JSONSchemaProps } from '../../../src/crd/schema-types.js';
import { messages, object, specSchema } from './helpers.js';

const ports: JSONSchemaProps = {
  type: 'array',
  'x-kubernetes-list-type': 'map',
  'x-kubernetes-list-map-keys': ['name'],
  items: {
    type: 'object',
    required: ['name'],
    properties: { name: { type: 'string' }, port: { type: 'integer', 'x-kubernetes-validations': [{ rule: 'self <= 1000', message: 'port too high' }] } },
    'x-kubernetes-validations': [{ rule: 'self.port == oldSelf.port', message: 'port is immutable' }],
  },
};

describe('CEL rules (x-kubernetes-validations) in compiled schemas', () => {
  it('reports a failing rule at the field of the node that holds it', () => {
    const compiled = compileSchema(specSchema({ ports }));
    const errs = compiled.validate(object({ ports: [{ name: 'a', port: 80 }, { name: 'b', port: 5000 }] }));
    expect(errs.map((e) => [e.field, e.type])).toEqual([['spec.ports[1].port', 'FieldValueInvalid']]);
    expect(errs[0]?.detail).toContain('port too high');
  });

  it('correlates list-type=map items with the old object by key for transition rules', () => {
    const compiled = compileSchema(specSchema({ ports }));
    const old = object({ ports: [{ name: 'a', port: 1 }, { name: 'b', port: 2 }] });
    // Reordered, b unchanged, a changed, c new (no old value: the transition rule is skipped).
    const next = object({ ports: [{ name: 'b', port: 2 }, { name: 'a', port: 3 }, { name: 'c', port: 4 }] });
    const errs = compiled.validate(next, old);
    expect(errs.map((e) => e.field)).toEqual(['spec.ports[1]']);
    expect(errs[0]?.detail).toContain('port is immutable');
    expect(compiled.validate(next)).toEqual([]);
  });

  it('runs no rule once a type, required, enum or size error is found, and says so (as Kubernetes does)', () => {
    const compiled = compileSchema(
      specSchema({ replicas: { type: 'integer' }, other: { type: 'integer', 'x-kubernetes-validations': [{ rule: 'self > 0', message: 'must be positive' }] } }, {
        'x-kubernetes-validations': [{ rule: 'self.replicas > 0', message: 'need replicas' }],
      }),
    );
    const errs = compiled.validate(object({ replicas: 'x', other: -1 }));
    expect(messages(errs)).toEqual([
      'spec.replicas: Invalid value: "string": spec.replicas in body must be of type integer: "string"',
      '<nil>: Invalid value: null: some validation rules were not checked because the object was invalid; correct the existing errors to complete validation',
    ]);
    // Errors that do not block (a maximum exceeded) leave the rules running.
    const bounded = compileSchema(specSchema({ n: { type: 'integer', maximum: 5, 'x-kubernetes-validations': [{ rule: 'self % 2 == 0', message: 'must be even' }] } }));
    expect(messages(bounded.validate(object({ n: 7 })))).toEqual([
      'spec.n: Invalid value: 7: spec.n in body should be less than or equal to 5',
      'spec.n: Invalid value: "integer": must be even',
    ]);
  });

  it('rejects transition rules below a list that cannot be correlated', () => {
    const schema = specSchema({
      list: { type: 'array', items: { type: 'object', properties: { a: { type: 'string' } }, 'x-kubernetes-validations': [{ rule: 'self.a == oldSelf.a' }] } },
    });
    const P = 'spec.versions[0].schema.openAPIV3Schema';
    expect(messages(checkStructuralSchema(schema, P))).toEqual([
      `${P}.properties[spec].properties[list].items.x-kubernetes-validations[0].rule: Invalid value: "self.a == oldSelf.a": oldSelf cannot be used on the uncorrelatable portion of the schema within ${P}.properties[spec].properties[list]`,
    ]);
  });

  it('reports CEL compile errors at the rule', () => {
    const P = 'spec.versions[0].schema.openAPIV3Schema';
    const errs = checkStructuralSchema(specSchema({ n: { type: 'integer', 'x-kubernetes-validations': [{ rule: 'self.nope == 1' }] } }), P);
    expect(errs.map((e) => e.field)).toEqual([`${P}.properties[spec].properties[n].x-kubernetes-validations[0].rule`]);
  });
});
