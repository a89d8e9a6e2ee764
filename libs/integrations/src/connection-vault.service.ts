import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '@synq/config';
import { SecretBox } from '@synq/crypto';

const OPENED_MAX = 500;

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

  /**
   * The credentials of a sealed blob. A sync opens the same connection's blob for every product it
   * pushes, so the last few hundred blobs opened are kept (frozen) in this process: a blob is
   * immutable (new credentials are a new blob), so nothing here can go stale.
   */
  open(sealed: string | null): Readonly<Record<string, string>> {
    if (!sealed) return {};
    const known = this.opened.get(sealed);
    if (known) return known;
    const parsed: unknown = JSON.parse(this.box.open(sealed));
    const creds = Object.freeze(parsed && typeof parsed === 'object' ? { ...(parsed as Record<string, string>) } : {});
    if (this.opened.size >= OPENED_MAX) this.opened.delete(this.opened.keys().next().value as string);
    this.opened.set(sealed, creds);
    return creds;
  }

  private readonly opened = new Map<string, Readonly<Record<string, string>>>();
}
