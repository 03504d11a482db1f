/**
 * The structured label selector (`matchLabels` + `matchExpressions`) as object fields carry it,
 * with apimachinery's ValidateLabelSelector rules and field paths.
 */
import { z } from 'zod';
import { validateLabelValue, validateQualifiedName } from '../../meta/index.js';
import type { FieldError } from '../errors.js';
import { stringMap } from './common.js';

export const labelSelectorSchema = z.strictObject({
  matchLabels: stringMap.nullable().optional(),
  matchExpressions: z
    .array(z.strictObject({ key: z.string(), operator: z.string(), values: z.array(z.string()).nullable().optional() }))
    .nullable()
    .optional(),
});

export type LabelSelectorValue = z.infer<typeof labelSelectorSchema>;

export function validateLabelSelector(sel: LabelSelectorValue, at: string): FieldError[] {
  const errs: FieldError[] = [];
  for (const [k, v] of Object.entries(sel.matchLabels ?? {})) {
    for (const detail of validateQualifiedName(k)) errs.push({ type: 'FieldValueInvalid', field: `${at}.matchLabels`, value: k, detail });
    for (const detail of validateLabelValue(v)) errs.push({ type: 'FieldValueInvalid', field: `${at}.matchLabels`, value: v, detail });
  }
  (sel.matchExpressions ?? []).forEach((e, i) => {
    const p = `${at}.matchExpressions[${i}]`;
    const values = e.values ?? [];
    switch (e.operator) {
      case 'In':
      case 'NotIn':
        if (values.length === 0) errs.push({ type: 'FieldValueRequired', field: `${p}.values`, detail: "must be specified when `operator` is 'In' or 'NotIn'" });
        break;
      case 'Exists':
      case 'DoesNotExist':
        if (values.length > 0) errs.push({ type: 'FieldValueForbidden', field: `${p}.values`, detail: "may not be specified when `operator` is 'Exists' or 'DoesNotExist'" });
        break;
      default:
        errs.push({ type: 'FieldValueInvalid', field: `${p}.operator`, value: e.operator, detail: 'not a valid selector operator' });
    }
    for (const detail of validateQualifiedName(e.key)) errs.push({ type: 'FieldValueInvalid', field: `${p}.key`, value: e.key, detail });
    values.forEach((v, j) => {
      for (const detail of validateLabelValue(v)) errs.push({ type: 'FieldValueInvalid', field: `${p}.values[${j}]`, value: v, detail });
    });
  });
  return errs;
}
