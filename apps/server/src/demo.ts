import { ConfigError, loadConfig } from './config/config.js';
import { createDemoSession, DemoHttp } from './demo/demo-session.js';
import { createServer } from './server.js';
import { MixDocuments } from './sync/mix-documents.js';

// `npm run demo`: starts Mixroom, creates a demo session for a demo account, prints how to sign in, and
// keeps serving until stopped.

const DEMO_EMAIL = 'demo@mixroom.local';
const DEMO_PASSWORD = 'mixroom-demo';

async function main() {
  let config: ReturnType<typeof loadConfig>;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(2);
    }
    throw error;
  }
  const server = await createServer({ config });
  const url = await server.listen();
  const port = new URL(url).port;
  console.log(`Mixroom is running at ${url}`);
  console.log('Creating the demo session (synthesising a one-minute song and uploading it)…');

  const http = new DemoHttp(`http://127.0.0.1:${port}`, {});
  try {
    await http.json('POST', '/api/auth/signup', {
      email: DEMO_EMAIL,
      password: DEMO_PASSWORD,
      displayName: 'Demo Engineer',
    });
  } catch {
    // The account exists from an earlier run: sign in instead.
    await http.json('POST', '/api/auth/login', { email: DEMO_EMAIL, password: DEMO_PASSWORD });
  }
  const { sessionId, title } = await createDemoSession(http, server.app.get(MixDocuments));
  const base = config.publicUrl.startsWith('http://localhost:0') ? url : config.publicUrl;
  console.log('');
  console.log(`Demo session “${title}” is ready.`);
  console.log(`  Sign in:  ${base}/signin`);
  console.log(`  Email:    ${DEMO_EMAIL}`);
  console.log(`  Password: ${DEMO_PASSWORD}`);
  console.log(`  Session:  ${base}/sessions/${sessionId}`);
  console.log('The audio is being analysed in the background; press Ctrl+C to stop.');

  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    const force = setTimeout(() => process.exit(1), 15_000);
    force.unref();
    await server.close();
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop());
  process.on('SIGINT', () => void stop());
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
