import { analyzeCommand } from './analyze.js';
import { pushCommand } from './push.js';
import type { Command } from './types.js';

/** Every `mixroom` subcommand. */
export const commands: readonly Command[] = [analyzeCommand, pushCommand];
