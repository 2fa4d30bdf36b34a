// Process entry point for `npm start`: load config, boot the platform, stop gracefully on signals.
import { ConfigError, loadConfig } from './config.ts';
import { createPlatform } from './platform.ts';

async function main() {
  let config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(2);
    }
    throw err;
  }
  process.stdout.write(`wa-platform starting on Node ${process.version}\n`);
  const platform = await createPlatform(config);

  // Handlers go in before listening: /healthz answers as soon as the socket is bound, and a
  // SIGTERM that arrives while jobs are still starting must still shut down gracefully.
  let signals = 0;
  const shutdown = (signal: string) => {
    signals += 1;
    if (signals > 1) process.exit(1);
    platform.logger.info({ signal }, 'signal received');
    platform
      .stop()
      .then(() => process.exit(0))
      .catch((err: unknown) => {
        platform.logger.error({ err }, 'shutdown failed');
        process.exit(1);
      });
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
  await platform.listen();
}

main().catch((err: unknown) => {
  process.stderr.write(`Failed to start: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
