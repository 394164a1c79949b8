import { z } from 'zod';

/** Cursor pagination of every list: pass `nextCursor` back as `cursor` to get the next page. */
export const GatewayPageQuery = z
  .object({
    cursor: z.string().min(1).max(500).optional(),
    limit: z.coerce.number().int().min(1).max(500).default(50),
  })
  .strict();
export type GatewayPageQuery = z.infer<typeof GatewayPageQuery>;

export const GatewayPage = <T extends z.ZodType>(item: T) =>
  z.object({ items: z.array(item), nextCursor: z.string().nullable() });
export type GatewayPage<T> = { items: T[]; nextCursor: string | null };
