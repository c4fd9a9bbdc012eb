#!/usr/bin/env python3
"""Manual check (not run by npm test): PyTorch 1.13 loads a checkpoint written by the runner.

    node --import tsx -e "..."   # train something into WORK, e.g. `mmaction train ... --work-dir WORK`
    /usr/bin/python3 test/runner/check_checkpoint_torch.py WORK/latest.pth

Prints the meta, the state-dict keys/dtypes, and loads `optimizer` into a torch.optim.SGD over
parameters of the saved shapes (as mmcv's runner.resume does).
"""
import sys

import torch

ck = torch.load(sys.argv[1], map_location='cpu')
assert set(ck) >= {'meta', 'state_dict'}, list(ck)
print({k: (v if k != 'config' else f'<{len(v)} chars>') for k, v in ck['meta'].items()})
sd = ck['state_dict']
print(type(sd).__name__, len(sd), 'tensors')
for k, v in sd.items():
    assert isinstance(v, torch.Tensor) and not v.requires_grad, k
if 'optimizer' in ck:
    groups = ck['optimizer']['param_groups']
    # stand-in parameters, one per saved index: load_state_dict checks group sizes, not shapes
    opt = torch.optim.SGD([{'params': [torch.nn.Parameter(torch.zeros(1)) for _ in g['params']]} for g in groups], lr=0.1)
    opt.load_state_dict(ck['optimizer'])
    print('optimizer: %d groups, lr %s, initial_lr %s' % (len(groups), [g['lr'] for g in opt.param_groups], [g.get('initial_lr') for g in opt.param_groups]))
print('ok')
