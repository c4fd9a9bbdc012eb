// One demuxer + one video decoder: the part shared by the random-access reader (video_reader.cc)
// and the sequential stream (video_stream.cc).
#pragma once
#include <functional>
#include <string>
#include <vector>

#include "video_common.h"

namespace mmts {
namespace video {

struct SourceOptions {
  int threads = 0;           // decoder threads; 0 = FFmpeg's choice (one per core)
  double timeoutSec = 30;    // open/read timeout for network inputs
  std::string format;        // forced input format ("v4l2", "lavfi", ...); empty = probe
  std::vector<std::pair<std::string, std::string>> inputOptions;  // demuxer options (video_size, ...)
  std::vector<std::pair<std::string, std::string>> decoderOptions;  // decoder options (flags2=+export_mvs); all must be used
};

class Source {
 public:
  Source(const std::string& url, const SourceOptions& opts);
  Source(const Source&) = delete;
  Source& operator=(const Source&) = delete;

  AVFormatContext* fmt() const { return fmt_.get(); }
  AVStream* stream() const { return st_; }
  AVCodecContext* codec() const { return dec_.get(); }
  int streamIndex() const { return si_; }

  // Decodes the next frame in presentation order into frame(); false at the end of the stream.
  // `beforeSend` may adjust the decoder (skip_frame) for the packet about to be sent.
  bool next(const std::function<void(const AVPacket*)>& beforeSend = {});
  AVFrame* frame() const { return frame_.get(); }

  // Seeks the demuxer to the keyframe at or before `ts` (stream time base; a dts, or a pts for
  // demuxers that seek by pts) and resets the decoder. False when the demuxer cannot seek.
  bool seek(int64_t ts);
  // Back to the very first packet (opens the input again).
  void rewind();

  int decodeErrors() const { return decodeErrors_; }
  int64_t framesDecoded() const { return framesDecoded_; }  // frames output by the decoder so far
  const std::string& lastDecodeError() const { return lastDecodeError_; }

 private:
  void open();
  std::string url_;
  SourceOptions opts_;
  IoDeadline deadline_;
  FormatPtr fmt_;
  CodecPtr dec_;
  AVStream* st_ = nullptr;
  int si_ = -1;
  PacketPtr pkt_;
  FramePtr frame_;
  bool flushed_ = false;   // the end-of-stream packet was sent
  bool finished_ = false;  // the decoder returned EOF
  int decodeErrors_ = 0;
  int64_t framesDecoded_ = 0;
  std::string lastDecodeError_;
};

}  // namespace video
}  // namespace mmts
