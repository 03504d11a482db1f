/**
 * The `atoll` command: a provider's exports from GraphQL SDL (print, apply), CRDs to SDL, and the
 * GraphQL schema Atoll serves for an SDL's kinds (for codegen). Options are parsed with Node's
 * util.parseArgs (strict: unknown options are errors; no dependency to add for five options and
 * four commands). Every failure is one line per problem on stderr (SDL problems as
 * `file:line:col: message`) and exit status 1.
 */
import fs from 'node:fs';
import { parseArgs } from 'node:util';
import { printSchema } from 'graphql';
import { parseAllDocuments, stringify } from 'yaml';
import type { KubeObject } from '../meta/index.js';
import { objectTypes, SdlError, schemasToSdl, sdlToKinds, servedSchema, toCrd, toExportDocuments, type SdlSource } from '../sdl/index.js';
import { CliError } from './errors.js';
import { applyExport } from './export-apply.js';
import { resolveConnection, workspaceUrl } from './kubeconfig.js';
import { RestClient } from './rest.js';

const USAGE = `Usage:
  atoll export print <schema.graphql>... [--name NAME] [--crd]
      the APIResourceSchemas and APIExport (or, with --crd, CustomResourceDefinitions) the SDL defines, as YAML
  atoll export apply <schema.graphql>... [--name NAME] [--workspace root:provider] [--force]
                     [--kubeconfig FILE] [--context NAME]
      creates the schemas and creates or updates the export in the workspace, with the current kubeconfig
      (KUBECONFIG or ~/.kube/config) as kubectl uses it; a change that would break stored objects is
      refused unless --force
  atoll export types <schema.graphql>... [--sdk-module MODULE]
      TypeScript interfaces of the objects the SDL's kinds store (Kubernetes JSON, as REST and the
      controller SDK hand them over), for typed reconcile handlers
  atoll crd to-sdl <crd.yaml | ->...
      CustomResourceDefinitions or APIResourceSchemas (files, or - for standard input) as SDL with Atoll's directives
  atoll graphql schema <schema.graphql>... [--view]
      the GraphQL schema a consumer's workspace serves with the SDL's kinds bound, or with --view the
      schema of the provider's view of the export (only its kinds), for GraphQL Code Generator

Options:
  --name        the APIExport's name (default: the kinds' group)
  --crd         print CustomResourceDefinitions instead of APIResourceSchemas and an APIExport
  --workspace   the workspace path, as kubectl ws takes it (default: the kubeconfig server's /clusters/<path>)
  --kubeconfig  the kubeconfig file (default: KUBECONFIG, then ~/.kube/config)
  --context     the kubeconfig context (default: its current-context)
  --force       apply even when stored objects may break
  --view        the provider's view: only the SDL's kinds, without the built-in ones
  --sdk-module  where the generated types import KubeObject from (default: atoll/sdk)
`;

const OPTIONS = {
  name: { type: 'string' },
  crd: { type: 'boolean' },
  workspace: { type: 'string' },
  kubeconfig: { type: 'string' },
  context: { type: 'string' },
  force: { type: 'boolean' },
  view: { type: 'boolean' },
  'sdk-module': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** A file's text; `-` is standard input (`kubectl get crd … -o yaml | atoll crd to-sdl -`). */
function readFile(file: string): string {
  try {
    return fs.readFileSync(file === '-' ? 0 : file, 'utf8');
  } catch (e) {
    throw new CliError(`cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
  }
}

const sources = (files: string[]): SdlSource[] => {
  if (files.length === 0) throw new CliError('name at least one .graphql file');
  return files.map((f) => ({ name: f, body: readFile(f) }));
};

const yamlDocuments = (objects: readonly KubeObject[]): string => objects.map((o) => stringify(o)).join('---\n');

function readObjects(files: string[]): KubeObject[] {
  if (files.length === 0) throw new CliError('name at least one YAML file');
  return files.flatMap((f) =>
    parseAllDocuments(readFile(f)).flatMap((doc) => {
      if (doc.errors.length > 0) throw new CliError(`${f}: ${doc.errors[0]?.message.split('\n')[0]}`);
      const o = doc.toJS() as KubeObject | null;
      return o === null ? [] : o.kind === 'List' ? ((o as unknown as { items: KubeObject[] }).items ?? []) : [o];
    }),
  );
}

export interface CliIo {
  out: (text: string) => void;
  err: (text: string) => void;
  env: NodeJS.ProcessEnv;
}

/** Runs one command; resolves with the exit status. */
export async function run(argv: string[], io: CliIo): Promise<number> {
  try {
    const { values, positionals } = parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: true });
    const [group, command, ...files] = positionals;
    if (values.help || group === undefined) {
      io.out(USAGE);
      return values.help ? 0 : 1;
    }
    switch (`${group} ${command ?? ''}`) {
      case 'export print': {
        const kinds = sdlToKinds(sources(files));
        if (values.crd) io.out(yamlDocuments(kinds.map(toCrd)));
        else {
          const docs = toExportDocuments(kinds, values.name ?? undefined);
          io.out(yamlDocuments([...docs.schemas, docs.export]));
        }
        return 0;
      }
      case 'export apply': {
        if (values.crd) throw new CliError('apply makes an APIExport; for plain CRDs: atoll export print --crd … | kubectl apply -f -');
        const docs = toExportDocuments(sdlToKinds(sources(files)), values.name ?? undefined);
        const conn = resolveConnection({ kubeconfig: values.kubeconfig, context: values.context }, io.env);
        const client = new RestClient(workspaceUrl(conn.server, values.workspace), conn);
        try {
          await applyExport(client, docs, { force: values.force === true, report: (line) => io.out(`${line}\n`) });
        } finally {
          client.close();
        }
        return 0;
      }
      case 'export types':
        io.out(objectTypes(sdlToKinds(sources(files)), values['sdk-module'] ?? undefined));
        return 0;
      case 'crd to-sdl':
        io.out(schemasToSdl(readObjects(files)));
        return 0;
      case 'graphql schema':
        io.out(`${printSchema(servedSchema(sdlToKinds(sources(files)), { builtins: values.view !== true }))}\n`);
        return 0;
      default:
        throw new CliError(`unknown command "${positionals.join(' ')}"; see atoll --help`);
    }
  } catch (e) {
    if (e instanceof SdlError) io.err(`${e.message}\n`);
    else if (e instanceof CliError) io.err(`error: ${e.message}\n`);
    else if (e instanceof Error && 'code' in e && typeof e.code === 'string' && e.code.startsWith('ERR_PARSE_ARGS')) io.err(`error: ${e.message}; see atoll --help\n`);
    else if (e instanceof Error) io.err(`error: ${e.message.split('\n')[0]}\n`);
    else throw e;
    return 1;
  }
}
