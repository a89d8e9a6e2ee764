import { Inject, Injectable } from '@nestjs/common';
import { TtlCache } from '@synq/common';
import { APP_CONFIG, AppConfig } from '@synq/config';
import { SecretBox } from '@synq/crypto';

/** Opened blobs kept per process: how many, and how long (plaintext credentials do not linger). */
const OPENED_MAX = 500;
const OPENED_TTL_MS = 10 * 60_000;

/** Seals and opens connection credentials (a JSON object) with the deployment's ENCRYPTION_KEY. */
@Injectable()
export class ConnectionVault {
  private readonly box: SecretBox;
  private readonly opened = new TtlCache<Readonly<Record<string, string>>>(OPENED_TTL_MS, OPENED_MAX);

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    this.box = new SecretBox(config.encryptionKey);
  }

  seal(credentials: Record<string, string>): string {
    return this.box.seal(JSON.stringify(credentials));
  }

  /**
   * The credentials of a sealed blob. A sync opens the same connection's blob for every product it
   * pushes, so the last few hundred blobs opened are kept (frozen) in this process for a few
   * minutes: a blob is immutable (new credentials are a new blob), so nothing here can go stale.
   */
  open(sealed: string | null): Readonly<Record<string, string>> {
    if (!sealed) return {};
    const known = this.opened.get(sealed);
    if (known) return known;
    const parsed: unknown = JSON.parse(this.box.open(sealed));
    const creds = Object.freeze(parsed && typeof parsed === 'object' ? { ...(parsed as Record<string, string>) } : {});
    this.opened.set(sealed, creds);
    return creds;
  }
}
