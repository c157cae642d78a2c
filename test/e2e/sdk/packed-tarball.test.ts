// `npm pack` of the SDK installs and works in an empty folder outside the workspace: imported
// from ESM and from CommonJS, type-checked from .mts and .cts, talking to a real gateway and
// verifying a webhook signed with node:crypto (not with the SDK's own signer).
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../../support/gateway.ts';
import { createTenantWithEventType } from '../../support/scenario.ts';

const run = promisify(execFile);
const root = fileURLToPath(new URL('../../..', import.meta.url));
const sdkDir = join(root, 'sdk');

let gateway: TestGateway;
let consumer: string;
let packed: { filename: string; size: number; files: { path: string }[] };

beforeAll(async () => {
  gateway = await startTestGateway({}, { worker: false });
  consumer = await mkdtemp(join(tmpdir(), 'acme-sdk-consumer-'));
  await run('npx', ['tsup', '--silent'], { cwd: sdkDir });
  // Built above; --ignore-scripts keeps prepack from building a second time.
  const { stdout } = await run('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', consumer], { cwd: sdkDir });
  packed = JSON.parse(stdout)[0];
  await writeFile(join(consumer, 'package.json'), JSON.stringify({ name: 'consumer', private: true }));
  // No dependencies: nothing to fetch, so this works offline.
  await run('npm', ['install', '--offline', '--no-audit', '--no-fund', join(consumer, packed.filename)], { cwd: consumer });
}, 180_000);

afterAll(async () => {
  await gateway?.stop();
  if (consumer) await rm(consumer, { recursive: true, force: true });
});

const verifyAndCall = (importLine: string) => `${importLine}
const { createHmac } = require_('node:crypto');
async function main() {
  const secret = 'whsec_' + Buffer.from('0123456789abcdef0123456789abcdef').toString('base64');
  const body = JSON.stringify({ type: 'invoice.paid', timestamp: new Date().toISOString(), data: { ok: true } });
  const headers = { 'webhook-id': 'evt_1', 'webhook-timestamp': String(Math.floor(Date.now() / 1000)) };
  const hmac = createHmac('sha256', Buffer.from(secret.slice(6), 'base64'));
  headers['webhook-signature'] = 'v1,' + hmac.update(headers['webhook-id'] + '.' + headers['webhook-timestamp'] + '.' + body).digest('base64');
  const payload = await sdk.verifyWebhook(secret, body, headers);
  const refused = await sdk.verifyWebhook(secret, body + ' ', headers).catch((e) => e instanceof sdk.WebhookVerificationError && e.reason);
  const acme = new sdk.AcmeWebhooks({ apiKey: process.env.ACME_API_KEY, baseUrl: process.env.ACME_URL });
  const viewer = await acme.viewer();
  const missing = await acme.endpoints.get('ep_missing').catch((e) => e instanceof sdk.NotFoundError && e instanceof sdk.AcmeError && e.code);
  console.log(JSON.stringify({ data: payload.data, refused, tenant: viewer.tenant.id, missing }));
}
main().catch((e) => { console.error(e); process.exit(1); });
`;

