import { analyzeCommand } from './analyze.js';
import type { Command } from './types.js';

/** Every `mixroom` subcommand; `push` will be listed here too. */
export const commands: readonly Command[] = [analyzeCommand];
