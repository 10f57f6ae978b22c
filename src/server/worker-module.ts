// Starts a worker thread on one of the server's own modules. The server runs its TypeScript
// source through tsx (`npm start`), so a `.ts` module is loaded through tsx's ESM API inside the
// worker; a compiled `.js` build would be started directly.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker, type WorkerOptions } from 'node:worker_threads';

/**
 * `from`: the caller's `import.meta.url`; `name`: the module beside it, without extension.
 * `options.workerData` reaches the worker as `workerData`.
 */
export function startModuleWorker(from: string, name: string, options: Pick<WorkerOptions, 'workerData'> = {}): Worker {
  const ext = fileURLToPath(from).endsWith('.ts') ? '.ts' : '.js';
  const file = new URL(`./${name}${ext}`, from).href;
  if (ext === '.js') return new Worker(new URL(file), options);
  const bootstrap = `import(${JSON.stringify(tsxEsmApi())}).then((tsx) => tsx.tsImport(${JSON.stringify(file)}, ${JSON.stringify(file)}))`;
  return new Worker(bootstrap, { ...options, eval: true });
}

/** The URL of tsx's ESM API (its CommonJS twin cannot import TypeScript modules by URL). */
function tsxEsmApi(): string {
  const manifest = createRequire(import.meta.url).resolve('tsx/package.json');
  const exports = (JSON.parse(readFileSync(manifest, 'utf8')) as { exports: Record<string, { import: { default: string } }> }).exports;
  return pathToFileURL(path.join(path.dirname(manifest), exports['./esm/api']!.import.default)).href;
}
