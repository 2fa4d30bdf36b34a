// `npm run simulator`: the WhatsApp Cloud API simulator as its own server, seeded with one app, WABA,
// number and token, for working against a Graph look-alike without Meta. This file is the only place the
// simulator reads the environment: SIMULATOR_PORT (4100), HOST (127.0.0.1), SIMULATOR_PUBLIC_URL,
// SIMULATOR_WEBHOOK_URL (where webhooks go), SIMULATOR_VERIFY_TOKEN, SIMULATOR_ACCESS_TOKEN, LOG_LEVEL.
import http from 'node:http';
import { createLogger } from '../logger.ts';
import { createSimulator } from '../whatsapp/simulator/index.ts';

const port = Number(process.env.SIMULATOR_PORT ?? 4100);
const host = process.env.HOST ?? '127.0.0.1';
const publicUrl = process.env.SIMULATOR_PUBLIC_URL ?? `http://${host}:${port}`;
const logger = createLogger(process.env.LOG_LEVEL ?? 'info');

const sim = createSimulator({ publicUrl, logger });
const seeded = sim.control.seed({
  appName: 'Local Simulator App',
  callbackUrl: process.env.SIMULATOR_WEBHOOK_URL || null,
  verifyToken: process.env.SIMULATOR_VERIFY_TOKEN,
  accessToken: process.env.SIMULATOR_ACCESS_TOKEN || undefined,
});

const server = http.createServer(sim.app);
server.listen(port, host, () => {
  const lines = [
    `WhatsApp Cloud API simulator listening on ${publicUrl}`,
    `  Graph base URL      ${publicUrl}/v24.0`,
    `  app id / secret     ${seeded.appId} / ${seeded.appSecret}`,
    `  verify token        ${seeded.verifyToken}`,
    `  WABA id             ${seeded.wabaId}`,
    `  phone number id     ${seeded.phoneNumberId} (+${seeded.displayPhoneNumber})`,
    `  access token        ${seeded.accessToken}`,
    `  templates           ${seeded.templates.map((t) => t.name).join(', ')}`,
    `  webhooks go to      ${process.env.SIMULATOR_WEBHOOK_URL || '(nowhere: set SIMULATOR_WEBHOOK_URL)'}`,
    `  simulated phone     ${publicUrl}/_sim/phone`,
    `  control API         ${publicUrl}/_sim/state (no auth: local use only)`,
  ];
  process.stdout.write(lines.join('\n') + '\n');
});

const stop = () => {
  void sim.close();
  server.close(() => process.exit(0));
  setTimeout(() => process.exit(0), 2000).unref();
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
