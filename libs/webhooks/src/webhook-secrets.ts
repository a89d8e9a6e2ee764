import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '@synq/config';
import { SecretBox } from '@synq/crypto';
import { generateWebhookSecret } from '@synq/events';

/** Endpoint signing secrets: generated here, sealed at rest with ENCRYPTION_KEY, opened only to sign. */
@Injectable()
export class WebhookSecrets {
  private readonly box: SecretBox;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    this.box = new SecretBox(config.encryptionKey);
  }

  /** A fresh `whsec_…` secret and its sealed form. */
  generate(): { secret: string; sealed: string } {
    const secret = generateWebhookSecret();
    return { secret, sealed: this.box.seal(secret) };
  }

  open(sealed: string): string {
    return this.box.open(sealed);
  }
}
