// Frame-accurate random access to a video, decord-style: at open, the whole video stream is
// demuxed (not decoded) once to index every packet's timestamps and keyframes; a batch of frame
// indices is then served by seeking to the nearest keyframe before each run of wanted frames and
// decoding forward, matching decoded frames to indices by their presentation timestamp.
//
// Frame k is the k-th frame the decoder outputs in presentation order (what
// `ffmpeg -i f -vf "select=eq(n\,k)" -vsync 0` writes). Files whose packets lack unique
// timestamps (raw elementary streams, B-frames in AVI) fall back to counting frames while
// decoding from the start ("sequential" mode): still exact, slower for far indices.
#include <algorithm>
#include <cstring>
#include <mutex>

#include "video_source.h"

namespace mmts {
namespace video {

struct ReaderOptions {
  SourceOptions source;
  int width = 0, height = 0;  // exact output size (0: keep)
  int shortSide = 0;          // or: scale so that the short side is this (keeps the aspect ratio)
  bool autorotate = true;     // apply the display matrix rotation like the ffmpeg CLI / OpenCV
  bool frameColorspace = true;  // the frame's matrix/range (ffmpeg CLI, decord); false: BT.601 (OpenCV, PyAV)
  bool failOnCorrupt = false;   // throw when a frame cannot be decoded instead of substituting one
  bool skipNonRef = true;       // let the decoder skip non-reference frames before a wanted one
};

class Reader {
 public:
  Reader(const std::string& path, const ReaderOptions& o) : opts_(o), src_(path, o.source) {
    buildIndex();
    initOutputSize();
    prev_.reset(av_frame_alloc());
  }

  std::mutex mu;

  // ------------------------------------------------------------------ metadata
  int64_t numFrames() const { return numPackets_; }
  int outW() const { return outW_; }
  int outH() const { return outH_; }
  int rotation() const { return rotation_; }
  bool ptsMode() const { return ptsMode_; }
  const std::vector<int64_t>& pts() const { return pts_; }
  const std::vector<int64_t>& keyIndices() const { return keyIdx_; }
  Source& source() { return src_; }
  int64_t seeks() const { return seeks_; }

  // ------------------------------------------------------------------ decoding
  // Decodes frames `indices` into `out` (T x outH x outW x 3). Warnings (substituted frames) are
  // appended to `warnings`.
  void getBatch(const std::vector<int64_t>& indices, uint8_t* out, std::vector<std::string>* warnings) {
    const size_t frameBytes = (size_t)outW_ * outH_ * 3;
    for (int64_t k : indices)
      if (k < 0 || k >= numPackets_)
        throw VideoError("frame index " + std::to_string(k) + " is out of range [0, " + std::to_string(numPackets_) +
                         ")");
    // The distinct indices in order, each with the output slots it fills.
    std::vector<std::pair<int64_t, size_t>> order;
    order.reserve(indices.size());
    for (size_t i = 0; i < indices.size(); ++i) order.emplace_back(indices[i], i);
    std::sort(order.begin(), order.end());
    std::vector<int64_t> uniq;
    std::vector<std::vector<size_t>> slots;
    for (const auto& [k, i] : order) {
      if (uniq.empty() || uniq.back() != k) {
        uniq.push_back(k);
        slots.emplace_back();
      }
      slots.back().push_back(i);
    }
    std::vector<bool> filled(uniq.size(), false);
    auto fill = [&](size_t u, const AVFrame* f) {
      uint8_t* first = out + slots[u][0] * frameBytes;
      if (f) convert(f, first);
      else std::memset(first, 0, frameBytes);
      for (size_t j = 1; j < slots[u].size(); ++j) std::memcpy(out + slots[u][j] * frameBytes, first, frameBytes);
      filled[u] = true;
    };
    auto substitute = [&](size_t u, const std::string& why) {
      if (opts_.failOnCorrupt)
        throw VideoError("frame " + std::to_string(uniq[u]) + " cannot be decoded (" + why + ")");
      const bool havePrev = prevValid_;
      warnings->push_back("frame " + std::to_string(uniq[u]) + " cannot be decoded (" + why + "); " +
                          (havePrev ? "used the nearest earlier decodable frame" : "filled with zeros"));
      fill(u, havePrev ? prev_.get() : nullptr);
    };
    if (ptsMode_) batchByPts(uniq, filled, fill, substitute);
    else batchSequential(uniq, filled, fill, substitute);
  }

