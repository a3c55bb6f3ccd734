export { runCli } from './cli.js';
export { type AnalyzeJsonEntry, analyzeCommand, formatTable } from './commands/analyze.js';
export { commands } from './commands/index.js';
export type { CliIo, Command } from './commands/types.js';
