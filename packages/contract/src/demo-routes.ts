import { route } from './route.js';
import { SessionResponse } from './schemas/sessions.js';

/** The demo session offered on first start. */
export const demoRoutes = {
  createDemo: route({
    method: 'post',
    path: '/api/demo',
    summary:
      'Create a demo session (synthesised stems, two revisions, sections, brief, notes) for a user who has no sessions yet; 409 otherwise',
    tag: 'demo',
    auth: 'user',
    status: 201,
    response: SessionResponse,
  }),
} as const;
