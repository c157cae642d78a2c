import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { goInstall, goIsUsable, goModDownload, isExecutable, toolCacheDir } from './go-tools.ts';
import { writeKubeconformSchemas } from './kubeconform-schemas.ts';

// The tools that validate infra/ without a Docker engine or a cluster, each built once from the Go
// module proxy into the user cache (versions chosen because they `go install` cleanly, without
// replace directives) and reused by every clone, test run and CI run.
const TOOLS = {
  helm: { module: 'helm.sh/helm/v3/cmd/helm', version: 'v3.22.0', binary: 'helm' },
  kubeconform: { module: 'github.com/yannh/kubeconform/cmd/kubeconform', version: 'v0.8.0', binary: 'kubeconform' },
  // compose-go is the loader `docker compose config` itself uses; its command validates a file the same way.
  composeSpec: { module: 'github.com/compose-spec/compose-go/v2/cmd', version: 'v2.16.2', binary: 'cmd' },
} as const;
// Kubernetes' OpenAPI document, as shipped in the cli-runtime module (a dependency of helm, so
// already in Go's module cache after helm is built); turned into kubeconform's schema files.
const K8S_OPENAPI = { module: 'k8s.io/cli-runtime', version: 'v0.37.0', file: 'artifacts/openapi/swagger.json' };

export interface DeployTools {
  helm: string;
  kubeconform: string;
  composeSpec: string;
  /** Folder of kubeconform schemas (`-schema-location <dir>/{{ .ResourceKind }}{{ .KindSuffix }}.json`). */
  kubernetesSchemas: string;
}

/** The cached tools when all are there; null otherwise. */
export async function cachedDeployTools(): Promise<DeployTools | null> {
  const tools = toolPaths();
  const schemasReady = await readFile(join(tools.kubernetesSchemas, '.complete'), 'utf8').then(
    () => true,
    () => false,
  );
  const binaries = await Promise.all([tools.helm, tools.kubeconform, tools.composeSpec].map(isExecutable));
  return schemasReady && binaries.every(Boolean) ? tools : null;
}

/** Finds the tools in the cache, building what is missing with Go (about 3 minutes cold); null without Go. */
export async function ensureDeployTools(log: (line: string) => void = console.error): Promise<DeployTools | null> {
  const cached = await cachedDeployTools();
  if (cached) return cached;
  if (!goIsUsable()) return null;
  const tools = toolPaths();
  for (const [name, tool] of Object.entries(TOOLS)) {
    const path = tools[name as keyof typeof TOOLS];
    if (await isExecutable(path)) continue;
    const started = Date.now();
    log(`Building ${tool.module}@${tool.version} with Go into ${toolDir(name, tool.version)}...`);
    await goInstall(`${tool.module}@${tool.version}`, toolDir(name, tool.version), log);
    log(`  built in ${Math.round((Date.now() - started) / 1000)}s.`);
  }
  const source = join(await goModDownload(`${K8S_OPENAPI.module}@${K8S_OPENAPI.version}`), K8S_OPENAPI.file);
  const count = await writeKubeconformSchemas(source, tools.kubernetesSchemas);
  await writeFile(
    join(tools.kubernetesSchemas, '.complete'),
    `${count} schemas from ${K8S_OPENAPI.module}@${K8S_OPENAPI.version}\n`,
  );
  log(`Wrote ${count} Kubernetes schemas for kubeconform into ${tools.kubernetesSchemas}.`);
  return tools;
}

function toolDir(name: string, version: string): string {
  return toolCacheDir(join('tools', `${name}-${version}`));
}

function toolPaths(): DeployTools {
  return {
    helm: join(toolDir('helm', TOOLS.helm.version), TOOLS.helm.binary),
    kubeconform: join(toolDir('kubeconform', TOOLS.kubeconform.version), TOOLS.kubeconform.binary),
    composeSpec: join(toolDir('composeSpec', TOOLS.composeSpec.version), TOOLS.composeSpec.binary),
    kubernetesSchemas: toolCacheDir(
      join('tools', `kubernetes-schemas-${K8S_OPENAPI.module.replace('/', '_')}-${K8S_OPENAPI.version}`),
    ),
  };
}