 private:
  template <typename Fill, typename Substitute>
  void batchByPts(const std::vector<int64_t>& uniq, std::vector<bool>& filled, Fill& fill, Substitute& substitute) {
    size_t next = 0;  // first unfilled target
    int attempts = 0;
    int64_t target = -1;
    while (next < uniq.size()) {
      const int64_t k = uniq[next];
      if (k != target) {
        target = k;
        attempts = 0;
      }
      const int64_t tpts = pts_[k];
      const int kpos = keyPosFor(k);
      if (!posValid_ || (kpos > curKey_ && attempts == 0)) {
        // A keyframe lies between the decoder and the target: jumping there skips work.
        seekToKey(kpos);
        attempts = std::max(attempts, 1);
      } else if (lastPts_ >= tpts) {
        // The decoder is past the target: the first time, the position came from earlier work;
        // after that, the frame did not come out from this keyframe (open-GOP leading frames,
        // corrupt data): back off one keyframe at a time, then give up on this frame.
        if (attempts > kMaxBackoff || (attempts > 0 && curKey_ < 0)) {
          substitute(next, src_.decodeErrors() ? "decoding error: " + src_.lastDecodeError() : "not produced by the decoder");
          while (next < uniq.size() && filled[next]) ++next;
          continue;
        }
        seekToKey(std::max(kpos - attempts, -1));
        ++attempts;
      }
      nextWantedPts_ = tpts;
      if (!src_.next(beforeSend_)) {
        lastPts_ = INT64_MAX;  // end of stream: counts as "past the target"
        continue;
      }
      const AVFrame* f = src_.frame();
      const int64_t p = f->pts != AV_NOPTS_VALUE ? f->pts : f->best_effort_timestamp;
      lastPts_ = p == AV_NOPTS_VALUE ? lastPts_ : p;
      if (p == AV_NOPTS_VALUE) continue;
      auto it = std::lower_bound(pts_.begin(), pts_.end(), p);
      if (it != pts_.end() && *it == p) {
        const int64_t idx = it - pts_.begin();
        auto u = std::lower_bound(uniq.begin() + next, uniq.end(), idx);
        if (u != uniq.end() && *u == idx && !filled[u - uniq.begin()]) fill(u - uniq.begin(), f);
      }
      if (p < tpts) keepPrev(f);
      while (next < uniq.size() && filled[next]) ++next;
    }
  }

  template <typename Fill, typename Substitute>
  void batchSequential(const std::vector<int64_t>& uniq, std::vector<bool>& filled, Fill& fill,
                       Substitute& substitute) {
    size_t next = 0;
    while (next < uniq.size()) {
      const int64_t k = uniq[next];
      if (!posValid_ || seqNext_ > k) {
        src_.rewind();
        ++seeks_;
        posValid_ = true;
        seqNext_ = 0;
        prevValid_ = false;
      }
      if (!src_.next()) {  // fewer frames than packets: the rest cannot be produced
        for (; next < uniq.size(); ++next)
          if (!filled[next]) substitute(next, "the video ends after " + std::to_string(seqNext_) + " decodable frames");
        posValid_ = false;
        break;
      }
      const int64_t idx = seqNext_++;
      if (idx == k) fill(next, src_.frame());
      else keepPrev(src_.frame());
      while (next < uniq.size() && filled[next]) ++next;
    }
  }

  void keepPrev(const AVFrame* f) {
    av_frame_unref(prev_.get());
    prevValid_ = av_frame_ref(prev_.get(), f) == 0;
  }

  // The last keyframe (position in keyIdx_) at or before presentation index k; -1: none.
  int keyPosFor(int64_t k) const {
    auto it = std::upper_bound(keyIdx_.begin(), keyIdx_.end(), k);
    return (int)(it - keyIdx_.begin()) - 1;
  }

  void seekToKey(int kpos) {
    ++seeks_;
    const int64_t ts = kpos >= 0 ? keySeekTs_[kpos] : firstSeekTs_;
    if (!src_.seek(ts)) {
      // Demuxers that cannot seek: from the start (exact, slower).
      src_.rewind();
      kpos = -1;
    }
    curKey_ = kpos;
    posValid_ = true;
    lastPts_ = INT64_MIN;
    prevValid_ = false;
  }

  void convert(const AVFrame* f, uint8_t* dst) {
    convertRotated(conv_, f, outW_, outH_, rotation_, opts_.frameColorspace, &rotBuf_, dst);
  }

