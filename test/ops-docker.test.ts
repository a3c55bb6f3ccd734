import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '@mixroom/server';
import { parse as parseYaml } from 'yaml';
import { describe, expect, it } from 'vitest';

// Docker cannot run on the development machines, so the deployment files are kept correct by
// construction and checked here: the compose topology, the image, the proxy and the documented settings.
const root = fileURLToPath(new URL('..', import.meta.url));
const read = (path: string) => readFileSync(join(root, path), 'utf8');

interface Service {
  image?: string;
  build?: { context: string; dockerfile: string; target?: string };
  environment?: Record<string, string>;
  volumes?: string[];
  ports?: string[];
  depends_on?: Record<string, { condition: string }>;
  healthcheck?: { test: string[] | string };
  profiles?: string[];
  command?: string[];
}
const compose = parseYaml(read('docker/compose.yml'), { merge: true }) as {
  services: Record<string, Service>;
  volumes: Record<string, unknown>;
};
const services = compose.services;
/** The Mixroom instances: built from docker/Dockerfile's default (runtime) stage, always started. */
const servers = Object.entries(services).filter(
  ([, s]) => s.build?.dockerfile === 'docker/Dockerfile' && !s.build.target && !s.profiles,
);

/** `.env.example` as the values a user starts from (commented-out lines are the optional ones). */
const envExample = Object.fromEntries(
  read('docker/.env.example')
    .split('\n')
    .map((l) => /^#?\s*([A-Z][A-Z0-9_]*)=([^#]*?)\s*(#.*)?$/.exec(l))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => [m[1] as string, m[2] as string]),
);
const activeEnv = Object.fromEntries(
  read('docker/.env.example')
    .split('\n')
    .map((l) => /^([A-Z][A-Z0-9_]*)=(.*)$/.exec(l))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => [m[1] as string, m[2] as string]),
);

/** Compose's ${VAR}, ${VAR:-default} and ${VAR:?error} substitution. */
function interpolate(value: string, env: Record<string, string>): string {
  return value.replace(
    /\$\{([A-Z0-9_]+)(?::([-?])([^}]*))?\}/g,
    (_all, name: string, op?: string, arg?: string) => {
      const v = env[name];
      if (v !== undefined && v !== '') return v;
      if (op === '?') throw new Error(`${name} is required: ${arg}`);
      return op === '-' ? (arg ?? '') : '';
    },
  );
}

interface Instruction {
  op: string;
  args: string;
}
/** Dockerfile instructions per stage (continuation lines joined, comments dropped). */
function dockerStages(text: string): { from: string; name?: string; instructions: Instruction[] }[] {
  const lines = text
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'));
  const stages: { from: string; name?: string; instructions: Instruction[] }[] = [];
  for (const line of lines) {
    const [, op = '', args = ''] = /^(\S+)\s*(.*)$/.exec(line) ?? [];
    if (op.toUpperCase() === 'FROM') {
      const m = /^(\S+)(?:\s+AS\s+(\S+))?/i.exec(args);
      stages.push({ from: m?.[1] ?? '', name: m?.[2], instructions: [] });
    } else if (op.toUpperCase() !== 'ARG' || stages.length > 0) {
      stages.at(-1)?.instructions.push({ op: op.toUpperCase(), args });
    }
  }
  return stages;
}
const dockerfile = read('docker/Dockerfile');
const stages = dockerStages(dockerfile);
const runtime = stages.at(-1) as (typeof stages)[number];
const ops = (op: string) => runtime.instructions.filter((i) => i.op === op).map((i) => i.args);

const workspaces = ['packages', 'apps'].flatMap((dir) =>
  readdirSync(join(root, dir))
    .filter((name) => existsSync(join(root, dir, name, 'package.json')))
    .map((name) => `${dir}/${name}`),
);

