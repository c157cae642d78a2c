import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

type Schema = { [key: string]: any };
interface Gvk {
  group: string;
  version: string;
  kind: string;
}

// Types whose JSON forms the OpenAPI document describes too narrowly (`replicas: 1` is valid for
// an int-or-string, `cpu: 1` for a quantity), as kubeconform's own schema generator treats them.
const OVERRIDES: Record<string, Schema> = {
  'io.k8s.apimachinery.pkg.util.intstr.IntOrString': { oneOf: [{ type: 'string' }, { type: 'integer' }] },
  'io.k8s.apimachinery.pkg.api.resource.Quantity': { oneOf: [{ type: 'string' }, { type: 'number' }] },
};

/**
 * Turns a Kubernetes OpenAPI (v2) document into the strict, standalone JSON schemas kubeconform
 * reads offline: one file per kind, named as kubeconform looks them up
 * (`{{ .ResourceKind }}{{ .KindSuffix }}.json`, e.g. deployment-apps-v1.json), each carrying the
 * definitions it references, and every object closed to unknown fields (what `-strict` means).
 */
export async function writeKubeconformSchemas(openApiPath: string, outDir: string): Promise<number> {
  const document = JSON.parse(await readFile(openApiPath, 'utf8')) as { definitions: Record<string, Schema> };
  const definitions: Record<string, Schema> = {};
  for (const [name, schema] of Object.entries(document.definitions)) definitions[name] = OVERRIDES[name] ?? closeObjects(schema);
  await mkdir(outDir, { recursive: true });
  let written = 0;
  for (const [name, schema] of Object.entries(document.definitions)) {
    const kinds = (schema['x-kubernetes-group-version-kind'] ?? []) as Gvk[];
    for (const { group, version, kind } of kinds) {
      const suffix = group ? `-${group.split('.')[0]}-${version}` : `-${version}`;
      const file = join(outDir, `${kind.toLowerCase()}${suffix}.json`.toLowerCase());
      const standalone = { ...definitions[name], definitions: referencedFrom(name, definitions) };
      await writeFile(file, JSON.stringify(standalone));
      written++;
    }
  }
  return written;
}

function closeObjects(schema: unknown): any {
  if (Array.isArray(schema)) return schema.map(closeObjects);
  if (!schema || typeof schema !== 'object') return schema;
  const out: Schema = {};
  for (const [key, value] of Object.entries(schema))
    out[key] = key === 'properties' ? mapValues(value, closeObjects) : closeObjects(value);
  if (out.properties && out.additionalProperties === undefined) out.additionalProperties = false;
  return out;
}

function mapValues(object: Record<string, unknown>, f: (v: unknown) => unknown): Record<string, unknown> {
  return Object.fromEntries(Object.entries(object).map(([k, v]) => [k, f(v)]));
}

/** The definitions `name` reaches through `$ref`s, itself included. */
function referencedFrom(name: string, definitions: Record<string, Schema>): Record<string, Schema> {
  const seen: Record<string, Schema> = {};
  const visit = (n: string) => {
    if (seen[n] || !definitions[n]) return;
    seen[n] = definitions[n];
    JSON.stringify(definitions[n], (key, value) => {
      if (key === '$ref' && typeof value === 'string') visit(value.replace('#/definitions/', ''));
      return value;
    });
  };
  visit(name);
  return seen;
}
