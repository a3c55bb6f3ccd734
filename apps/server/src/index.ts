export { type Config, ConfigError, loadConfig } from './config/config.js';
export { createServer, type MixroomServer, type ServerOptions } from './server.js';
