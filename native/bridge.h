// Seams between the addon's translation units, kept free of libtorch/FFmpeg headers so that
// each .cc file only pays for the headers it really uses (a file including torch.h takes ~30 s).
#pragma once
#include <napi.h>
#include <cstdint>
#include <vector>

namespace mmts {

enum class ElemType { kUInt8, kInt16, kInt32, kInt64, kFloat32, kFloat64 };

// An owned, contiguous CPU tensor that is not yet visible to JS. allocTensor may be called on any
// thread (e.g. inside an AsyncWorker's Execute, to decode straight into tensor memory);
// wrapTensor must run on the JS thread and takes ownership (it returns the handle that
// src/torch/binding.ts wraps into a Tensor); freeTensor releases one that is never wrapped.
struct TensorOwner;
TensorOwner* allocTensor(const std::vector<int64_t>& shape, ElemType type, void** data);
Napi::Value wrapTensor(Napi::Env env, TensorOwner* owner);
void freeTensor(TensorOwner* owner);

// Borrow a JS tensor handle's data (must be a contiguous CPU tensor of `type`; throws otherwise).
// Valid while the handle is alive.
void* tensorData(Napi::Value handle, ElemType type, std::vector<int64_t>* shape);

// Registration hook of the video translation unit, called from the module init in torch.cc.
void initVideo(Napi::Env env, Napi::Object exports);

}  // namespace mmts
