// Video encoding from uint8 RGB frames: H.264 MP4 (libx264; MPEG-4 part 2 when libx264 is
// missing), WebM (VP9/VP8), AVI/MKV/MOV, and animated GIF through FFmpeg's two-pass palette
// filters (palettegen + paletteuse), as `ffmpeg -vf "split[a][b];[a]palettegen[p];[b][p]paletteuse"`.
// Output is written to a temporary file next to the target and renamed on close (atomic).
#include <cmath>
#include <cstdio>
#include <mutex>

#include "video_common.h"

extern "C" {
#include <libavfilter/avfilter.h>
#include <libavfilter/buffersink.h>
#include <libavfilter/buffersrc.h>
}

namespace mmts {
namespace video {

struct WriterOptions {
  double fps = 30;
  int width = 0, height = 0;
  std::string codec;       // encoder name; empty: by container (libx264 -> mpeg4 fallback for mp4)
  int crf = -1;            // x264/x265/vpx quality (-1: encoder default, 23 for x264)
  std::string preset;      // x264/x265 preset
  int64_t bitRate = 0;     // bits per second (0: quality-based)
  std::string tmpPath;     // where to write until close()
  std::string finalPath;
};

struct GraphFreer {
  void operator()(AVFilterGraph* g) const { avfilter_graph_free(&g); }
};

class Writer {
 public:
  explicit Writer(const WriterOptions& o) : o_(o) {
    try {
      open();
    } catch (...) {
      abort();
      throw;
    }
  }
  ~Writer() { abort(); }

  std::mutex mu;
  const std::string& codecName() const { return codecName_; }
  int64_t frames() const { return frames_; }

  // `n` packed RGB frames of width x height.
  void write(const uint8_t* rgb, int64_t n) {
    if (done_) throw VideoError("the writer is closed");
    const size_t fb = (size_t)o_.width * o_.height * 3;
    for (int64_t i = 0; i < n; ++i) writeOne(rgb + fb * i);
  }

  void close() {
    if (done_) return;
    if (graph_) {
      int r = av_buffersrc_add_frame_flags(src_, nullptr, 0);
      if (r < 0) throw VideoError("cannot finish the GIF palette filter (" + averr(r) + ")");
      pullFiltered();
    }
    encode(nullptr);
    int r = av_write_trailer(oc_);
    if (r < 0) throw VideoError("cannot finish the file (" + averr(r) + ")");
    closeIo();
    done_ = true;
    if (std::rename(o_.tmpPath.c_str(), o_.finalPath.c_str()) != 0)
      throw VideoError("cannot move the finished file into place from " + o_.tmpPath);
  }

  // Drops the output (error paths, garbage-collected writers that were never closed).
  void abort() {
    if (!done_) {
      done_ = true;
      closeIo();
      std::remove(o_.tmpPath.c_str());
    }
    freeAll();
  }

