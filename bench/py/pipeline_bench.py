# Python baseline of bench/pipeline.ts: MMAction2's TSN / SlowFast *training* pipelines with
# OpenCV decoding (mmcv.VideoReader-style seek + read) and numpy/cv2 transforms (same settings,
# same semantics as mmaction/datasets/pipelines), samples prepared by W worker processes
# (multiprocessing.Pool, as torch's DataLoader workers). Prints samples/s as JSON.
# Usage: /usr/bin/python3 bench/py/pipeline_bench.py ANN_FILE PIPELINE(tsn|slowfast) WORKERS SAMPLES
import json
import random
import resource
import sys
import time
from multiprocessing import Pool

import cv2
import numpy as np

MEAN = np.array([123.675, 116.28, 103.53], dtype=np.float32)
STD = np.array([58.395, 57.12, 57.375], dtype=np.float32)


def sample_train(total, clip_len, interval, num_clips):
    ori = clip_len * interval
    avg = (total - ori + 1) // num_clips
    if avg > 0:
        offs = np.arange(num_clips) * avg + np.random.randint(avg, size=num_clips)
    elif total > max(num_clips, ori):
        offs = np.sort(np.random.randint(total - ori + 1, size=num_clips))
    else:
        offs = np.zeros(num_clips, dtype=int)
    inds = (offs[:, None] + np.arange(clip_len)[None] * interval).reshape(-1)
    return np.mod(inds, total)


def decode_opencv(path, inds):
    cap = cv2.VideoCapture(path)
    total = int(cap.get(cv2.CAP_PROP_FRAME_COUNT))
    imgs = []
    for i in inds:
        cap.set(cv2.CAP_PROP_POS_FRAMES, int(i))
        ok, f = cap.read()
        imgs.append(f[:, :, ::-1])
    cap.release()
    return imgs, total


def resize_short(imgs, s):
    h, w = imgs[0].shape[:2]
    sf = s / min(h, w)
    nw, nh = int(w * sf + 0.5), int(h * sf + 0.5)
    return [cv2.resize(i, (nw, nh), interpolation=cv2.INTER_LINEAR) for i in imgs]


def multi_scale_crop(imgs, input_size=224, scales=(1, 0.875, 0.75, 0.66)):
    h, w = imgs[0].shape[:2]
    base = min(h, w)
    sizes = [int(base * s) for s in scales]
    cands = [[cw, ch] for i, ch in enumerate(sizes) for j, cw in enumerate(sizes) if abs(i - j) <= 1]
    cw, ch = random.choice(cands)
    cw = input_size if abs(cw - input_size) < 3 else cw
    ch = input_size if abs(ch - input_size) < 3 else ch
    ws, hs = (w - cw) // 4, (h - ch) // 4
    x, y = random.choice([(0, 0), (4 * ws, 0), (0, 4 * hs), (4 * ws, 4 * hs), (2 * ws, 2 * hs)])
    return [i[y:y + ch, x:x + cw] for i in imgs]


def random_resized_crop(imgs):
    h, w = imgs[0].shape[:2]
    ars = np.exp(np.random.uniform(np.log(3 / 4), np.log(4 / 3), size=10))
    tas = np.random.uniform(0.08, 1.0, size=10) * h * w
    cws = np.round(np.sqrt(tas * ars)).astype(np.int32)
    chs = np.round(np.sqrt(tas / ars)).astype(np.int32)
    for cw, ch in zip(cws, chs):
        if ch <= h and cw <= w:
            x = random.randint(0, w - cw)
            y = random.randint(0, h - ch)
            return [i[y:y + ch, x:x + cw] for i in imgs]
    s = min(h, w)
    return [i[(h - s) // 2:(h - s) // 2 + s, (w - s) // 2:(w - s) // 2 + s] for i in imgs]


def finish(imgs, fmt, num_clips, clip_len):
    imgs = [cv2.resize(i, (224, 224), interpolation=cv2.INTER_LINEAR) for i in imgs]
    if np.random.rand() < 0.5:
        imgs = [np.ascontiguousarray(i[:, ::-1]) for i in imgs]
    arr = np.empty((len(imgs), 224, 224, 3), dtype=np.float32)
    for k, i in enumerate(imgs):
        arr[k] = i
    for a in arr:  # mmcv.imnormalize_
        cv2.subtract(a, np.float64(MEAN.reshape(1, -1)), a)
        cv2.multiply(a, 1 / np.float64(STD.reshape(1, -1)), a)
    if fmt == 'NCHW':
        return np.ascontiguousarray(arr.transpose(0, 3, 1, 2))
    arr = arr.reshape((-1, num_clips, clip_len) + arr.shape[1:]).transpose(0, 1, 5, 2, 3, 4)
    return np.ascontiguousarray(arr.reshape((-1,) + arr.shape[2:]))


def prepare(args):
    path, kind = args
    cap = cv2.VideoCapture(path)
    total = int(cap.get(cv2.CAP_PROP_FRAME_COUNT))
    cap.release()
    if kind == 'tsn':
        inds = sample_train(total, 1, 1, 8)
        imgs, _ = decode_opencv(path, inds)
        imgs = multi_scale_crop(resize_short(imgs, 256))
        out = finish(imgs, 'NCHW', 8, 1)
    else:
        inds = sample_train(total, 32, 2, 1)
        imgs, _ = decode_opencv(path, inds)
        imgs = random_resized_crop(resize_short(imgs, 256))
        out = finish(imgs, 'NCTHW', 1, 32)
    return out.shape


def init(seed):
    cv2.setNumThreads(1)
    np.random.seed(seed)
    random.seed(seed)


if __name__ == '__main__':
    ann, kind, workers, samples = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
    paths = [line.split()[0] for line in open(ann) if line.strip()]
    jobs = [(paths[i % len(paths)], kind) for i in range(samples)]
    cpu0 = time.process_time()
    pool = Pool(workers, initializer=init, initargs=(0,))
    list(pool.imap(prepare, jobs[:workers], chunksize=1))  # warm-up
    t0 = time.perf_counter()
    shapes = list(pool.imap(prepare, jobs, chunksize=1))
    dt = time.perf_counter() - t0
    pool.close()
    pool.join()
    # CPU time of every process (workers with their decoder threads, and this one), warm-up included
    ru = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = ru.ru_utime + ru.ru_stime + time.process_time() - cpu0
    print(json.dumps({'samples': samples, 'seconds': dt, 'samples_per_s': samples / dt, 'shape': list(shapes[0]),
                      'cpu_ms_per_sample': cpu * 1000 / (samples + workers)}))
