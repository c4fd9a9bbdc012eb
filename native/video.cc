// Video I/O on FFmpeg's libraries: shared helpers and the registration hook. The reader lives in
// video_reader.cc, sequential streaming in video_stream.cc, the encoder in video_writer.cc.
#include <chrono>
#include <algorithm>
#include <cmath>
#include <cstdarg>
#include <cstdlib>
#include <cstring>

#include "video_common.h"

namespace mmts {
namespace video {

// ------------------------------------------------------------------------------ FFmpeg's log
// FFmpeg prints to stderr by default (thousands of lines for a corrupt file). We keep quiet unless
// MMACTION_FFMPEG_LOG=<level> (quiet|error|warning|info|debug) asks for FFmpeg's own output.
static int ffLogLevel() {
  const char* v = std::getenv("MMACTION_FFMPEG_LOG");
  if (!v || !*v) return AV_LOG_QUIET;
  if (!std::strcmp(v, "error")) return AV_LOG_ERROR;
  if (!std::strcmp(v, "warning")) return AV_LOG_WARNING;
  if (!std::strcmp(v, "info")) return AV_LOG_INFO;
  if (!std::strcmp(v, "debug")) return AV_LOG_DEBUG;
  return AV_LOG_QUIET;
}

// ------------------------------------------------------------------------------ colour conversion
void RgbConverter::convert(const AVFrame* f, int dstW, int dstH, uint8_t* dst, int dstLinesize,
                           bool useFrameColorspace) {
  const auto fmt = static_cast<AVPixelFormat>(f->format);
  if (f->width <= 0 || f->height <= 0 || fmt == AV_PIX_FMT_NONE || !sws_isSupportedInput(fmt))
    throw VideoError(std::string("decoded frame has an unsupported pixel format (") +
                     (av_get_pix_fmt_name(fmt) ? av_get_pix_fmt_name(fmt) : "none") + ")");
  const int cs = useFrameColorspace ? f->colorspace : -1;
  const int range = useFrameColorspace ? f->color_range : -1;
  if (!sws_ || f->width != srcW_ || f->height != srcH_ || fmt != srcFmt_ || dstW != dstW_ || dstH != dstH_ ||
      cs != cs_ || range != range_ || useFrameColorspace != useFrameCs_) {
    // The ffmpeg CLI's default flags for its auto-inserted scaler (and OpenCV's): bicubic.
    sws_.reset(sws_getContext(f->width, f->height, fmt, dstW, dstH, AV_PIX_FMT_RGB24, SWS_BICUBIC, nullptr,
                              nullptr, nullptr));
    if (!sws_) throw VideoError("cannot create a swscale context for this frame format");
    srcW_ = f->width, srcH_ = f->height, srcFmt_ = fmt, dstW_ = dstW, dstH_ = dstH, cs_ = cs, range_ = range;
    useFrameCs_ = useFrameColorspace;
    if (useFrameColorspace) {
      // What libavfilter's scale filter does with its default in_color_matrix=auto: the frame's
      // matrix (BT.601 when untagged or unknown) and the frame's range when it is tagged.
      int *inv = nullptr, *table = nullptr, inFull = 0, outFull = 0, brightness = 0, contrast = 0, saturation = 0;
      sws_getColorspaceDetails(sws_.get(), &inv, &inFull, &table, &outFull, &brightness, &contrast, &saturation);
      int spc = cs;
      if (spc < 1 || spc > 10 || spc == 8) spc = AVCOL_SPC_BT470BG;
      const int* coeffs = sws_getCoefficients(spc);
      if (range != AVCOL_RANGE_UNSPECIFIED) inFull = range == AVCOL_RANGE_JPEG;
      sws_setColorspaceDetails(sws_.get(), coeffs, inFull, coeffs, outFull, brightness, contrast, saturation);
    }
  }
  // swscale's SIMD converters write whole blocks of 8-16 pixels per row, i.e. past the end of a row
  // whose width is not a multiple of 16: into the next row (which may already be written) and past
  // the end of the buffer. OpenCV and PyAV convert into padded, aligned frames; so do we, then copy.
  const bool direct = dstW % 16 == 0 && dstLinesize == dstW * 3 && (reinterpret_cast<uintptr_t>(dst) % 16) == 0;
  uint8_t* out = dst;
  int outStride = dstLinesize;
  if (!direct) {
    outStride = FFALIGN(dstW * 3, 64) + 64;
    pad_.resize((size_t)outStride * (dstH + 1) + 64);
    out = reinterpret_cast<uint8_t*>(FFALIGN(reinterpret_cast<uintptr_t>(pad_.data()), 64));
  }
  uint8_t* planes[4] = {out, nullptr, nullptr, nullptr};
  int strides[4] = {outStride, 0, 0, 0};
  const int h = sws_scale(sws_.get(), f->data, f->linesize, 0, f->height, planes, strides);
  if (h != dstH) throw VideoError("colour conversion failed (swscale wrote " + std::to_string(h) + " rows)");
  if (!direct)
    for (int y = 0; y < dstH; ++y) std::memcpy(dst + (size_t)y * dstLinesize, out + (size_t)y * outStride, (size_t)dstW * 3);
}

void rotateRgb(const uint8_t* src, int w, int h, int degrees, uint8_t* dst) {
  // src: h rows of w pixels. Output of 90/270: w rows of h pixels; of 180: h rows of w pixels.
  if (degrees == 180) {
    for (int y = 0; y < h; ++y) {
      const uint8_t* s = src + (size_t)(h - 1 - y) * w * 3;
      uint8_t* d = dst + (size_t)y * w * 3;
      for (int x = 0; x < w; ++x) std::memcpy(d + (size_t)x * 3, s + (size_t)(w - 1 - x) * 3, 3);
    }
  } else if (degrees == 90) {  // transpose=clock: out[y][x] = in[h-1-x][y]
    const int ow = h, oh = w;
    for (int y = 0; y < oh; ++y) {
      uint8_t* d = dst + (size_t)y * ow * 3;
      for (int x = 0; x < ow; ++x) std::memcpy(d + (size_t)x * 3, src + ((size_t)(h - 1 - x) * w + y) * 3, 3);
    }
  } else if (degrees == 270) {  // transpose=cclock: out[y][x] = in[x][w-1-y]
    const int ow = h, oh = w;
    for (int y = 0; y < oh; ++y) {
      uint8_t* d = dst + (size_t)y * ow * 3;
      for (int x = 0; x < ow; ++x) std::memcpy(d + (size_t)x * 3, src + ((size_t)x * w + (w - 1 - y)) * 3, 3);
    }
  } else {
    std::memcpy(dst, src, (size_t)w * h * 3);
  }
}

void convertRotated(RgbConverter& conv, const AVFrame* f, int outW, int outH, int rotation, bool frameColorspace,
                    std::vector<uint8_t>* scratch, uint8_t* dst) {
  if (rotation == 0) {
    conv.convert(f, outW, outH, dst, outW * 3, frameColorspace);
    return;
  }
  const int sw = rotation == 180 ? outW : outH, sh = rotation == 180 ? outH : outW;
  scratch->resize((size_t)sw * sh * 3);
  conv.convert(f, sw, sh, scratch->data(), sw * 3, frameColorspace);
  rotateRgb(scratch->data(), sw, sh, rotation, dst);
}

void outputSize(int codedW, int codedH, int rotation, int width, int height, int shortSide, int* outW, int* outH) {
  int w = codedW, h = codedH;
  if (rotation == 90 || rotation == 270) std::swap(w, h);  // displayed size
  if (width > 0 && height > 0) {
    w = width, h = height;
  } else if (shortSide > 0) {
    // MMAction2's Resize with scale=(-1, S): the long side is int(long * S / short + 0.5).
    const double sf = (double)shortSide / std::min(w, h);
    const int nw = w <= h ? shortSide : (int)(w * sf + 0.5);
    const int nh = h < w ? shortSide : (int)(h * sf + 0.5);
    w = std::max(nw, 1), h = std::max(nh, 1);
  }
  if ((int64_t)w * h > ((int64_t)1 << 28))
    throw VideoError("frame size " + std::to_string(w) + "x" + std::to_string(h) + " is too large");
  *outW = w, *outH = h;
}

int streamRotation(const AVStream* st) {
  const uint8_t* m = av_stream_get_side_data(st, AV_PKT_DATA_DISPLAYMATRIX, nullptr);
  if (!m) return 0;
  const double ccw = av_display_rotation_get(reinterpret_cast<const int32_t*>(m));
  if (std::isnan(ccw)) return 0;
  // The CLI's get_rotation(): theta = -round(ccw), normalised to [0, 360).
  double theta = -std::round(ccw);
  theta -= 360 * std::floor(theta / 360 + 0.9 / 360);
  const int t = static_cast<int>(theta);
  if (std::fabs(theta - 90) < 1.0) return 90;
  if (std::fabs(theta - 180) < 1.0) return 180;
  if (std::fabs(theta - 270) < 1.0) return 270;
  (void)t;
  return 0;
}

// ------------------------------------------------------------------------------ opening inputs
static int64_t nowUs() {
  return std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

int IoDeadline::callback(void* opaque) {
  auto* d = static_cast<IoDeadline*>(opaque);
  return d && d->deadlineUs && nowUs() > d->deadlineUs ? 1 : 0;
}

void IoDeadline::arm(double seconds) { deadlineUs = seconds > 0 ? nowUs() + (int64_t)(seconds * 1e6) : 0; }

}  // namespace video

void initVideo(Napi::Env env, Napi::Object exports) {
  av_log_set_level(video::ffLogLevel());
  video::initVideoReader(env, exports);
  video::initVideoStream(env, exports);
  video::initVideoWriter(env, exports);
  video::initVideoAudio(env, exports);
  video::initVideoMotion(env, exports);
}

}  // namespace mmts
