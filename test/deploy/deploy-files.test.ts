import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { SETTING_NAMES } from '@acme/core';
import { cachedDeployTools, ensureDeployTools } from '@acme/infra-local/deploy-tools';
import { goIsUsable } from '@acme/infra-local/go-tools';
import { describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';

// The deploy files in infra/, validated without a Docker engine or a cluster: helm lint, helm
// template piped to kubeconform (strict, against Kubernetes' own schemas, offline), the compose
// file through compose-go (the loader `docker compose config` uses), and the wiring between them
// that no schema sees. The tools are built once with Go into ~/.cache (.ci/run does it first).

const repoRoot = new URL('../..', import.meta.url).pathname;
const chart = join(repoRoot, 'infra/helm/acme-webhooks');
const composeDir = join(repoRoot, 'infra/compose');
const run = promisify(execFile);

const tools = (await cachedDeployTools()) ?? (goIsUsable() ? await ensureDeployTools((l) => console.error(l)) : null);
if (!tools) {
  console.warn(
    '\n!!! SKIPPING the deploy-file validation (helm lint, kubeconform, compose): Go >= 1.25 is not installed to build the tools.\n',
  );
}

const KUBE_VERSION = '1.30.0';
const MINIMAL = ['--set', 'temporal.address=temporal-frontend.temporal:7233', '--set', 'existingSecret=acme-webhooks-secrets'];
const FULL = ['-f', join(chart, 'ci/full-values.yaml')];

async function helm(args: string[]) {
  return run(tools!.helm, args, { cwd: chart });
}

async function render(values: string[]) {
  const { stdout } = await helm(['template', 'acme', chart, '--kube-version', KUBE_VERSION, ...values]);
  return {
    text: stdout,
    docs: parseAllDocuments(stdout)
      .map((d) => d.toJS())
      .filter(Boolean) as any[],
  };
}

async function kubeconform(manifests: string) {
  const child = execFile(tools!.kubeconform, [
    '-strict',
    '-summary',
    // The Prometheus Operator's CRD is not among Kubernetes' schemas; its wiring is checked below.
    '-skip',
    'ServiceMonitor',
    '-schema-location',
    join(tools!.kubernetesSchemas, '{{ .ResourceKind }}{{ .KindSuffix }}.json'),
    '-',
  ]);
  child.stdin!.end(manifests);
  let output = '';
  child.stdout!.on('data', (c) => (output += c));
  child.stderr!.on('data', (c) => (output += c));
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  return { code, output };
}

const byKind = (docs: any[], kind: string) => docs.filter((d) => d.kind === kind);
const matches = (selector: Record<string, string>, labels: Record<string, string>) =>
  Object.entries(selector).every(([k, v]) => labels?.[k] === v);

describe.skipIf(!tools)('Helm chart infra/helm/acme-webhooks', () => {
  it('passes helm lint --strict, with the least values and with every option on', async () => {
    for (const values of [MINIMAL, FULL]) {
      const { stdout } = await helm(['lint', '--strict', chart, '--kube-version', KUBE_VERSION, ...values]);
      expect(stdout).toContain('0 chart(s) failed');
    }
  });

  it.each([
    ['the least values', MINIMAL, 10],
    ['every option on', FULL, 11],
  ])('renders valid Kubernetes objects with %s (kubeconform -strict)', async (_name, values, validCount) => {
    const { text } = await render(values as string[]);
    const { code, output } = await kubeconform(text);
    expect(output).toMatch(new RegExp(`Valid: ${validCount}, Invalid: 0, Errors: 0`));
    expect(code, output).toBe(0);
  });

  it('catches what kubeconform is there to catch: a misspelt field', async () => {
    const { text } = await render(MINIMAL);
    const { code, output } = await kubeconform(text.replace('containerPort:', 'containerPorts:'));
    expect(code).toBe(1);
    expect(output).toContain("additional properties 'containerPorts' not allowed");
  });

  it('refuses to render without a Temporal address, or without secrets', async () => {
    await expect(helm(['template', 'acme', chart, '--kube-version', KUBE_VERSION, '--set', 'existingSecret=s'])).rejects.toThrow(
      /temporal.address is required/,
    );
    await expect(
      helm(['template', 'acme', chart, '--kube-version', KUBE_VERSION, '--set', 'temporal.address=t:7233']),
    ).rejects.toThrow(/secrets.databaseUrl is required when existingSecret is empty/);
  });

  it('wires probes, secrets, security, scaling and monitoring to the right pods', async () => {
    const { docs } = await render(FULL);
    const deployments = byKind(docs, 'Deployment');
    expect(deployments.map((d) => d.spec.template.spec.containers[0].args)).toEqual([['api'], ['worker']]);
    for (const deployment of deployments) {
      const pod = deployment.spec.template.spec;
      const container = pod.containers[0];
      expect(container.livenessProbe.httpGet.path).toBe('/healthz');
      expect(container.readinessProbe.httpGet.path).toBe('/readyz');
      expect(pod.securityContext.runAsNonRoot).toBe(true);
      expect(container.securityContext).toMatchObject({ readOnlyRootFilesystem: true, allowPrivilegeEscalation: false });
      expect(container.resources.requests).toBeDefined();
      expect(container.envFrom).toEqual([{ secretRef: { name: 'acme-webhooks-secrets' } }]);
      for (const { name } of container.env) expect(SETTING_NAMES).toContain(name);
      const env = Object.fromEntries(container.env.map((e: any) => [e.name, e.value]));
      expect(env).toMatchObject({
        NODE_ENV: 'production',
        TEMPORAL_ADDRESS: 'acme.a1b2c.tmprl.cloud:7233',
        MIGRATE_ON_START: 'false',
      });
      expect(env.TEMPORAL_TLS_CERT).toBe('/etc/temporal-tls/tls.crt');
      expect(container.volumeMounts.map((m: any) => m.mountPath)).toContain('/etc/temporal-tls');
      // Every probe points at a port the container declares.
      const ports = container.ports.map((p: any) => p.name);
      for (const probe of ['livenessProbe', 'readinessProbe', 'startupProbe'])
        expect(ports).toContain(container[probe].httpGet.port);
      const podLabels = deployment.spec.template.metadata.labels;
      expect(matches(deployment.spec.selector.matchLabels, podLabels)).toBe(true);
      const targeting = (kind: string) =>
        byKind(docs, kind).filter((o) =>
          kind === 'HorizontalPodAutoscaler'
            ? o.spec.scaleTargetRef.name === deployment.metadata.name
            : matches(o.spec.selector.matchLabels ?? o.spec.selector, podLabels),
        );
      expect(targeting('HorizontalPodAutoscaler')).toHaveLength(1);
      expect(targeting('PodDisruptionBudget')).toHaveLength(1);
      expect(targeting('Service')).toHaveLength(1);
    }

    const services = byKind(docs, 'Service');
    const [monitor] = byKind(docs, 'ServiceMonitor');
    const monitored = services.filter((s) => matches(monitor.spec.selector.matchLabels, s.metadata.labels));
    expect(monitored).toHaveLength(2);
    const monitoredPorts = monitored.flatMap((s) => s.spec.ports.map((p: any) => p.name));
    for (const endpoint of monitor.spec.endpoints) {
      expect(monitoredPorts).toContain(endpoint.port);
      expect(endpoint.path).toBe('/metrics');
    }

    const [ingress] = byKind(docs, 'Ingress');
    expect(services.map((s) => s.metadata.name)).toContain(ingress.spec.rules[0].http.paths[0].backend.service.name);

    const [job] = byKind(docs, 'Job');
    expect(job.metadata.annotations['helm.sh/hook']).toBe('pre-install,pre-upgrade');
    expect(job.spec.template.spec.containers[0].args).toEqual(['migrate']);
    expect(job.spec.template.spec.containers[0].envFrom).toEqual([{ secretRef: { name: 'acme-webhooks-secrets' } }]);
  });

  it.each([
    ['the defaults', MINIMAL, 30_000],
    ['every option on', FULL, 20_000],
    ['a long shutdown timeout', [...MINIMAL, '--set', 'config.shutdownTimeoutMs=90500'], 90_500],
  ])(
    'gives pods time to stop gracefully with %s: grace period > preStop pause + SHUTDOWN_TIMEOUT_MS',
    async (_n, values, timeoutMs) => {
      const { docs } = await render(values as string[]);
      for (const deployment of byKind(docs, 'Deployment')) {
        const pod = deployment.spec.template.spec;
        const container = pod.containers[0];
        const env = Object.fromEntries(container.env.map((e: any) => [e.name, e.value]));
        expect(Number(env.SHUTDOWN_TIMEOUT_MS)).toBe(timeoutMs);
        const preStopSeconds = Number(container.lifecycle?.preStop?.exec?.command?.[1] ?? 0);
        // The process exits by itself at most 5 s past its timeout; the pod's grace must cover that.
        expect(pod.terminationGracePeriodSeconds).toBeGreaterThanOrEqual(preStopSeconds + timeoutMs / 1000 + 5);
      }
      const [api] = byKind(docs, 'Deployment').filter((d) => d.spec.template.spec.containers[0].args[0] === 'api');
      expect(api.spec.template.spec.containers[0].lifecycle.preStop.exec.command).toEqual(['sleep', '5']);
    },
  );

  it('turns tracing on with an OTLP endpoint, and leaves it off by default', async () => {
    const names = (docs: any[]) => byKind(docs, 'Deployment')[0].spec.template.spec.containers[0].env.map((e: any) => e.name);
    expect(names((await render(MINIMAL)).docs).filter((n: string) => n.startsWith('OTEL_'))).toEqual([]);
    const env = Object.fromEntries(
      byKind((await render(FULL)).docs, 'Deployment')[1].spec.template.spec.containers[0].env.map((e: any) => [e.name, e.value]),
    );
    expect(env).toMatchObject({
      OTEL_EXPORTER_OTLP_ENDPOINT: 'http://otel-collector.observability:4318',
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf',
      OTEL_TRACES_SAMPLER: 'parentbased_traceidratio',
      OTEL_TRACES_SAMPLER_ARG: '0.25',
    });
  });

  it('creates its own Secret only when none is given, before the migration hook needs it', async () => {
    const { docs } = await render([
      '--set',
      'temporal.address=t:7233',
      '--set',
      'secrets.databaseUrl=postgres://db/acme',
      '--set',
      'secrets.adminApiKey=k',
      '--set',
      'secrets.secretsMasterKey=m',
    ]);
    const [secret] = byKind(docs, 'Secret');
    const [job] = byKind(docs, 'Job');
    expect(Object.keys(secret.stringData).sort()).toEqual(['ADMIN_API_KEY', 'DATABASE_URL', 'SECRETS_MASTER_KEY']);
    expect(Number(secret.metadata.annotations['helm.sh/hook-weight'])).toBeLessThan(
      Number(job.metadata.annotations['helm.sh/hook-weight']),
    );
    expect(byKind((await render(MINIMAL)).docs, 'Secret')).toEqual([]);
  });
});

describe.skipIf(!tools)('Compose file infra/compose/compose.yaml', () => {
  const compose = (args: string[], env: Record<string, string> = {}) =>
    run(tools!.composeSpec, args, { cwd: composeDir, env: { PATH: process.env.PATH ?? '', ...env } });

  it('is a valid Compose project (schema and consistency, as docker compose config checks)', async () => {
    const { stdout } = await compose(['--no-interpolation', 'compose.yaml']);
    expect(parse(stdout).services).toHaveProperty('api');
  });

  it('refuses to start without the passwords and keys, naming each', async () => {
    const failed = await compose(['compose.yaml']).then(
      () => '',
      (err: { stderr: string }) => err.stderr,
    );
    for (const name of ['POSTGRES_PASSWORD', 'ADMIN_API_KEY', 'SECRETS_MASTER_KEY']) {
      expect(failed).toContain(`required variable ${name} is missing a value`);
    }
  });

  it('runs Postgres, Temporal, its UI, a one-shot migrate, 2 APIs and 2 workers, each with a health check', async () => {
    const { services } = parse(await readFile(join(composeDir, 'compose.yaml'), 'utf8'), { merge: true });
    expect(Object.keys(services).sort()).toEqual(['api', 'migrate', 'postgres', 'temporal', 'temporal-ui', 'worker']);
    expect(services.api.deploy.replicas).toBe(2);
    expect(services.worker.deploy.replicas).toBe(2);
    expect(services.migrate.command).toEqual(['migrate']);
    for (const role of ['api', 'worker']) {
      expect(services[role].depends_on.migrate.condition).toBe('service_completed_successfully');
      expect(services[role].healthcheck.test.join(' ')).toContain('/readyz');
    }
    expect(services.temporal.environment.DB).toBe('postgres12');
    // Docker's 10 s default would SIGKILL a worker still finishing its attempts.
    for (const role of ['api', 'worker']) {
      const timeoutMs = Number(/:-(\d+)\}/.exec(services[role].environment.SHUTDOWN_TIMEOUT_MS)![1]);
      expect(Number.parseInt(services[role].stop_grace_period, 10) * 1000).toBeGreaterThan(timeoutMs + 5000);
    }
    for (const name of Object.keys(services.api.environment)) expect(SETTING_NAMES).toContain(name);
  });
});

describe('Dockerfile infra/docker/Dockerfile', () => {
  it('installs every workspace in both stages, runs the built CLI as a non-root user, and checks health', async () => {
    const dockerfile = await readFile(join(repoRoot, 'infra/docker/Dockerfile'), 'utf8');
    const { workspaces } = JSON.parse(await readFile(join(repoRoot, 'package.json'), 'utf8')) as { workspaces: string[] };
    for (const workspace of workspaces) {
      expect(dockerfile).toContain(`COPY ${workspace}/package.json ${workspace}/`);
      expect(dockerfile).toContain(`COPY --from=build /app/${workspace}/package.json ${workspace}/`);
    }
    expect(dockerfile).toMatch(/^RUN npm ci --omit=dev/m);
    expect(dockerfile).toMatch(/^USER node$/m);
    expect(dockerfile).toMatch(/^HEALTHCHECK .*\/healthz/m);
    expect(dockerfile).toContain('ENTRYPOINT ["node", "--enable-source-maps", "services/cli/dist/cli.js"]');
    expect(dockerfile).toContain('node --import tsx services/cli/build.ts');
  });
});
