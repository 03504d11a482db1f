/**
 * The apimachinery wire types that are not API objects: the runtime.Unknown envelope every
 * protobuf body travels in, Quantity and IntOrString. Field numbers are facts from
 * k8s.io/apimachinery pkg/runtime, pkg/api/resource and pkg/util/intstr generated.proto.
 */
import { msg, special, type GroupDef } from './schema.js';

export const runtime: GroupDef = {
  package: 'k8s.io.apimachinery.pkg.runtime',
  messages: {
    TypeMeta: msg({ apiVersion: '1 string', kind: '2 string' }),
    Unknown: msg({
      typeMeta: '1 TypeMeta',
      raw: '2 bytes',
      contentEncoding: '3 string',
      contentType: '4 string',
    }),
  },
};

export const resource: GroupDef = {
  package: 'k8s.io.apimachinery.pkg.api.resource',
  messages: {
    // Protobuf carries a Quantity as its canonical string; JSON carries just that string.
    Quantity: special('quantity', { string: '1 string' }),
  },
};

export const intstr: GroupDef = {
  package: 'k8s.io.apimachinery.pkg.util.intstr',
  messages: {
    // type 0 = Int (intVal), 1 = String (strVal); JSON is the bare number or string.
    IntOrString: special('intOrString', { type: '1 int64', intVal: '2 int32', strVal: '3 string' }),
  },
};
