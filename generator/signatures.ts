/*
 * The generator's signature input: a directory of elastic-recheck `<bug>.yaml` files, read with
 * the project's own reader (server/lib/signatures/signature_files.ts). Files that do not load are
 * reported and skipped; a missing or empty directory is an error.
 */
import * as fs from 'fs';
import type { Signature } from '../common/signature/types';
import { readSignatureDirectory } from '../lib/signature_files';

export class SignatureDirectoryError extends Error {}

export interface SignatureLoad {
  signatures: Signature[];
  /** Files that could not be read as signatures, with the reason. */
  rejected: Array<{ file: string; reason: string }>;
}

export function loadSignatureDirectory(dir: string): SignatureLoad {
  if (!fs.existsSync(dir)) throw new SignatureDirectoryError(`signature directory not found: ${dir}`);
  if (!fs.statSync(dir).isDirectory()) throw new SignatureDirectoryError(`not a directory: ${dir}`);
  const read = readSignatureDirectory(dir);
  const rejected = read.errors.map((e) => ({
    file: e.file,
    reason: `${e.line !== undefined ? `line ${e.line}: ` : ''}${e.key ? `${e.key}: ` : ''}${e.message}`,
  }));
  if (read.signatures.length === 0)
    throw new SignatureDirectoryError(
      `no usable *.yaml signature files in ${dir}${rejected.length ? ` (${rejected.length} rejected; first: ${rejected[0].file}: ${rejected[0].reason})` : ''}`,
    );
  return { signatures: read.signatures, rejected };
}
