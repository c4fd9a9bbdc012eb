"""MMAction2 0.24 recognizers in plain PyTorch (no mmcv), with MMAction2's module names so that
mmaction-ts checkpoints load strictly. Eval-mode inference only (dropout omitted: identity at test time).
Used by models_bench.py; the structure follows MMAction2's ResNet / ResNetTSM / ResNet3d /
ResNet3dSlowFast / X3D backbones and TSN / TSM / I3D / SlowFast / X3D heads with the default configs."""
import torch
import torch.nn as nn
import torch.nn.functional as F


class ConvModule(nn.Module):
    """mmcv ConvModule: conv (no bias when followed by a norm) + optional bn + optional activation."""

    def __init__(self, cin, cout, k, stride=1, padding=0, dim=2, norm=True, act='relu', groups=1, bias=None):
        super().__init__()
        conv = nn.Conv3d if dim == 3 else nn.Conv2d
        self.conv = conv(cin, cout, k, stride, padding, groups=groups, bias=(not norm) if bias is None else bias)
        if norm:
            self.bn = (nn.BatchNorm3d if dim == 3 else nn.BatchNorm2d)(cout)
        self.with_norm = norm
        self.act = act

    def forward(self, x):
        x = self.conv(x)
        if self.with_norm:
            x = self.bn(x)
        if self.act == 'relu':
            x = F.relu(x, inplace=True)
        elif self.act == 'swish':
            x = x * torch.sigmoid(x)
        return x


# ----------------------------------------------------------------------------------------------- 2D
def tsm_shift(x, num_segments, shift_div):
    """MMAction2 TemporalShift.shift (fold = c // shift_div: first fold from the future, second from the past)."""
    n, c, h, w = x.size()
    x = x.view(-1, num_segments, c, h * w)
    fold = c // shift_div
    left, mid, right = x[:, :, :fold], x[:, :, fold:2 * fold], x[:, :, 2 * fold:]
    left = torch.cat((left[:, 1:], torch.zeros_like(left[:, :1])), 1)
    mid = torch.cat((torch.zeros_like(mid[:, :1]), mid[:, :-1]), 1)
    return torch.cat((left, mid, right), 2).view(n, c, h, w)


class TemporalShift(nn.Module):
    def __init__(self, net, num_segments=8, shift_div=8):
        super().__init__()
        self.net = net
        self.num_segments = num_segments
        self.shift_div = shift_div

    def forward(self, x):
        return self.net(tsm_shift(x, self.num_segments, self.shift_div))


class Bottleneck2d(nn.Module):
    def __init__(self, inplanes, planes, stride, downsample):
        super().__init__()
        self.conv1 = ConvModule(inplanes, planes, 1)
        self.conv2 = ConvModule(planes, planes, 3, stride, 1)
        self.conv3 = ConvModule(planes, planes * 4, 1, act=None)
        self.downsample = downsample

    def forward(self, x):
        out = self.conv3(self.conv2(self.conv1(x)))
        idt = self.downsample(x) if self.downsample is not None else x
        return F.relu(out + idt)


class ResNet(nn.Module):
    """MMAction2 ResNet-50 (style pytorch: stride on the 3x3 conv)."""

    def __init__(self, stages=(3, 4, 6, 3)):
        super().__init__()
        self.conv1 = ConvModule(3, 64, 7, 2, 3)
        inplanes = 64
        for i, n in enumerate(stages):
            planes = 64 * 2 ** i
            stride = 1 if i == 0 else 2
            blocks = []
            for b in range(n):
                s = stride if b == 0 else 1
                ds = ConvModule(inplanes, planes * 4, 1, s, act=None) if b == 0 else None
                blocks.append(Bottleneck2d(inplanes, planes, s, ds))
                inplanes = planes * 4
            setattr(self, f'layer{i + 1}', nn.Sequential(*blocks))

    def forward(self, x):
        x = F.max_pool2d(self.conv1(x), 3, 2, 1)
        for i in range(4):
            x = getattr(self, f'layer{i + 1}')(x)
        return x


