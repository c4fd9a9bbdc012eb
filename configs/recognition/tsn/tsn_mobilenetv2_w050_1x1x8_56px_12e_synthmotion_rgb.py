# TSN on a half-width MobileNetV2 (the TSM config without the temporal shift), trained from scratch on SynthMotion at 56 px (the SynthMotion results table in the README) (the built-in motion dataset:
# `mmaction synth-motion data/synthmotion/train --videos-per-class 80 --frames 16 --seed 0` and
# `... data/synthmotion/val --videos-per-class 10 --frames 16 --seed 1`). No horizontal flip: it would
# turn move_left into move_right and clockwise into anticlockwise.
model = dict(
    type='Recognizer2D',
    backbone=dict(type='MobileNetV2', pretrained=None, widen_factor=0.5),
    cls_head=dict(
        type='TSNHead',
        num_classes=10,
        in_channels=1280,
        spatial_type='avg',
        consensus=dict(type='AvgConsensus', dim=1),
        dropout_ratio=0.3,
        init_std=0.01),
    train_cfg=None,
    test_cfg=dict(average_clips='prob'))

dataset_type = 'VideoDataset'
data_root = 'data/synthmotion/train'
data_root_val = 'data/synthmotion/val'
ann_file_train = f'{data_root}/list_videos.txt'
ann_file_val = f'{data_root_val}/list_videos.txt'
img_norm_cfg = dict(mean=[123.675, 116.28, 103.53], std=[58.395, 57.12, 57.375], to_bgr=False)
train_pipeline = [
    dict(type='DecordInit'),
    dict(type='SampleFrames', clip_len=1, frame_interval=1, num_clips=8),
    dict(type='DecordDecode'),
    dict(type='Resize', scale=(-1, 64)),
    dict(type='MultiScaleCrop', input_size=56, scales=(1, 0.875, 0.75), random_crop=False, max_wh_scale_gap=1),
    dict(type='Resize', scale=(56, 56), keep_ratio=False),
    dict(type='Normalize', **img_norm_cfg),
    dict(type='FormatShape', input_format='NCHW'),
    dict(type='Collect', keys=['imgs', 'label'], meta_keys=[]),
    dict(type='ToTensor', keys=['imgs', 'label'])
]
val_pipeline = [
    dict(type='DecordInit'),
    dict(type='SampleFrames', clip_len=1, frame_interval=1, num_clips=8, test_mode=True),
    dict(type='DecordDecode'),
    dict(type='Resize', scale=(-1, 64)),
    dict(type='CenterCrop', crop_size=56),
    dict(type='Normalize', **img_norm_cfg),
    dict(type='FormatShape', input_format='NCHW'),
    dict(type='Collect', keys=['imgs', 'label'], meta_keys=[]),
    dict(type='ToTensor', keys=['imgs'])
]
test_pipeline = val_pipeline
data = dict(
    videos_per_gpu=8,
    workers_per_gpu=1,
    test_dataloader=dict(videos_per_gpu=1),
    train=dict(type=dataset_type, ann_file=ann_file_train, data_prefix=data_root, pipeline=train_pipeline),
    val=dict(type=dataset_type, ann_file=ann_file_val, data_prefix=data_root_val, pipeline=val_pipeline),
    test=dict(type=dataset_type, ann_file=ann_file_val, data_prefix=data_root_val, pipeline=test_pipeline))
evaluation = dict(interval=2, metrics=['top_k_accuracy', 'mean_class_accuracy'])

# From scratch on a few hundred clips, AdamW converges where SGD (lr 0.02 diverged, 0.005 stalled) did not.
optimizer = dict(type='AdamW', lr=0.001, weight_decay=0.0001)
optimizer_config = dict(grad_clip=dict(max_norm=20, norm_type=2))
lr_config = dict(policy='CosineAnnealing', min_lr=0, warmup='linear', warmup_iters=1, warmup_by_epoch=True, warmup_ratio=0.1)
total_epochs = 12

checkpoint_config = dict(interval=4)
log_config = dict(interval=10, hooks=[dict(type='TextLoggerHook')])
dist_params = dict(backend='nccl')
log_level = 'INFO'
work_dir = './work_dirs/tsn_mobilenetv2_w050_1x1x8_56px_12e_synthmotion_rgb/'
load_from = None
resume_from = None
workflow = [('train', 1)]
