// Sequential reads: frames in presentation order, in chunks, from files, HTTP/RTSP streams and
// devices (v4l2 webcams through FFmpeg's input devices), optionally paced at the real frame rate.
// Nothing is indexed up front, so it starts at once and works on endless live inputs.
#include <chrono>
#include <cstring>
#include <mutex>
#include <thread>

#include "video_source.h"

extern "C" {
#include <libavdevice/avdevice.h>
}

namespace mmts {
namespace video {

struct StreamOptions {
  SourceOptions source;
  int width = 0, height = 0, shortSide = 0;
  bool autorotate = true;
  bool frameColorspace = true;
  bool realtime = false;  // sleep so that frames come at their presentation times
};

class Stream {
 public:
  Stream(const std::string& url, const StreamOptions& o) : o_(o), src_(url, o.source) {
    rotation_ = o.autorotate ? streamRotation(src_.stream()) : 0;
    const AVCodecParameters* par = src_.stream()->codecpar;
    outputSize(par->width, par->height, rotation_, o.width, o.height, o.shortSide, &outW_, &outH_);
    tb_ = av_q2d(src_.stream()->time_base);
  }
  std::mutex mu;
  Source& source() { return src_; }
  int outW() const { return outW_; }
  int outH() const { return outH_; }
  int rotation() const { return rotation_; }

  // Up to maxFrames next frames into a new tensor; nullptr at the end of the stream.
  TensorOwner* read(int64_t maxFrames, std::vector<double>* ts) {
    if (ended_) return nullptr;
    const size_t fb = (size_t)outW_ * outH_ * 3;
    void* data = nullptr;
    TensorOwner* owner = allocTensor({maxFrames, outH_, outW_, 3}, ElemType::kUInt8, &data);
    int64_t n = 0;
    try {
      while (n < maxFrames) {
        if (!src_.next()) {
          ended_ = true;
          break;
        }
        const AVFrame* f = src_.frame();
        const int64_t p = f->pts != AV_NOPTS_VALUE ? f->pts : f->best_effort_timestamp;
        const double t = p == AV_NOPTS_VALUE ? (double)count_ : p * tb_;
        if (o_.realtime) pace(t);
        convertRotated(conv_, f, outW_, outH_, rotation_, o_.frameColorspace, &scratch_, static_cast<uint8_t*>(data) + fb * n);
        ts->push_back(t);
        ++n, ++count_;
      }
    } catch (...) {
      freeTensor(owner);
      throw;
    }
    if (n == maxFrames) return owner;
    if (n == 0) {
      freeTensor(owner);
      return nullptr;
    }
    void* exact = nullptr;
    TensorOwner* smaller = allocTensor({n, outH_, outW_, 3}, ElemType::kUInt8, &exact);
    std::memcpy(exact, data, fb * n);
    freeTensor(owner);
    return smaller;
  }

 private:
  void pace(double t) {
    using clock = std::chrono::steady_clock;
    if (!started_) {
      started_ = true;
      t0_ = t;
      wall0_ = clock::now();
      return;
    }
    const auto due = wall0_ + std::chrono::microseconds((int64_t)((t - t0_) * 1e6));
    if (due > clock::now()) std::this_thread::sleep_until(due);
  }

  StreamOptions o_;
  Source src_;
  RgbConverter conv_;
  std::vector<uint8_t> scratch_;
  int outW_ = 0, outH_ = 0, rotation_ = 0;
  double tb_ = 0;
  int64_t count_ = 0;
  bool ended_ = false;
  bool started_ = false;
  double t0_ = 0;
  std::chrono::steady_clock::time_point wall0_;
};

// ============================================================================ N-API

struct StreamBox {
  std::shared_ptr<Stream> stream;
};

static StreamBox* unboxStream(const Napi::Value& v) {
  if (!v.IsExternal()) throw Napi::TypeError::New(v.Env(), "expected a video stream handle");
  return v.As<Napi::External<StreamBox>>().Data();
}

class StreamOpenWorker : public Napi::AsyncWorker {
 public:
  StreamOpenWorker(Napi::Env env, std::string url, StreamOptions o)
      : Napi::AsyncWorker(env), url_(std::move(url)), o_(std::move(o)), deferred_(env) {}
  Napi::Promise promise() { return deferred_.Promise(); }
  void Execute() override {
    try {
      s_ = std::make_shared<Stream>(url_, o_);
    } catch (const std::exception& e) {
      SetError(e.what());
    }
  }
  void OnOK() override {
    Napi::Env env = Env();
    AVStream* st = s_->source().stream();
    Napi::Object info = Napi::Object::New(env);
    info.Set("width", s_->outW());
    info.Set("height", s_->outH());
    info.Set("rotation", s_->rotation());
    info.Set("codec", avcodec_get_name(st->codecpar->codec_id));
    info.Set("avgFps", st->avg_frame_rate.den ? av_q2d(st->avg_frame_rate) : 0.0);
    info.Set("rFps", st->r_frame_rate.den ? av_q2d(st->r_frame_rate) : 0.0);
    info.Set("format", s_->source().fmt()->iformat->name);
    info.Set("containerFrames", (double)st->nb_frames);
    const int64_t d = s_->source().fmt()->duration;
    info.Set("formatDuration", d != AV_NOPTS_VALUE ? d / (double)AV_TIME_BASE : -1.0);
    Napi::Object res = Napi::Object::New(env);
    res.Set("handle", Napi::External<StreamBox>::New(env, new StreamBox{s_}, [](Napi::Env, StreamBox* b) { delete b; }));
    res.Set("info", info);
    deferred_.Resolve(res);
  }
  void OnError(const Napi::Error& e) override { deferred_.Reject(e.Value()); }

