"""Python side of bench/video_read.ts: times MMAction2's OpenCV and PyAV decoding of given frame
indices. Usage: python3 video_read.py FILE REPS INDICES_JSON [INDICES_JSON ...]
Prints one JSON object: {"opencv": [ms per pattern] | null, "pyav": [...] | null, "versions": {...}}.

OpenCV follows mmcv.VideoReader as OpenCVDecode uses it (seek with CAP_PROP_POS_FRAMES unless the
index is the next frame, read, BGR -> RGB). PyAV follows PyAVDecode (mode='accurate'): decode
sequentially up to max(indices) + 1, converting every frame to RGB, then pick the indices.
Each repetition opens the file anew (as a dataset's __getitem__ does); the median is reported."""
import json
import statistics
import sys
import time

path, reps = sys.argv[1], int(sys.argv[2])
patterns = [json.loads(a) for a in sys.argv[3:]]
out = {"opencv": None, "pyav": None, "versions": {}}


def median_ms(fn):
    ts = []
    for _ in range(reps):
        t0 = time.perf_counter()
        fn()
        ts.append((time.perf_counter() - t0) * 1000)
    return statistics.median(ts)


try:
    import cv2
    cv2.setNumThreads(0)
    out["versions"]["opencv"] = cv2.__version__

    def opencv(inds):
        cap = cv2.VideoCapture(path)
        pos = 0
        frames = []
        for i in inds:
            if i != pos:
                cap.set(cv2.CAP_PROP_POS_FRAMES, i)
            ok, img = cap.read()
            pos = i + 1
            frames.append(cv2.cvtColor(img, cv2.COLOR_BGR2RGB))
        cap.release()
        return frames

    out["opencv"] = [median_ms(lambda p=p: opencv(p)) for p in patterns]
except ImportError:
    pass

try:
    import av
    out["versions"]["pyav"] = av.__version__

    def pyav(inds):
        container = av.open(path)
        imgs = []
        last = max(inds)
        for i, frame in enumerate(container.decode(video=0)):
            if i > last + 1:
                break
            imgs.append(frame.to_rgb().to_ndarray())
        frames = [imgs[i % len(imgs)] for i in inds]
        container.close()
        return frames

    out["pyav"] = [median_ms(lambda p=p: pyav(p)) for p in patterns]
except ImportError:
    pass

print(json.dumps(out))
