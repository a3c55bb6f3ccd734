/** DI token for the shared ioredis client, or null in single-instance mode (no REDIS_URL). */
export const REDIS = Symbol('REDIS');
