import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { NextFunction, Request, Response } from 'express';
import { randomUUID } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, rename, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { DataSource } from 'typeorm';
import { BadRequestError, NotFoundError, TenantContext } from '@synq/common';
import { APP_CONFIG, AppConfig } from '@synq/config';
import { randomToken, safeEqual, sha256Hex } from '@synq/crypto';
import { queryRows, Storefront, StorefrontFile } from '@synq/database';
import { checkFile } from './file-types';
import { FileRejectedError, FileTooLargeError } from './storefront.errors';

interface UploadedPart {
  originalname: string;
  buffer: Buffer;
  size: number;
}

interface MulterError extends Error {
  code: string;
  field?: string;
}

type MulterMiddleware = (req: Request, res: Response, next: (err?: unknown) => void) => void;
interface MulterInstance {
  single(field: string): MulterMiddleware;
}
// multer ships with @nestjs/platform-express; it has no bundled types
// eslint-disable-next-line @typescript-eslint/no-require-imports
const multer = require('multer') as ((opts: { storage: unknown; limits: Record<string, number> }) => MulterInstance) & { memoryStorage(): unknown };

/** Reads one multipart `file` field into memory, refusing anything over the store's size limit while it streams. */
export function readUpload(req: Request, res: Response, maxBytes: number): Promise<UploadedPart> {
  const mw = multer({ storage: multer.memoryStorage(), limits: { fileSize: maxBytes, files: 1, fields: 5, fieldSize: 1024, parts: 6 } }).single('file');
  return new Promise((resolve, reject) => {
    const next: NextFunction = (err?: unknown) => {
      if (err) {
        const e = err as MulterError;
        if (e.code === 'LIMIT_FILE_SIZE') return reject(new FileTooLargeError(maxBytes));
        if (e.code?.startsWith('LIMIT_')) return reject(new BadRequestError(`Upload refused: ${e.message}`, 'UPLOAD_INVALID'));
        return reject(new BadRequestError(`The upload is not a valid multipart form: ${e.message}`, 'UPLOAD_INVALID'));
      }
      const file = (req as Request & { file?: UploadedPart }).file;
      if (!file) return reject(new BadRequestError('Send the file as multipart/form-data in a field named "file"', 'UPLOAD_INVALID', [{ field: 'file', message: 'file is required' }]));
      resolve(file);
    };
    if (!(req.headers['content-type'] ?? '').toLowerCase().startsWith('multipart/form-data')) {
      return next(Object.assign(new Error('Content-Type must be multipart/form-data'), { code: 'NOT_MULTIPART' }));
    }
    mw(req, res, next);
  });
}

/**
 * Shopper uploads for quotes: checked by content and name against the store's allowed types and size
 * limit, stored under STORAGE_DIR/storefront/<tenant>/, served only with the uploader's file token or
 * to the merchant (Platform API).
 */
@Injectable()
export class UploadsService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async upload(sf: Storefront, req: Request, res: Response): Promise<{ file_id: string; url: string; file_name: string; size_bytes: number; content_type: string }> {
    const part = await readUpload(req, res, sf.maxFileBytes);
    const name = (part.originalname || 'file').replace(/[\\/\x00-\x1f]/g, '_').slice(-255);
    const check = checkFile(name, part.buffer, sf.allowedFileTypes);
    if (!check.ok) throw new FileRejectedError(check.reason);
    const id = randomUUID();
    const token = randomToken(24);
    const rel = join('storefront', sf.tenantId, id);
    const abs = join(this.config.storageDir, rel);
    await mkdir(join(this.config.storageDir, 'storefront', sf.tenantId), { recursive: true });
    await writeFile(`${abs}.part`, part.buffer);
    await rename(`${abs}.part`, abs);
    await this.db.query(
      `INSERT INTO storefront_files (id, tenant_id, file_name, kind, content_type, size_bytes, sha256, storage_path, access_token_hash)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
      [id, sf.tenantId, name, check.kind.kind, check.kind.contentType, part.size, sha256Hex(part.buffer), rel, sha256Hex(token)],
    );
    await this.purgeAbandoned(sf.tenantId);
    return {
      file_id: id,
      url: `${this.config.publicBaseUrl.replace(/\/+$/, '')}/api/storefront/files/${id}?token=${token}`,
      file_name: name,
      size_bytes: part.size,
      content_type: check.kind.contentType,
    };
  }

  /**
   * Files uploaded but never attached to a quote within a day are abandoned: each upload removes a
   * bounded batch of the store's (rows and files), so storage does not grow without a quote.
   */
  private async purgeAbandoned(tenantId: string): Promise<void> {
    const gone = await queryRows<{ storage_path: string }>(
      this.db,
      `DELETE FROM storefront_files WHERE id IN (
         SELECT id FROM storefront_files WHERE tenant_id = $1 AND quote_id IS NULL AND created_at < now() - interval '1 day' LIMIT 50)
       RETURNING storage_path`,
      [tenantId],
    );
    await Promise.all(gone.map((g) => unlink(join(this.config.storageDir, g.storage_path)).catch(() => undefined)));
  }

  /** The uploader's download (file token) */
  async forToken(id: string, token: string): Promise<StorefrontFile> {
    const f = /^[0-9a-f-]{36}$/i.test(id) ? await this.db.getRepository(StorefrontFile).findOneBy({ id }) : null;
    if (!f || !safeEqual(f.accessTokenHash, sha256Hex(token))) throw new NotFoundError('File', id);
    return f;
  }

  /** The merchant's download: a file attached to one of the tenant's quotes. */
  async forMerchant(ctx: TenantContext, quoteId: string, id: string): Promise<StorefrontFile> {
    const f = await this.db.getRepository(StorefrontFile).findOneBy({ tenantId: ctx.tenantId, quoteId, id });
    if (!f) throw new NotFoundError('File', id);
    return f;
  }

  async send(f: StorefrontFile, res: Response): Promise<void> {
    res.setHeader('Content-Type', f.contentType);
    res.setHeader('Content-Length', String(f.sizeBytes));
    res.setHeader('Content-Disposition', `attachment; filename="${f.fileName.replace(/[^A-Za-z0-9._ -]/g, '_')}"`);
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Content-Security-Policy', "default-src 'none'; sandbox");
    res.setHeader('Cache-Control', 'private, no-store');
    await pipeline(createReadStream(join(this.config.storageDir, f.storagePath)), res).catch(() => undefined);
  }
}
