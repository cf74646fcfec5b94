import { createTransport } from 'nodemailer';
import type { VoicemailMessage } from './views.js';

/** Mails a new message, WAV attached, to its box's address; never throws (a lost email loses no message). */
export type VoicemailMail = (to: string, box: { name: string }, message: VoicemailMessage, wav: Buffer) => Promise<void>;

/**
 * Sends voicemail emails through one SMTP server (nodemailer). Failures are logged: the message is
 * stored and announced whatever the mail server does.
 *
 * @example
 * ```ts
 * const mail = voicemailMailer('smtp://127.0.0.1:2525', 'voicemail@example.com', log);
 * await mail('alice@example.com', { name: 'Alice' }, message, wav);
 * ```
 */
export function voicemailMailer(url: string, from: string, log: { warn(obj: object, msg: string): void }): VoicemailMail {
  const transport = createTransport(url);
  return async (to, box, message, wav) => {
    try {
      await transport.sendMail({
        from,
        to,
        subject: `New voicemail from ${message.from} (${box.name})`,
        text: `${message.from} left a message of ${message.duration_seconds} s in ${box.name} at ${message.created_at}.\nIt is attached, and at ${message.media_url}.\n`,
        attachments: [{ filename: `${message.id}.wav`, content: wav, contentType: 'audio/wav' }],
      });
    } catch (err) {
      log.warn({ err, messageId: message.id }, 'voicemail: the email could not be sent');
    }
  };
}
