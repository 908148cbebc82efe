"""Open-set ReID inference over the folds of a CV run, fold ensemble, submission CSV.

    python tools/reid/inference_cv.py WORK_DIR [--data-root data/reid] [--folds 0 1 ...]
        [--nproc N] [--device cpu] [--batch-size 64] [--frame-gap 2] [--min-iou 0.3]
        [--out WORK_DIR/submission.csv] [--labels DATA_ROOT/test_labels.csv]

WORK_DIR is a ``tools/reid/train_cv.py`` run (``fold<k>/config.py``, its
checkpoint, and the fold metadata those configs name). Per fold (N folds at a
time in N processes):

1. embed (batched) the fold's training, validation, unknown-identity and
   negative crops, and every test crop;
2. group crops into tracklets (same quarter/session/angle, frames at most
   ``--frame-gap`` apart, box IoU >= ``--min-iou``) and average their embeddings;
3. tune the open-set threshold: the gallery is the centroids of the fold's
   *training* samples, the queries are its validation knowns and its
   unknowns + negatives (truth -1); the threshold maximising row-level
   macro-F1 is kept (the validation samples are not in this gallery, so the
   threshold is not tuned on samples the gallery already contains);
4. predict the test rows against the centroids of training + validation
   knowns (-1 below the threshold); write ``fold<k>/submission.csv``,
   ``fold<k>/gallery.npz`` (centroids, labels, threshold; what
   ``tools/inference.py`` matches a crop folder against) and
   ``fold<k>/test_scores.npz`` (per-row similarities).

The folds are then ensembled (each fold's similarity minus its threshold,
averaged over the folds that know an identity; -1 where the best average is
below 0) into ``--out`` (one ``label_id`` column in test_meta row order).
With ``--labels`` (default: ``test_labels.csv`` next to test_meta.csv when it
exists, as the synthetic set has) the per-fold and ensemble macro-F1 and the
closed-set rank-1/mAP of test crops of known identities are printed; the last
stdout line is JSON.

The command line is :mod:`mmsport.cli.reid_inference_cv`; in Python,
:func:`run_inference_cv`.
"""
import hashlib
import json
import multiprocessing as mp
import os
import os.path as osp
import sys

import numpy as np


def _rows_digest(paths) -> str:
    return hashlib.sha1('\n'.join(paths).encode()).hexdigest()


def _tracklet_embed(emb, groups, frames, boxes, gap, iou):
    """(rows, D) embeddings -> (rows, D) embedding of each row's tracklet."""
    from mmsport.models.reid.tracklets import aggregate_tracklets, build_tracklets
    if len(emb) == 0:
        return emb
    tid = build_tracklets(groups, frames, boxes, max_frame_gap=gap, min_iou=iou)
    return aggregate_tracklets(emb, tid)[tid]


def _meta_tracks(rows):
    """Tracklet inputs of train_meta-style sample rows."""
    groups = [f'{r["quarter"]}|{r["session"]}|{r["angle"]}' for r in rows]
    frames = np.array([r['frame'] for r in rows], np.int64)
    boxes = np.array([[r['x'], r['y'], r['w'], r['h']] for r in rows], np.float64).reshape(-1, 4)
    return groups, frames, boxes


