import { once } from 'node:events';
import { createServer, type AddressInfo, type Server } from 'node:net';
import { SmtpRefusedError, SmtpUnavailableError } from './errors';
import { Mailer } from './mailer';

/** A mail server that answers every recipient with `rcptReply`; enough SMTP for nodemailer. */
async function refusingServer(rcptReply: string): Promise<{ url: string; server: Server }> {
  const server = createServer((socket) => {
    socket.write('220 test ESMTP\r\n');
    let buffered = '';
    socket.on('data', (chunk: Buffer) => {
      buffered += chunk.toString();
      let end: number;
      while ((end = buffered.indexOf('\r\n')) >= 0) {
        const line = buffered.slice(0, end).toUpperCase();
        buffered = buffered.slice(end + 2);
        if (line.startsWith('EHLO') || line.startsWith('HELO')) socket.write('250 test\r\n');
        else if (line.startsWith('MAIL FROM')) socket.write('250 OK\r\n');
        else if (line.startsWith('RCPT TO')) socket.write(`${rcptReply}\r\n`);
        else if (line.startsWith('RSET')) socket.write('250 OK\r\n');
        else if (line.startsWith('QUIT')) socket.end('221 bye\r\n');
        else socket.write('502 not here\r\n');
      }
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return { url: `smtp://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

const mail = {
  to: 'someone@example.test',
  subject: 'hello',
  text: 'hello',
  html: '<p>hello</p>',
  messageId: '<test@example.test>',
};

describe('Mailer', () => {
  it('fails for good, with the server’s answer, when the server refuses the mail (5xx)', async () => {
    const { url, server } = await refusingServer('550 5.1.1 no such mailbox');
    const mailer = new Mailer(url, 'starchart@example.test');
    try {
      const error = await mailer.send(mail).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(SmtpRefusedError);
      expect(error).toMatchObject({ retryable: false, message: expect.stringContaining('550') });
    } finally {
      mailer.close();
      server.close();
    }
  });

  it('retries when the server says to try later (4xx)', async () => {
    const { url, server } = await refusingServer('451 4.3.0 try again later');
    const mailer = new Mailer(url, 'starchart@example.test');
    try {
      const error = await mailer.send(mail).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(SmtpUnavailableError);
      expect(error).toMatchObject({ retryable: true, message: expect.stringContaining('451') });
    } finally {
      mailer.close();
      server.close();
    }
  });

  it('retries when no server answers', async () => {
    const { url, server } = await refusingServer('250 OK');
    server.close();
    await once(server, 'close');
    const mailer = new Mailer(url, 'starchart@example.test');
    try {
      await expect(mailer.send(mail)).rejects.toBeInstanceOf(SmtpUnavailableError);
    } finally {
      mailer.close();
    }
  });
});
