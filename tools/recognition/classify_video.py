"""Classify raw videos with a trained TSM recognizer, optionally fused with a detector.

    python tools/recognition/classify_video.py CONFIG CHECKPOINT VIDEO [VIDEO ...] --out-dir DIR
        [--det-config CFG --det-checkpoint CKPT --fusion-config FUSION_CFG --det-every 4]
        [--classes classes.txt] [--device cpu]

(also reachable as ``tools/inference.py CONFIG CHECKPOINT VIDEO ...`` for a recognizer
config). The config's test pipeline is used with the rawframe decoding replaced by
decord video decoding. With a detector, every ``--det-every``-th frame is run through
it, the per-category maximum score is the video's evidence, and the fusion rules of
``--fusion-config`` (e.g. configs/recognition/fusion_ball-evidence_actionrec-synthetic.py)
adjust the class scores, as ``tools/postprocess/ensemble.py`` does for a test set.

Writes ``DIR/<stem>.json`` per video (``label``, ``scores`` per class, and with a
detector ``evidence`` per category) atomically. A video that cannot be read is
reported and skipped; the exit status is 1 if any failed.
"""
import argparse
import json
import os
import os.path as osp
import sys

import numpy as np

REPO = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))


def parse_args(argv=None):
    p = argparse.ArgumentParser(description='classify raw videos (TSM [+ detector fusion])')
    p.add_argument('config')
    p.add_argument('checkpoint')
    p.add_argument('videos', nargs='+')
    p.add_argument('--out-dir', required=True)
    p.add_argument('--classes', help='class names file (default: the config\'s classes_file)')
    p.add_argument('--det-config')
    p.add_argument('--det-checkpoint')
    p.add_argument('--fusion-config', help='config with a `fusion` dict (needs a detector)')
    p.add_argument('--det-every', type=int, default=4, help='detector on every k-th frame')
    p.add_argument('--device', default='cpu')
    return p.parse_args(argv)


def video_pipeline(test_pipeline):
    """The rawframe test pipeline with decord decoding: (list of transform dicts)."""
    out = [dict(type='DecordInit')]
    for t in test_pipeline:
        if t['type'] in ('RawFrameDecode', 'DecordInit', 'OpenCVInit', 'PyAVInit'):
            continue
        out.append(t)
        if t['type'] == 'SampleFrames':
            out.append(dict(type='DecordDecode'))
    return out


def detector_evidence(det_model, video, categories, every):
    """(K,) max detection score per category over every ``every``-th frame of ``video``."""
    import decord
    from mmdet.apis import inference_detector
    from mmengine.registry import DefaultScope
    reader = decord.VideoReader(video)
    ev = np.zeros(len(categories))
    with DefaultScope.overwrite_default_scope('mmdet'):  # mmdet's transforms, unprefixed
        for i in range(0, len(reader), every):
            frame = reader[i].asnumpy()[:, :, ::-1]  # RGB -> BGR, as mmdet's loader gives
            inst = inference_detector(det_model, frame).pred_instances
            scores, labels = inst.scores.cpu().numpy(), inst.labels.cpu().numpy()
            np.maximum.at(ev, labels, scores)
    return ev


def main(argv=None) -> int:
    args = parse_args(argv)
    sys.path.insert(0, REPO)
    from mmaction.apis import inference_recognizer
    from mmengine.config import Config
    from mmengine.dataset import Compose
    from mmengine.registry import init_default_scope

    from mmsport.apis import init_model
    from mmsport.registry import MODELS
    from mmsport.utils.atomic import atomic_open
    cfg = Config.fromfile(args.config)
    classes_file = args.classes or cfg.get('classes_file')
    if not classes_file or not osp.isfile(classes_file):
        print(f'error: class names file {classes_file!r} not found (--classes)', file=sys.stderr)
        return 2
    with open(classes_file) as f:
        classes = [ln.strip() for ln in f if ln.strip()]
    model = init_model(cfg, args.checkpoint, device=args.device)
    init_default_scope('mmaction')  # mmaction's transforms, unprefixed
    pipeline = Compose(video_pipeline(cfg.test_pipeline))
    det_model = fusion = None
    if args.det_config:
        from mmdet.apis import init_detector
        det_cfg = Config.fromfile(args.det_config)
        det_cfg.default_scope = 'mmdet'
        det_model = init_detector(det_cfg, args.det_checkpoint, device=args.device)
        categories = list(det_cfg.get('det_classes') or det_model.dataset_meta['classes'])
        if args.fusion_config:
            init_default_scope('mmsport')
            fusion = MODELS.build(Config.fromfile(args.fusion_config).fusion)
    os.makedirs(args.out_dir, exist_ok=True)
    failed = 0
    for video in args.videos:
        stem = osp.splitext(osp.basename(video))[0]
        try:
            init_default_scope('mmaction')
            sample = inference_recognizer(model, video, test_pipeline=pipeline)
            scores = sample.pred_score.float().cpu().numpy()  # (C,)
            out = dict(video=video)
            if det_model is not None:
                ev = detector_evidence(det_model, video, categories, args.det_every)
                out['evidence'] = dict(zip(categories, ev.round(4).tolist()))
                if fusion is not None:
                    scores = fusion(scores[None], ev[None], classes, categories)[0]
        except Exception as e:  # noqa: BLE001  (reported; the other videos go on)
            failed += 1
            print(f'FAILED {video}: {type(e).__name__}: {e}', file=sys.stderr)
            continue
        out.update(label=classes[int(np.argmax(scores))],
                   scores=dict(zip(classes, np.round(scores, 4).tolist())))
        with atomic_open(osp.join(args.out_dir, f'{stem}.json'), 'w') as f:
            json.dump(out, f, indent=1)
        print(f'{video}: {out["label"]} ({max(scores):.3f})')
    print(f'{len(args.videos) - failed} classified, {failed} failed -> {args.out_dir}')
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())
