/**
 * Audio features as MMAction2 0.24 computes them (librosa 0.9 and lws 1.2 semantics, on
 * libtorch's FFT): mel filters, STFT framings, mel spectrograms, and the log-mel `.npy` features
 * of tools/data/build_audio_features.py.
 */
export { hzToMel, melToHz, melFrequencies, fftFrequencies, melFilters, type MelFilterOptions } from './mel.ts';
export { lwsWindow, periodicHann, lwsFrames, lwsFrameCount, centeredFrames, rfftFrames, type Frames } from './stft.ts';
export {
  melSpectrogram, lwsLogMelFeature, audioNormalize, normalizeWaveform, AUDIO_FEATURE_DEFAULTS,
  type Spectrogram, type MelSpectrogramOptions, type AudioFeatureOptions,
} from './spectrogram.ts';
export { loadAudio, toMono, type LoadedAudio } from './load.ts';
