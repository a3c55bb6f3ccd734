/**
 * npm run backup -- --out FILE [--force] [--data-dir DIR] [--database-url URL]
 * Backs up the database and the audio blobs of the installation the environment describes (DATA_DIR,
 * DATABASE_URL, BLOB_STORE — the server's own variables) into one tar archive (.tar, or .tar.gz/.tgz).
 */
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { BackupError, backup, targetFromEnv } from './backup-lib.js';

const usage = 'usage: npm run backup -- --out FILE [--force] [--data-dir DIR] [--database-url URL]';

async function main(): Promise<number> {
  let values: { out?: string; force?: boolean; 'data-dir'?: string; 'database-url'?: string; help?: boolean };
  try {
    ({ values } = parseArgs({
      options: {
        out: { type: 'string', short: 'o' },
        force: { type: 'boolean' },
        'data-dir': { type: 'string' },
        'database-url': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (error) {
    console.error(`${(error as Error).message}\n${usage}`);
    return 2;
  }
  if (values.help) {
    console.log(usage);
    return 0;
  }
  if (!values.out) {
    console.error(`--out FILE is required\n${usage}`);
    return 2;
  }
  // npm runs scripts from the repository root; paths typed on the command line are relative to where it was typed.
  const here = (path: string) => resolve(process.env.INIT_CWD ?? process.cwd(), path);
  const target = targetFromEnv(process.env, {
    dataDir: values['data-dir'] && here(values['data-dir']),
    databaseUrl: values['database-url'],
  });
  await backup({ ...target, out: here(values.out), force: values.force, log: (line) => console.error(line) });
  return 0;
}

main().then(
  (code) => process.exit(code),
  (error) => {
    console.error(error instanceof BackupError ? error.message : error);
    process.exit(1);
  },
);
