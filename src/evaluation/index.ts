/**
 * Evaluation: MMAction2 0.24's metrics (mmaction/core/evaluation) on plain arrays, with the same
 * numbers, plus the dataset-level `evaluate()` logic built on them.
 */
export {
  confusionLabelSet, confusionMatrix, getWeightedScore, meanClassAccuracy, softmax, splitRows, topKAccuracy, topKClasses,
} from './accuracy.ts';
export type { ConfusionNormalize, ScoreRows, TopKClassesOptions } from './accuracy.ts';
export {
  averagePrecision, binaryPrecisionRecallCurve, labelToArray, meanAveragePrecision, mmitMeanAveragePrecision,
  perClassAveragePrecision, perSampleAveragePrecision,
} from './average_precision.ts';
export type { PrecisionRecallCurve } from './average_precision.ts';
export {
  DEFAULT_TEMPORAL_IOU_THRESHOLDS, averagePrecisionAtTemporalIou, averageRecallAtAvgProposals, evalAp,
  interpolatedPrecisionRecall, pairwiseTemporalIou, temporalIouOfSegment, trapz,
} from './temporal.ts';
export type { AverageRecallOptions, AverageRecallResult, PairwiseTemporalIouOptions, Segment, TemporalIou, TemporalPrediction } from './temporal.ts';
export { arange, argmax, argsort, argsortStable, formatFixed, linspace, mean, sum } from './numpy_compat.ts';
export {
  RECOGNITION_METRICS, evaluateHvu, evaluateProposals, evaluateRecognition, evaluateTemporalDetection,
} from './evaluate.ts';
export type {
  EvalLogger, EvaluateRecognitionExtra, HvuTagLayout, ProposalMetricOptions, RecognitionInputs, RecognitionMetric,
  RecognitionMetricName, RecognitionMetricOptions, RecognitionMetricOutput,
} from './evaluate.ts';
export { ActivityNetLocalization, computeAveragePrecisionDetection } from './activitynet_localization.ts';
export type {
  ActivityNetGroundTruthJson, ActivityNetLocalizationOptions, ActivityNetPredictionJson, DetectionGroundTruth,
  DetectionPrediction,
} from './activitynet_localization.ts';
