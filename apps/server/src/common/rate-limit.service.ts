import { Inject, Injectable } from '@nestjs/common';
import type { Redis } from 'ioredis';
import {
  RateLimiterMemory,
  RateLimiterRedis,
  RateLimiterRes,
  type RateLimiterAbstract,
} from 'rate-limiter-flexible';
import { tooManyRequests } from './errors.js';
import { REDIS } from './redis.js';
import { CONFIG } from './tokens.js';
import type { Config } from '../config/config.js';

export interface RateLimitRule {
  /** Attempts allowed per window. */
  points: number;
  /** Window length in seconds. */
  durationS: number;
}

/** Login and invite-acceptance limits; shared between instances through Redis when REDIS_URL is set. */
export function rateLimitRules(config: Pick<Config, 'loginAttemptsPerIp' | 'inviteAttemptsPerIp'>) {
  return {
    /** Failed logins per (IP, email): the fifth wrong password within 15 minutes is answered 429. */
    loginFailures: { points: 4, durationS: 15 * 60 },
    /** Login attempts per IP, whatever the email. */
    loginPerIp: { points: config.loginAttemptsPerIp, durationS: 15 * 60 },
    /** Invite look-ups and acceptances per IP (guards against token guessing). */
    invitePerIp: { points: config.inviteAttemptsPerIp, durationS: 10 * 60 },
  } satisfies Record<string, RateLimitRule>;
}
type RuleName = keyof ReturnType<typeof rateLimitRules>;

@Injectable()
export class RateLimitService {
  private readonly limiters = new Map<string, RateLimiterAbstract>();
  private readonly rules: ReturnType<typeof rateLimitRules>;

  constructor(
    @Inject(REDIS) private readonly redis: Redis | null,
    @Inject(CONFIG) private readonly config: Config,
  ) {
    this.rules = rateLimitRules(config);
  }

  private limiter(name: RuleName): RateLimiterAbstract {
    let limiter = this.limiters.get(name);
    if (!limiter) {
      const rule = this.rules[name];
      const opts = {
        keyPrefix: `${this.config.redisPrefix}rl:${name}`,
        points: rule.points,
        duration: rule.durationS,
      };
      limiter = this.redis
        ? new RateLimiterRedis({ ...opts, storeClient: this.redis, useRedisPackage: false })
        : new RateLimiterMemory(opts);
      this.limiters.set(name, limiter);
    }
    return limiter;
  }

  /** Throws 429 (with Retry-After) when the key has no points left; otherwise uses one. */
  async consume(name: RuleName, key: string): Promise<void> {
    try {
      await this.limiter(name).consume(key);
    } catch (error) {
      if (error instanceof RateLimiterRes)
        throw tooManyRequests(Math.max(1, Math.ceil(error.msBeforeNext / 1000)));
      throw error;
    }
  }

  /** Throws 429 when the key is already exhausted, without using a point. */
  async check(name: RuleName, key: string): Promise<void> {
    const res = await this.limiter(name).get(key);
    if (res && res.remainingPoints <= 0 && res.consumedPoints >= this.rules[name].points) {
      throw tooManyRequests(Math.max(1, Math.ceil(res.msBeforeNext / 1000)));
    }
  }

  async reset(name: RuleName, key: string): Promise<void> {
    await this.limiter(name).delete(key);
  }
}