 private:
  void open() {
    if (o_.width <= 0 || o_.height <= 0) throw VideoError("width and height must be positive");
    if (!(o_.fps > 0 && o_.fps <= 1000)) throw VideoError("fps must be in (0, 1000]");
    int r = avformat_alloc_output_context2(&oc_, nullptr, nullptr, o_.finalPath.c_str());
    if (r < 0 || !oc_)
      throw VideoError("cannot tell the container from the file name (use .mp4, .mkv, .webm, .avi, .mov or .gif)");
    // The container comes from the final name; the bytes go to the temporary file (the mp4
    // muxer's faststart pass reopens oc_->url).
    av_free(oc_->url);
    oc_->url = av_strdup(o_.tmpPath.c_str());
    const std::string fmtName = oc_->oformat->name;
    gif_ = fmtName == "gif";
    const AVCodec* codec = nullptr;
    if (!o_.codec.empty()) {
      codec = avcodec_find_encoder_by_name(o_.codec.c_str());
      if (!codec) throw VideoError("no encoder '" + o_.codec + "' in this FFmpeg build (see `ffmpeg -encoders`)");
    } else {
      const char* prefs_mp4[] = {"libx264", "libopenh264", "h264_v4l2m2m", "mpeg4", nullptr};
      const char* prefs_webm[] = {"libvpx-vp9", "libvpx", "libaom-av1", nullptr};
      const char* prefs_gif[] = {"gif", nullptr};
      const char* prefs_avi[] = {"mpeg4", "mjpeg", nullptr};
      const char** prefs = gif_ ? prefs_gif
                           : fmtName == "webm" ? prefs_webm
                           : fmtName == "avi" ? prefs_avi
                                              : prefs_mp4;
      for (int i = 0; prefs[i] && !codec; ++i) codec = avcodec_find_encoder_by_name(prefs[i]);
      if (!codec) throw VideoError("no suitable video encoder in this FFmpeg build for ." + fmtName);
    }
    codecName_ = codec->name;
    st_ = avformat_new_stream(oc_, nullptr);
    if (!st_) throw VideoError("out of memory");
    enc_.reset(avcodec_alloc_context3(codec));
    AVCodecContext* c = enc_.get();
    // Even sizes for 4:2:0 encoders: the frames are padded by repeating the last column/row.
    encW_ = o_.width, encH_ = o_.height;
    pixFmt_ = gif_ ? AV_PIX_FMT_PAL8 : pickPixFmt(codec);
    const AVPixFmtDescriptor* d = av_pix_fmt_desc_get(pixFmt_);
    if (d && !(d->flags & AV_PIX_FMT_FLAG_RGB) && !(d->flags & AV_PIX_FMT_FLAG_PAL)) {
      if (d->log2_chroma_w) encW_ += encW_ & 1;
      if (d->log2_chroma_h) encH_ += encH_ & 1;
    }
    c->width = encW_, c->height = encH_;
    c->pix_fmt = pixFmt_;
    AVRational rate = av_d2q(o_.fps, 1001000);
    const double ntsc = std::round(o_.fps * 1.001);  // 29.97 -> 30000/1001, 23.976 -> 24000/1001
    if (std::fabs(o_.fps - std::round(o_.fps)) > 1e-3 && std::fabs(o_.fps - ntsc * 1000 / 1001) < 1e-3)
      rate = AVRational{(int)ntsc * 1000, 1001};
    c->time_base = av_inv_q(rate);
    c->framerate = rate;
    c->sample_aspect_ratio = AVRational{1, 1};
    st_->time_base = gif_ ? AVRational{1, 100} : c->time_base;
    st_->avg_frame_rate = rate;
    if (oc_->oformat->flags & AVFMT_GLOBALHEADER) c->flags |= AV_CODEC_FLAG_GLOBAL_HEADER;
    if (o_.bitRate > 0) c->bit_rate = o_.bitRate;
    AVDictionary* opts = nullptr;
    if (codecName_ == "libx264" || codecName_ == "libx265") {
      av_dict_set(&opts, "preset", o_.preset.empty() ? "medium" : o_.preset.c_str(), 0);
      if (!o_.bitRate) av_dict_set_int(&opts, "crf", o_.crf >= 0 ? o_.crf : (codecName_ == "libx264" ? 23 : 28), 0);
      if (codecName_ == "libx265") av_dict_set(&opts, "x265-params", "log-level=error", 0);
    } else if (codecName_ == "libvpx-vp9" || codecName_ == "libvpx") {
      if (!o_.bitRate) {
        av_dict_set_int(&opts, "crf", o_.crf >= 0 ? o_.crf : 32, 0);
        c->bit_rate = 0;
      }
      av_dict_set(&opts, "deadline", "good", 0);
      av_dict_set(&opts, "cpu-used", "4", 0);
    } else if (!o_.bitRate && (codecName_ == "mpeg4" || codecName_ == "mjpeg" || codecName_ == "libxvid")) {
      c->flags |= AV_CODEC_FLAG_QSCALE;  // constant quality (like -q:v 3)
      c->global_quality = FF_QP2LAMBDA * 3;
    }
    c->thread_count = 0;
    r = avcodec_open2(c, codec, &opts);
    av_dict_free(&opts);
    if (r < 0) throw VideoError(std::string("cannot open the ") + codec->name + " encoder (" + averr(r) + ")");
    if ((r = avcodec_parameters_from_context(st_->codecpar, c)) < 0) throw VideoError("encoder parameters: " + averr(r));
    if (gif_) setupGifGraph();
    if (!(oc_->oformat->flags & AVFMT_NOFILE)) {
      if ((r = avio_open(&oc_->pb, o_.tmpPath.c_str(), AVIO_FLAG_WRITE)) < 0)
        throw VideoError("cannot create " + o_.tmpPath + " (" + averr(r) + ")");
    }
    AVDictionary* mux = nullptr;
    if (fmtName == "mp4" || fmtName == "mov") av_dict_set(&mux, "movflags", "+faststart", 0);  // playable while loading
    r = avformat_write_header(oc_, &mux);
    av_dict_free(&mux);
    if (r < 0) throw VideoError("cannot write the file header (" + averr(r) + ")");
    frame_.reset(av_frame_alloc());
    pkt_.reset(av_packet_alloc());
    frame_->format = gif_ ? AV_PIX_FMT_RGB24 : pixFmt_;
    frame_->width = gif_ ? o_.width : encW_;
    frame_->height = gif_ ? o_.height : encH_;
    if ((r = av_frame_get_buffer(frame_.get(), 0)) < 0) throw VideoError("out of memory");
  }

