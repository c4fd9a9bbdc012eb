// Source: opening an input, picking its video stream, decoding frames in presentation order.
#include "video_source.h"

#include <chrono>
#include <thread>

namespace mmts {
namespace video {

Source::Source(const std::string& url, const SourceOptions& opts) : url_(url), opts_(opts) { open(); }

static std::string streamSummary(AVFormatContext* fmt) {
  std::string s;
  for (unsigned i = 0; i < fmt->nb_streams; ++i) {
    const AVCodecParameters* p = fmt->streams[i]->codecpar;
    const char* type = av_get_media_type_string(p->codec_type);
    if (!s.empty()) s += ", ";
    s += std::string(type ? type : "unknown") + " (" + avcodec_get_name(p->codec_id) + ")";
  }
  return s.empty() ? "none" : s;
}

void Source::open() {
  AVFormatContext* raw = avformat_alloc_context();
  if (!raw) throw VideoError("out of memory");
  raw->interrupt_callback.callback = &IoDeadline::callback;
  raw->interrupt_callback.opaque = &deadline_;
  AVDictionary* dict = nullptr;
  if (opts_.timeoutSec > 0 && url_.find("://") != std::string::npos) {
    const std::string us = std::to_string((int64_t)(opts_.timeoutSec * 1e6));
    av_dict_set(&dict, "rw_timeout", us.c_str(), 0);  // per-read timeout of network protocols
  }
  for (const auto& kv : opts_.inputOptions) av_dict_set(&dict, kv.first.c_str(), kv.second.c_str(), 0);
  const AVInputFormat* ifmt = nullptr;
  if (!opts_.format.empty()) {
    ifmt = av_find_input_format(opts_.format.c_str());
    if (!ifmt) {
      av_dict_free(&dict);
      avformat_free_context(raw);
      throw VideoError("unknown input format '" + opts_.format + "' (not in this FFmpeg build; see `ffmpeg -formats`)");
    }
  }
  deadline_.arm(opts_.timeoutSec);
  int r = avformat_open_input(&raw, url_.c_str(), ifmt, &dict);  // frees raw on failure
  av_dict_free(&dict);
  if (r < 0) {
    deadline_.disarm();
    if (r == AVERROR_EXIT) throw VideoError("timed out after " + std::to_string(opts_.timeoutSec) + " s while opening");
    if (r == AVERROR(ENOENT)) throw VideoError("no such file");
    if (r == AVERROR_INVALIDDATA)
      throw VideoError("not a video file FFmpeg can read: truncated, corrupt or another kind of file (" + averr(r) + ")");
    if (r == AVERROR_EOF) throw VideoError("the data ends before any stream starts (truncated or empty file)");
    throw VideoError("cannot open: " + averr(r));
  }
  fmt_.reset(raw);
  r = avformat_find_stream_info(fmt_.get(), nullptr);
  deadline_.disarm();
  if (r < 0) {
    if (r == AVERROR_EXIT) throw VideoError("timed out while reading stream information");
    throw VideoError("cannot read stream information (" + averr(r) + ")");
  }

  // The best video stream that is not a cover picture.
  const AVCodec* codec = nullptr;
  si_ = av_find_best_stream(fmt_.get(), AVMEDIA_TYPE_VIDEO, -1, -1, &codec, 0);
  if (si_ >= 0 && (fmt_->streams[si_]->disposition & AV_DISPOSITION_ATTACHED_PIC)) si_ = -1;
  if (si_ < 0) {
    for (unsigned i = 0; i < fmt_->nb_streams; ++i) {
      const AVStream* s = fmt_->streams[i];
      if (s->codecpar->codec_type == AVMEDIA_TYPE_VIDEO && !(s->disposition & AV_DISPOSITION_ATTACHED_PIC)) {
        si_ = (int)i;
        break;
      }
    }
  }
  if (si_ < 0)
    throw VideoError(fmt_->nb_streams ? "has no video stream (it has: " + streamSummary(fmt_.get()) + ")"
                                      : "contains no streams at all (empty or truncated file)");
  st_ = fmt_->streams[si_];
  for (unsigned i = 0; i < fmt_->nb_streams; ++i)
    if ((int)i != si_) fmt_->streams[i]->discard = AVDISCARD_ALL;
  codec = avcodec_find_decoder(st_->codecpar->codec_id);
  if (!codec)
    throw VideoError(std::string("no decoder for its codec '") + avcodec_get_name(st_->codecpar->codec_id) +
                     "' in this FFmpeg build");
  if (st_->codecpar->width <= 0 || st_->codecpar->height <= 0)
    throw VideoError("its video stream has no frame size (corrupt or empty stream)");
  dec_.reset(avcodec_alloc_context3(codec));
  if (!dec_) throw VideoError("out of memory");
  if ((r = avcodec_parameters_to_context(dec_.get(), st_->codecpar)) < 0)
    throw VideoError("cannot set up the decoder (" + averr(r) + ")");
  dec_->pkt_timebase = st_->time_base;
  dec_->thread_count = opts_.threads > 0 ? opts_.threads : 0;
  AVDictionary* decOpts = nullptr;
  for (const auto& kv : opts_.decoderOptions) av_dict_set(&decOpts, kv.first.c_str(), kv.second.c_str(), 0);
  r = avcodec_open2(dec_.get(), codec, &decOpts);
  // avcodec_open2 leaves the options it did not recognise in the dictionary
  const AVDictionaryEntry* unused = av_dict_get(decOpts, "", nullptr, AV_DICT_IGNORE_SUFFIX);
  const std::string unusedKey = unused ? unused->key : "";
  av_dict_free(&decOpts);
  if (r < 0) throw VideoError(std::string("cannot open the ") + codec->name + " decoder (" + averr(r) + ")");
  if (!unusedKey.empty())
    throw VideoError(std::string("the ") + codec->name + " decoder does not accept the option '" + unusedKey + "'");
  pkt_.reset(av_packet_alloc());
  frame_.reset(av_frame_alloc());
  if (!pkt_ || !frame_) throw VideoError("out of memory");
  flushed_ = finished_ = false;
}

bool Source::next(const std::function<void(const AVPacket*)>& beforeSend) {
  if (finished_) return false;
  int errorsInARow = 0;
  for (;;) {
    int r = avcodec_receive_frame(dec_.get(), frame_.get());
    if (r == 0) {
      ++framesDecoded_;
      return true;
    }
    if (r == AVERROR_EOF) {
      finished_ = true;
      return false;
    }
    if (r != AVERROR(EAGAIN)) {  // a frame that failed to decode: counted, skipped
      ++decodeErrors_;
      lastDecodeError_ = averr(r);
      if (++errorsInARow > 10000) {
        finished_ = true;
        return false;
      }
      continue;
    }
    if (flushed_) {  // EAGAIN after the final flush: nothing more will come
      finished_ = true;
      return false;
    }
    r = av_read_frame(fmt_.get(), pkt_.get());
    if (r == AVERROR(EAGAIN)) {  // non-blocking live input (devices): wait a little
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
      continue;
    }
    if (r < 0) {  // end of file, a truncated file or an I/O error: drain the decoder
      if (r == AVERROR_EXIT) throw VideoError("timed out while reading");
      avcodec_send_packet(dec_.get(), nullptr);
      flushed_ = true;
      continue;
    }
    if (pkt_->stream_index != si_ || pkt_->size == 0) {  // empty packets (AVI drop frames) are no frames
      av_packet_unref(pkt_.get());
      continue;
    }
    if (beforeSend) beforeSend(pkt_.get());
    r = avcodec_send_packet(dec_.get(), pkt_.get());
    av_packet_unref(pkt_.get());
    if (r < 0 && r != AVERROR(EAGAIN) && r != AVERROR_EOF) {
      ++decodeErrors_;
      lastDecodeError_ = averr(r);
      if (++errorsInARow > 10000) {
        finished_ = true;
        return false;
      }
    }
  }
}

bool Source::seek(int64_t ts) {
  int r = av_seek_frame(fmt_.get(), si_, ts, AVSEEK_FLAG_BACKWARD);
  if (r < 0) r = avformat_seek_file(fmt_.get(), si_, INT64_MIN, ts, ts, 0);
  if (r < 0) return false;
  avcodec_flush_buffers(dec_.get());
  flushed_ = finished_ = false;
  return true;
}

void Source::rewind() {
  // Opening again guarantees that the next packet is the very first one, whatever the demuxer's
  // seeking does with files without (reliable) timestamps, the only ones rewound.
  dec_.reset();
  fmt_.reset();
  open();
}

}  // namespace video
}  // namespace mmts
