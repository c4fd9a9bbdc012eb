#!/usr/bin/python3
"""PyTorch + OpenCV side of bench/demo.ts: what `python demo/demo.py CONFIG CHECKPOINT VIDEO LABELS` of MMAction2 0.24
does with tsn_r50_video_inference_1x1x3_100e_kinetics400_rgb.py, written with plain OpenCV, numpy and PyTorch
(no mmcv / mmaction):

  OpenCVInit/OpenCVDecode  cv2.VideoCapture read like mmcv.VideoReader: for each wanted index, read on if it is the
                           next frame, else seek (CAP_PROP_POS_FRAMES) and read; BGR -> RGB
                           (--decode sequential instead reads every frame in order and keeps the wanted ones)
  SampleFrames             clip_len 1, frame_interval 1, num_clips NUM_CLIPS, test_mode (centre of each segment)
  Resize (-1, 256)         mmcv.imresize: short side to 256, cv2.INTER_LINEAR on uint8
  TenCrop 224              4 corners + centre, each followed by its horizontal flip
  Normalize                float32 copy, mmcv.imnormalize_ (cv2.subtract / cv2.multiply with float64 mean, 1/std)
  FormatShape NCHW         [1, clips * 10, 3, 224, 224]
  TSN-R50                  bench/py/mm_models.py (MMAction2's ResNet-50 + TSNHead, same state-dict keys), eval,
                           torch.no_grad(); test_cfg average_clips=None: the scores are the averaged fc outputs
  top-5                    sorted by score, labels from the label map

Usage: demo_bench.py CKPT VIDEO LABELS THREADS NUM_CLIPS [sequential|mmcv]
A worker driven by bench/demo.ts: builds the model and loads CKPT (strict), prints one JSON line
{"init_s"}, then for each line "run" on stdin runs the demo once on VIDEO and prints one JSON line
{"total_s", "data_s", "model_s", "user_s", "sys_s" (CPU time of the run), "top": [[label, score], ...], "scores": [...]}.
"""
import json
import resource
import sys
import time

import cv2
import numpy as np
import torch

sys.path.insert(0, __file__.rsplit('/', 1)[0])
from mm_models import build  # noqa: E402

MEAN = np.array([123.675, 116.28, 103.53], dtype=np.float64).reshape(1, -1)
STDINV = 1 / np.array([58.395, 57.12, 57.375], dtype=np.float64).reshape(1, -1)


def test_frame_inds(total, num_clips):
    """SampleFrames(clip_len=1, frame_interval=1, test_mode=True), out_of_bound_opt 'loop', start_index 0."""
    avg = total / num_clips
    offsets = (np.arange(num_clips) * avg + avg / 2.0).astype(np.int32)
    return np.mod(offsets, total)


def decode_mmcv(cap, inds):
    """mmcv.VideoReader[i] for each index: the next frame is read on, any other is sought first."""
    pos, imgs = 0, []
    for i in inds:
        i = int(i)
        if i != pos:
            cap.set(cv2.CAP_PROP_POS_FRAMES, i)
        ok, img = cap.read()
        while not ok and i > 0:  # OpenCVDecode walks back to the last readable frame
            i -= 1
            cap.set(cv2.CAP_PROP_POS_FRAMES, i)
            ok, img = cap.read()
        pos = i + 1
        imgs.append(img)
    return imgs


def decode_sequential(cap, inds):
    """Every frame in order up to the last wanted one, keeping the wanted ones (grab() skips the colour conversion)."""
    wanted = sorted(set(int(i) for i in inds))
    got, pos = {}, 0
    for i in wanted:
        while pos < i:
            cap.grab()
            pos += 1
        ok, img = cap.read()
        pos += 1
        if ok:
            got[i] = img
        else:
            got[i] = got[max(got)] if got else None
    return [got[int(i)] for i in inds]


def pipeline(path, num_clips, decode):
    cap = cv2.VideoCapture(path)
    if not cap.isOpened():
        sys.exit(f'cannot open video {path}')
    total = int(cap.get(cv2.CAP_PROP_FRAME_COUNT))
    inds = test_frame_inds(total, num_clips)
    imgs = decode(cap, inds)
    cap.release()
    imgs = [img[:, :, ::-1] for img in imgs]  # BGR -> RGB (a view, as OpenCVDecode)
    h, w = imgs[0].shape[:2]
    sf = 256 / min(h, w)  # mmcv.rescale_size with scale (inf, 256)
    size = (int(w * sf + 0.5), int(h * sf + 0.5))
    imgs = [cv2.resize(np.ascontiguousarray(img), size, interpolation=cv2.INTER_LINEAR) for img in imgs]
    h, w = imgs[0].shape[:2]
    ws, hs = (w - 224) // 4, (h - 224) // 4
    crops = []
    for x, y in [(0, 0), (4 * ws, 0), (0, 4 * hs), (4 * ws, 4 * hs), (2 * ws, 2 * hs)]:
        crop = [img[y:y + 224, x:x + 224] for img in imgs]
        crops.extend(crop)
        crops.extend(np.flip(c, axis=1).copy() for c in crop)
    arr = np.empty((len(crops), 224, 224, 3), dtype=np.float32)
    for k, c in enumerate(crops):
        arr[k] = c
    for a in arr:
        cv2.subtract(a, MEAN, a)
        cv2.multiply(a, STDINV, a)
    return torch.from_numpy(np.ascontiguousarray(arr.transpose(0, 3, 1, 2))[None])  # [1, clips * 10, 3, 224, 224]


def main():
    ckpt, video, labels_file = sys.argv[1:4]
    threads, num_clips = int(sys.argv[4]), int(sys.argv[5])
    decode = decode_sequential if len(sys.argv) > 6 and sys.argv[6] == 'sequential' else decode_mmcv
    torch.set_num_threads(threads)
    cv2.setNumThreads(threads)
    t0 = time.perf_counter()
    model = build('tsn').eval()
    model.load_state_dict(torch.load(ckpt, map_location='cpu')['state_dict'], strict=True)
    labels = [line.strip() for line in open(labels_file) if line.strip()]
    print(json.dumps({'init_s': time.perf_counter() - t0, 'torch': torch.__version__, 'cv2': cv2.__version__}), flush=True)
    for line in sys.stdin:
        if line.strip() != 'run':
            continue
        r0 = resource.getrusage(resource.RUSAGE_SELF)
        t0 = time.perf_counter()
        imgs = pipeline(video, num_clips, decode)
        t1 = time.perf_counter()
        with torch.no_grad():
            scores = model.forward_dummy(imgs)[0]
        t2 = time.perf_counter()
        s = scores.tolist()
        top = sorted(range(len(s)), key=lambda i: s[i], reverse=True)[:5]  # stable, as sorted(zip(...)) in MMAction2
        top = [[labels[i], s[i]] for i in top]
        t3 = time.perf_counter()
        r1 = resource.getrusage(resource.RUSAGE_SELF)
        print(json.dumps({'total_s': t3 - t0, 'data_s': t1 - t0, 'model_s': t2 - t1, 'user_s': r1.ru_utime - r0.ru_utime,
                          'sys_s': r1.ru_stime - r0.ru_stime, 'top': top, 'scores': s}), flush=True)


if __name__ == '__main__':
    main()
