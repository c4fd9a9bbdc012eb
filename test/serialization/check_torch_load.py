#!/usr/bin/env python3
"""Loads a checkpoint written by mmaction-ts with PyTorch's torch.load and checks it against the
expected JSON written by test/serialization/save.test.ts: tensor dtypes, shapes, strides, offsets,
values and storage sharing, and the Python types of the plain values. Prints OK or fails."""
import collections
import json
import math
import os
import sys

import numpy as np
import torch

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..', 'scripts', 'fixtures'))
from gen_serialization import describe  # noqa: E402  (also registers the stand-in mmcv ConfigDict)


def main(path, expected_path):
    with open(expected_path) as f:
        expected = json.load(f)
    obj = torch.load(path)
    tensors = obj['tensors']
    assert isinstance(tensors, collections.OrderedDict), type(tensors)
    assert list(tensors.keys()) == list(expected['tensors'].keys()), list(tensors.keys())
    for k, want in expected['tensors'].items():
        got = describe(tensors[k])
        for field in ('dtype', 'shape', 'stride', 'offset', 'requires_grad'):
            assert got[field] == want[field], f'{k}.{field}: {got[field]} != {want[field]}'
        for i, (a, b) in enumerate(zip(got['values'], want['values'])):
            same = a == b or (isinstance(a, float) and isinstance(b, (int, float)) and math.isnan(a) and math.isnan(b))
            assert same and (str(a) != '0.0' or math.copysign(1, a) == math.copysign(1, float(b))), f'{k}[{i}]: {a} != {b}'
        assert len(got['values']) == len(want['values']), k
    groups = collections.OrderedDict()
    for k, t in tensors.items():
        st = t.untyped_storage() if hasattr(t, 'untyped_storage') else t.storage()
        key = st.data_ptr() if st.nbytes() else ('empty', k)
        groups.setdefault(key, []).append(k)
    assert list(groups.values()) == expected['shared_groups'], f'sharing: {list(groups.values())}'
    assert tensors['shared_a'] is tensors['shared_b']

    n = obj['nested']
    assert n['list'] == [1, 2.5, 'three', None, True, (4, 5)] and isinstance(n['list'][5], tuple), n['list']
    assert type(n['list'][0]) is int and type(n['list'][1]) is float
    assert n['int_keys'] == {0: 'a', 1: 'b'}
    assert n['tuple_keys'] == {(1, 2): 'x'}
    assert n['bytes'] == b'\x00\x01\xff'
    assert n['big'] == 2**70 and n['neg'] == -7
    assert type(n['float_int']) is float and n['float_int'] == 2.0
    assert type(n['negzero']) is float and math.copysign(1, n['negzero']) == -1
    assert math.isnan(n['nan'])
    assert n['unicode'] == 'h\u00e9llo \u2713 \U0001F600'
    assert n['set'] == {3}
    assert isinstance(n['od'], collections.OrderedDict) and list(n['od'].items()) == [('z', 1), ('a', 2)]

    m = obj['meta']
    cfg = m['config']
    assert type(cfg).__module__ == 'mmcv.utils.config' and type(cfg).__name__ == 'ConfigDict', type(cfg)
    assert dict(cfg) == {'type': 'I3DHead', 'num_classes': 400} and cfg.filename == 'configs/i3d.py'
    assert isinstance(m['np_arr'], np.ndarray) and m['np_arr'].dtype == np.int32
    assert (m['np_arr'] == np.arange(6, dtype=np.int32).reshape(2, 3)).all()
    assert m['np_dtype'] == np.dtype('float32')

    opt = obj['optimizer']
    assert list(opt['state'].keys()) == [0]
    assert torch.equal(opt['state'][0]['momentum_buffer'], torch.tensor([0.5, 0.5]))
    assert opt['param_groups'] == [{'lr': 0.1, 'params': [0]}]
    print('OK', path)


if __name__ == '__main__':
    main(sys.argv[1], sys.argv[2])
