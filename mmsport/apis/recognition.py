"""Action recognition on raw videos: the core a notebook or an inferencer calls.

:func:`classify` decodes each frame the recognizer samples (and every ``every``-th
frame for a detector) once, runs the config's test pipeline after decoding
(:func:`split_pipeline`) and returns the class scores and the detector's evidence.
:class:`mmsport.apis.RecognitionInferencer` wraps it per video; the command line is
``tools/recognition/inference.py`` (:mod:`mmsport.cli.recognition_inference`).
"""
import numpy as np


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


def _is_decord_error(e: Exception) -> bool:
    return type(e).__module__.startswith('decord')


def open_reader(video: str):
    """A ``decord.VideoReader`` of ``video``, or the OpenCV stand-in where decord cannot
    open it; a missing path, a folder or an undecodable file is a ``MediaError`` naming it."""
    import os

    import decord

    from mmsport.fileio.media import MediaError
    from mmsport.video.indexed_reader import OpenCVIndexedReader
    if os.path.isdir(video):
        raise MediaError(f'{video}: is a folder, not a video file')
    if not os.path.isfile(video):
        raise MediaError(f'{video}: no such video file')
    try:
        return decord.VideoReader(video, num_threads=1)
    except Exception as e:
        if not _is_decord_error(e):
            raise
        return OpenCVIndexedReader(video)  # raises MediaError naming the file if unreadable


def classify(video, model, sample_pipeline, tail_pipeline, det_model=None, num_categories=0,
             every=4, stats=None):
    """(class scores (C,), detector evidence (K,) or None) of one video, decoded once.

    The evidence is the maximum detection score per category over every
    ``every``-th frame; frames go to mmdet as BGR, as its image loader gives them.
    """
    from mmaction.apis import inference_recognizer
    from mmengine.registry import DefaultScope
    reader = open_reader(video)
    data = sample_pipeline(dict(filename=video, label=-1, start_index=0, modality='RGB',
                                total_frames=len(reader), avg_fps=reader.get_avg_fps()))
    evidence = np.zeros(num_categories) if det_model is not None else None

    def detect(frame):
        from mmdet.apis import inference_detector
        with DefaultScope.overwrite_default_scope('mmdet'):  # mmdet's transforms, unprefixed
            inst = inference_detector(det_model, frame[:, :, ::-1]).pred_instances
        np.maximum.at(evidence, inst.labels.cpu().numpy(), inst.scores.cpu().numpy())

    step = every if det_model is not None else 0
    try:
        imgs = decode_frames(reader, data['frame_inds'], step, detect, stats=stats)
    except Exception as e:  # decord 0.6 fails on some small clips: decode them with OpenCV
        if not _is_decord_error(e):
            raise
        from mmsport.video.indexed_reader import OpenCVIndexedReader
        if det_model is not None:
            evidence[:] = 0
        imgs = decode_frames(OpenCVIndexedReader(video), data['frame_inds'], step, detect,
                             stats=stats)
    data.update(imgs=imgs, original_shape=imgs[0].shape[:2], img_shape=imgs[0].shape[:2])
    with DefaultScope.overwrite_default_scope('mmaction'):  # mmaction's transforms
        sample = inference_recognizer(model, data, test_pipeline=tail_pipeline)
    return sample.pred_score.float().cpu().numpy(), evidence
