import { parseCli, USAGE } from './cli';
import { readyEvent, startEmulator } from './index';

async function main(): Promise<void> {
  const parsed = parseCli(process.argv.slice(2), process.env);
  if (parsed.kind === 'help') {
    console.log(USAGE);
    return;
  }
  if (parsed.kind === 'error') {
    console.error(`route53-emulator: ${parsed.message}\n\n${USAGE}`);
    process.exitCode = 2;
    return;
  }
  const emulator = await startEmulator({
    ...parsed.options,
    // stdout carries only the ready line, so that scripts can read it without filtering.
    log: (line) => console.error(`route53-emulator: ${line}`),
  });
  console.log(readyEvent(emulator));

  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    console.error(`route53-emulator: ${signal}, shutting down`);
    emulator.close().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error(`route53-emulator: shutdown failed: ${String(error)}`);
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

main().catch((error: unknown) => {
  console.error(`route53-emulator: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
