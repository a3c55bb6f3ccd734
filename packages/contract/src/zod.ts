import { extendZodWithOpenApi } from '@asteasolutions/zod-to-openapi';
import { z } from 'zod';

extendZodWithOpenApi(z);

export { z };

/** Trimmed, length-capped display text. */
export const text = (max: number, min = 1) => z.string().trim().min(min).max(max);
export const uuid = () => z.uuid();
export const isoDate = () => z.iso.datetime({ offset: true });
