// Seams between the addon's translation units, kept free of libtorch/FFmpeg headers so that
// each .cc file only pays for the headers it really uses.
#pragma once
#include <napi.h>
#include <cstdint>
#include <vector>

namespace mmts {

// Allocates a new uint8 CPU tensor of `shape` and returns its JS handle (what src/torch/binding.ts
// wraps into a Tensor); `*data` receives the tensor's contiguous buffer to fill in place.
Napi::Value newUint8Tensor(Napi::Env env, const std::vector<int64_t>& shape, uint8_t** data);

// Same for float32.
Napi::Value newFloat32Tensor(Napi::Env env, const std::vector<int64_t>& shape, float** data);

// Registration hooks, one per translation unit, called from the module init in torch.cc.
void initVideo(Napi::Env env, Napi::Object exports);

// Turns the current C++ exception into a JS exception; use in catch (...) blocks.
[[noreturn]] void rethrowAsJs(Napi::Env env);

}  // namespace mmts
