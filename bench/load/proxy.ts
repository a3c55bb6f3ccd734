// The bench's reverse proxy in its own process (so it does not share the clients' event loop):
//   node --import tsx bench/load/proxy.ts TARGET_URL...
// Round robin without stickiness, websocket upgrades passed through (test/support/proxy.ts).
// Prints "proxy listening at URL"; exits on SIGTERM.
import { startRoundRobinProxy } from '../../test/support/proxy.js';

const targets = process.argv.slice(2);
if (targets.length === 0) {
  console.error('usage: proxy.ts TARGET_URL...');
  process.exit(2);
}
const proxy = await startRoundRobinProxy(targets);
console.log(`proxy listening at ${proxy.url}`);
process.on('SIGTERM', () => {
  void proxy.close().then(() => process.exit(0));
});
