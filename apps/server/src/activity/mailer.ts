import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import nodemailer, { type Transporter } from 'nodemailer';
import type { Logger } from 'pino';
import { CONFIG, LOGGER } from '../common/tokens.js';
import type { Config } from '../config/config.js';

export interface Mail {
  to: string;
  subject: string;
  text: string;
}

/**
 * Outgoing mail through SMTP_URL. Without it nothing is sent and nothing fails; a failing SMTP server is
 * logged, never surfaced to the request that caused the mail.
 */
@Injectable()
export class Mailer implements OnModuleDestroy {
  private readonly transport?: Transporter;

  constructor(
    @Inject(CONFIG) private readonly config: Config,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {
    if (config.smtpUrl) this.transport = nodemailer.createTransport(config.smtpUrl);
  }

  get enabled(): boolean {
    return this.transport !== undefined;
  }

  /** True when the SMTP server accepted the message. */
  async send(mail: Mail): Promise<boolean> {
    if (!this.transport) return false;
    try {
      await this.transport.sendMail({ from: this.config.mailFrom, ...mail });
      return true;
    } catch (err) {
      this.logger.warn({ err, to: mail.to, subject: mail.subject }, 'sending mail failed');
      return false;
    }
  }

  onModuleDestroy(): void {
    this.transport?.close();
  }
}