  void buildIndex() {
    AVFormatContext* fmt = src_.fmt();
    const int si = src_.streamIndex();
    struct Pkt {
      int64_t pts, dts;
      bool key;
    };
    std::vector<Pkt> pk;
    PacketPtr p(av_packet_alloc());
    for (;;) {
      int r = av_read_frame(fmt, p.get());
      if (r == AVERROR(EAGAIN)) continue;
      if (r == AVERROR_EXIT) throw VideoError("timed out while indexing");
      if (r < 0) break;  // end of file (or the point where a truncated file stops)
      if (p->stream_index == si && p->size > 0 && !(p->flags & AV_PKT_FLAG_DISCARD))
        pk.push_back({p->pts, p->dts, (p->flags & AV_PKT_FLAG_KEY) != 0});
      av_packet_unref(p.get());
    }
    numPackets_ = (int64_t)pk.size();
    if (pk.empty()) throw VideoError("its video stream has no frames");

    // Presentation timestamps: the packets' pts; for codecs without frame reordering, dts do.
    const AVCodecDescriptor* desc = avcodec_descriptor_get(src_.stream()->codecpar->codec_id);
    const bool reorders = !desc || (desc->props & AV_CODEC_PROP_REORDER);
    bool ok = true;
    pts_.resize(pk.size());
    for (size_t i = 0; i < pk.size(); ++i) {
      int64_t t = pk[i].pts;
      if (t == AV_NOPTS_VALUE && !reorders) t = pk[i].dts;
      if (t == AV_NOPTS_VALUE) ok = false;
      pts_[i] = t;
    }
    std::vector<int64_t> sorted = pts_;
    std::sort(sorted.begin(), sorted.end());
    if (ok && std::adjacent_find(sorted.begin(), sorted.end()) != sorted.end()) ok = false;
    ptsMode_ = ok;
    const bool seekByPts = fmt->iformat->flags & AVFMT_SEEK_TO_PTS;
    if (ok) {
      firstSeekTs_ = INT64_MAX;
      for (size_t i = 0; i < pk.size(); ++i) {
        const int64_t ts = (seekByPts || pk[i].dts == AV_NOPTS_VALUE) ? pts_[i] : pk[i].dts;
        firstSeekTs_ = std::min(firstSeekTs_, ts);
      }
      std::vector<std::pair<int64_t, int64_t>> keys;  // (presentation index, seek ts)
      for (size_t i = 0; i < pk.size(); ++i) {
        if (!pk[i].key) continue;
        const int64_t idx = std::lower_bound(sorted.begin(), sorted.end(), pts_[i]) - sorted.begin();
        keys.emplace_back(idx, (seekByPts || pk[i].dts == AV_NOPTS_VALUE) ? pts_[i] : pk[i].dts);
      }
      std::sort(keys.begin(), keys.end());
      for (const auto& kv : keys) {
        keyIdx_.push_back(kv.first);
        keySeekTs_.push_back(kv.second);
      }
      pts_ = std::move(sorted);
    } else {
      pts_.clear();
    }
    posValid_ = false;  // the demuxer is at the end: the first batch seeks
    beforeSend_ = [this](const AVPacket* pkt) {
      // Frames shown before the wanted one are needed only as references: let the decoder drop
      // the non-reference ones (B-frames) there. Never changes which frame is which.
      AVCodecContext* c = src_.codec();
      c->skip_frame = (opts_.skipNonRef && pkt->pts != AV_NOPTS_VALUE && pkt->pts < nextWantedPts_)
                          ? AVDISCARD_NONREF
                          : AVDISCARD_DEFAULT;
    };
  }

  void initOutputSize() {
    const AVCodecParameters* par = src_.stream()->codecpar;
    rotation_ = opts_.autorotate ? streamRotation(src_.stream()) : 0;
    video::outputSize(par->width, par->height, rotation_, opts_.width, opts_.height, opts_.shortSide, &outW_, &outH_);
  }

