import { demoRoutes, sessionRoutes } from '@mixroom/contract';
import { type MatrixRow, signedIn } from './authz/matrix.js';

/**
 * Authorization-matrix rows for the demo route (see test/authz-matrix.test.ts). The demo is offered only
 * to people without sessions; every caller of the fixture has one (the stranger gets their own here), so
 * the row checks the refusals without building a demo (test/demo.test.ts builds one).
 */
export const demoRows: MatrixRow[] = [
  {
    route: demoRoutes.createDemo,
    expect: signedIn(409),
    fresh: true,
    setup: async (f) => {
      await f.stranger.call(sessionRoutes.createSession, { body: { title: 'Their own song' } });
    },
  },
];
