# The built-in SynthMotion model (models/synth_motion/*.pth): this config, trained as stage 2 from
# the stage-1 checkpoint; see the README (SynthMotion) for the recipe and its results.
# Stage 2 of the built-in SynthMotion model (models/synth_motion/): the stage-1 TSM
# (tsm_mobilenetv2_w050_1x1x8_56px_24e_synthmotion_rgb.py, trained from scratch at 56 px) fine-tuned on
# the same clips at 112 px. Same data as stage 1; no horizontal flip (it would swap left/right and
# clockwise/anticlockwise).
model = dict(
    type='Recognizer2D',
    backbone=dict(
        type='MobileNetV2TSM',
        pretrained=None,
        widen_factor=0.5,
        num_segments=8,
        is_shift=True,
        shift_div=8),
    cls_head=dict(
        type='TSMHead',
        num_classes=10,
        in_channels=1280,
        num_segments=8,
        spatial_type='avg',
        consensus=dict(type='AvgConsensus', dim=1),
        dropout_ratio=0.3,
        init_std=0.01,
        is_shift=True),
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
    dict(type='Resize', scale=(-1, 128)),
    dict(type='MultiScaleCrop', input_size=112, scales=(1, 0.875, 0.75), random_crop=False, max_wh_scale_gap=1),
    dict(type='Resize', scale=(112, 112), keep_ratio=False),
    dict(type='Normalize', **img_norm_cfg),
    dict(type='FormatShape', input_format='NCHW'),
    dict(type='Collect', keys=['imgs', 'label'], meta_keys=[]),
    dict(type='ToTensor', keys=['imgs', 'label'])
]
val_pipeline = [
    dict(type='DecordInit'),
    dict(type='SampleFrames', clip_len=1, frame_interval=1, num_clips=8, test_mode=True),
    dict(type='DecordDecode'),
    dict(type='Resize', scale=(-1, 128)),
    dict(type='CenterCrop', crop_size=112),
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
evaluation = dict(interval=1, metrics=['top_k_accuracy', 'mean_class_accuracy'])

optimizer = dict(type='AdamW', lr=0.0003, weight_decay=0.0001)
optimizer_config = dict(grad_clip=dict(max_norm=20, norm_type=2))
lr_config = dict(policy='CosineAnnealing', min_lr=0, warmup='linear', warmup_iters=50, warmup_by_epoch=False, warmup_ratio=0.1)
total_epochs = 6

checkpoint_config = dict(interval=2)
log_config = dict(interval=10, hooks=[dict(type='TextLoggerHook')])
dist_params = dict(backend='nccl')
log_level = 'INFO'
work_dir = './work_dirs/tsm_mobilenetv2_w050_1x1x8_112px_6e_synthmotion_rgb/'
load_from = './work_dirs/tsm_mobilenetv2_w050_1x1x8_56px_24e_synthmotion_rgb/latest.pth'
resume_from = None
workflow = [('train', 1)]
