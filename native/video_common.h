// Shared helpers of the video translation units (video_*.cc): FFmpeg headers, error strings,
// small RAII holders. No libtorch headers here: tensors cross through bridge.h only.
#pragma once
#include <napi.h>

#include <cstdint>
#include <cstring>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

extern "C" {
#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
#include <libavutil/display.h>
#include <libavutil/imgutils.h>
#include <libavutil/opt.h>
#include <libavutil/pixdesc.h>
#include <libswscale/swscale.h>
}

#include "bridge.h"

namespace mmts {
namespace video {

// A failure with a message for the user (the TS side prefixes the file name).
struct VideoError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

inline std::string averr(int code) {
  char buf[AV_ERROR_MAX_STRING_SIZE] = {0};
  av_strerror(code, buf, sizeof(buf));
  return buf;
}

struct FormatCloser {
  void operator()(AVFormatContext* f) const { avformat_close_input(&f); }
};
struct CodecCloser {
  void operator()(AVCodecContext* c) const { avcodec_free_context(&c); }
};
struct FrameFreer {
  void operator()(AVFrame* f) const { av_frame_free(&f); }
};
struct PacketFreer {
  void operator()(AVPacket* p) const { av_packet_free(&p); }
};
struct SwsFreer {
  void operator()(SwsContext* s) const { sws_freeContext(s); }
};
using FormatPtr = std::unique_ptr<AVFormatContext, FormatCloser>;
using CodecPtr = std::unique_ptr<AVCodecContext, CodecCloser>;
using FramePtr = std::unique_ptr<AVFrame, FrameFreer>;
using PacketPtr = std::unique_ptr<AVPacket, PacketFreer>;
using SwsPtr = std::unique_ptr<SwsContext, SwsFreer>;

// Colour conversion to packed RGB24 the way the ffmpeg CLI's scale filter does it: default
// swscale flags (bicubic), the frame's own matrix/range when `useFrameColorspace` (FFmpeg CLI,
// decord), otherwise swscale's defaults (BT.601, range from the pixel format: OpenCV, PyAV).
// `dst` has `dstLinesize` bytes per row.
class RgbConverter {
 public:
  void convert(const AVFrame* f, int dstW, int dstH, uint8_t* dst, int dstLinesize, bool useFrameColorspace);

 private:
  SwsPtr sws_;
  std::vector<uint8_t> pad_;  // padded destination for widths the SIMD code overruns
  int srcW_ = 0, srcH_ = 0, srcFmt_ = -1, dstW_ = 0, dstH_ = 0, cs_ = -1, range_ = -1;
  bool useFrameCs_ = false;
};

// Writes `src` (H x W x 3, packed) rotated clockwise by `degrees` (90, 180, 270) into `dst`.
void rotateRgb(const uint8_t* src, int w, int h, int degrees, uint8_t* dst);

// Converts `f` to RGB of the output size outW x outH (after rotation) into `dst` (contiguous).
void convertRotated(RgbConverter& conv, const AVFrame* f, int outW, int outH, int rotation, bool frameColorspace,
                    std::vector<uint8_t>* scratch, uint8_t* dst);

// Output size: the displayed size (coded size turned by `rotation`), resized to exactly
// width x height, or so that the short side is `shortSide` (MMAction2's Resize rounding).
void outputSize(int codedW, int codedH, int rotation, int width, int height, int shortSide, int* outW, int* outH);

// Rotation (clockwise degrees, 0/90/180/270) that the ffmpeg CLI's autorotate applies for a stream.
int streamRotation(const AVStream* st);

// Interrupt callback state: aborts blocking I/O (network reads) past a deadline.
struct IoDeadline {
  int64_t deadlineUs = 0;  // 0: none
  static int callback(void* opaque);
  void arm(double seconds);
  void disarm() { deadlineUs = 0; }
};

void initVideoReader(Napi::Env env, Napi::Object exports);
void initVideoWriter(Napi::Env env, Napi::Object exports);
void initVideoStream(Napi::Env env, Napi::Object exports);
void initVideoAudio(Napi::Env env, Napi::Object exports);
void initVideoMotion(Napi::Env env, Napi::Object exports);

}  // namespace video
}  // namespace mmts
