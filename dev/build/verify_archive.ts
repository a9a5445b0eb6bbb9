/*
 * Applies the install CLI's checks to an archive, loudly (host-contracts §1.3):
 *  - Kibana src/cli_plugin/install/{zip.ts,pack.js,kibana.js,utils/version.js}: the manifest found by
 *    /(kibana[\\/][^\\/]+)[\\/]kibana.json/, a camelCase id, strict x.y.z equality with the host version,
 *    and (server-start rules) known manifest keys and owner.name;
 *  - OSD src/cli_plugin/install/{zip.js,pack.js,opensearch_dashboards.js}: the same with
 *    /(opensearch-dashboards[\\/][^\\/]+)[\\/]opensearch_dashboards.json/, /^[a-z]{1}([a-zA-Z0-9]{1,})$/,
 *    strict version by default (`--single-version=strict`) or major-only.
 * Plus what a loadable plugin needs: server/index.js and target/public/<id>.plugin.js when declared,
 * forward-slash entry names, nothing outside the plugin folder.
 */
import * as yauzl from 'yauzl';
import { HOST_LAYOUT, HostKind } from './targets';
import { ManifestError, parseManifest } from '../host/manifest';

export class ArchiveError extends Error {
  constructor(readonly archive: string, readonly problems: string[]) {
    super(`${archive} is not installable:\n  - ${problems.join('\n  - ')}`);
    this.name = 'ArchiveError';
  }
}

export interface ArchiveEntry {
  name: string;
  data?: Buffer;
}

/** Reads entry names, and the content of the files `wanted` selects. */
export function readZip(file: string, wanted: (name: string) => boolean = () => false): Promise<ArchiveEntry[]> {
  return new Promise((resolve, reject) => {
    yauzl.open(file, { lazyEntries: true, decodeStrings: true, validateEntrySizes: true }, (err, zip) => {
      if (err || !zip) return reject(err ?? new Error('cannot open zip'));
      const entries: ArchiveEntry[] = [];
      zip.on('error', reject);
      zip.on('end', () => resolve(entries));
      zip.on('entry', (entry: yauzl.Entry) => {
        if (!wanted(entry.fileName)) {
          entries.push({ name: entry.fileName });
          zip.readEntry();
          return;
        }
        zip.openReadStream(entry, (e, stream) => {
          if (e || !stream) return reject(e);
          const chunks: Buffer[] = [];
          stream.on('data', (c: Buffer) => chunks.push(c));
          stream.on('end', () => {
            entries.push({ name: entry.fileName, data: Buffer.concat(chunks) });
            zip.readEntry();
          });
          stream.on('error', reject);
        });
      });
      zip.readEntry();
    });
  });
}

export interface VerifyOptions {
  host: HostKind;
  /** The host version the archive must install on. */
  hostVersion: string;
  /** OSD only: 'strict' (default, exact x.y.z) or 'major'. */
  osdVersionMode?: 'strict' | 'major';
}

export interface VerifiedArchive {
  id: string;
  pluginFolder: string;
  version: string;
  hostVersion: string;
  entries: number;
}

function cleanVersion(version: string): string {
  const m = /\d+\.\d+\.\d+/.exec(version);
  return m ? m[0] : version;
}