  static AVPixelFormat pickPixFmt(const AVCodec* codec) {
    if (!codec->pix_fmts) return AV_PIX_FMT_YUV420P;
    for (const AVPixelFormat* p = codec->pix_fmts; *p != AV_PIX_FMT_NONE; ++p)
      if (*p == AV_PIX_FMT_YUV420P) return *p;
    for (const AVPixelFormat* p = codec->pix_fmts; *p != AV_PIX_FMT_NONE; ++p)
      if (*p == AV_PIX_FMT_YUVJ420P) return *p;
    return codec->pix_fmts[0];
  }

  void setupGifGraph() {
    graph_.reset(avfilter_graph_alloc());
    if (!graph_) throw VideoError("out of memory");
    char args[256];
    std::snprintf(args, sizeof(args), "video_size=%dx%d:pix_fmt=%d:time_base=%d/%d:pixel_aspect=1/1", o_.width,
                  o_.height, (int)AV_PIX_FMT_RGB24, enc_->time_base.num, enc_->time_base.den);
    int r = avfilter_graph_create_filter(&src_, avfilter_get_by_name("buffer"), "in", args, nullptr, graph_.get());
    if (r < 0) throw VideoError("GIF filter graph: buffer (" + averr(r) + ")");
    r = avfilter_graph_create_filter(&sink_, avfilter_get_by_name("buffersink"), "out", nullptr, nullptr, graph_.get());
    if (r < 0) throw VideoError("GIF filter graph: buffersink (" + averr(r) + ")");
    const AVPixelFormat fmts[] = {AV_PIX_FMT_PAL8, AV_PIX_FMT_NONE};
    av_opt_set_int_list(sink_, "pix_fmts", fmts, AV_PIX_FMT_NONE, AV_OPT_SEARCH_CHILDREN);
    AVFilterInOut* outputs = avfilter_inout_alloc();
    AVFilterInOut* inputs = avfilter_inout_alloc();
    outputs->name = av_strdup("in");
    outputs->filter_ctx = src_;
    inputs->name = av_strdup("out");
    inputs->filter_ctx = sink_;
    r = avfilter_graph_parse_ptr(graph_.get(), "split[a][b];[a]palettegen=stats_mode=full[p];[b][p]paletteuse=dither=sierra2_4a",
                                 &inputs, &outputs, nullptr);
    avfilter_inout_free(&inputs);
    avfilter_inout_free(&outputs);
    if (r < 0) throw VideoError("GIF filter graph (" + averr(r) + ")");
    if ((r = avfilter_graph_config(graph_.get(), nullptr)) < 0) throw VideoError("GIF filter graph (" + averr(r) + ")");
  }

  void writeOne(const uint8_t* rgb) {
    int r = av_frame_make_writable(frame_.get());
    if (r < 0) throw VideoError("out of memory");
    const int W = o_.width, H = o_.height;
    if (gif_) {
      for (int y = 0; y < H; ++y) std::memcpy(frame_->data[0] + (size_t)y * frame_->linesize[0], rgb + (size_t)y * W * 3, (size_t)W * 3);
      frame_->pts = frames_++;
      if ((r = av_buffersrc_add_frame_flags(src_, frame_.get(), AV_BUFFERSRC_FLAG_KEEP_REF)) < 0)
        throw VideoError("GIF filter graph (" + averr(r) + ")");
      pullFiltered();
      return;
    }
    // RGB -> the encoder's format (BT.601, limited range: what the ffmpeg CLI writes untagged).
    const uint8_t* src = rgb;
    if (encW_ != W || encH_ != H) {  // pad odd sizes by repeating the last column/row
      padded_.resize((size_t)encW_ * encH_ * 3);
      for (int y = 0; y < encH_; ++y) {
        const uint8_t* s = rgb + (size_t)std::min(y, H - 1) * W * 3;
        uint8_t* d = padded_.data() + (size_t)y * encW_ * 3;
        std::memcpy(d, s, (size_t)W * 3);
        if (encW_ > W) std::memcpy(d + (size_t)W * 3, s + (size_t)(W - 1) * 3, 3);
      }
      src = padded_.data();
    }
    if (!sws_) {
      sws_.reset(sws_getContext(encW_, encH_, AV_PIX_FMT_RGB24, encW_, encH_, pixFmt_, SWS_BICUBIC, nullptr, nullptr, nullptr));
      if (!sws_) throw VideoError("cannot convert RGB to the encoder's pixel format");
    }
    const uint8_t* in[4] = {src, nullptr, nullptr, nullptr};
    const int inStride[4] = {encW_ * 3, 0, 0, 0};
    sws_scale(sws_.get(), in, inStride, 0, encH_, frame_->data, frame_->linesize);
    frame_->pts = frames_++;
    encode(frame_.get());
  }

