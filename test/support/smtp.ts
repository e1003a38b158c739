// A real SMTP server on loopback for the tests: it receives what the mail worker sends, parsed
// (server/mail/smtp-receiver.ts), and can be told to refuse (4xx, 5xx), to be slow, or to go down
// and come back on the same port, as a real mail server does during an outage.
import { EventEmitter } from 'node:events';
import { startSmtpReceiver, type ReceivedMail, type SmtpReceiver, type SmtpRefusal } from '../../server/mail/smtp-receiver';

export type { ReceivedMail } from '../../server/mail/smtp-receiver';

export interface TestSmtpServer {
  url: string;
  port: number;
  /** Every message accepted, in order of arrival. */
  messages: ReceivedMail[];
  /** Resolves when at least `count` messages have arrived; rejects after `timeoutMs`. */
  waitForMessages(count: number, timeoutMs?: number): Promise<ReceivedMail[]>;
  /** Answers every RCPT TO and DATA with `code` (4xx temporary, 5xx permanent) until called with null. */
  failWith(code: number | null, message?: string): void;
  /** Holds each message this long before answering its DATA (a slow server), 0 to stop. */
  slowDown(milliseconds: number): void;
  /** Goes down: closes the port and cuts open connections. */
  stop(): Promise<void>;
  /** Comes back on the same port. */
  start(): Promise<void>;
}

export async function startTestSmtpServer(): Promise<TestSmtpServer> {
  const messages: ReceivedMail[] = [];
  const arrivals = new EventEmitter();
  let refusal: SmtpRefusal | null = null;
  let delayMs = 0;
  let receiver: SmtpReceiver | undefined;

  const listen = async (port: number) =>
    startSmtpReceiver({
      port,
      refusal: () => refusal,
      async onMessage(mail) {
        // The simulated slowness of a real server, not a wait for a condition.
        if (delayMs > 0) await new Promise((resolve) => setTimeout(resolve, delayMs));
        messages.push(mail);
        arrivals.emit('message');
      },
    });

  receiver = await listen(0);
  const port = receiver.port;
  return {
    url: receiver.url,
    port,
    messages,
    waitForMessages(count, timeoutMs = 10_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          if (messages.length < count) return;
          clearTimeout(timer);
          arrivals.off('message', check);
          resolve(messages);
        };
        const timer = setTimeout(() => {
          arrivals.off('message', check);
          reject(new Error(`waited ${timeoutMs} ms for ${count} messages; ${messages.length} arrived`));
        }, timeoutMs);
        arrivals.on('message', check);
        check();
      });
    },
    failWith(code, message) {
      refusal = code === null ? null : { code, message: message ?? (code >= 500 ? 'Mailbox unavailable' : 'Try again later') };
    },
    slowDown(milliseconds) {
      delayMs = milliseconds;
    },
    async stop() {
      await receiver?.close();
      receiver = undefined;
    },
    async start() {
      receiver ??= await listen(port);
    },
  };
}
