/*
 * POST /api/elastic_recheck/import: elastic-recheck `<bug>.yaml` files and/or our bundles, with a
 * per-file report; a dry run unless `dryRun: false`.
 * POST /api/elastic_recheck/import/check: the same dry run with read privilege, so readers can check files.
 * GET /api/elastic_recheck/export?format=bundle|zip[&ids=a,b]: one bundle (YAML), or a zip of
 * `<bug>.yaml` files ready for a git repository of signatures.
 */
import {
  MAX_IMPORT_BYTES,
  SIGNATURES_EXPORT_PATH,
  SIGNATURES_IMPORT_CHECK_PATH,
  SIGNATURES_IMPORT_PATH,
  validateExportQuery,
  validateImportCheckRequest,
  validateImportRequest,
  noSignatureError,
} from '../../common/api/signatures';
import { formatSignatureBundle } from '../../common/signature/bundle';
import { formatSignatureYaml } from '../../common/signature/yaml_codec';
import { zipFiles } from '../../lib/zip';
import { hostRoute } from '../lib/host_adapter';
import { handler, READ_SECURITY, RouteDeps, validation, WRITE_SECURITY } from '../lib/route_handler';
import { plainSignature } from '../lib/signature_store';

export function registerImportExportRoutes({ router, host, config }: RouteDeps): void {
  router.post(
    hostRoute(host, {
      path: SIGNATURES_IMPORT_PATH,
      validate: { body: validation(validateImportRequest) },
      options: {
        access: 'public',
        summary: 'Import elastic-recheck YAML files or a bundle (dry run by default)',
        body: { maxBytes: MAX_IMPORT_BYTES },
      },
      security: WRITE_SECURITY,
    }),
    handler(async (ctx, request, response) => {
      const store = await ctx.checkedStore(config().logs.indexPattern);
      return response.ok({ body: await store.importFiles(request.body) });
    }),
  );

  router.post(
    hostRoute(host, {
      path: SIGNATURES_IMPORT_CHECK_PATH,
      validate: { body: validation(validateImportCheckRequest) },
      options: {
        access: 'public',
        summary: 'Check elastic-recheck YAML files or a bundle: what an import would do (always a dry run)',
        body: { maxBytes: MAX_IMPORT_BYTES },
      },
      security: READ_SECURITY,
    }),
    handler(async (ctx, request, response) => {
      const store = await ctx.checkedStore(config().logs.indexPattern);
      return response.ok({ body: await store.importFiles({ ...request.body, dryRun: true }) });
    }),
  );

  router.get(
    hostRoute(host, {
      path: SIGNATURES_EXPORT_PATH,
      validate: { query: validation(validateExportQuery) },
      options: { access: 'public', summary: 'Export signatures as a bundle or a zip of <bug>.yaml files' },
      security: READ_SECURITY,
    }),
    handler(async (ctx, request, response) => {
      const store = await ctx.store();
      let signatures = (await store.all()).map(plainSignature);
      const { format, ids } = request.query;
      if (ids) {
        const missing = ids.filter((id) => !signatures.some((s) => s.id === id));
        if (missing.length) return response.notFound({ body: noSignatureError(missing) });
        signatures = signatures.filter((s) => ids.includes(s.id));
      }
      const stamp = new Date().toISOString();
      if (format === 'zip') {
        const zip = zipFiles(signatures.map((s) => ({ name: `${s.id}.yaml`, content: formatSignatureYaml(s) })));
        return response.ok({
          body: zip,
          headers: {
            'content-type': 'application/zip',
            'content-disposition': 'attachment; filename="elastic-recheck-queries.zip"',
          },
        });
      }
      return response.ok({
        body: formatSignatureBundle(signatures, { format: 'yaml', exported: stamp }),
        headers: {
          'content-type': 'application/yaml; charset=utf-8',
          'content-disposition': 'attachment; filename="elastic-recheck-signatures.yaml"',
        },
      });
    }),
  );
}
