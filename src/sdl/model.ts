/** What SDL conversion produces: kinds as a CRD's spec describes them, one per group and kind. */
import type { CrdNames, CrdVersion, JSONSchemaProps } from '../crd/index.js';

/** One version of a kind, its schema in `schema.openAPIV3Schema` as in a CRD. */
export type KindVersion = CrdVersion & { schema: { openAPIV3Schema: JSONSchemaProps } };

export interface ConvertedKind {
  group: string;
  names: Required<Pick<CrdNames, 'plural' | 'singular' | 'kind' | 'listKind'>> & Pick<CrdNames, 'shortNames' | 'categories'>;
  scope: 'Namespaced' | 'Cluster';
  versions: KindVersion[];
}

/** An SDL file (its name is what error locations show). */
export interface SdlSource {
  name: string;
  body: string;
}
