/*
 * CI log data generator (library). Typical use:
 *
 *   const generator = new DataGenerator({ signatures, builds: 300, seed: 1, now });
 *   const { truth } = await indexGeneratedData(engine, generator, { prefix: 'my-test-logs-' });
 *
 * `truth.builds[i].expectedSignatures` lists the signatures the engine must find for each build.
 */
export { DataGenerator, STATUS_RATES, CAUSE_RATES, FALSE_POSITIVE_RATE } from './generate';
export { bareTestName } from './generate';
export type {
  GeneratorOptions,
  BuildTruth,
  CauseTruth,
  CauseKind,
  BuildStatusName,
  GeneratedBuild,
  GeneratedFile,
  GeneratedLine,
  GeneratedTest,
  SkippedSignature,
} from './generate';
export { indexGeneratedData, deleteGeneratedData } from './index_data';
export type { GroundTruth, IndexOptions, IndexProgress, IndexResult } from './index_data';
export {
  LOG_KEYWORD_FIELDS,
  LOG_LONG_FIELDS,
  LOG_TEXT_FIELDS,
  ALL_LOG_FIELDS,
  logFieldType,
  logMappings,
  logIndexTemplate,
  logIndexName,
  logTemplateName,
  putLogIndexTemplate,
  SUBUNIT_INDEX_PREFIX,
  SUBUNIT_KEYWORD_FIELDS,
  subunitMappings,
  subunitIndexTemplate,
  putSubunitIndexTemplate,
  defaultSubunitPrefix,
} from './mapping';
export { loadSignatureDirectory, SignatureDirectoryError } from './signatures';
export { parseQuery, evaluate, EvalDoc } from './lucene_eval';
export { analyze } from './analyzer';
export { verifyGroundTruth } from './verify';
export type { VerifyResult, VerifyMismatch } from './verify';
