/** FerretDB for the MongoDB-backend tests: the benchmarks' launcher (bench/ferretdb.ts). */
export { ferretdbUnavailable, startFerretDB, type FerretDB } from '../../bench/ferretdb.js';
