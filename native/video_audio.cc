// Audio of a video file: the best audio stream decoded and resampled (libswresample), either
// written to a 16-bit PCM WAV file (what MMAction2's tools/data/extract_audio.py gets from
// `ffmpeg -i VIDEO -map 0:a -y OUT.wav`) or returned as float32 samples for feature extraction.
#include <cstdio>

#include "video_common.h"

extern "C" {
#include <libavutil/channel_layout.h>
#include <libswresample/swresample.h>
}

namespace mmts {
namespace video {

struct SwrFreer {
  void operator()(SwrContext* s) const { swr_free(&s); }
};

struct AudioOptions {
  int sampleRate = 0;  // 0: the stream's rate
  int channels = 0;    // 0: the stream's channel count; 1: mono (mixed down)
  double timeoutSec = 30;
};

struct AudioResult {
  int sampleRate = 0, channels = 0;
  std::vector<float> samples;  // interleaved (float output only)
  int64_t frames = 0;          // samples per channel
  std::string codec;
};

// Decodes `url`'s audio. With `wavPath` set, writes s16 PCM WAV to `tmpPath` then renames it to
// `wavPath`; otherwise fills result->samples with interleaved float32.
static void decodeAudio(const std::string& url, const AudioOptions& o, const std::string& wavPath,
                        const std::string& tmpPath, AudioResult* result) {
  IoDeadline deadline;
  AVFormatContext* raw = avformat_alloc_context();
  raw->interrupt_callback.callback = &IoDeadline::callback;
  raw->interrupt_callback.opaque = &deadline;
  deadline.arm(o.timeoutSec);
  int r = avformat_open_input(&raw, url.c_str(), nullptr, nullptr);
  if (r < 0) {
    if (r == AVERROR(ENOENT)) throw VideoError("no such file");
    throw VideoError("cannot open (" + averr(r) + ")");
  }
  FormatPtr fmt(raw);
  if ((r = avformat_find_stream_info(fmt.get(), nullptr)) < 0) throw VideoError("cannot read stream information (" + averr(r) + ")");
  deadline.disarm();
  const AVCodec* codec = nullptr;
  const int si = av_find_best_stream(fmt.get(), AVMEDIA_TYPE_AUDIO, -1, -1, &codec, 0);
  if (si < 0) throw VideoError("has no audio stream");
  AVStream* st = fmt->streams[si];
  for (unsigned i = 0; i < fmt->nb_streams; ++i)
    if ((int)i != si) fmt->streams[i]->discard = AVDISCARD_ALL;
  if (!codec) throw VideoError(std::string("no decoder for its audio codec '") + avcodec_get_name(st->codecpar->codec_id) + "'");
  CodecPtr dec(avcodec_alloc_context3(codec));
  if ((r = avcodec_parameters_to_context(dec.get(), st->codecpar)) < 0) throw VideoError("audio decoder setup (" + averr(r) + ")");
  dec->pkt_timebase = st->time_base;
  if ((r = avcodec_open2(dec.get(), codec, nullptr)) < 0) throw VideoError("cannot open the audio decoder (" + averr(r) + ")");
  result->codec = codec->name;

  const int inRate = dec->sample_rate;
  if (inRate <= 0) throw VideoError("the audio stream has no sample rate");
  AVChannelLayout inLayout;
  if (dec->ch_layout.order == AV_CHANNEL_ORDER_UNSPEC || dec->ch_layout.nb_channels <= 0)
    av_channel_layout_default(&inLayout, std::max(dec->ch_layout.nb_channels, 1));
  else
    av_channel_layout_copy(&inLayout, &dec->ch_layout);
  const int outRate = o.sampleRate > 0 ? o.sampleRate : inRate;
  const int outCh = o.channels > 0 ? o.channels : inLayout.nb_channels;
  AVChannelLayout outLayout;
  av_channel_layout_default(&outLayout, outCh);
  const bool toWav = !wavPath.empty();
  const AVSampleFormat outFmt = toWav ? AV_SAMPLE_FMT_S16 : AV_SAMPLE_FMT_FLT;
  SwrContext* swrRaw = nullptr;
  r = swr_alloc_set_opts2(&swrRaw, &outLayout, outFmt, outRate, &inLayout, dec->sample_fmt, inRate, 0, nullptr);
  av_channel_layout_uninit(&inLayout);
  std::unique_ptr<SwrContext, SwrFreer> swr(swrRaw);
  if (r < 0 || swr_init(swr.get()) < 0) throw VideoError("cannot set up audio resampling");
  result->sampleRate = outRate;
  result->channels = outCh;

  // WAV output
  AVFormatContext* oc = nullptr;
  AVStream* ost = nullptr;
  CodecPtr enc;
  struct OcGuard {
    AVFormatContext** oc;
    ~OcGuard() {
      if (*oc) {
        if ((*oc)->pb) avio_closep(&(*oc)->pb);
        avformat_free_context(*oc);
      }
    }
  } ocGuard{&oc};
  FramePtr encFrame(av_frame_alloc());
  PacketPtr encPkt(av_packet_alloc());
  int64_t encPts = 0;
  auto encodeFrame = [&](AVFrame* f) {
    int e = avcodec_send_frame(enc.get(), f);
    if (e < 0 && e != AVERROR_EOF) throw VideoError("WAV encoding failed (" + averr(e) + ")");
    while ((e = avcodec_receive_packet(enc.get(), encPkt.get())) == 0) {
      av_packet_rescale_ts(encPkt.get(), enc->time_base, ost->time_base);
      encPkt->stream_index = 0;
      if ((e = av_interleaved_write_frame(oc, encPkt.get())) < 0) throw VideoError("cannot write " + tmpPath + " (" + averr(e) + ")");
    }
  };
  if (toWav) {
    if (avformat_alloc_output_context2(&oc, nullptr, "wav", tmpPath.c_str()) < 0 || !oc) throw VideoError("no WAV muxer");
    const AVCodec* pcm = avcodec_find_encoder(AV_CODEC_ID_PCM_S16LE);
    ost = avformat_new_stream(oc, nullptr);
    enc.reset(avcodec_alloc_context3(pcm));
    enc->sample_fmt = AV_SAMPLE_FMT_S16;
    enc->sample_rate = outRate;
    av_channel_layout_copy(&enc->ch_layout, &outLayout);
    enc->time_base = AVRational{1, outRate};
    if ((r = avcodec_open2(enc.get(), pcm, nullptr)) < 0) throw VideoError("PCM encoder (" + averr(r) + ")");
    avcodec_parameters_from_context(ost->codecpar, enc.get());
    ost->time_base = enc->time_base;
    if ((r = avio_open(&oc->pb, tmpPath.c_str(), AVIO_FLAG_WRITE)) < 0) throw VideoError("cannot create " + tmpPath + " (" + averr(r) + ")");
    if ((r = avformat_write_header(oc, nullptr)) < 0) throw VideoError("cannot write the WAV header (" + averr(r) + ")");
  }
  std::vector<uint8_t> buf;
  auto emit = [&](const uint8_t** in, int inSamples) {
    const int cap = swr_get_out_samples(swr.get(), inSamples);
    if (cap <= 0) return;
    const int bps = av_get_bytes_per_sample(outFmt) * outCh;
    buf.resize((size_t)cap * bps);
    uint8_t* out[1] = {buf.data()};
    const int got = swr_convert(swr.get(), out, cap, in, inSamples);
    if (got < 0) throw VideoError("audio resampling failed");
    if (got == 0) return;
    result->frames += got;
    if (!toWav) {
      const float* f = reinterpret_cast<const float*>(buf.data());
      result->samples.insert(result->samples.end(), f, f + (size_t)got * outCh);
      return;
    }
    av_frame_unref(encFrame.get());
    encFrame->format = AV_SAMPLE_FMT_S16;
    encFrame->sample_rate = outRate;
    av_channel_layout_copy(&encFrame->ch_layout, &outLayout);
    encFrame->nb_samples = got;
    if (av_frame_get_buffer(encFrame.get(), 0) < 0) throw VideoError("out of memory");
    std::memcpy(encFrame->data[0], buf.data(), (size_t)got * bps);
    encFrame->pts = encPts;
    encPts += got;
    encodeFrame(encFrame.get());
  };

  PacketPtr pkt(av_packet_alloc());
  FramePtr frame(av_frame_alloc());
  bool flushed = false;
  int errors = 0;
  for (;;) {
    r = avcodec_receive_frame(dec.get(), frame.get());
    if (r == 0) {
      emit(const_cast<const uint8_t**>(frame->extended_data), frame->nb_samples);
      continue;
    }
    if (r == AVERROR_EOF) break;
    if (r != AVERROR(EAGAIN)) {
      if (++errors > 10000) break;
      continue;
    }
    if (flushed) break;
    r = av_read_frame(fmt.get(), pkt.get());
    if (r < 0) {
      avcodec_send_packet(dec.get(), nullptr);
      flushed = true;
      continue;
    }
    if (pkt->stream_index == si) avcodec_send_packet(dec.get(), pkt.get());
    av_packet_unref(pkt.get());
  }
  emit(nullptr, 0);  // the resampler's tail
  av_channel_layout_uninit(&outLayout);
  if (result->frames == 0) throw VideoError("its audio stream decodes to no samples");
  if (toWav) {
    encodeFrame(nullptr);
    if ((r = av_write_trailer(oc)) < 0) throw VideoError("cannot finish the WAV file (" + averr(r) + ")");
    avio_closep(&oc->pb);
    if (std::rename(tmpPath.c_str(), wavPath.c_str()) != 0) throw VideoError("cannot move " + tmpPath + " into place");
  }
}

class AudioWorker : public Napi::AsyncWorker {
 public:
  AudioWorker(Napi::Env env, std::string url, AudioOptions o, std::string wav, std::string tmp)
      : Napi::AsyncWorker(env), url_(std::move(url)), o_(o), wav_(std::move(wav)), tmp_(std::move(tmp)), deferred_(env) {}
  Napi::Promise promise() { return deferred_.Promise(); }
  void Execute() override {
    try {
      decodeAudio(url_, o_, wav_, tmp_, &res_);
    } catch (const std::exception& e) {
      if (!tmp_.empty()) std::remove(tmp_.c_str());
      SetError(e.what());
    }
  }
  void OnOK() override {
    Napi::Env env = Env();
    Napi::Object o = Napi::Object::New(env);
    o.Set("sampleRate", res_.sampleRate);
    o.Set("channels", res_.channels);
    o.Set("frames", (double)res_.frames);
    o.Set("codec", res_.codec);
    if (wav_.empty()) {
      Napi::Float32Array a = Napi::Float32Array::New(env, res_.samples.size());
      std::memcpy(a.Data(), res_.samples.data(), res_.samples.size() * sizeof(float));
      o.Set("samples", a);
    }
    deferred_.Resolve(o);
  }
  void OnError(const Napi::Error& e) override { deferred_.Reject(e.Value()); }

