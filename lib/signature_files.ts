/*
 * Reading and writing directories of `<bug>.yaml` signature files (an elastic-recheck `queries/` directory or a
 * team's signature repository). Only `*.yaml` files are read, in name order; a bad file is reported and skipped.
 */
import * as fs from 'fs';
import * as path from 'path';
import { SIGNATURE_ID_RE } from '../common/signature/types';
import type { Signature } from '../common/signature/types';
import { formatSignatureYaml, parseSignatureYaml, SignatureProblem } from '../common/signature/yaml_codec';

export interface SignatureFileError {
  file: string;
  line?: number;
  column?: number;
  key?: string;
  message: string;
}

export interface SignatureDirectory {
  signatures: Signature[];
  errors: SignatureFileError[];
  warnings: SignatureFileError[];
  /** File name per signature id. */
  files: Record<string, string>;
}

const toFileError =
  (file: string) =>
  (p: SignatureProblem): SignatureFileError => {
    const e: SignatureFileError = { file, message: p.message };
    if (p.line !== undefined) e.line = p.line;
    if (p.column !== undefined) e.column = p.column;
    if (p.key !== undefined) e.key = p.key;
    return e;
  };

export function readSignatureDirectory(dir: string): SignatureDirectory {
  const out: SignatureDirectory = { signatures: [], errors: [], warnings: [], files: {} };
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch (e) {
    out.errors.push({ file: dir, message: `cannot read the directory: ${(e as Error).message}` });
    return out;
  }
  for (const name of names.filter((n) => n.endsWith('.yaml')).sort()) {
    const file = path.join(dir, name);
    let text: string;
    try {
      if (!fs.statSync(file).isFile()) continue;
      text = fs.readFileSync(file, 'utf8');
    } catch (e) {
      out.errors.push({ file: name, message: `cannot read the file: ${(e as Error).message}` });
      continue;
    }
    const r = parseSignatureYaml(text, name);
    out.warnings.push(...r.warnings.map(toFileError(name)));
    if (!r.ok) {
      out.errors.push(...r.errors.map(toFileError(name)));
      continue;
    }
    out.signatures.push(r.signature);
    out.files[r.signature.id] = name;
  }
  return out;
}

/** The file name a signature is written to. */
export function signatureFileName(sig: Signature): string {
  return `${sig.id}.yaml`;
}

/** Write signatures as `<id>.yaml` files into `dir` (created if needed). Returns the paths written. */
export function writeSignatureDirectory(
  dir: string,
  signatures: Signature[],
  opts: { overwrite?: boolean } = {},
): string[] {
  const bad = signatures.find((s) => !SIGNATURE_ID_RE.test(s.id));
  if (bad) throw new Error(`signature id ${JSON.stringify(bad.id)} cannot be a file name`);
  fs.mkdirSync(dir, { recursive: true });
  const targets = signatures.map((s) => path.join(dir, signatureFileName(s)));
  if (!opts.overwrite) {
    const existing = targets.filter((t) => fs.existsSync(t));
    if (existing.length)
      throw new Error(
        `would overwrite ${existing.length} file(s), e.g. ${path.basename(existing[0])} (use --overwrite)`,
      );
  }
  signatures.forEach((s, i) => fs.writeFileSync(targets[i], formatSignatureYaml(s)));
  return targets;
}
