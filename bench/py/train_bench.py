#!/usr/bin/python3
"""PyTorch side of bench/train.ts: one training iteration (forward + loss + backward + SGD step) of a
video recognizer twin (bench/py/video_models.py); prints one JSON line with the median ms.

  train_bench.py MODEL THREADS REPS WARMUP BATCH FRAMES SIZE
MODEL tsn: input [BATCH, FRAMES (segments), 3, SIZE, SIZE]; i3d: [BATCH, 1, 3, FRAMES, SIZE, SIZE].
"""
import json
import sys
import time

import torch

sys.path.insert(0, __file__.rsplit('/', 1)[0])
from video_models import I3D, TSN  # noqa: E402

model_name = sys.argv[1]
threads, reps, warmup, batch, frames, size = (int(a) for a in sys.argv[2:8])
torch.set_num_threads(threads)
torch.manual_seed(0)

model = (TSN() if model_name == 'tsn' else I3D()).train()
# the configs' optimizer: SGD(lr=0.01, momentum=0.9, weight_decay=1e-4)
opt = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9, weight_decay=1e-4)
shape = (batch, frames, 3, size, size) if model_name == 'tsn' else (batch, 1, 3, frames, size, size)
imgs = torch.randn(shape)
labels = torch.randint(0, 400, (batch,))


def step():
    opt.zero_grad()
    loss = model(imgs, labels)
    loss.item()  # _parse_losses logs the loss
    loss.backward()
    opt.step()


for _ in range(warmup):
    step()
ts = []
for _ in range(reps):
    t0 = time.perf_counter()
    step()
    ts.append((time.perf_counter() - t0) * 1e3)
ts.sort()
print(json.dumps({'ms': ts[len(ts) // 2], 'params': sum(p.numel() for p in model.parameters()), 'torch': torch.__version__}))