describe('docker/compose.yml', () => {
  it('runs two or more Mixroom instances from the image', () => {
    expect(servers.length).toBeGreaterThanOrEqual(2);
    expect(new Set(servers.map(([, s]) => s.image)).size).toBe(1);
  });

  it('gives every instance PostgreSQL, Redis, its public URL and the shared data volume', () => {
    const dataVolumes = new Set<string>();
    for (const [name, s] of servers) {
      const env = s.environment ?? {};
      expect(env.DATABASE_URL, name).toMatch(/^postgres:\/\/[^@]+@postgres:5432\//);
      expect(env.REDIS_URL, name).toBe('redis://redis:6379');
      expect(env.PUBLIC_URL, name).toBeTruthy();
      expect(env.DATA_DIR, name).toBe('/data');
      const data = (s.volumes ?? []).find((v) => v.endsWith(':/data'));
      expect(data, `${name} mounts a volume at /data`).toBeDefined();
      dataVolumes.add((data as string).split(':')[0] as string);
    }
    // One volume for all: blobs and unfinished uploads are visible to whichever instance gets a request.
    expect(dataVolumes.size).toBe(1);
    expect(Object.keys(compose.volumes)).toContain([...dataVolumes][0]);
    expect(services.postgres?.volumes?.some((v) => v.endsWith(':/var/lib/postgresql/data'))).toBe(true);
    expect(Object.keys(compose.volumes)).toContain(services.postgres?.volumes?.[0]?.split(':')[0]);
  });

  it('passes the server only settings it accepts, and they validate with the documented values', () => {
    for (const [name, s] of servers) {
      const env = Object.fromEntries(
        Object.entries(s.environment ?? {}).map(([k, v]) => [k, interpolate(String(v), activeEnv)]),
      );
      const config = loadConfig(env);
      expect(config.databaseUrl, name).toMatch(/@postgres:5432\/mixroom$/);
      expect(config.redisUrl, name).toBe('redis://redis:6379');
      expect(config.publicUrl, name).toBe(activeEnv.PUBLIC_URL);
      expect(config.port, name).toBe(3000);
    }
  });

  it('documents every variable it reads in docker/.env.example, and requires the database password', () => {
    const used = new Set(
      [...read('docker/compose.yml').matchAll(/\$\{([A-Z0-9_]+)/g)].map((m) => m[1] as string),
    );
    expect([...used].filter((v) => !(v in envExample))).toEqual([]);
    const [, server] = servers[0] as [string, Service];
    expect(() => interpolate(server.environment?.DATABASE_URL ?? '', {})).toThrow(
      /POSTGRES_PASSWORD is required/,
    );
  });

  it('starts instances only once PostgreSQL and Redis are healthy, and the proxy once the instances are', () => {
    expect(services.postgres?.healthcheck).toBeDefined();
    expect(services.redis?.healthcheck).toBeDefined();
    for (const [name, s] of servers) {
      expect(s.healthcheck, name).toBeDefined();
      expect(s.depends_on?.postgres?.condition, name).toBe('service_healthy');
      expect(s.depends_on?.redis?.condition, name).toBe('service_healthy');
      expect(services.proxy?.depends_on?.[name]?.condition, `proxy waits for ${name}`).toBe(
        'service_healthy',
      );
    }
  });

  it('publishes only the proxy', () => {
    const published = Object.entries(services)
      .filter(([, s]) => (s.ports ?? []).length > 0)
      .map(([n]) => n);
    expect(published).toEqual(['proxy']);
    expect(services.proxy?.volumes).toContain('./nginx.conf:/etc/nginx/nginx.conf:ro');
  });
});

describe('docker/nginx.conf', () => {
  const conf = read('docker/nginx.conf');
  const upstream = /upstream mixroom \{([^}]*)\}/.exec(conf)?.[1] ?? '';

  it('balances over every instance, round robin without stickiness', () => {
    for (const [name] of servers) expect(upstream).toMatch(new RegExp(`server ${name}:3000\\b`));
    expect(upstream).not.toMatch(/ip_hash|hash |sticky|least_conn/);
  });

  it('passes websocket upgrades (Upgrade and Connection headers, HTTP/1.1) to the sync endpoint', () => {
    expect(conf).toMatch(/map \$http_upgrade \$connection_upgrade \{\s*default upgrade;/);
    expect(conf).toContain('proxy_http_version 1.1;');
    expect(conf).toContain('proxy_set_header Upgrade $http_upgrade;');
    expect(conf).toContain('proxy_set_header Connection $connection_upgrade;');
    expect(conf).toMatch(/location \/sync\/ \{[^}]*proxy_pass http:\/\/mixroom;[^}]*proxy_read_timeout/);
  });

  it('tells the server who the client is, streams events and uploads, and hides /metrics', () => {
    expect(conf).toContain('proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;');
    expect(conf).toMatch(/location ~ \^\/api\/sessions\/\[\^\/\]\+\/events\$ \{[^}]*proxy_buffering off;/);
    expect(conf).toMatch(/location \/api\/uploads\/ \{[^}]*proxy_request_buffering off;/);
    expect(conf).toMatch(/location = \/metrics \{\s*return 404;/);
  });
});

describe('docker/Dockerfile', () => {
  it('is multi-stage and ends in a slim Node runtime stage', () => {
    expect(stages.length).toBeGreaterThanOrEqual(2);
    expect(runtime.from).toMatch(/^node:\$\{NODE_VERSION\}-bookworm-slim$/);
    expect(dockerfile).toMatch(/^ARG NODE_VERSION=20$/m);
    expect(runtime.name).toBe('runtime');
  });

  it('builds with npm ci and turbo, after copying every workspace manifest', () => {
    const build = stages.find((s) => s.name === 'build');
    const copies = build?.instructions.filter((i) => i.op === 'COPY').map((i) => i.args) ?? [];
    for (const ws of workspaces) expect(copies, ws).toContain(`${ws}/package.json ${ws}/`);
    expect(build?.instructions.some((i) => i.op === 'RUN' && /\bnpm ci\b/.test(i.args))).toBe(true);
    expect(build?.instructions.some((i) => i.op === 'RUN' && /turbo run build/.test(i.args))).toBe(true);
  });

  it('ships only production dependencies and built output', () => {
    const deps = stages.find((s) => s.name === 'deps');
    expect(deps?.instructions.some((i) => i.op === 'RUN' && /npm ci --omit=dev/.test(i.args))).toBe(true);
    const copies = ops('COPY');
    expect(copies.every((c) => c.startsWith('--from='))).toBe(true);
    // Every workspace package the server imports at run time arrives compiled.
    const server = JSON.parse(read('apps/server/package.json')) as { dependencies: Record<string, string> };
    for (const dep of Object.keys(server.dependencies).filter((d) => d.startsWith('@mixroom/'))) {
      const dir = `packages/${dep.slice('@mixroom/'.length)}`;
      expect(copies, dep).toContain(`--from=build /app/${dir}/dist ${dir}/dist`);
    }
    expect(copies).toContain('--from=build /app/packages/db/drizzle packages/db/drizzle');
    expect(copies).toContain('--from=build /app/apps/server/dist apps/server/dist');
    expect(copies).toContain('--from=build /app/apps/web/dist apps/web/dist');
    expect(ops('CMD')).toEqual(['["node", "apps/server/dist/main.js"]']);
  });

  it('runs as a non-root user with a data volume, the port exposed and a health check', () => {
    const user = ops('USER').at(-1);
    expect(user).toBeDefined();
    expect(user).not.toMatch(/^(root|0)(:|$)/);
    const env = ops('ENV').join(' ');
    expect(env).toMatch(/DATA_DIR=\/data/);
    expect(env).toMatch(/PORT=3000/);
    expect(ops('VOLUME')).toEqual(['["/data"]']);
    expect(ops('EXPOSE')).toEqual(['3000']);
    const health = ops('HEALTHCHECK')[0] ?? '';
    expect(health).toMatch(/\/health/);
    expect(health).toMatch(/--interval=\d+s/);
  });

  it('keeps secrets, dependencies and build output out of the build context', () => {
    const ignore = read('docker/Dockerfile.dockerignore').split('\n');
    for (const entry of ['**/node_modules', '**/dist', '.git', 'docker/.env'])
      expect(ignore).toContain(entry);
  });
});
