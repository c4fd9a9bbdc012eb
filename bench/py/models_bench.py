#!/usr/bin/python3
"""PyTorch side of bench/models.ts.

Usage: models_bench.py MODEL CKPT IN_NPY OUT_NPY THREADS REPS
Builds MODEL (tsn, tsm, i3d, slowfast, x3d) with MMAction2 0.24's module layout (same state-dict keys),
loads CKPT strictly, checks the forward of IN_NPY against OUT_NPY (mmaction-ts's output), then prints one
JSON line {"ms": median forward ms, "rel_err": max|diff| / max|ref|}. Exits non-zero when they disagree.
"""
import json
import sys
import time
import numpy as np
import torch
sys.path.insert(0, __file__.rsplit('/', 1)[0])
from mm_models import build  # noqa: E402


def median(f, n):
    ts = []
    for _ in range(n):
        t0 = time.perf_counter()
        f()
        ts.append((time.perf_counter() - t0) * 1e3)
    ts.sort()
    return ts[len(ts) // 2]


def main():
    name, ckpt, in_npy, out_npy = sys.argv[1:5]
    threads, reps = int(sys.argv[5]), int(sys.argv[6])
    torch.set_num_threads(threads)
    model = build(name).eval()
    state = torch.load(ckpt, map_location='cpu')['state_dict']
    model.load_state_dict(state, strict=True)
    x = torch.from_numpy(np.load(in_npy))
    ref = torch.from_numpy(np.load(out_npy))
    with torch.no_grad():
        y = model.forward_dummy(x)
        if y.shape != ref.shape:
            sys.exit(f'{name}: output shape {tuple(y.shape)} != mmaction-ts {tuple(ref.shape)}')
        rel = ((y - ref).abs().max() / ref.abs().max().clamp_min(1e-30)).item()
        if not rel <= 1e-4:
            sys.exit(f'{name}: PyTorch and mmaction-ts outputs DISAGREE: relative max-abs error {rel:.3g} > 1e-4')
        fwd = lambda: model.forward_dummy(x)  # noqa: E731
        fwd()
        ms = median(fwd, reps)
    print(json.dumps({'ms': ms, 'rel_err': rel, 'torch': torch.__version__}))


if __name__ == '__main__':
    main()
