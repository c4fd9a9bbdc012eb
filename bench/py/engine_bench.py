#!/usr/bin/python3
"""PyTorch side of bench/engine.ts: prints one JSON line of median times in ms."""
import json
import sys
import time
import torch
sys.path.insert(0, __file__.rsplit('/', 1)[0])
from resnet import ResNet  # noqa: E402

threads, reps = int(sys.argv[1]), int(sys.argv[2])
torch.set_num_threads(threads)
torch.manual_seed(0)


def median(f, n):
    ts = []
    for _ in range(n):
        t0 = time.perf_counter()
        f()
        ts.append((time.perf_counter() - t0) * 1e3)
    ts.sort()
    return ts[len(ts) // 2]


r50 = ResNet(50).eval()
x = torch.randn(3, 3, 224, 224)
with torch.no_grad():
    fwd = lambda: r50(x)
    fwd(); fwd()
    r50_ms = median(fwd, reps)

r18 = ResNet(18).train()
opt = torch.optim.SGD(r18.parameters(), lr=0.01, momentum=0.9, weight_decay=1e-4)
xb = torch.randn(8, 3, 112, 112)
yb = torch.randint(0, 1000, (8,))


def step():
    opt.zero_grad()
    loss = torch.nn.functional.cross_entropy(r18(xb), yb)
    loss.backward()
    opt.step()


step(); step()
r18_ms = median(step, reps)
print(json.dumps({'resnet50_forward_ms': r50_ms, 'resnet18_train_step_ms': r18_ms, 'torch': torch.__version__}))