 private:
  std::string url_;
  StreamOptions o_;
  Napi::Promise::Deferred deferred_;
  std::shared_ptr<Stream> s_;
};

class StreamReadWorker : public Napi::AsyncWorker {
 public:
  StreamReadWorker(Napi::Env env, std::shared_ptr<Stream> s, int64_t n)
      : Napi::AsyncWorker(env), s_(std::move(s)), n_(n), deferred_(env) {}
  ~StreamReadWorker() override {
    if (owner_) freeTensor(owner_);
  }
  Napi::Promise promise() { return deferred_.Promise(); }
  void Execute() override {
    try {
      std::lock_guard<std::mutex> lock(s_->mu);
      owner_ = s_->read(n_, &ts_);
    } catch (const std::exception& e) {
      SetError(e.what());
    }
  }
  void OnOK() override {
    Napi::Env env = Env();
    if (!owner_) {
      deferred_.Resolve(env.Null());
      return;
    }
    Napi::Object res = Napi::Object::New(env);
    TensorOwner* o = owner_;
    owner_ = nullptr;
    res.Set("tensor", wrapTensor(env, o));
    Napi::Float64Array ts = Napi::Float64Array::New(env, ts_.size());
    for (size_t i = 0; i < ts_.size(); ++i) ts[i] = ts_[i];
    res.Set("timestamps", ts);
    deferred_.Resolve(res);
  }
  void OnError(const Napi::Error& e) override { deferred_.Reject(e.Value()); }

 private:
  std::shared_ptr<Stream> s_;
  int64_t n_;
  Napi::Promise::Deferred deferred_;
  TensorOwner* owner_ = nullptr;
  std::vector<double> ts_;
};

// videoStreamOpen(url, {format, inputOptions, threads, timeout, width, height, shortSide,
//                       autorotate, frameColorspace, realtime}) -> Promise<{handle, info}>
static Napi::Value videoStreamOpen(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 2 || !info[0].IsString() || !info[1].IsObject())
    throw Napi::TypeError::New(env, "videoStreamOpen(url, options)");
  Napi::Object o = info[1].As<Napi::Object>();
  auto num = [&](const char* k, double def) {
    Napi::Value v = o.Get(k);
    return v.IsNumber() ? v.As<Napi::Number>().DoubleValue() : def;
  };
  auto flag = [&](const char* k, bool def) {
    Napi::Value v = o.Get(k);
    return v.IsBoolean() ? v.As<Napi::Boolean>().Value() : def;
  };
  StreamOptions s;
  s.source.threads = (int)num("threads", 0);
  s.source.timeoutSec = num("timeout", 30);
  if (o.Get("format").IsString()) s.source.format = o.Get("format").As<Napi::String>().Utf8Value();
  if (o.Get("inputOptions").IsObject()) {
    Napi::Object io = o.Get("inputOptions").As<Napi::Object>();
    Napi::Array keys = io.GetPropertyNames();
    for (uint32_t i = 0; i < keys.Length(); ++i) {
      std::string k = keys.Get(i).ToString().Utf8Value();
      s.source.inputOptions.emplace_back(k, io.Get(k).ToString().Utf8Value());
    }
  }
  s.width = (int)num("width", 0);
  s.height = (int)num("height", 0);
  s.shortSide = (int)num("shortSide", 0);
  s.autorotate = flag("autorotate", true);
  s.frameColorspace = flag("frameColorspace", true);
  s.realtime = flag("realtime", false);
  static std::once_flag devices;
  std::call_once(devices, [] { avdevice_register_all(); });  // v4l2, x11grab, lavfi, ...
  auto* w = new StreamOpenWorker(env, info[0].As<Napi::String>().Utf8Value(), s);
  Napi::Promise p = w->promise();
  w->Queue();
  return p;
}

// videoStreamRead(handle, maxFrames) -> Promise<{tensor, timestamps} | null>
static Napi::Value videoStreamRead(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  StreamBox* box = unboxStream(info[0]);
  if (!box->stream) throw Napi::Error::New(env, "the stream is closed");
  const int64_t n = info[1].As<Napi::Number>().Int64Value();
  if (n < 1) throw Napi::RangeError::New(env, "maxFrames must be >= 1");
  auto* w = new StreamReadWorker(env, box->stream, n);
  Napi::Promise p = w->promise();
  w->Queue();
  return p;
}

static Napi::Value videoStreamClose(const Napi::CallbackInfo& info) {
  StreamBox* box = unboxStream(info[0]);
  box->stream.reset();  // a read in flight keeps its own reference and finishes first
  return info.Env().Undefined();
}

void initVideoStream(Napi::Env env, Napi::Object exports) {
  exports.Set("videoStreamOpen", Napi::Function::New(env, videoStreamOpen, "videoStreamOpen"));
  exports.Set("videoStreamRead", Napi::Function::New(env, videoStreamRead, "videoStreamRead"));
  exports.Set("videoStreamClose", Napi::Function::New(env, videoStreamClose, "videoStreamClose"));
}

}  // namespace video
}  // namespace mmts