class ResNetTSM(ResNet):
    """ResNetTSM with shift_place 'blockres': every block's conv1.conv wrapped in a TemporalShift."""

    def __init__(self, num_segments=8, shift_div=8):
        super().__init__()
        for i in range(4):
            for block in getattr(self, f'layer{i + 1}'):
                block.conv1.conv = TemporalShift(block.conv1.conv, num_segments, shift_div)


class TSNHead(nn.Module):
    """TSNHead / TSMHead (is_shift, no temporal pool): avg pool, fc_cls, average over segments."""

    def __init__(self, in_channels=2048, num_classes=400):
        super().__init__()
        self.fc_cls = nn.Linear(in_channels, num_classes)

    def forward(self, x, num_segs):
        x = F.adaptive_avg_pool2d(x, 1).flatten(1)
        x = self.fc_cls(x)
        return x.view(-1, num_segs, x.shape[-1]).mean(1)


class Recognizer2D(nn.Module):
    def __init__(self, backbone, head):
        super().__init__()
        self.backbone = backbone
        self.cls_head = head

    def forward_dummy(self, imgs):
        b = imgs.shape[0]
        x = imgs.reshape((-1,) + imgs.shape[2:])
        return self.cls_head(self.backbone(x), x.shape[0] // b)


# ----------------------------------------------------------------------------------------------- 3D
class Bottleneck3d(nn.Module):
    """ResNet3d Bottleneck3d, style pytorch, inflate_style '3x1x1'."""

    def __init__(self, inplanes, planes, spatial_stride, inflate, downsample):
        super().__init__()
        if inflate:
            self.conv1 = ConvModule(inplanes, planes, (3, 1, 1), 1, (1, 0, 0), dim=3)
        else:
            self.conv1 = ConvModule(inplanes, planes, 1, dim=3)
        self.conv2 = ConvModule(planes, planes, (1, 3, 3), (1, spatial_stride, spatial_stride), (0, 1, 1), dim=3)
        self.conv3 = ConvModule(planes, planes * 4, 1, dim=3, act=None)
        self.downsample = downsample

    def forward(self, x):
        out = self.conv3(self.conv2(self.conv1(x)))
        idt = self.downsample(x) if self.downsample is not None else x
        return F.relu(out + idt)


class ResNet3d(nn.Module):
    """MMAction2 ResNet3d-50 (spatial strides 1,2,2,2, temporal strides 1, no dilation)."""

    def __init__(self, inflate, conv1_kernel=(5, 7, 7), conv1_stride_t=2, pool1_stride_t=2, with_pool2=True,
                 base_channels=64, lateral=False, speed_ratio=8, channel_ratio=8, fusion_kernel=5, stages=(3, 4, 6, 3)):
        super().__init__()
        self.with_pool2 = with_pool2
        self.pool1_stride_t = pool1_stride_t
        pad = tuple((k - 1) // 2 for k in conv1_kernel)
        self.conv1 = ConvModule(3, base_channels, conv1_kernel, (conv1_stride_t, 2, 2), pad, dim=3)
        inplanes = base_channels
        if lateral:
            self.conv1_lateral = ConvModule(inplanes // channel_ratio, inplanes * 2 // channel_ratio, (fusion_kernel, 1, 1),
                                            (speed_ratio, 1, 1), ((fusion_kernel - 1) // 2, 0, 0), dim=3, norm=False, act=None, bias=False)
        self.num_layers = len(stages)
        for i, n in enumerate(stages):
            planes = base_channels * 2 ** i
            stride = 1 if i == 0 else 2
            infl = inflate[i] if isinstance(inflate[i], (list, tuple)) else [inflate[i]] * n
            cin = inplanes + (inplanes * 2 // channel_ratio if lateral else 0)
            blocks = []
            for b in range(n):
                s = stride if b == 0 else 1
                ds = None
                if b == 0 and (s != 1 or cin != planes * 4):
                    ds = ConvModule(cin, planes * 4, 1, (1, s, s), dim=3, act=None)
                blocks.append(Bottleneck3d(cin, planes, s, infl[b], ds))
                cin = planes * 4
            setattr(self, f'layer{i + 1}', nn.Sequential(*blocks))
            inplanes = planes * 4
            if lateral and i != len(stages) - 1:
                setattr(self, f'layer{i + 1}_lateral', ConvModule(
                    inplanes // channel_ratio, inplanes * 2 // channel_ratio, (fusion_kernel, 1, 1), (speed_ratio, 1, 1),
                    ((fusion_kernel - 1) // 2, 0, 0), dim=3, norm=False, act=None, bias=False))

    def maxpool(self, x):
        return F.max_pool3d(x, (1, 3, 3), (self.pool1_stride_t, 2, 2), (0, 1, 1))

    def forward(self, x):
        x = self.maxpool(self.conv1(x))
        for i in range(self.num_layers):
            x = getattr(self, f'layer{i + 1}')(x)
            if i == 0 and self.with_pool2:
                x = F.max_pool3d(x, (2, 1, 1), (2, 1, 1))
        return x


class I3DHead(nn.Module):
    def __init__(self, in_channels=2048, num_classes=400):
        super().__init__()
        self.fc_cls = nn.Linear(in_channels, num_classes)

    def forward(self, x):
        return self.fc_cls(F.adaptive_avg_pool3d(x, 1).flatten(1))


class ResNet3dSlowFast(nn.Module):
    def __init__(self, resample_rate=8, speed_ratio=8, channel_ratio=8):
        super().__init__()
        self.resample_rate, self.speed_ratio = resample_rate, speed_ratio
        self.slow_path = ResNet3d([0, 0, 1, 1], conv1_kernel=(1, 7, 7), conv1_stride_t=1, pool1_stride_t=1, with_pool2=False,
                                  lateral=True, speed_ratio=speed_ratio, channel_ratio=channel_ratio)
        self.fast_path = ResNet3d([1, 1, 1, 1], conv1_kernel=(5, 7, 7), conv1_stride_t=1, pool1_stride_t=1, with_pool2=False,
                                  base_channels=8)

    def forward(self, x):
        s, f = self.slow_path, self.fast_path
        xs = F.interpolate(x, mode='nearest', scale_factor=(1.0 / self.resample_rate, 1.0, 1.0))
        xs = s.maxpool(s.conv1(xs))
        xf = F.interpolate(x, mode='nearest', scale_factor=(1.0 / (self.resample_rate // self.speed_ratio), 1.0, 1.0))
        xf = f.maxpool(f.conv1(xf))
        xs = torch.cat((xs, s.conv1_lateral(xf)), 1)
        for i in range(4):
            xs = getattr(s, f'layer{i + 1}')(xs)
            xf = getattr(f, f'layer{i + 1}')(xf)
            if i != 3:
                xs = torch.cat((xs, getattr(s, f'layer{i + 1}_lateral')(xf)), 1)
        return xs, xf


class SlowFastHead(nn.Module):
    def __init__(self, in_channels=2304, num_classes=400):
        super().__init__()
        self.fc_cls = nn.Linear(in_channels, num_classes)

    def forward(self, x):
        x_fast, x_slow = x  # MMAction2's (swapped) names: the result is [fast, slow] channels
        x = torch.cat((F.adaptive_avg_pool3d(x_slow, 1), F.adaptive_avg_pool3d(x_fast, 1)), 1)
        return self.fc_cls(x.flatten(1))


class Recognizer3D(nn.Module):
    def __init__(self, backbone, head):
        super().__init__()
        self.backbone = backbone
        self.cls_head = head

    def forward_dummy(self, imgs):
        return self.cls_head(self.backbone(imgs.reshape((-1,) + imgs.shape[2:])))


def build(name):
    if name == 'tsn':
        return Recognizer2D(ResNet(), TSNHead())
    if name == 'tsm':
        return Recognizer2D(ResNetTSM(8, 8), TSNHead())
    if name == 'i3d':
        return Recognizer3D(ResNet3d([[1, 1, 1], [1, 0, 1, 0], [1, 0, 1, 0, 1, 0], [0, 1, 0]]), I3DHead())
    if name == 'slowfast':
        return Recognizer3D(ResNet3dSlowFast(), SlowFastHead())
    if name == 'x3d':
        from mm_x3d import X3D, X3DHead
        return Recognizer3D(X3D(), X3DHead())
    raise SystemExit(f'unknown model {name}')