  static constexpr int kMaxBackoff = 3;
  ReaderOptions opts_;
  Source src_;
  int64_t numPackets_ = 0;
  std::vector<int64_t> pts_;        // presentation order (pts mode)
  std::vector<int64_t> keyIdx_;     // presentation indices of keyframes, sorted
  std::vector<int64_t> keySeekTs_;  // what to seek to for each of them
  int64_t firstSeekTs_ = 0;
  bool ptsMode_ = false;
  int outW_ = 0, outH_ = 0, rotation_ = 0;
  // decoder position
  bool posValid_ = false;
  int curKey_ = -2;
  int64_t lastPts_ = INT64_MIN;
  int64_t seqNext_ = 0;
  int64_t seeks_ = 0;
  int64_t nextWantedPts_ = INT64_MIN;
  std::function<void(const AVPacket*)> beforeSend_;
  FramePtr prev_;
  bool prevValid_ = false;
  RgbConverter conv_;
  std::vector<uint8_t> rotBuf_;
};

// ============================================================================ N-API

struct ReaderBox {
  std::shared_ptr<Reader> reader;
  std::string path;
};

static ReaderBox* unbox(const Napi::Value& v) {
  if (!v.IsExternal()) throw Napi::TypeError::New(v.Env(), "expected a video reader handle");
  return v.As<Napi::External<ReaderBox>>().Data();
}

static ReaderOptions parseOptions(const Napi::Object& o) {
  ReaderOptions r;
  auto num = [&](const char* k, double def) {
    Napi::Value v = o.Get(k);
    return v.IsNumber() ? v.As<Napi::Number>().DoubleValue() : def;
  };
  auto flag = [&](const char* k, bool def) {
    Napi::Value v = o.Get(k);
    return v.IsBoolean() ? v.As<Napi::Boolean>().Value() : def;
  };
  r.source.threads = (int)num("threads", 0);
  r.source.timeoutSec = num("timeout", 30);
  r.width = (int)num("width", 0);
  r.height = (int)num("height", 0);
  r.shortSide = (int)num("shortSide", 0);
  r.autorotate = flag("autorotate", true);
  r.frameColorspace = flag("frameColorspace", true);
  r.failOnCorrupt = flag("failOnCorrupt", false);
  r.skipNonRef = flag("skipNonRef", true);
  return r;
}

static double q2d(AVRational r) { return r.den ? av_q2d(r) : 0.0; }

class OpenWorker : public Napi::AsyncWorker {
 public:
  OpenWorker(Napi::Env env, std::string path, ReaderOptions opts)
      : Napi::AsyncWorker(env), path_(std::move(path)), opts_(std::move(opts)), deferred_(env) {}
  Napi::Promise promise() { return deferred_.Promise(); }

  void Execute() override {
    try {
      reader_ = std::make_shared<Reader>(path_, opts_);
    } catch (const std::exception& e) {
      SetError(e.what());
    }
  }

  void OnOK() override {
    Napi::Env env = Env();
    Reader& r = *reader_;
    AVStream* st = r.source().stream();
    AVFormatContext* fmt = r.source().fmt();
    Napi::Object info = Napi::Object::New(env);
    info.Set("numFrames", (double)r.numFrames());
    info.Set("width", r.outW());
    info.Set("height", r.outH());
    info.Set("codedWidth", st->codecpar->width);
    info.Set("codedHeight", st->codecpar->height);
    info.Set("rotation", r.rotation());
    info.Set("avgFps", q2d(st->avg_frame_rate));
    info.Set("rFps", q2d(st->r_frame_rate));
    info.Set("timeBase", q2d(st->time_base));
    info.Set("streamDuration", st->duration != AV_NOPTS_VALUE ? st->duration * q2d(st->time_base) : -1.0);
    info.Set("formatDuration", fmt->duration != AV_NOPTS_VALUE ? fmt->duration / (double)AV_TIME_BASE : -1.0);
    info.Set("containerFrames", (double)st->nb_frames);
    info.Set("codec", avcodec_get_name(st->codecpar->codec_id));
    const AVCodecDescriptor* d = avcodec_descriptor_get(st->codecpar->codec_id);
    info.Set("codecLongName", d && d->long_name ? d->long_name : "");
    const char* pf = av_get_pix_fmt_name((AVPixelFormat)st->codecpar->format);
    info.Set("pixelFormat", pf ? pf : "");
    info.Set("format", fmt->iformat->name);
    info.Set("bitRate", (double)fmt->bit_rate);
    info.Set("ptsMode", r.ptsMode());
    const auto& pts = r.pts();
    Napi::Float64Array ts = Napi::Float64Array::New(env, pts.size());
    const double tb = q2d(st->time_base);
    for (size_t i = 0; i < pts.size(); ++i) ts[i] = pts[i] * tb;
    info.Set("timestamps", ts);
    const auto& keys = r.keyIndices();
    Napi::Float64Array kf = Napi::Float64Array::New(env, keys.size());
    for (size_t i = 0; i < keys.size(); ++i) kf[i] = (double)keys[i];
    info.Set("keyframes", kf);
    bool audio = false;
    for (unsigned i = 0; i < fmt->nb_streams; ++i) audio |= fmt->streams[i]->codecpar->codec_type == AVMEDIA_TYPE_AUDIO;
    info.Set("hasAudio", audio);
    auto* box = new ReaderBox{reader_, path_};
    Napi::Object res = Napi::Object::New(env);
    res.Set("handle", Napi::External<ReaderBox>::New(env, box, [](Napi::Env, ReaderBox* b) { delete b; }));
    res.Set("info", info);
    deferred_.Resolve(res);
  }

