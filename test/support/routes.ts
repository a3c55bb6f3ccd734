import type { MixroomServer } from '@mixroom/server';

export interface ExposedRoute {
  method: string;
  path: string;
}

interface ExpressLayer {
  route?: { path: string | RegExp | string[]; methods: Record<string, boolean> };
  name?: string;
}

/** Every method+path the running server's HTTP router answers (Nest controllers and plain express routes). */
export function listExposedRoutes(server: MixroomServer): ExposedRoute[] {
  const app = server.app.getHttpAdapter().getInstance() as { router: { stack: ExpressLayer[] } };
  const out: ExposedRoute[] = [];
  for (const layer of app.router.stack) {
    if (!layer.route) continue;
    const paths = Array.isArray(layer.route.path) ? layer.route.path : [layer.route.path];
    for (const path of paths) {
      for (const [method, on] of Object.entries(layer.route.methods)) {
        if (on && method !== '_all') out.push({ method, path: String(path) });
      }
    }
  }
  return out;
}
