// Video I/O on FFmpeg's libraries. (Placeholder registration until the video reader lands.)
#include "bridge.h"

namespace mmts {
void initVideo(Napi::Env env, Napi::Object exports) {}
}  // namespace mmts
