import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '@synq/config';
import { SecretBox } from '@synq/crypto';

/** Seals and opens connection credentials (a JSON object) with the deployment's ENCRYPTION_KEY. */
@Injectable()
export class ConnectionVault {
  private readonly box: SecretBox;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    this.box = new SecretBox(config.encryptionKey);
  }

  seal(credentials: Record<string, string>): string {
    return this.box.seal(JSON.stringify(credentials));
  }

  open(sealed: string | null): Record<string, string> {
    if (!sealed) return {};
    const parsed: unknown = JSON.parse(this.box.open(sealed));
    return parsed && typeof parsed === 'object' ? (parsed as Record<string, string>) : {};
  }
}
