import { Injectable, Logger } from '@nestjs/common';
import type { Request } from 'express';
import {
  AtsError,
  IMPORT_CHUNK_MAX_BYTES,
  IMPORT_CHUNK_TIMEOUT_MS,
  campaignRpcs,
  type ImportFormat,
  type ImportStatus,
  type StartImportRequest,
  type UploadImportQuery,
} from '@autotelesale/contracts';
import { NatsBus } from '@autotelesale/messaging';
import { BoundaryValidationError } from '../http/ats-exception.filter';

const FORMAT_OF_CONTENT_TYPE: Record<string, ImportFormat> = {
  'text/csv': 'csv',
  'application/csv': 'csv',
  'application/json': 'json',
  'application/x-ndjson': 'ndjson',
  'application/ndjson': 'ndjson',
};

/** A chunk lost to a timeout may still have been applied: the service answers a resend of it as a no-op. */
const CHUNK_ATTEMPTS = 3;

/**
 * Streams an uploaded contact file to campaign-service in ordered chunks under NATS's
 * 1 MB payload limit, as its contract asks: each chunk is committed before the next is
 * read from the socket, so memory stays at one chunk whatever the file's size and a slow
 * import slows the upload down (back-pressure) instead of buffering it.
 */
@Injectable()
export class ContactImportUploader {
  private readonly logger = new Logger('ContactImportUploader');

  constructor(private readonly bus: NatsBus) {}

  async upload(
    listId: string,
    query: UploadImportQuery,
    request: Request,
    idempotencyKey: string | undefined,
  ): Promise<ImportStatus> {
    const contentType = (request.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
    const format = query.format ?? FORMAT_OF_CONTENT_TYPE[contentType];
    if (!format) {
      throw new BoundaryValidationError(
        'say how to read the file: ?format=csv|json|ndjson, or Content-Type text/csv, application/json or application/x-ndjson',
      );
    }
    const source = this.source(request, contentType);
    const start: StartImportRequest = {
      listId,
      format,
      delimiter: query.delimiter,
      columns: query.columns,
      columnMap: this.columnMap(query),
      defaultRegion: query.defaultRegion,
      totalBytes: source.totalBytes,
      fileName: query.fileName,
      idempotencyKey,
    };
    return this.importStream(start, source.chunks, () => request.resume());
  }

  /**
   * Starts an import and feeds it the bytes of `chunks`, re-cut to the contract's chunk
   * size, one committed chunk at a time. Answers the final status (the exact report).
   * Shared by the REST upload and the gRPC client stream.
   */
  async importStream(
    start: StartImportRequest,
    chunks: AsyncIterable<Buffer> | Iterable<Buffer>,
    skipSource: () => void = () => undefined,
  ): Promise<ImportStatus> {
    const status = await this.bus.request(campaignRpcs.startImport, start);
    if (status.state !== 'receiving' || status.nextSeq > 0) {
      // The same idempotency key again: the import exists already; its file is not read twice.
      skipSource();
      return status;
    }
    return this.feed(status, chunks);
  }

  /**
   * The file of an import started earlier (`POST /lists/{id}/imports/start`): its progress
   * can be watched from the first byte. An import that already has content is a CONFLICT.
   */
  async uploadTo(importId: string, request: Request): Promise<ImportStatus> {
    const status = await this.bus.request(campaignRpcs.importStatus, { importId });
    if (status.state !== 'receiving' || status.nextSeq > 0) {
      request.resume();
      throw new AtsError('CONFLICT', 'this import already has its file', { state: status.state });
    }
    const contentType = (request.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
    return this.feed(status, this.source(request, contentType).chunks);
  }

  private async feed(
    started: ImportStatus,
    chunks: AsyncIterable<Buffer> | Iterable<Buffer>,
  ): Promise<ImportStatus> {
    let status = started;
    try {
      let seq = 0;
      let pending: Buffer[] = [];
      let pendingBytes = 0;
      for await (const piece of chunks) {
        pending.push(piece);
        pendingBytes += piece.length;
        while (pendingBytes >= IMPORT_CHUNK_MAX_BYTES) {
          const all = Buffer.concat(pending);
          status = await this.sendChunk(
            status.importId,
            seq++,
            all.subarray(0, IMPORT_CHUNK_MAX_BYTES),
            false,
          );
          const rest = all.subarray(IMPORT_CHUNK_MAX_BYTES);
          pending = rest.length ? [rest] : [];
          pendingBytes = rest.length;
        }
      }
      return await this.sendChunk(status.importId, seq, Buffer.concat(pending), true);
    } catch (error) {
      // A broken upload is aborted, so its report stays exact instead of waiting forever.
      const reason = error instanceof Error ? error.message : String(error);
      await this.bus
        .request(campaignRpcs.abortImport, {
          importId: status.importId,
          reason: `upload failed: ${reason}`.slice(0, 500),
        })
        .catch((abortError: unknown) =>
          this.logger.warn({ importId: status.importId, err: String(abortError) }),
        );
      throw error instanceof AtsError
        ? error
        : new AtsError('VALIDATION_FAILED', `upload interrupted: ${reason}`);
    }
  }

  private source(
    request: Request,
    contentType: string,
  ): { chunks: AsyncIterable<Buffer> | Iterable<Buffer>; totalBytes?: number } {
    // Express's body parser has already read a JSON (or form) body: send it back as bytes.
    if (request.readableEnded && request.body !== undefined) {
      if (contentType !== 'application/json') {
        throw new BoundaryValidationError(`a contact file cannot be sent as ${contentType}`);
      }
      const bytes = Buffer.from(JSON.stringify(request.body));
      return { chunks: [bytes], totalBytes: bytes.length };
    }
    const length = Number(request.headers['content-length']);
    return {
      chunks: request as AsyncIterable<Buffer>,
      totalBytes: Number.isSafeInteger(length) && length >= 0 ? length : undefined,
    };
  }

  private columnMap(query: UploadImportQuery): StartImportRequest['columnMap'] {
    const map = {
      phone: query.phoneColumn,
      name: query.nameColumn,
      priority: query.priorityColumn,
      timeZone: query.timeZoneColumn,
      ownerAgentId: query.ownerColumn,
    };
    const given = Object.entries(map).filter(([, v]) => v !== undefined);
    return given.length ? Object.fromEntries(given) : undefined;
  }

  private async sendChunk(
    importId: string,
    seq: number,
    bytes: Buffer,
    last: boolean,
  ): Promise<ImportStatus> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.bus.request(
          campaignRpcs.importChunk,
          { importId, seq, data: bytes.toString('base64'), encoding: 'base64', last },
          { timeoutMs: IMPORT_CHUNK_TIMEOUT_MS },
        );
      } catch (error) {
        const retriable =
          error instanceof AtsError && (error.code === 'TIMEOUT' || error.code === 'UNAVAILABLE');
        if (!retriable || attempt >= CHUNK_ATTEMPTS) throw error;
      }
    }
  }
}