export async function verifyArchive(file: string, options: VerifyOptions): Promise<VerifiedArchive> {
  const layout = HOST_LAYOUT[options.host];
  const problems: string[] = [];
  const manifestRe = options.host === 'kibana' ? /(kibana[\\/][^\\/]+)[\\/]kibana\.json$/i : /(opensearch-dashboards[\\/][^\\/]+)[\\/]opensearch_dashboards\.json$/i;
  let entries: ArchiveEntry[];
  try {
    entries = await readZip(file, (name) => manifestRe.test(name));
  } catch (error: any) {
    throw new ArchiveError(file, [`cannot read the zip: ${error?.message ?? error}`]);
  }
  const manifests = entries.filter((e) => manifestRe.test(e.name));
  if (manifests.length === 0) {
    throw new ArchiveError(file, [`No ${options.host === 'kibana' ? 'kibana' : 'opensearch-dashboards'} plugins found in archive (no entry matches ${manifestRe})`]);
  }
  if (manifests.length > 1) problems.push(`more than one plugin manifest: ${manifests.map((m) => m.name).join(', ')} (the install CLI installs only the first)`);
  const manifestEntry = manifests[0];
  const pluginFolder = manifestRe.exec(manifestEntry.name)![1].replace(/\\/g, '/');

  for (const e of entries) {
    if (e.name.includes('\\')) problems.push(`entry "${e.name}" uses backslashes; zip entries must use "/"`);
    if (e.name.startsWith('/') || e.name.split('/').includes('..')) problems.push(`entry "${e.name}" escapes the extraction folder`);
    else if (!e.name.startsWith(`${pluginFolder}/`) && e.name !== `${pluginFolder}/` && e.name !== `${layout.rootFolder}/`) {
      problems.push(`entry "${e.name}" lies outside the plugin folder ${pluginFolder}/ and would be dropped at install`);
    }
  }

  let raw: any;
  try {
    raw = JSON.parse(manifestEntry.data!.toString('utf8'));
  } catch (error: any) {
    throw new ArchiveError(file, [...problems, `${manifestEntry.name}: invalid JSON: ${error.message}`]);
  }
  // Install CLI: id
  const idOk = options.host === 'kibana' ? typeof raw.id === 'string' && /^[a-z][a-zA-Z0-9]*$/.test(raw.id) && !/[A-Z]{2}/.test(raw.id) : typeof raw.id === 'string' && /^[a-z]{1}([a-zA-Z0-9]{1,})$/.test(raw.id);
  if (!idOk) problems.push(`Invalid plugin name [${raw.id}] in ${layout.manifestFile}, expected it to be valid camelCase`);
  // Install CLI: version
  const versionKey = layout.versionKey;
  const declared: unknown = raw[versionKey] ?? raw.version;
  if (typeof declared !== 'string' || !declared) {
    problems.push(`Plugin ${layout.manifestFile} is missing both a version property (required) and a ${versionKey} property (optional).`);
  } else {
    const actual = cleanVersion(declared);
    const expected = cleanVersion(options.hostVersion);
    const ok =
      options.host === 'osd' && options.osdVersionMode === 'major' ? actual.split('.')[0] === expected.split('.')[0] : actual === expected;
    if (!ok) problems.push(`Plugin ${raw.id} [${actual}] is incompatible with ${options.host === 'kibana' ? 'Kibana' : 'OpenSearch Dashboards'} [${expected}]`);
    if (raw[versionKey] === undefined) problems.push(`"${versionKey}" is missing: the plugin's own version "${raw.version}" would be compared with the host's`);
  }
  // Server-start rules: known keys, owner, server/ui.
  try {
    // With OSD's major-only install policy the host that accepts it also only warns at start (OSD PR #11179).
    const startVersion = options.host === 'osd' && options.osdVersionMode === 'major' && typeof declared === 'string' ? declared : options.hostVersion;
    parseManifest(JSON.stringify(raw), manifestEntry.name, options.host, startVersion);
  } catch (error) {
    if (error instanceof ManifestError) problems.push(error.message);
    else throw error;
  }
  // Loadable: the folder name is where the plugin lands (plugins/<id>); files the host loads.
  const names = new Set(entries.map((e) => e.name));
  if (raw.server === true && !names.has(`${pluginFolder}/server/index.js`)) problems.push(`server: true but ${pluginFolder}/server/index.js is missing`);
  if (raw.ui === true && !names.has(`${pluginFolder}/target/public/${raw.id}.plugin.js`)) problems.push(`ui: true but ${pluginFolder}/target/public/${raw.id}.plugin.js is missing`);
  if (!names.has(`${pluginFolder}/package.json`)) problems.push(`${pluginFolder}/package.json is missing (plugin-helpers always ship one)`);
  if (problems.length) throw new ArchiveError(file, problems);
  return { id: raw.id, pluginFolder, version: raw.version, hostVersion: String(declared), entries: entries.length };
}