def predict_fold(fold: int, *, work_dir: str, data_root: str = 'data/reid',
                 device: str = 'cpu', batch_size: int = 64, frame_gap: int = 2,
                 min_iou: float = 0.3, labels: str = None, nproc: int = 1) -> dict:
    """Steps 1-4 of the module docstring for one fold; returns its summary.

    The keyword arguments are those of :func:`run_inference_cv`; ``nproc`` (folds run at
    once) gives this process 1/nproc of the CPU threads.
    """
    import torch
    torch.set_num_threads(max(1, (os.cpu_count() or 1) // max(1, nproc)))
    from mmengine.config import Config

    from mmsport.apis import extract_embeddings, init_model, save_gallery
    from mmsport.datasets.basketball_reid_dataset import read_negatives_csv
    from mmsport.datasets.reid_folds import load_fold, read_samples_csv
    from mmsport.fileio.reid import read_test_meta, write_submission
    from mmsport.evaluation.functional.reid import (evaluate_rank, gallery_centroids,
                                                    match_gallery, tune_threshold)
    fdir = osp.join(work_dir, f'fold{fold}')
    cfg = Config.fromfile(osp.join(fdir, 'config.py'))
    with open(osp.join(fdir, 'last_checkpoint')) as f:
        ckpt = f.read().strip()
    ds = cfg.train_dataloader.dataset
    meta = load_fold(ds.fold_dir or osp.join(ds.data_root, 'fold_metadata'), fold)
    root = data_root
    test = read_test_meta(osp.join(root, 'test_meta.csv'), root)
    unknown = set(meta['unknown_labels'])
    unk_rows = [r for r in read_samples_csv(osp.join(root, ds.get('samples_file',
                                                                  'train_crops.csv')))
                if r['label_id'] in unknown]
    neg_csv = osp.join(root, ds.get('negatives_file', 'train_negatives.csv'))
    neg_rows = read_negatives_csv(neg_csv) if osp.isfile(neg_csv) else []
    parts = dict(train=meta['train'], val=meta['val'], unknown=unk_rows, neg=neg_rows)
    paths = [osp.join(root, r['crop_path']) for k in parts for r in parts[k]]
    paths += [osp.join(root, p) for p in test['rel_path']]
    model = init_model(cfg, ckpt, device=device)
    print(f'fold {fold}: embedding {len(paths)} crops', flush=True)
    emb_all = extract_embeddings(model, paths, batch_size=batch_size)
    emb, start = {}, 0
    for k, rows in list(parts.items()) + [('test', test['rel_path'])]:
        emb[k], start = emb_all[start:start + len(rows)], start + len(rows)

    # threshold tuning: gallery = training samples only
    tr_labels = np.array([r['label_id'] for r in parts['train']], np.int64)
    c_labels, cents = gallery_centroids(emb['train'], tr_labels)
    q_emb = [_tracklet_embed(emb[k], *_meta_tracks(parts[k]), frame_gap, min_iou)
             for k in ('val', 'unknown')]
    q_emb.append(emb['neg'])  # background / partial crops: no tracklets
    q_true = np.concatenate([[r['label_id'] for r in parts['val']],
                             -np.ones(len(unk_rows) + len(neg_rows))]).astype(np.int64)
    pred, best = match_gallery(np.concatenate(q_emb), cents, c_labels)
    thr, tune_f1 = tune_threshold(best, pred, q_true)

    # test: gallery = training + validation knowns
    known_rows = parts['train'] + parts['val']
    known_emb = np.concatenate([emb['train'], emb['val']])
    known_labels = np.array([r['label_id'] for r in known_rows], np.int64)
    c_labels, cents = gallery_centroids(known_emb, known_labels)
    groups = [f'{q}|{s}|{a}' for q, s, a in zip(test['quarter'], test['session_no'],
                                                test['angle'])]
    boxes = np.stack([test[c] for c in ('x', 'y', 'w', 'h')], 1)
    t_emb = _tracklet_embed(emb['test'], groups, test['frame_in_session'], boxes,
                            frame_gap, min_iou)
    sims = t_emb @ cents.T  # (rows, C)
    pred, best = match_gallery(t_emb, cents, c_labels, threshold=thr)
    write_submission(osp.join(fdir, 'submission.csv'), pred)
    save_gallery(osp.join(fdir, 'gallery.npz'), cents, c_labels, thr)
    from mmsport.utils.atomic import atomic_open
    with atomic_open(osp.join(fdir, 'test_scores.npz'), 'wb') as f:
        np.savez(f, sims=sims.astype(np.float32), labels=c_labels, threshold=np.float64(thr),
                 rows_digest=np.str_(_rows_digest(test['rel_path'])))
    out = dict(fold=fold, threshold=float(thr), val_macro_f1=float(tune_f1),
               known_ids=len(c_labels))
    truth = _read_truth(len(pred), labels=labels, data_root=data_root)
    if truth is not None:
        from mmsport.evaluation.functional.reid import open_set_macro_f1
        out['test_macro_f1'] = float(open_set_macro_f1(truth, pred))
        known = np.isin(truth, c_labels)
        if known.any():
            dist = 1.0 - emb['test'][known] @ known_emb.T
            cmc, mAP = evaluate_rank(dist, truth[known], known_labels,
                                     np.zeros(int(known.sum()), np.int64),
                                     np.ones(len(known_labels), np.int64), max_rank=5)
            out.update(test_rank1=float(cmc[0]), test_rank5=float(cmc[-1]), test_mAP=float(mAP))
    print(f'fold {fold}: ' + json.dumps(out), flush=True)
    return out


def _read_truth(n, *, labels=None, data_root='data/reid'):
    """The test ground truth (``labels``, default ``<data_root>/test_labels.csv``), or None
    when there is none."""
    path = labels or osp.join(data_root, 'test_labels.csv')
    if not osp.isfile(path):
        return None
    from mmsport.fileio.reid import read_submission
    return np.asarray(read_submission(path, n_rows=n), np.int64)


def _worker(job):
    fold, opts = job  # opts: the keyword arguments of predict_fold
    try:
        return predict_fold(fold, **opts)
    except Exception as e:  # noqa: BLE001  (reported; the other folds go on)
        return dict(fold=fold, error=f'{type(e).__name__}: {e}')


def ensemble(work_dir: str, folds):
    """Fold ensemble of the saved test scores (``<work_dir>/fold<k>/test_scores.npz``)
    -> (labels (rows,), margins (rows,))."""
    from mmsport.evaluation.functional.reid import ensemble_fold_scores
    from mmsport.fileio.containers import check_finite, load_npz
    sims, labels, thrs, digest = [], [], [], None
    for k in folds:
        path = osp.join(work_dir, f'fold{k}', 'test_scores.npz')
        z = load_npz(path, ('sims', 'labels', 'threshold', 'rows_digest'), 'fold score file')
        if digest is not None and str(z['rows_digest']) != digest:
            raise ValueError(f'{path}: scores were made for a different test_meta '
                             '(row list differs from the other folds); re-run that fold')
        digest = str(z['rows_digest'])
        check_finite(path, 'sims', z['sims'])
        if z['sims'].ndim != 2 or z['sims'].shape[1] != len(z['labels']):
            raise ValueError(f'{path}: sims {z["sims"].shape} and labels {z["labels"].shape} '
                             'disagree (expected (rows, C) and (C,))')
        if z['threshold'].size != 1 or not np.isfinite(z['threshold']).all():
            raise ValueError(f'{path}: threshold {z["threshold"]!r} is not a finite number')
        sims.append(z['sims'])
        labels.append(z['labels'])
        thrs.append(float(z['threshold']))
    return ensemble_fold_scores(sims, labels, thrs)


def run_inference_cv(work_dir: str, *, data_root: str = 'data/reid', folds=None,
                     nproc: int = 1, device: str = 'cpu', batch_size: int = 64,
                     frame_gap: int = 2, min_iou: float = 0.3, out: str = None,
                     labels: str = None) -> int:
    """Predict every fold, ensemble them and write the submission (module docstring);
    returns the exit status (0, 1 when a fold failed or nothing could be ensembled, 2 for
    bad inputs). The last stdout line is JSON.

    Args:
        work_dir: a ``tools/reid/train_cv.py`` run.
        data_root: the set (``test_meta.csv``, crops, ``train_crops.csv``).
        folds: fold indices; None: every ``fold<k>`` with a checkpoint.
        nproc: folds processed in parallel (spawned processes).
        device, batch_size: of the embedding.
        frame_gap, min_iou: tracklets link crops at most ``frame_gap`` frames apart with
            box IoU >= ``min_iou``.
        out: the submission CSV (default ``<work_dir>/submission.csv``).
        labels: test ground truth (``label_id`` column) to score against (default
            ``<data_root>/test_labels.csv`` when it exists).
    """
    work_dir = osp.abspath(work_dir)
    from mmsport.fileio.reid import ReIDDataError, read_test_meta, write_submission
    try:
        n_rows = len(read_test_meta(osp.join(data_root, 'test_meta.csv'),
                                    data_root)['rel_path'])
    except ReIDDataError as e:
        print(f'error: {e}', file=sys.stderr)
        return 2
    if folds is None:
        folds = sorted(int(d[4:]) for d in os.listdir(work_dir)
                       if d.startswith('fold') and d[4:].isdigit()
                       and osp.isfile(osp.join(work_dir, d, 'last_checkpoint')))
    if not folds:
        print(f'error: no trained fold<k> folders in {work_dir}', file=sys.stderr)
        return 2
    opts = dict(work_dir=work_dir, data_root=data_root, device=device, batch_size=batch_size,
                frame_gap=frame_gap, min_iou=min_iou, labels=labels, nproc=nproc)
    jobs = [(k, opts) for k in folds]
    if nproc > 1:
        with mp.get_context('spawn').Pool(min(nproc, len(jobs))) as pool:
            results = pool.map(_worker, jobs)
    else:
        results = [_worker(j) for j in jobs]
    failed = [r for r in results if 'error' in r]
    for r in failed:
        print(f'error: fold {r["fold"]}: {r["error"]}', file=sys.stderr)
    ok = [r['fold'] for r in results if 'error' not in r]
    if not ok:
        return 1
    try:
        pred, _ = ensemble(work_dir, ok)
    except ValueError as e:  # a fold's score file is unusable; nothing is written
        print(f'error: {e}', file=sys.stderr)
        return 1
    if len(pred) != n_rows:
        print(f'error: the fold scores have {len(pred)} rows, test_meta.csv has {n_rows}; '
              're-run the folds', file=sys.stderr)
        return 1
    out = out or osp.join(work_dir, 'submission.csv')
    write_submission(out, pred)
    summary = dict(folds=ok, submission=out, unknown_rate=float(np.mean(pred == -1)))
    truth = _read_truth(n_rows, labels=labels, data_root=data_root)
    if truth is not None:
        from mmsport.evaluation.functional.reid import open_set_macro_f1
        summary['ensemble_macro_f1'] = float(open_set_macro_f1(truth, pred))
        for key in ('test_macro_f1', 'test_rank1', 'test_mAP'):
            vals = [r[key] for r in results if key in r]
            if vals:
                summary[f'fold_mean_{key}'] = float(np.mean(vals))
    print(json.dumps(summary))
    return 1 if failed else 0