describe('the packed @acme/webhooks-sdk', () => {
  it('holds the builds, their types, the README and the CHANGELOG, and nothing else', () => {
    expect(packed.files.map((f) => f.path).sort()).toEqual([
      'CHANGELOG.md',
      'README.md',
      'dist/index.cjs',
      'dist/index.d.cts',
      'dist/index.d.ts',
      'dist/index.js',
      'package.json',
    ]);
  });

  it('imports nothing at run time, so browsers and edge runtimes can load it', async () => {
    for (const file of ['dist/index.js', 'dist/index.cjs']) {
      const code = await readFile(join(consumer, 'node_modules/@acme/webhooks-sdk', file), 'utf8');
      expect(code, file).not.toMatch(/\bfrom\s*["']|\bimport\s*\(|\brequire\s*\(\s*["']|\bprocess\.|\bBuffer\b/);
    }
  });

  it('installs with no dependencies', async () => {
    const installed = JSON.parse(await readFile(join(consumer, 'node_modules/@acme/webhooks-sdk/package.json'), 'utf8'));
    expect(installed.name).toBe('@acme/webhooks-sdk');
    expect(installed.dependencies ?? {}).toEqual({});
    const lock = JSON.parse(await readFile(join(consumer, 'package-lock.json'), 'utf8'));
    expect(Object.keys(lock.packages).sort()).toEqual(['', 'node_modules/@acme/webhooks-sdk']);
  });

  it.each([
    [
      'ESM',
      'esm.mjs',
      "import * as sdk from '@acme/webhooks-sdk';\nimport { createRequire } from 'node:module';\nconst require_ = createRequire(import.meta.url);",
    ],
    ['CommonJS', 'cjs.cjs', "const sdk = require('@acme/webhooks-sdk');\nconst require_ = require;"],
  ])('works from %s: verifies a signed webhook and talks to a real gateway', async (_, file, importLine) => {
    const { token, tenantId } = await createTenantWithEventType(gateway);
    await writeFile(join(consumer, file), verifyAndCall(importLine));
    const { stdout } = await run('node', [file], {
      cwd: consumer,
      env: { ...process.env, ACME_API_KEY: token, ACME_URL: gateway.url },
    });
    expect(JSON.parse(stdout)).toEqual({
      data: { ok: true },
      refused: 'no_matching_signature',
      tenant: tenantId,
      missing: 'NOT_FOUND',
    });
  });

  it('type-checks from .mts and .cts with strict TypeScript, and rejects a wrong call', async () => {
    const check = `import { AcmeWebhooks, type Delivery, type Event, type Page, type Endpoint, verifyWebhook } from '@acme/webhooks-sdk';
const acme = new AcmeWebhooks({ apiKey: 'k', baseUrl: 'http://127.0.0.1:4000', maxRetries: 1 });
export async function f(): Promise<[Event, Delivery[], Page<Endpoint>, string]> {
  const { event, deliveries } = await acme.events.publish({ eventType: 'invoice.paid', payload: { a: 1 } });
  const page = await acme.endpoints.list({ status: 'ACTIVE', first: 10 });
  const payload = await verifyWebhook<{ a: number }>('whsec_x', '{}', new Headers());
  const n: number = payload.data.a;
  // @ts-expect-error: an endpoint status that does not exist
  await acme.endpoints.list({ status: 'SLEEPING' });
  return [event, deliveries, page, payload.type + n];
}

// The snippet of the SDK's issue, as written.
declare const apiKey: string, baseUrl: string, name: string, description: string, schema: object, url: string;
declare const eventTypes: string[], eventType: string, payload: unknown, consumerId: string, idempotencyKey: string;
declare const id: string, endpointId: string, query: string, variables: Record<string, unknown>, rawBody: string, headers: Headers;
export async function snippet() {
  const acme = new AcmeWebhooks({ apiKey, baseUrl });
  await acme.eventTypes.create({ name, description, schema });
  const { endpoint, secret } = await acme.endpoints.create({ url, eventTypes });
  const { event, deliveries } = await acme.events.publish({ eventType, payload, consumerId, idempotencyKey });
  await acme.deliveries.get(id);
  await acme.deadLetters.list({ endpointId });
  for await (const ep of acme.endpoints.iterate()) ep.url.toUpperCase();
  await acme.graphql(query, variables);
  const received = await verifyWebhook(secret, rawBody, headers);
  return [endpoint.id, event.id, deliveries.length, received.type];
}
`;
    await writeFile(join(consumer, 'check.mts'), check);
    await writeFile(join(consumer, 'check.cts'), check);
    await writeFile(
      join(consumer, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          module: 'nodenext',
          moduleResolution: 'nodenext',
          target: 'es2022',
          lib: ['es2022', 'dom'],
          types: [],
          strict: true,
          noEmit: true,
        },
        files: ['check.mts', 'check.cts'],
      }),
    );
    const tsc = join(root, 'node_modules/typescript/bin/tsc');
    const result = await run('node', [tsc, '-p', consumer]).then(
      () => '',
      (e: { stdout: string }) => e.stdout,
    );
    expect(result).toBe('');
  });
});
