import { commands } from './commands/index.js';
import type { CliIo } from './commands/types.js';

function usage(): string {
  const width = Math.max(...commands.map((c) => c.name.length));
  return [
    'Usage: mixroom <command> [options]',
    '',
    'Commands:',
    ...commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    "Run 'mixroom <command> --help' for a command's options.",
  ].join('\n');
}

/**
 * Runs the `mixroom` command line and resolves to the exit code.
 *
 * @example
 * ```ts
 * process.exitCode = await runCli(['analyze', 'mix.wav', '--json'], { stdout: process.stdout, stderr: process.stderr });
 * ```
 */
export async function runCli(argv: string[], io: CliIo): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '-h' || name === '--help' || name === 'help') {
    (name === undefined ? io.stderr : io.stdout).write(`${usage()}\n`);
    return name === undefined ? 2 : 0;
  }
  const command = commands.find((c) => c.name === name);
  if (!command) {
    io.stderr.write(`mixroom: unknown command '${name}'\n${usage()}\n`);
    return 2;
  }
  return command.run(rest, io);
}
