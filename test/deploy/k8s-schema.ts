/**
 * Kubernetes manifest validation without a cluster, with the schemas of the kubernetes-models
 * package (generated from the Kubernetes OpenAPI spec):
 * - `schemaErrors`: the JSON-schema validators (types, enums, required fields, formats);
 * - `unknownFieldErrors`: the same schemas as TypeScript interfaces, type-checked with excess
 *   property checks, which catch misspelt or misplaced fields (like kubeconform -strict).
 */
import { join } from 'node:path';
import ts from 'typescript';
import { REPO_ROOT } from './deploy-files.js';

export interface Manifest {
  file: string;
  doc: Record<string, unknown>;
}

interface ModelClass {
  new (data: unknown): { validate(): void };
}

function modulePath(m: Manifest): string {
  const apiVersion = String(m.doc['apiVersion']);
  const kind = String(m.doc['kind']);
  if (!/^[\w.]+(\/\w+)?$/.test(apiVersion) || !/^\w+$/.test(kind))
    throw new Error(`${m.file}: bad apiVersion/kind ${apiVersion} ${kind}`);
  return `kubernetes-models/${apiVersion}/${kind}`;
}

/** JSON-schema problems of each manifest (empty when all are valid). */
export async function schemaErrors(manifests: Manifest[]): Promise<string[]> {
  const errors: string[] = [];
  for (const m of manifests) {
    const where = `${m.file} ${String(m.doc['kind'])}/${String((m.doc['metadata'] as { name?: string } | undefined)?.name)}`;
    let mod: Record<string, unknown>;
    try {
      mod = (await import(modulePath(m))) as Record<string, unknown>;
    } catch {
      errors.push(
        `${where}: no schema for ${String(m.doc['apiVersion'])} ${String(m.doc['kind'])}`,
      );
      continue;
    }
    const Model = mod[String(m.doc['kind'])] as ModelClass;
    try {
      new Model(m.doc).validate();
    } catch (err) {
      errors.push(`${where}: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
  return errors;
}

/** Fields the schemas do not know, found by type-checking each manifest as an object literal. */
export function unknownFieldErrors(manifests: Manifest[]): string[] {
  const virtual = join(REPO_ROOT, 'test', 'deploy', '__k8s_manifests__.ts');
  const types = new Map<string, string>();
  const lines: string[] = [];
  const owner: number[] = [];
  for (const m of manifests) {
    const path = modulePath(m);
    if (types.has(path)) continue;
    types.set(path, `T${types.size}`);
    lines.push(`import type { I${String(m.doc['kind'])} as ${types.get(path)} } from '${path}';`);
    owner.push(-1);
  }
  for (const [i, m] of manifests.entries()) {
    const literal = JSON.stringify(m.doc, null, 1).split('\n');
    literal[0] = `export const m${i}: ${types.get(modulePath(m))} = ${literal[0]}`;
    literal[literal.length - 1] += ';';
    for (const l of literal) {
      lines.push(l);
      owner.push(i);
    }
  }
  const source = lines.join('\n');
  const options: ts.CompilerOptions = {
    strict: true,
    noEmit: true,
    skipLibCheck: true,
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    types: [],
  };
  const host = ts.createCompilerHost(options);
  const getSourceFile = host.getSourceFile.bind(host);
  host.getSourceFile = (name, lang, ...rest) =>
    name === virtual ? ts.createSourceFile(name, source, lang) : getSourceFile(name, lang, ...rest);
  const fileExists = host.fileExists.bind(host);
  host.fileExists = (name) => name === virtual || fileExists(name);
  const readFile = host.readFile.bind(host);
  host.readFile = (name) => (name === virtual ? source : readFile(name));
  const program = ts.createProgram([virtual], options, host);
  return ts
    .getPreEmitDiagnostics(program)
    .filter((d) => d.file?.fileName === virtual)
    .map((d) => {
      const line =
        d.file && d.start !== undefined ? d.file.getLineAndCharacterOfPosition(d.start).line : -1;
      const m = manifests[owner[line] ?? -1];
      const where = m ? `${m.file} ${String(m.doc['kind'])}` : 'manifest imports';
      return `${where}: ${ts.flattenDiagnosticMessageText(d.messageText, ' ')}`;
    });
}