  void pullFiltered() {
    FramePtr f(av_frame_alloc());
    for (;;) {
      int r = av_buffersink_get_frame(sink_, f.get());
      if (r == AVERROR(EAGAIN) || r == AVERROR_EOF) return;
      if (r < 0) throw VideoError("GIF filter graph (" + averr(r) + ")");
      encode(f.get());
      av_frame_unref(f.get());
    }
  }

  void encode(AVFrame* f) {
    int r = avcodec_send_frame(enc_.get(), f);
    if (r < 0 && r != AVERROR_EOF) throw VideoError("encoding failed (" + averr(r) + ")");
    for (;;) {
      r = avcodec_receive_packet(enc_.get(), pkt_.get());
      if (r == AVERROR(EAGAIN) || r == AVERROR_EOF) return;
      if (r < 0) throw VideoError("encoding failed (" + averr(r) + ")");
      av_packet_rescale_ts(pkt_.get(), enc_->time_base, st_->time_base);
      pkt_->stream_index = st_->index;
      r = av_interleaved_write_frame(oc_, pkt_.get());
      if (r < 0) throw VideoError("cannot write to " + o_.tmpPath + " (" + averr(r) + ")");
    }
  }

  void closeIo() {
    if (oc_ && oc_->pb && !(oc_->oformat->flags & AVFMT_NOFILE)) avio_closep(&oc_->pb);
  }

  void freeAll() {
    graph_.reset();
    enc_.reset();
    if (oc_) {
      closeIo();
      avformat_free_context(oc_);
      oc_ = nullptr;
    }
  }

  WriterOptions o_;
  AVFormatContext* oc_ = nullptr;
  AVStream* st_ = nullptr;
  CodecPtr enc_;
  SwsPtr sws_;
  FramePtr frame_;
  PacketPtr pkt_;
  std::unique_ptr<AVFilterGraph, GraphFreer> graph_;
  AVFilterContext* src_ = nullptr;
  AVFilterContext* sink_ = nullptr;
  AVPixelFormat pixFmt_ = AV_PIX_FMT_YUV420P;
  std::vector<uint8_t> padded_;
  std::string codecName_;
  int encW_ = 0, encH_ = 0;
  int64_t frames_ = 0;
  bool gif_ = false;
  bool done_ = false;
};

// ============================================================================ N-API

struct WriterBox {
  std::shared_ptr<Writer> writer;
};

static WriterBox* unboxWriter(const Napi::Value& v) {
  if (!v.IsExternal()) throw Napi::TypeError::New(v.Env(), "expected a video writer handle");
  return v.As<Napi::External<WriterBox>>().Data();
}

// One job on the writer off the JS thread: encode frames, or finish the file.
class WriterWorker : public Napi::AsyncWorker {
 public:
  WriterWorker(Napi::Env env, std::shared_ptr<Writer> w, std::vector<uint8_t> data, int64_t n, bool finish)
      : Napi::AsyncWorker(env), w_(std::move(w)), data_(std::move(data)), n_(n), finish_(finish), deferred_(env) {}
  Napi::Promise promise() { return deferred_.Promise(); }
  void Execute() override {
    try {
      std::lock_guard<std::mutex> lock(w_->mu);
      if (finish_) w_->close();
      else w_->write(data_.data(), n_);
    } catch (const std::exception& e) {
      if (finish_) w_->abort();
      SetError(e.what());
    }
  }
  void OnOK() override { deferred_.Resolve(Napi::Number::New(Env(), (double)w_->frames())); }
  void OnError(const Napi::Error& e) override { deferred_.Reject(e.Value()); }

