"""PyTorch twins of MMAction2 0.24's TSN-R50 and I3D-R50 recognizers for bench/train.ts, the same
layers and shapes as configs/_base_/models/{tsn_r50,i3d_r50}.py build (no mmcv/mmaction needed):

  TSN: Recognizer2D(ResNet(depth=50), TSNHead(400, avg consensus, dropout 0.4))
  I3D: Recognizer3D(ResNet3d(depth=50, conv1_kernel=(5,7,7), conv1_stride_t=2, pool1_stride_t=2,
       inflate=((1,1,1),(1,0,1,0),(1,0,1,0,1,0),(0,1,0)), inflate_style='3x1x1', with_pool2),
       I3DHead(400, dropout 0.5))
The loss is MMAction2's: cross entropy on the class scores plus the top-1/top-5 accuracy of the
batch computed on the CPU with numpy (BaseHead.loss), which the training loop logs.
"""
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F


def conv_bn(conv, channels, bn):
    return nn.Sequential(conv, bn(channels))


class Bottleneck(nn.Module):
    """ResNet bottleneck, 2D or inflated 3D ('pytorch' style: the stride on the 3x3 conv)."""

    def __init__(self, inplanes, planes, stride, downsample, dims=2, inflate=False):
        super().__init__()
        Conv, BN = (nn.Conv2d, nn.BatchNorm2d) if dims == 2 else (nn.Conv3d, nn.BatchNorm3d)
        if dims == 2:
            k1, p1, k2, p2, s2 = 1, 0, 3, 1, stride
        else:
            k1, p1 = ((3, 1, 1), (1, 0, 0)) if inflate else ((1, 1, 1), (0, 0, 0))
            k2, p2, s2 = (1, 3, 3), (0, 1, 1), (1, stride, stride)
        self.conv1 = conv_bn(Conv(inplanes, planes, k1, 1, p1, bias=False), planes, BN)
        self.conv2 = conv_bn(Conv(planes, planes, k2, s2, p2, bias=False), planes, BN)
        self.conv3 = conv_bn(Conv(planes, planes * 4, 1, bias=False), planes * 4, BN)
        self.downsample = downsample

    def forward(self, x):
        out = F.relu(self.conv1(x))
        out = F.relu(self.conv2(out))
        out = self.conv3(out)
        idt = self.downsample(x) if self.downsample is not None else x
        return F.relu(out + idt)


class ResNet50(nn.Module):
    def __init__(self, dims=2, inflate=None):
        super().__init__()
        Conv, BN = (nn.Conv2d, nn.BatchNorm2d) if dims == 2 else (nn.Conv3d, nn.BatchNorm3d)
        self.dims = dims
        if dims == 2:
            self.conv1 = conv_bn(Conv(3, 64, 7, 2, 3, bias=False), 64, BN)
            self.maxpool = nn.MaxPool2d(3, 2, 1)
        else:
            self.conv1 = conv_bn(Conv(3, 64, (5, 7, 7), (2, 2, 2), (2, 3, 3), bias=False), 64, BN)
            self.maxpool = nn.MaxPool3d((1, 3, 3), (2, 2, 2), (0, 1, 1))
            self.pool2 = nn.MaxPool3d((2, 1, 1), (2, 1, 1))
        inplanes = 64
        for i, n in enumerate([3, 4, 6, 3]):
            planes = 64 * 2 ** i
            stride = 1 if i == 0 else 2
            blocks = []
            for b in range(n):
                s = stride if b == 0 else 1
                ds = None
                if b == 0:
                    k = 1
                    ds_stride = s if dims == 2 else (1, s, s)
                    ds = conv_bn(Conv(inplanes, planes * 4, k, ds_stride, bias=False), planes * 4, BN)
                blocks.append(Bottleneck(inplanes, planes, s, ds, dims, bool(inflate[i][b]) if inflate else False))
                inplanes = planes * 4
            setattr(self, f'layer{i + 1}', nn.Sequential(*blocks))

    def forward(self, x):
        x = self.maxpool(F.relu(self.conv1(x)))
        for i in range(4):
            x = getattr(self, f'layer{i + 1}')(x)
            if i == 0 and self.dims == 3:
                x = self.pool2(x)
        return x


def topk_accuracy(scores, labels, topk=(1, 5)):
    """MMAction2's top_k_accuracy on numpy (what BaseHead.loss logs)."""
    scores = scores.detach().cpu().numpy()
    labels = labels.detach().cpu().numpy()
    res = []
    for k in topk:
        max_k_preds = np.argsort(scores, axis=1)[:, -k:][:, ::-1]
        res.append(np.logical_or.reduce(max_k_preds == labels[:, None], axis=1).mean())
    return res


class TSN(nn.Module):
    def __init__(self, num_classes=400):
        super().__init__()
        self.backbone = ResNet50(2)
        self.dropout = nn.Dropout(0.4)
        self.fc_cls = nn.Linear(2048, num_classes)

    def forward(self, imgs, labels):
        n, s = imgs.shape[:2]
        x = self.backbone(imgs.reshape((-1,) + imgs.shape[2:]))  # [N * S, 2048, 7, 7]
        x = F.adaptive_avg_pool2d(x, 1)  # [N * S, 2048, 1, 1]
        x = x.reshape((n, s) + x.shape[1:]).mean(1)  # consensus: [N, 2048, 1, 1]
        cls_score = self.fc_cls(self.dropout(x).flatten(1))  # [N, 400]
        topk_accuracy(cls_score, labels)
        return F.cross_entropy(cls_score, labels)


class I3D(nn.Module):
    INFLATE = ((1, 1, 1), (1, 0, 1, 0), (1, 0, 1, 0, 1, 0), (0, 1, 0))

    def __init__(self, num_classes=400):
        super().__init__()
        self.backbone = ResNet50(3, self.INFLATE)
        self.dropout = nn.Dropout(0.5)
        self.fc_cls = nn.Linear(2048, num_classes)

    def forward(self, imgs, labels):
        x = self.backbone(imgs.reshape((-1,) + imgs.shape[2:]))  # [N * clips, 2048, T/8, 7, 7]
        x = F.adaptive_avg_pool3d(x, 1)  # [N, 2048, 1, 1, 1]
        cls_score = self.fc_cls(self.dropout(x).flatten(1))  # [N, 400]
        topk_accuracy(cls_score, labels)
        return F.cross_entropy(cls_score, labels)
