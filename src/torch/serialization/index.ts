/**
 * PyTorch-compatible serialization: torch.load / torch.save of .pth checkpoints (zip and legacy
 * formats), .npy and .safetensors. How Python values map to JS is described in pytypes.ts.
 */
export { load, loadSync, loadBuffer } from './load.ts';
export { save, saveSync, saveToBuffer, type SaveOptions } from './save.ts';
export {
  inspectCheckpoint, loadPickle, CheckpointError, type CheckpointFormat, type CheckpointInspection, type LoadOptions, type MapLocation,
} from './reader.ts';
export { TensorInfo, StorageRef } from './checkpoint.ts';
export { ndarrayToTensor, loadNpy, loadNpyBuffer, saveNpy, npyBuffer, parseNpy, encodeNpy, NpyError, type NpyData } from './npy.ts';
export {
  loadSafetensors, loadSafetensorsBuffer, saveSafetensors, safetensorsBuffer, SafetensorsError, type SafetensorsFile,
} from './safetensors.ts';
export { PickleError, pickle, unpickle } from './pickle.ts';
export { ZipError } from './zip.ts';
export {
  isOrderedDict, markOrderedDict, pyStateOf, orderedDict, pyFloat, pyTuple, PyFloat, PyTuple, PyObject, PyGlobal, NdArray, NpDType,
  type PyDict,
} from './pytypes.ts';