  void OnError(const Napi::Error& e) override { deferred_.Reject(e.Value()); }

 private:
  std::string path_;
  ReaderOptions opts_;
  Napi::Promise::Deferred deferred_;
  std::shared_ptr<Reader> reader_;
};

class BatchWorker : public Napi::AsyncWorker {
 public:
  BatchWorker(Napi::Env env, std::shared_ptr<Reader> r, std::vector<int64_t> idx)
      : Napi::AsyncWorker(env), reader_(std::move(r)), idx_(std::move(idx)), deferred_(env) {}
  ~BatchWorker() override {
    if (owner_) freeTensor(owner_);
  }
  Napi::Promise promise() { return deferred_.Promise(); }

  void Execute() override {
    try {
      std::lock_guard<std::mutex> lock(reader_->mu);
      void* data = nullptr;
      owner_ = allocTensor({(int64_t)idx_.size(), reader_->outH(), reader_->outW(), 3}, ElemType::kUInt8, &data);
      const int64_t d0 = reader_->source().framesDecoded(), s0 = reader_->seeks();
      reader_->getBatch(idx_, static_cast<uint8_t*>(data), &warnings_);
      decoded_ = reader_->source().framesDecoded() - d0;
      seeks_ = reader_->seeks() - s0;
    } catch (const std::exception& e) {
      SetError(e.what());
    }
  }

  void OnOK() override {
    Napi::Env env = Env();
    Napi::Object res = Napi::Object::New(env);
    TensorOwner* o = owner_;
    owner_ = nullptr;
    res.Set("tensor", wrapTensor(env, o));
    Napi::Array w = Napi::Array::New(env, warnings_.size());
    for (size_t i = 0; i < warnings_.size(); ++i) w.Set((uint32_t)i, warnings_[i]);
    res.Set("warnings", w);
    res.Set("decoded", (double)decoded_);
    res.Set("seeks", (double)seeks_);
    deferred_.Resolve(res);
  }

  void OnError(const Napi::Error& e) override { deferred_.Reject(e.Value()); }

 private:
  std::shared_ptr<Reader> reader_;
  std::vector<int64_t> idx_;
  Napi::Promise::Deferred deferred_;
  TensorOwner* owner_ = nullptr;
  std::vector<std::string> warnings_;
  int64_t decoded_ = 0, seeks_ = 0;
};

// videoOpen(path, options) -> Promise<{handle, info}>
static Napi::Value videoOpen(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 1 || !info[0].IsString()) throw Napi::TypeError::New(env, "videoOpen: expected a path");
  ReaderOptions opts = info.Length() > 1 && info[1].IsObject() ? parseOptions(info[1].As<Napi::Object>()) : ReaderOptions();
  auto* w = new OpenWorker(env, info[0].As<Napi::String>().Utf8Value(), opts);
  Napi::Promise p = w->promise();
  w->Queue();
  return p;
}

// videoGetBatch(handle, indices: Float64Array) -> Promise<{tensor, warnings}>
static Napi::Value videoGetBatch(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  ReaderBox* box = unbox(info[0]);
  if (!box->reader) throw Napi::Error::New(env, "the reader is closed");
  if (info.Length() < 2 || !info[1].IsTypedArray() ||
      info[1].As<Napi::TypedArray>().TypedArrayType() != napi_float64_array)
    throw Napi::TypeError::New(env, "videoGetBatch: expected a Float64Array of frame indices");
  Napi::Float64Array a = info[1].As<Napi::Float64Array>();
  std::vector<int64_t> idx(a.ElementLength());
  for (size_t i = 0; i < idx.size(); ++i) idx[i] = (int64_t)a[i];
  auto* w = new BatchWorker(env, box->reader, std::move(idx));
  Napi::Promise p = w->promise();
  w->Queue();
  return p;
}

// videoClose(handle): frees the decoder (waits for a batch in flight).
static Napi::Value videoClose(const Napi::CallbackInfo& info) {
  ReaderBox* box = unbox(info[0]);
  if (box->reader) {
    std::shared_ptr<Reader> r = std::move(box->reader);
    std::lock_guard<std::mutex> lock(r->mu);  // a worker holding another reference finishes first
  }
  return info.Env().Undefined();
}

void initVideoReader(Napi::Env env, Napi::Object exports) {
  exports.Set("videoOpen", Napi::Function::New(env, videoOpen, "videoOpen"));
  exports.Set("videoGetBatch", Napi::Function::New(env, videoGetBatch, "videoGetBatch"));
  exports.Set("videoClose", Napi::Function::New(env, videoClose, "videoClose"));
}

}  // namespace video
}  // namespace mmts
