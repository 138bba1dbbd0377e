// The matcher's public surface, for `accord match`, HTTP uploads and the sensor exports.
export { compileIndicators, compileIndicatorsSync, CompiledIndicators, IndicatorCompiler, indicatorInputFromStix, type CompiledTables, type CompileOptions, type CompileStats, type GeneralSpec, type HitIndicator, type IndicatorInput } from './compile.js';
export { matchStream, type Hit, type MatchOptions, type MatchRun, type MatchStats } from './matcher.js';
export { MatcherPool, matchStreamParallel, shareTables, type ParallelOptions, type PoolOptions } from './parallel.js';
export { detectFormat, LOG_FORMATS, readRecords, type LogFormat, type LogRecord, type ReaderOptions, type RecordStream } from './readers.js';
export { exportSensorFiles, iprepCategories, iprepScore, SENSOR_FORMATS, suricataDatasetRules, type ExportWriter, type SensorExportOptions, type SensorExportSummary, type SensorFormat } from './export.js';
export { MATCH_ERROR_CODES, MatchError, type MatchErrorCode } from './errors.js';
export type { HitKind } from './engine.js';
export type { SkipCounts } from './lines.js';
