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
"""
import argparse
import hashlib
import json
import multiprocessing as mp
import os
import os.path as osp
import sys

import numpy as np


def parse_args(argv=None):
    p = argparse.ArgumentParser(description='Open-set ReID inference + fold ensemble')
    p.add_argument('work_dir')
    p.add_argument('--data-root', default='data/reid')
    p.add_argument('--folds', type=int, nargs='+', help='default: every fold<k> with a checkpoint')
    p.add_argument('--nproc', type=int, default=1, help='folds processed in parallel')
    p.add_argument('--device', default='cpu')
    p.add_argument('--batch-size', type=int, default=64)
    p.add_argument('--frame-gap', type=int, default=2, help='tracklet: max frame gap')
    p.add_argument('--min-iou', type=float, default=0.3, help='tracklet: min box IoU')
    p.add_argument('--out', help='default: WORK_DIR/submission.csv')
    p.add_argument('--labels', help='test ground truth (label_id column) to score against')
    return p.parse_args(argv)


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


def predict_fold(fold: int, args) -> dict:
    """Steps 1-4 of the module docstring for one fold; returns its summary."""
    import torch
    torch.set_num_threads(max(1, (os.cpu_count() or 1) // max(1, args.nproc)))
    from mmengine.config import Config

    from mmsport.apis import extract_embeddings, init_model, save_gallery
    from mmsport.datasets.basketball_reid_dataset import read_negatives_csv
    from mmsport.datasets.reid_folds import load_fold, read_samples_csv
    from mmsport.fileio.reid import read_test_meta, write_submission
    from mmsport.evaluation.functional.reid import (evaluate_rank, gallery_centroids,
                                                    match_gallery, tune_threshold)
    fdir = osp.join(args.work_dir, f'fold{fold}')
    cfg = Config.fromfile(osp.join(fdir, 'config.py'))
    with open(osp.join(fdir, 'last_checkpoint')) as f:
        ckpt = f.read().strip()
    ds = cfg.train_dataloader.dataset
    meta = load_fold(ds.fold_dir or osp.join(ds.data_root, 'fold_metadata'), fold)
    root = args.data_root
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
    model = init_model(cfg, ckpt, device=args.device)
    print(f'fold {fold}: embedding {len(paths)} crops', flush=True)
    emb_all = extract_embeddings(model, paths, batch_size=args.batch_size)
    emb, start = {}, 0
    for k, rows in list(parts.items()) + [('test', test['rel_path'])]:
        emb[k], start = emb_all[start:start + len(rows)], start + len(rows)

    # threshold tuning: gallery = training samples only
    tr_labels = np.array([r['label_id'] for r in parts['train']], np.int64)
    c_labels, cents = gallery_centroids(emb['train'], tr_labels)
    q_emb = [_tracklet_embed(emb[k], *_meta_tracks(parts[k]), args.frame_gap, args.min_iou)
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
                            args.frame_gap, args.min_iou)
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
    truth = _read_truth(args, len(pred))
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


def _read_truth(args, n):
    path = args.labels or osp.join(args.data_root, 'test_labels.csv')
    if not osp.isfile(path):
        return None
    from mmsport.fileio.reid import read_submission
    return np.asarray(read_submission(path, n_rows=n), np.int64)


def _worker(job):
    fold, args = job
    try:
        return predict_fold(fold, args)
    except Exception as e:  # noqa: BLE001  (reported; the other folds go on)
        return dict(fold=fold, error=f'{type(e).__name__}: {e}')


def ensemble(args, folds):
    """Fold ensemble of the saved test scores -> (labels (rows,), margins (rows,))."""
    from mmsport.evaluation.functional.reid import ensemble_fold_scores
    from mmsport.fileio.containers import check_finite, load_npz
    sims, labels, thrs, digest = [], [], [], None
    for k in folds:
        path = osp.join(args.work_dir, f'fold{k}', 'test_scores.npz')
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


def main(argv=None) -> int:
    args = parse_args(argv)
    args.work_dir = osp.abspath(args.work_dir)
    from mmsport.fileio.reid import ReIDDataError, read_test_meta, write_submission
    try:
        n_rows = len(read_test_meta(osp.join(args.data_root, 'test_meta.csv'),
                                    args.data_root)['rel_path'])
    except ReIDDataError as e:
        print(f'error: {e}', file=sys.stderr)
        return 2
    folds = args.folds
    if folds is None:
        folds = sorted(int(d[4:]) for d in os.listdir(args.work_dir)
                       if d.startswith('fold') and d[4:].isdigit()
                       and osp.isfile(osp.join(args.work_dir, d, 'last_checkpoint')))
    if not folds:
        print(f'error: no trained fold<k> folders in {args.work_dir}', file=sys.stderr)
        return 2
    jobs = [(k, args) for k in folds]
    if args.nproc > 1:
        with mp.get_context('spawn').Pool(min(args.nproc, len(jobs))) as pool:
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
        pred, _ = ensemble(args, ok)
    except ValueError as e:  # a fold's score file is unusable; nothing is written
        print(f'error: {e}', file=sys.stderr)
        return 1
    if len(pred) != n_rows:
        print(f'error: the fold scores have {len(pred)} rows, test_meta.csv has {n_rows}; '
              're-run the folds', file=sys.stderr)
        return 1
    out = args.out or osp.join(args.work_dir, 'submission.csv')
    write_submission(out, pred)
    summary = dict(folds=ok, submission=out, unknown_rate=float(np.mean(pred == -1)))
    truth = _read_truth(args, n_rows)
    if truth is not None:
        from mmsport.evaluation.functional.reid import open_set_macro_f1
        summary['ensemble_macro_f1'] = float(open_set_macro_f1(truth, pred))
        for key in ('test_macro_f1', 'test_rank1', 'test_mAP'):
            vals = [r[key] for r in results if key in r]
            if vals:
                summary[f'fold_mean_{key}'] = float(np.mean(vals))
    print(json.dumps(summary))
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())
