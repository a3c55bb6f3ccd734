/**
 * npm run restore -- FILE [--force] [--data-dir DIR] [--database-url URL]
 * Restores a backup made by `npm run backup` into the installation the environment describes (DATA_DIR,
 * DATABASE_URL). Refuses to replace a non-empty database or blob directory unless --force is given, and
 * always refuses while a server has the embedded database open.
 */
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { BackupError, restore, targetFromEnv } from './backup-lib.js';

const usage = 'usage: npm run restore -- FILE [--force] [--data-dir DIR] [--database-url URL]';

async function main(): Promise<number> {
  let parsed: ReturnType<typeof parse>;
  const parse = () =>
    parseArgs({
      allowPositionals: true,
      options: {
        force: { type: 'boolean' },
        'data-dir': { type: 'string' },
        'database-url': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  try {
    parsed = parse();
  } catch (error) {
    console.error(`${(error as Error).message}\n${usage}`);
    return 2;
  }
  const { values, positionals } = parsed;
  if (values.help) {
    console.log(usage);
    return 0;
  }
  if (positionals.length !== 1) {
    console.error(`one backup FILE is required\n${usage}`);
    return 2;
  }
  // npm runs scripts from the repository root; paths typed on the command line are relative to where it was typed.
  const here = (path: string) => resolve(process.env.INIT_CWD ?? process.cwd(), path);
  const target = targetFromEnv(process.env, {
    dataDir: values['data-dir'] && here(values['data-dir']),
    databaseUrl: values['database-url'],
  });
  await restore({
    ...target,
    file: here(positionals[0] as string),
    force: values.force,
    log: (line) => console.error(line),
  });
  return 0;
}

main().then(
  (code) => process.exit(code),
  (error) => {
    console.error(error instanceof BackupError ? error.message : error);
    process.exit(1);
  },
);
