import { execFile, execFileSync, spawn } from 'node:child_process';
import { access, constants, mkdir } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

/** Outside the clone, so every fresh clone, test run and CI run on this machine reuses one build. */
export function toolCacheDir(name: string): string {
  const base = process.env.XDG_CACHE_HOME || join(homedir(), '.cache');
  return join(base, 'acme-webhooks', name);
}

/** Go >= 1.25 on PATH: what the Temporal CLI and the deploy-file tools need to build. */
export function goIsUsable(): boolean {
  try {
    const out = execFileSync('go', ['env', 'GOVERSION'], { encoding: 'utf8' }).trim();
    const [major = 0, minor = 0] = out.replace(/^go/, '').split('.').map(Number);
    return major > 1 || (major === 1 && minor >= 25);
  } catch {
    return false;
  }
}

export async function isExecutable(path: string): Promise<boolean> {
  return access(path, constants.X_OK).then(
    () => true,
    () => false,
  );
}

/** `go install module@version` into `dir`, with a progress line every 15 s for a person watching. */
export async function goInstall(module: string, dir: string, log: (line: string) => void): Promise<void> {
  await mkdir(dir, { recursive: true });
  const started = Date.now();
  await new Promise<void>((resolve, reject) => {
    const child = spawn('go', ['install', '-v', module], {
      env: { ...process.env, GOBIN: dir, CGO_ENABLED: process.env.CGO_ENABLED ?? '0' },
      stdio: ['ignore', 'inherit', 'pipe'],
    });
    let packages = 0;
    let lastLines = '';
    const ticker = setInterval(() => {
      log(`  ...still building: ${packages} packages compiled, ${Math.round((Date.now() - started) / 1000)}s`);
    }, 15_000);
    child.stderr.on('data', (chunk: Buffer) => {
      packages += chunk.toString().split('\n').filter(Boolean).length;
      lastLines = (lastLines + chunk.toString()).slice(-2000);
    });
    child.on('error', reject);
    child.on('exit', (code) => {
      clearInterval(ticker);
      if (code === 0) resolve();
      else reject(new Error(`go install ${module} failed with exit code ${code}:\n${lastLines}`));
    });
  });
}

/** Downloads one module into Go's module cache (no build) and returns its folder. */
export async function goModDownload(moduleAtVersion: string): Promise<string> {
  const { stdout } = await promisify(execFile)('go', ['mod', 'download', '-json', moduleAtVersion], {
    // Outside any Go module, so no go.mod around us changes what is downloaded.
    cwd: homedir(),
    env: { ...process.env, GOFLAGS: '-mod=mod' },
  });
  const info = JSON.parse(stdout) as { Dir?: string; Error?: string };
  if (!info.Dir) throw new Error(`go mod download ${moduleAtVersion}: ${info.Error ?? 'no folder'}`);
  return info.Dir;
}
