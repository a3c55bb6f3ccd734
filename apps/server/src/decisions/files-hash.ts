import { createHash } from 'node:crypto';

/**
 * The content hash an approval records: SHA-256 (lowercase hex) over the revision's file digests —
 * each file's SHA-256 as lowercase hex, sorted (byte order), each followed by "\n". The same as
 * `sha256sum FILES | cut -d' ' -f1 | LC_ALL=C sort | sha256sum` over the downloaded files. The set of
 * files, not their names or order, is what was approved.
 */
export function revisionFilesHash(fileSha256s: readonly string[]): string {
  const lines = fileSha256s
    .map((h) => h.toLowerCase())
    .sort()
    .map((h) => `${h}\n`)
    .join('');
  return createHash('sha256').update(lines, 'ascii').digest('hex');
}
