import { parseCli, USAGE } from './cli';
import { readyEvent, startDevIdp } from './server';

async function main(): Promise<void> {
  const parsed = parseCli(process.argv.slice(2));
  if (parsed.kind === 'help') {
    console.log(USAGE);
    return;
  }
  if (parsed.kind === 'error') {
    console.error(`dev-idp: ${parsed.message}\n\n${USAGE}`);
    process.exitCode = 2;
    return;
  }
  const idp = await startDevIdp(parsed.options);
  // stdout carries only the ready line, so that scripts can read it without filtering.
  console.log(readyEvent(idp));

  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    console.error(`dev-idp: ${signal}, shutting down`);
    idp.close().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error(`dev-idp: shutdown failed: ${String(error)}`);
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

main().catch((error: unknown) => {
  console.error(`dev-idp: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
