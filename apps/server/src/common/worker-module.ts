import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';

/**
 * Where the worker module `name` next to `moduleUrl` is and how a thread pool loads it. Built (dist/*.js): plain
 * Node loads the compiled worker. From source (*.ts under tsx or vitest): the thread gets the tsx loader and the
 * `source` export condition, so it runs this repository's TypeScript directly.
 *
 * @example workerModule(import.meta.url, 'analysis.worker') // { filename: '.../analysis.worker.js' }
 */
export function workerModule(moduleUrl: string, name: string): { filename: string; execArgv?: string[] } {
  const fromSource = /\.[cm]?ts$/.test(new URL(moduleUrl).pathname);
  const filename = new URL(`./${name}.${fromSource ? 'ts' : 'js'}`, moduleUrl).href;
  if (!fromSource) return { filename };
  const tsx = createRequire(moduleUrl).resolve('tsx');
  return { filename, execArgv: ['--conditions=source', '--import', pathToFileURL(tsx).href] };
}
