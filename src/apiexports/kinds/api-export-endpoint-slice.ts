/**
 * apis.kcp.io/v1alpha1 APIExportEndpointSlice: where an APIExport's virtual workspace is served,
 * on the shards of an optional partition. The export reference never changes; the endpoints are
 * the system's to write (status).
 */
import { z } from 'zod';
import type { KubeObject } from '../../meta/index.js';
import { builtin, checkSchema, kindSchema, labelSelectorSchema, type FieldError } from '../../registry/index.js';
import { APIS_GROUP, sliceSpecOf, sliceStatusOf } from '../types.js';
import { apisComponents, APIS_V1ALPHA1 } from './openapi.js';
import { conditions, duplicateKeys, exportReference, selectorSyntaxErrors, unchangeable } from './shared.js';

const schema = kindSchema({
  spec: z.strictObject({ export: exportReference, partition: z.string().optional() }),
  status: z
    .strictObject({
      conditions,
      endpoints: z
        .array(
          z.strictObject({
            url: z.string().min(1, 'should be at least 1 chars long'),
            shards: z.strictObject({ matchAll: z.boolean().optional(), selector: labelSelectorSchema.optional() }).optional(),
          }),
        )
        .nullable()
        .optional(),
      shardSelector: z.string().optional(),
    })
    .optional(),
});

function sliceErrors(o: KubeObject): FieldError[] {
  const errs: FieldError[] = [];
  if (!sliceSpecOf(o).export.name) errs.push({ type: 'FieldValueRequired', field: 'spec.export.name', detail: '' });
  const endpoints = sliceStatusOf(o).endpoints ?? [];
  endpoints.forEach((e, i) => {
    const at = `status.endpoints[${i}].shards`;
    if (e.shards?.matchAll && e.shards.selector) errs.push({ type: 'FieldValueInvalid', field: at, value: 'object', detail: 'matchAll and selector are mutually exclusive' });
    errs.push(...selectorSyntaxErrors(e.shards?.selector, `${at}.selector`));
  });
  errs.push(...duplicateKeys(endpoints, ['url'], 'status.endpoints'));
  return errs;
}

export const apiExportEndpointSlices = builtin(
  {
    group: APIS_GROUP,
    version: 'v1alpha1',
    resource: 'apiexportendpointslices',
    kind: 'APIExportEndpointSlice',
    namespaced: false,
    nameRule: 'subdomain',
    hasStatus: true,
    categories: ['kcp'],
    schema: { name: `${APIS_V1ALPHA1}APIExportEndpointSlice`, components: apisComponents },
    columns: [
      { name: 'Export', type: 'string', description: 'Name of the APIExport.', priority: 0, cell: (o) => sliceSpecOf(o).export?.name ?? null },
      { name: 'Partition', type: 'string', description: 'The partition whose shards serve the export.', priority: 0, cell: (o) => sliceSpecOf(o).partition ?? null },
    ],
  },
  {
    validate(o) {
      const shape = checkSchema(schema, o);
      return shape.errors.length > 0 ? shape : { errors: sliceErrors(o), unknownFields: shape.unknownFields };
    },
    validateUpdate: (o, old) => unchangeable(sliceSpecOf(o).export, sliceSpecOf(old).export, 'spec.export', 'APIExport reference must not be changed'),
  },
);
