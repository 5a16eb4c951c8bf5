import { freePort, MailDevInbox } from '@starchart/testing';
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { resolve } from 'node:path';

const MAILDEV = resolve(__dirname, '../../../../node_modules/maildev/dist/bin/maildev.js');

/** A MailDev of a test's own, stopped and started again on the same ports (an SMTP outage). */
export interface MailDevProcess {
  smtpUrl: string;
  inbox: MailDevInbox;
  stop(): Promise<void>;
  start(): Promise<void>;
}

export async function startMailDev(): Promise<MailDevProcess> {
  const [smtp, web] = [await freePort(), await freePort()];
  const inbox = new MailDevInbox(`http://127.0.0.1:${web}`);
  let child: ChildProcess | undefined;
  const start = async (): Promise<void> => {
    // prettier-ignore
    child = spawn(process.execPath, [
      MAILDEV, '--ip', '127.0.0.1', '--smtp', String(smtp), '--web-ip', '127.0.0.1', '--web', String(web),
    ], { stdio: 'ignore' });
    const deadline = Date.now() + 20_000;
    for (;;) {
      const ready = await fetch(`${inbox.webUrl}/api/healthz`).then(
        (response) => response.ok,
        () => false,
      );
      if (ready) return;
      if (Date.now() > deadline) throw new Error('MailDev did not start');
      await new Promise((done) => setTimeout(done, 100));
    }
  };
  const stop = async (): Promise<void> => {
    if (!child || child.exitCode !== null) return;
    const exited = once(child, 'exit');
    child.kill('SIGTERM');
    await exited;
  };
  await start();
  return { smtpUrl: `smtp://127.0.0.1:${smtp}`, inbox, stop, start };
}
