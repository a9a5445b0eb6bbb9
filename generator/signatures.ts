/*
 * Reads a directory of elastic-recheck signature files (`<bug>.yaml`) for the generator.
 * TODO(engineer A): replace with readSignatureDirectory() from server/lib/signatures/signature_files.ts
 * once it lands; this small reader only maps the YAML keys onto the Signature model.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as yaml from 'js-yaml';
import type { Signature } from '../common/signature/types';

export class SignatureDirectoryError extends Error {}

export interface SignatureLoad {
  signatures: Signature[];
  /** Files that could not be read as signatures, with the reason. */
  rejected: Array<{ file: string; reason: string }>;
}

export function loadSignatureDirectory(dir: string): SignatureLoad {
  if (!fs.existsSync(dir)) throw new SignatureDirectoryError(`signature directory not found: ${dir}`);
  if (!fs.statSync(dir).isDirectory()) throw new SignatureDirectoryError(`not a directory: ${dir}`);
  const files = fs.readdirSync(dir).filter((f) => f.endsWith('.yaml')).sort();
  if (files.length === 0) throw new SignatureDirectoryError(`no *.yaml signature files in ${dir}`);
  const signatures: Signature[] = [];
  const rejected: SignatureLoad['rejected'] = [];
  for (const file of files) {
    const id = file.slice(0, -'.yaml'.length);
    let doc: any;
    try {
      doc = yaml.load(fs.readFileSync(path.join(dir, file), 'utf8'));
    } catch (error: any) {
      rejected.push({ file, reason: `YAML: ${String(error?.message ?? error).split('\n')[0]}` });
      continue;
    }
    if (!doc || typeof doc !== 'object' || typeof doc.query !== 'string' || !doc.query.trim()) {
      rejected.push({ file, reason: 'no "query" string' });
      continue;
    }
    signatures.push({
      id,
      bug: { tracker: 'launchpad', id, url: `https://bugs.launchpad.net/bugs/${id}` },
      query: doc.query.trim(),
      allowNonvoting: doc['allow-nonvoting'] === true,
      suppressGraph: doc['suppress-graph'] === true,
      suppressNotification: doc['suppress-notification'] === true,
      testIds: Array.isArray(doc.test_ids) ? doc.test_ids.map(String) : undefined,
      mode: 'explains',
    });
  }
  return { signatures, rejected };
}
