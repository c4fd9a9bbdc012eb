/**
 * Analysis tools of MMAction2's tools/analysis: training logs (analyze_logs.py: plot_curve,
 * cal_train_time) and score fusion (report_accuracy.py).
 */
export { describeKeys, loadJsonLog, logKeys, parseJsonLog, parsePythonJson } from './json_log.ts';
export type { EpochLog, JsonLog, LogRecord } from './json_log.ts';
export { calTrainTime, formatTrainTime } from './train_time.ts';
export type { TrainTimeStats } from './train_time.ts';
export { buildCurveChart, defaultCurvePath, isIterBased, keyCurves, saveChart } from './plot_curve.ts';
export type { CurveOptions, KeyCurves } from './plot_curve.ts';
export { CHART_STYLES, TAB10, niceTicks, formatTick, renderChartSvg } from './svg_chart.ts';
export type { Chart, ChartPanel, ChartSeries, ChartStyle } from './svg_chart.ts';
export { loadScoreFile } from './score_files.ts';
export type { ScoreRow } from './score_files.ts';
export { readDatalistLabels, reportAccuracy } from './report_accuracy.ts';
export type { AccuracyReport, ReportAccuracyOptions } from './report_accuracy.ts';
