"""Classify raw videos with a trained TSM recognizer, optionally fused with a detector.

    python tools/recognition/inference.py CONFIG CHECKPOINT VIDEO [VIDEO ...] --out-dir DIR
        [--det-config CFG --det-checkpoint CKPT --fusion-config FUSION_CFG --det-every 4]
        [--classes classes.txt] [--device cpu]

(also reachable as ``tools/inference.py CONFIG CHECKPOINT VIDEO ...`` for a recognizer
config). The config's test pipeline is used with its decoding replaced: each frame the
recognizer samples or the detector needs is decoded once (decord, forward, in chunks).
With a detector, every ``--det-every``-th frame is run through it, the per-category
maximum score is the video's evidence, and the fusion rules of
``--fusion-config`` (e.g. configs/recognition/fusion_ball-evidence_actionrec-synthetic.py)
adjust the class scores, as ``tools/recognition/ensemble.py`` does for a test set.

The work is done by :class:`mmsport.apis.RecognitionInferencer`.
Writes ``DIR/<stem>.json`` per video (``label``, ``scores`` per class, and with a
detector ``evidence`` per category) atomically. A video that cannot be read is
reported and skipped; the exit status is 1 if any failed.
"""
import argparse
import sys

import numpy as np


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


DECODING = ('RawFrameDecode', 'CheckedRawFrameDecode', 'DecordInit', 'DecordDecode',
            'OpenCVInit', 'OpenCVDecode', 'PyAVInit', 'PyAVDecode')


def split_pipeline(test_pipeline):
    """(frame sampling, after decoding) parts of a test pipeline (lists of transform dicts).

    The decoding steps are dropped: this tool decodes the frames itself, once for the
    recognizer and the detector together (:func:`decode_frames`).
    """
    kept = [t for t in test_pipeline if t['type'] not in DECODING]
    cut = [i for i, t in enumerate(kept) if t['type'] == 'SampleFrames']
    if not cut:
        raise ValueError('the test pipeline has no SampleFrames step')
    return kept[:cut[0] + 1], kept[cut[0] + 1:]


def decode_frames(reader, keep, every, on_detect_frame, chunk_frames=32, stats=None):
    """Decode the union of ``keep`` and every ``every``-th frame once, forward.

    The sorted unique frames are read with one ``get_batch`` per ``chunk_frames``;
    each detector frame (``every`` > 0) goes to ``on_detect_frame`` (RGB (H, W, 3)
    uint8) as it is decoded, so memory is one chunk plus the kept frames.

    Args:
        reader: a decord ``VideoReader``.
        keep: frame indices the recognizer samples (any order, repeats allowed).
        every: detector stride; 0: no detector frames.
        on_detect_frame: called with each detector frame.
        chunk_frames: frames per decode call.
        stats: optional dict, filled with ``decoded_frames`` and ``decode_calls``.

    Returns:
        list of the ``keep`` frames, in ``keep``'s order.
    """
    keep = np.asarray(keep, np.int64).reshape(-1)
    det = np.arange(0, len(reader), every) if every > 0 else np.zeros(0, np.int64)
    needed = np.union1d(keep, det)
    kept, is_det, is_kept = {}, set(det.tolist()), set(keep.tolist())
    stats = {} if stats is None else stats
    stats.update(decoded_frames=0, decode_calls=0)
    for p in range(0, needed.size, chunk_frames):
        idx = needed[p:p + chunk_frames].tolist()
        frames = reader.get_batch(idx).asnumpy()  # (c, H, W, 3) RGB
        stats['decoded_frames'] += len(frames)
        stats['decode_calls'] += 1
        for i, frame in zip(idx, frames):
            if i in is_det:
                on_detect_frame(frame)
            if i in is_kept:
                kept[i] = frame.copy()  # not a view that keeps the whole chunk alive
    return [kept[i] for i in keep.tolist()]


def classify(video, model, sample_pipeline, tail_pipeline, det_model=None, num_categories=0,
             every=4, stats=None):
    """(class scores (C,), detector evidence (K,) or None) of one video, decoded once.

    The evidence is the maximum detection score per category over every
    ``every``-th frame; frames go to mmdet as BGR, as its image loader gives them.
    """
    import decord
    from mmaction.apis import inference_recognizer
    from mmengine.registry import DefaultScope
    reader = decord.VideoReader(video)
    data = sample_pipeline(dict(filename=video, label=-1, start_index=0, modality='RGB',
                                total_frames=len(reader), avg_fps=reader.get_avg_fps()))
    evidence = np.zeros(num_categories) if det_model is not None else None

    def detect(frame):
        from mmdet.apis import inference_detector
        with DefaultScope.overwrite_default_scope('mmdet'):  # mmdet's transforms, unprefixed
            inst = inference_detector(det_model, frame[:, :, ::-1]).pred_instances
        np.maximum.at(evidence, inst.labels.cpu().numpy(), inst.scores.cpu().numpy())

    imgs = decode_frames(reader, data['frame_inds'], every if det_model is not None else 0,
                         detect, stats=stats)
    data.update(imgs=imgs, original_shape=imgs[0].shape[:2], img_shape=imgs[0].shape[:2])
    with DefaultScope.overwrite_default_scope('mmaction'):  # mmaction's transforms
        sample = inference_recognizer(model, data, test_pipeline=tail_pipeline)
    return sample.pred_score.float().cpu().numpy(), evidence


def main(argv=None) -> int:
    args = parse_args(argv)
    from mmsport.apis.inferencers import RecognitionInferencer
    try:
        rec = RecognitionInferencer(args.config, args.checkpoint, args.device, args.classes,
                                    args.det_config, args.det_checkpoint, args.fusion_config,
                                    args.det_every, show_progress=False)
    except (FileNotFoundError, ValueError) as e:
        print(f'error: {e} (--classes, --det-config)', file=sys.stderr)
        return 2
    failed = 0
    for res in rec(args.videos, out_dir=args.out_dir)['predictions']:
        if res['error']:
            failed += 1
            print(f"FAILED {res['source']}: {res['error']}", file=sys.stderr)
        else:
            print(f"{res['source']}: {res['label']} ({max(res['scores']):.3f})")
    print(f'{len(args.videos) - failed} classified, {failed} failed -> {args.out_dir}')
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())
