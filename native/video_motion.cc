// Motion vectors of a video's frames as the decoder exports them (`flags2=+export_mvs`, side
// data AV_FRAME_DATA_MOTION_VECTORS), what PyAV's `frame.side_data['MOTION_VECTORS']` exposes
// to MMAction2's PyAVDecodeMotionVector. The raw vectors cross to JS; drawing them into a
// per-pixel field is the pipeline's job (src/datasets/pipelines/motion_vector.ts).
#include "video_source.h"

extern "C" {
#include <libavutil/motion_vector.h>
}

namespace mmts {
namespace video {

// Per vector, in this order (all int32): source, w, h, src_x, src_y, dst_x, dst_y, motion_x,
// motion_y, motion_scale (AVMotionVector less its unused `flags`).
static constexpr int kFields = 10;

struct MotionResult {
  std::vector<int32_t> width, height, counts;
  std::vector<uint8_t> keyFrame, hasSideData;
  std::vector<int32_t> vectors;
  int decodeErrors = 0;
  std::string lastDecodeError;
};

static void readMotionVectors(const std::string& path, const SourceOptions& so, int64_t maxFrames, MotionResult* out) {
  SourceOptions o = so;
  o.decoderOptions.emplace_back("flags2", "+export_mvs");
  Source src(path, o);
  while (maxFrames < 0 || (int64_t)out->counts.size() < maxFrames) {
    if (!src.next()) break;
    const AVFrame* f = src.frame();
    if (f->width <= 0 || f->height <= 0) throw VideoError("the decoder returned a frame without a size");
    out->width.push_back(f->width);
    out->height.push_back(f->height);
#ifdef AV_FRAME_FLAG_KEY
    out->keyFrame.push_back((f->flags & AV_FRAME_FLAG_KEY) ? 1 : 0);
#else
    out->keyFrame.push_back(f->key_frame ? 1 : 0);
#endif
    const AVFrameSideData* sd = av_frame_get_side_data(f, AV_FRAME_DATA_MOTION_VECTORS);
    out->hasSideData.push_back(sd ? 1 : 0);
    size_t n = 0;
    if (sd) {
      if (sd->size % sizeof(AVMotionVector) != 0)
        throw VideoError("motion-vector side data of " + std::to_string(sd->size) + " bytes is not a whole number of vectors");
      n = sd->size / sizeof(AVMotionVector);
      const auto* mv = reinterpret_cast<const AVMotionVector*>(sd->data);
      for (size_t i = 0; i < n; ++i) {
        const AVMotionVector& v = mv[i];
        const int32_t row[kFields] = {v.source, v.w, v.h, v.src_x, v.src_y, v.dst_x, v.dst_y, v.motion_x, v.motion_y, v.motion_scale};
        out->vectors.insert(out->vectors.end(), row, row + kFields);
      }
    }
    out->counts.push_back((int32_t)n);
  }
  out->decodeErrors = src.decodeErrors();
  out->lastDecodeError = src.lastDecodeError();
}

class MotionWorker : public Napi::AsyncWorker {
 public:
  MotionWorker(Napi::Env env, std::string path, SourceOptions o, int64_t maxFrames)
      : Napi::AsyncWorker(env), path_(std::move(path)), o_(std::move(o)), maxFrames_(maxFrames), deferred_(env) {}
  Napi::Promise promise() { return deferred_.Promise(); }

  void Execute() override {
    try {
      readMotionVectors(path_, o_, maxFrames_, &r_);
    } catch (const std::exception& e) {
      SetError(e.what());
    }
  }

  void OnOK() override {
    Napi::Env env = Env();
    auto i32 = [&](const std::vector<int32_t>& v) {
      Napi::Int32Array a = Napi::Int32Array::New(env, v.size());
      if (!v.empty()) std::memcpy(a.Data(), v.data(), v.size() * sizeof(int32_t));
      return a;
    };
    auto u8 = [&](const std::vector<uint8_t>& v) {
      Napi::Uint8Array a = Napi::Uint8Array::New(env, v.size());
      if (!v.empty()) std::memcpy(a.Data(), v.data(), v.size());
      return a;
    };
    Napi::Object res = Napi::Object::New(env);
    res.Set("width", i32(r_.width));
    res.Set("height", i32(r_.height));
    res.Set("keyFrame", u8(r_.keyFrame));
    res.Set("hasSideData", u8(r_.hasSideData));
    res.Set("counts", i32(r_.counts));
    res.Set("vectors", i32(r_.vectors));
    res.Set("decodeErrors", r_.decodeErrors);
    res.Set("lastDecodeError", r_.lastDecodeError);
    deferred_.Resolve(res);
  }

  void OnError(const Napi::Error& e) override { deferred_.Reject(e.Value()); }

 private:
  std::string path_;
  SourceOptions o_;
  int64_t maxFrames_;
  MotionResult r_;
  Napi::Promise::Deferred deferred_;
};

// videoMotionVectors(path, {maxFrames?: number (-1: all), threads?, timeout?}) ->
//   Promise<{width, height, counts: Int32Array(T), keyFrame, hasSideData: Uint8Array(T),
//            vectors: Int32Array(sum(counts) * 10), decodeErrors, lastDecodeError}>
static Napi::Value videoMotionVectors(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 1 || !info[0].IsString()) throw Napi::TypeError::New(env, "videoMotionVectors: expected a path");
  SourceOptions o;
  o.threads = 1;
  int64_t maxFrames = -1;
  if (info.Length() > 1 && info[1].IsObject()) {
    Napi::Object opts = info[1].As<Napi::Object>();
    auto num = [&](const char* k, double def) {
      Napi::Value v = opts.Get(k);
      return v.IsNumber() ? v.As<Napi::Number>().DoubleValue() : def;
    };
    const double mf = num("maxFrames", -1);
    if (!(mf == -1 || (mf >= 1 && mf == (double)(int64_t)mf)))
      throw Napi::RangeError::New(env, "videoMotionVectors: maxFrames must be a positive integer or -1 (all)");
    maxFrames = (int64_t)mf;
    const double th = num("threads", 1);
    if (!(th >= 0 && th <= 256 && th == (double)(int)th))
      throw Napi::RangeError::New(env, "videoMotionVectors: threads must be an integer in 0..256");
    o.threads = (int)th;
    o.timeoutSec = num("timeout", 30);
  }
  auto* w = new MotionWorker(env, info[0].As<Napi::String>().Utf8Value(), o, maxFrames);
  Napi::Promise p = w->promise();
  w->Queue();
  return p;
}

void initVideoMotion(Napi::Env env, Napi::Object exports) {
  exports.Set("videoMotionVectors", Napi::Function::New(env, videoMotionVectors, "videoMotionVectors"));
}

}  // namespace video
}  // namespace mmts
