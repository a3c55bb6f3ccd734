/** Where a command writes; tests pass in-memory streams. */
export interface CliIo {
  stdout: NodeJS.WritableStream & { isTTY?: boolean };
  stderr: NodeJS.WritableStream & { isTTY?: boolean };
}

/**
 * A `mixroom` subcommand. Add one by creating `commands/<name>.ts` and listing it in `commands/index.ts`.
 * `run` gets the arguments after the command name and returns the process exit code
 * (0 ok, 1 a file or request failed, 2 usage error).
 */
export interface Command {
  name: string;
  /** One line for `mixroom --help`. */
  summary: string;
  usage: string;
  run(argv: string[], io: CliIo): Promise<number>;
}
