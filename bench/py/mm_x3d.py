"""MMAction2 0.24 X3D backbone + X3DHead in plain PyTorch (MMAction2 module names), eval-mode inference.
Defaults are X3D-S (gamma_w 1, gamma_b 2.25, gamma_d 2.2; se_style 'half', se_ratio 1/16, swish)."""
import math
import torch
import torch.nn as nn
import torch.nn.functional as F
from mm_models import ConvModule


def round_width(width, multiplier, min_width=8, divisor=8):
    if not multiplier:
        return width
    width *= multiplier
    min_width = min_width or divisor
    out = max(min_width, int(width + divisor / 2) // divisor * divisor)
    if out < 0.9 * width:
        out += divisor
    return int(out)


class SEModule(nn.Module):
    def __init__(self, channels, reduction):
        super().__init__()
        bottleneck = round_width(channels, reduction)
        self.fc1 = nn.Conv3d(channels, bottleneck, 1)
        self.fc2 = nn.Conv3d(bottleneck, channels, 1)

    def forward(self, x):
        s = F.adaptive_avg_pool3d(x, 1)
        return x * torch.sigmoid(self.fc2(F.relu(self.fc1(s))))


class BlockX3D(nn.Module):
    def __init__(self, inplanes, planes, outplanes, spatial_stride, downsample, se_ratio):
        super().__init__()
        self.downsample = downsample
        self.conv1 = ConvModule(inplanes, planes, 1, dim=3)
        self.conv2 = ConvModule(planes, planes, 3, (1, spatial_stride, spatial_stride), 1, dim=3, act=None, groups=planes)
        self.conv3 = ConvModule(planes, outplanes, 1, dim=3, act=None)
        self.se_module = SEModule(planes, se_ratio) if se_ratio is not None else None

    def forward(self, x):
        out = self.conv2(self.conv1(x))
        if self.se_module is not None:
            out = self.se_module(out)
        out = self.conv3(out * torch.sigmoid(out))
        idt = self.downsample(x) if self.downsample is not None else x
        return F.relu(out + idt)


class X3D(nn.Module):
    def __init__(self, gamma_w=1.0, gamma_b=2.25, gamma_d=2.2, se_ratio=1 / 16):
        super().__init__()
        base = round_width(24, gamma_w)
        stage_blocks = [math.ceil(gamma_d * b) for b in (1, 2, 5, 3)]
        self.conv1_s = ConvModule(3, base, (1, 3, 3), (1, 2, 2), (0, 1, 1), dim=3, norm=False, act=None, bias=False)
        self.conv1_t = ConvModule(base, base, (5, 1, 1), 1, (2, 0, 0), dim=3, groups=base)
        layer_inplanes = base
        for i, n in enumerate(stage_blocks):
            inplanes = base * 2 ** i
            planes = int(inplanes * gamma_b)
            ds = ConvModule(layer_inplanes, inplanes, 1, (1, 2, 2), dim=3, act=None)
            blocks = [BlockX3D(layer_inplanes if b == 0 else inplanes, planes, inplanes, 2 if b == 0 else 1,
                               ds if b == 0 else None, se_ratio if b % 2 == 0 else None) for b in range(n)]
            setattr(self, f'layer{i + 1}', nn.Sequential(*blocks))
            layer_inplanes = inplanes
        self.num_layers = len(stage_blocks)
        feat = base * 2 ** (len(stage_blocks) - 1)
        self.conv5 = ConvModule(feat, int(feat * gamma_b), 1, dim=3)

    def forward(self, x):
        x = self.conv1_t(self.conv1_s(x))
        for i in range(self.num_layers):
            x = getattr(self, f'layer{i + 1}')(x)
        return self.conv5(x)


class X3DHead(nn.Module):
    def __init__(self, in_channels=432, num_classes=400, fc1_bias=False):
        super().__init__()
        self.fc1 = nn.Linear(in_channels, 2048, bias=fc1_bias)
        self.fc2 = nn.Linear(2048, num_classes)

    def forward(self, x):
        return self.fc2(F.relu(self.fc1(F.adaptive_avg_pool3d(x, 1).flatten(1))))