 private:
  std::shared_ptr<Writer> w_;
  std::vector<uint8_t> data_;
  int64_t n_;
  bool finish_;
  Napi::Promise::Deferred deferred_;
};

// videoWriterOpen(finalPath, tmpPath, {fps, width, height, codec, crf, preset, bitRate}) -> {handle, codec}
static Napi::Value videoWriterOpen(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 3 || !info[0].IsString() || !info[1].IsString() || !info[2].IsObject())
    throw Napi::TypeError::New(env, "videoWriterOpen(path, tmpPath, options)");
  Napi::Object o = info[2].As<Napi::Object>();
  WriterOptions w;
  w.finalPath = info[0].As<Napi::String>().Utf8Value();
  w.tmpPath = info[1].As<Napi::String>().Utf8Value();
  auto num = [&](const char* k, double def) {
    Napi::Value v = o.Get(k);
    return v.IsNumber() ? v.As<Napi::Number>().DoubleValue() : def;
  };
  auto str = [&](const char* k) {
    Napi::Value v = o.Get(k);
    return v.IsString() ? v.As<Napi::String>().Utf8Value() : std::string();
  };
  w.fps = num("fps", 30);
  w.width = (int)num("width", 0);
  w.height = (int)num("height", 0);
  w.crf = (int)num("crf", -1);
  w.bitRate = (int64_t)num("bitRate", 0);
  w.codec = str("codec");
  w.preset = str("preset");
  std::shared_ptr<Writer> writer;
  try {
    writer = std::make_shared<Writer>(w);
  } catch (const std::exception& e) {
    std::remove(w.tmpPath.c_str());
    throw Napi::Error::New(env, e.what());
  }
  Napi::Object res = Napi::Object::New(env);
  res.Set("codec", writer->codecName());
  res.Set("handle", Napi::External<WriterBox>::New(env, new WriterBox{writer}, [](Napi::Env, WriterBox* b) {
            // never closed: drop the temporary file
            if (b->writer) {
              std::lock_guard<std::mutex> lock(b->writer->mu);
              b->writer->abort();
            }
            delete b;
          }));
  return res;
}

// videoWriterWrite(handle, Uint8Array frames, n) -> Promise<frames written so far>
static Napi::Value videoWriterWrite(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  WriterBox* box = unboxWriter(info[0]);
  if (!box->writer) throw Napi::Error::New(env, "the writer is closed");
  if (!info[1].IsTypedArray()) throw Napi::TypeError::New(env, "videoWriterWrite: expected a Uint8Array");
  Napi::Uint8Array a = info[1].As<Napi::Uint8Array>();
  const int64_t n = (int64_t)info[2].As<Napi::Number>().Int64Value();
  std::vector<uint8_t> data(a.Data(), a.Data() + a.ByteLength());  // the JS buffer may change meanwhile
  auto* w = new WriterWorker(env, box->writer, std::move(data), n, false);
  Napi::Promise p = w->promise();
  w->Queue();
  return p;
}

// videoWriterClose(handle) -> Promise<frames>: flush, trailer, rename into place.
static Napi::Value videoWriterClose(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  WriterBox* box = unboxWriter(info[0]);
  if (!box->writer) throw Napi::Error::New(env, "the writer is closed");
  std::shared_ptr<Writer> w = std::move(box->writer);
  auto* job = new WriterWorker(env, w, {}, 0, true);
  Napi::Promise p = job->promise();
  job->Queue();
  return p;
}

// videoWriterAbort(handle): drop the output.
static Napi::Value videoWriterAbort(const Napi::CallbackInfo& info) {
  WriterBox* box = unboxWriter(info[0]);
  if (box->writer) {
    std::shared_ptr<Writer> w = std::move(box->writer);
    std::lock_guard<std::mutex> lock(w->mu);
    w->abort();
  }
  return info.Env().Undefined();
}

void initVideoWriter(Napi::Env env, Napi::Object exports) {
  exports.Set("videoWriterOpen", Napi::Function::New(env, videoWriterOpen, "videoWriterOpen"));
  exports.Set("videoWriterWrite", Napi::Function::New(env, videoWriterWrite, "videoWriterWrite"));
  exports.Set("videoWriterClose", Napi::Function::New(env, videoWriterClose, "videoWriterClose"));
  exports.Set("videoWriterAbort", Napi::Function::New(env, videoWriterAbort, "videoWriterAbort"));
}

}  // namespace video
}  // namespace mmts
