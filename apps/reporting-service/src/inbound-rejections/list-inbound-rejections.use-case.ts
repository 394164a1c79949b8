import { Injectable } from '@nestjs/common';
import type { ListInboundRejectionsReply, ListInboundRejectionsRequest } from '@autotelesale/contracts';
import { encodeTimeKeyset } from '@autotelesale/reporting-domain';
import { ReportingDatabase } from '../db/reporting-database';
import {
  decodeRejectionCursor,
  inboundRejectionOf,
  inboundRejectionPageQuery,
  keysetOf,
  type InboundRejectionRow,
} from './inbound-rejection-query';

/** A page of refused inbound calls, newest first unless asked otherwise; keyset cursors. */
@Injectable()
export class ListInboundRejectionsUseCase {
  constructor(private readonly db: ReportingDatabase) {}

  async execute(request: ListInboundRejectionsRequest): Promise<ListInboundRejectionsReply> {
    const query = { report: 'inboundRejections', filter: request.filter, order: request.order };
    const after = request.cursor ? decodeRejectionCursor(request.cursor, query) : null;
    const { text, values } = inboundRejectionPageQuery(
      request.filter,
      request.order,
      after,
      request.limit + 1,
    );
    const { rows } = await this.db.query<InboundRejectionRow>(text, values);
    const page = rows.slice(0, request.limit);
    const last = page[page.length - 1];
    return {
      items: page.map(inboundRejectionOf),
      nextCursor: rows.length > request.limit && last ? encodeTimeKeyset(keysetOf(last), query) : null,
    };
  }
}