 private:
  std::string url_;
  AudioOptions o_;
  std::string wav_, tmp_;
  AudioResult res_;
  Napi::Promise::Deferred deferred_;
};

static AudioOptions parseAudioOptions(const Napi::Value& v) {
  AudioOptions o;
  if (!v.IsObject()) return o;
  Napi::Object obj = v.As<Napi::Object>();
  if (obj.Get("sampleRate").IsNumber()) o.sampleRate = obj.Get("sampleRate").As<Napi::Number>().Int32Value();
  if (obj.Get("channels").IsNumber()) o.channels = obj.Get("channels").As<Napi::Number>().Int32Value();
  if (obj.Get("timeout").IsNumber()) o.timeoutSec = obj.Get("timeout").As<Napi::Number>().DoubleValue();
  if (o.sampleRate < 0 || o.sampleRate > 768000) throw VideoError("sampleRate out of range");
  if (o.channels < 0 || o.channels > 16) throw VideoError("channels out of range");
  return o;
}

// audioExtractWav(input, wavPath, tmpPath, {sampleRate, channels}) -> Promise<{sampleRate, channels, frames, codec}>
static Napi::Value audioExtractWav(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 3 || !info[0].IsString() || !info[1].IsString() || !info[2].IsString())
    throw Napi::TypeError::New(env, "audioExtractWav(input, wavPath, tmpPath, options)");
  AudioOptions o;
  try {
    o = parseAudioOptions(info[3]);
  } catch (const std::exception& e) {
    throw Napi::RangeError::New(env, e.what());
  }
  auto* w = new AudioWorker(env, info[0].As<Napi::String>().Utf8Value(), o, info[1].As<Napi::String>().Utf8Value(),
                            info[2].As<Napi::String>().Utf8Value());
  Napi::Promise p = w->promise();
  w->Queue();
  return p;
}

// audioRead(input, {sampleRate, channels}) -> Promise<{samples: Float32Array (interleaved), ...}>
static Napi::Value audioRead(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 1 || !info[0].IsString()) throw Napi::TypeError::New(env, "audioRead(input, options)");
  AudioOptions o;
  try {
    o = parseAudioOptions(info[1]);
  } catch (const std::exception& e) {
    throw Napi::RangeError::New(env, e.what());
  }
  auto* w = new AudioWorker(env, info[0].As<Napi::String>().Utf8Value(), o, "", "");
  Napi::Promise p = w->promise();
  w->Queue();
  return p;
}

void initVideoAudio(Napi::Env env, Napi::Object exports) {
  exports.Set("audioExtractWav", Napi::Function::New(env, audioExtractWav, "audioExtractWav"));
  exports.Set("audioRead", Napi::Function::New(env, audioRead, "audioRead"));
}

}  // namespace video
}  // namespace mmts
