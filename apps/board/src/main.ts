import { createBoardServer } from './board-server';
import { EmptyPasswordError, hashPasswordCommand } from './cli/hash-password.command';
import { ConfigError, loadBoardConfig } from './config/board-config';

// Kubernetes sends SIGKILL 30 s after SIGTERM; give up a little earlier, and say so.
const SHUTDOWN_TIMEOUT_MS = 20_000;

async function serve(): Promise<void> {
  const config = loadBoardConfig(process.env);
  const board = createBoardServer(config);
  const url = await board.listen();
  console.log(JSON.stringify({ event: 'listening', url: url.href, readOnly: config.readOnly }));

  const shutdown = (signal: NodeJS.Signals): void => {
    console.log(JSON.stringify({ event: 'shutdown', signal }));
    setTimeout(() => {
      console.error(JSON.stringify({ event: 'shutdown-timeout', afterMs: SHUTDOWN_TIMEOUT_MS }));
      process.exit(1);
    }, SHUTDOWN_TIMEOUT_MS).unref();
    board.close().then(
      () => console.log(JSON.stringify({ event: 'stopped' })),
      (error: unknown) => {
        console.error(error);
        process.exitCode = 1;
      },
    );
  };
  process.once('SIGTERM', shutdown);
  process.once('SIGINT', shutdown);
}

async function main(command: string | undefined): Promise<void> {
  if (command === 'hash-password') {
    await hashPasswordCommand(process.stdin, process.stdout);
  } else if (command === undefined) {
    await serve();
  } else {
    throw new ConfigError(`unknown command "${command}"; usage: main.js [hash-password]`);
  }
}

main(process.argv[2]).catch((error: unknown) => {
  const expected = error instanceof ConfigError || error instanceof EmptyPasswordError;
  console.error(expected ? error.message : error);
  process.exit(1);
});
