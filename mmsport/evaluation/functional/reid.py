"""Player re-identification: closed-set rank metrics, open-set matching and scoring.

Everything here is plain numpy (docs/metrics.md, ReID section):

* :func:`evaluate_rank`: closed-set CMC / mAP, the Market-1501 protocol of
  torchreid's ``eval_market1501`` (same values), vectorised over queries;
* :func:`open_set_macro_f1`: macro-F1 where ``-1`` (unknown / negative) is a
  class of its own (``sklearn.metrics.f1_score``);
* :func:`gallery_centroids`, :func:`match_gallery`: one L2-normalised centroid
  per known identity and cosine nearest-centroid matching, ``-1`` below a
  threshold;
* :func:`tune_threshold`: the threshold maximising open-set macro-F1 on
  validation queries (knowns vs unknowns + negatives);
* :func:`ensemble_fold_scores`: fold ensemble of per-fold similarities, each
  taken relative to its own tuned threshold.
"""
from typing import List, Optional, Sequence, Tuple

import numpy as np
from sklearn.metrics import f1_score

UNKNOWN = -1
_EPS = 1e-12


def _l2_normalize(x: np.ndarray) -> np.ndarray:
    """Rows divided by their L2 norm (zero rows stay zero)."""
    norm = np.linalg.norm(x, axis=1, keepdims=True)
    return x / np.maximum(norm, _EPS)


def evaluate_rank(distmat: np.ndarray, q_pids: np.ndarray, g_pids: np.ndarray,
                  q_camids: np.ndarray, g_camids: np.ndarray, max_rank: int = 50,
                  chunk_elems: int = 1 << 23) -> Tuple[np.ndarray, float]:
    """Market-1501 CMC and mAP, the values of torchreid's ``eval_market1501``.

    For every query the gallery is sorted by ascending distance; gallery
    samples with the query's pid *and* camid are removed; queries left without
    any correct match are skipped. CMC@k is the fraction of valid queries
    whose first correct match (in the kept list) is within the top k; AP is
    the mean of precision@i over the positions i of the correct matches.

    Vectorised over queries: one ``argsort`` of the distance rows, boolean
    masks and cumulative sums over (chunk, G) blocks of queries (``chunk_elems``
    bounds the block size, hence the memory).

    Args:
        distmat: (Q, G) distances (smaller is more similar).
        q_pids: (Q,) query identities.
        g_pids: (G,) gallery identities.
        q_camids: (Q,) query camera ids.
        g_camids: (G,) gallery camera ids.
        max_rank: CMC length; clipped to G as in torchreid.
        chunk_elems: about how many (query, gallery) cells one block holds.

    Returns:
        cmc: (max_rank,) float32, CMC@1..max_rank over the valid queries.
        mAP: mean average precision over the valid queries (float).

    Raises:
        ValueError: no query has a correct match left in the gallery.
    """
    distmat = np.asarray(distmat)
    q_pids, g_pids = np.asarray(q_pids).reshape(-1), np.asarray(g_pids).reshape(-1)
    q_camids, g_camids = np.asarray(q_camids).reshape(-1), np.asarray(g_camids).reshape(-1)
    num_q, num_g = distmat.shape
    if len(q_pids) != num_q or len(q_camids) != num_q:
        raise ValueError(f'distmat has {num_q} query rows but got {len(q_pids)} q_pids '
                         f'and {len(q_camids)} q_camids')
    if len(g_pids) != num_g or len(g_camids) != num_g:
        raise ValueError(f'distmat has {num_g} gallery columns but got {len(g_pids)} g_pids '
                         f'and {len(g_camids)} g_camids')
    max_rank = min(int(max_rank), num_g)
    ranks = np.arange(max_rank)
    cmc_sum = np.zeros(max_rank, np.float64)
    ap_all = []
    step = max(1, int(chunk_elems) // max(num_g, 1))
    for start in range(0, num_q, step):
        sl = slice(start, start + step)
        order = np.argsort(distmat[sl], axis=1)  # (B, G)
        matches = g_pids[order] == q_pids[sl, None]
        keep = ~(matches & (g_camids[order] == q_camids[sl, None]))
        hits = matches & keep  # correct matches among the kept samples
        valid = hits.any(axis=1)
        if not valid.any():
            continue
        hits, keep = hits[valid], keep[valid]
        kept_pos = np.cumsum(keep, axis=1)  # 1-based position in the kept list
        # CMC: rank (0-based, kept list) of the first correct match
        first = kept_pos[np.arange(len(hits)), hits.argmax(axis=1)] - 1
        cmc_sum += (first[:, None] <= ranks[None, :]).sum(axis=0)
        # AP: mean over the hits of (#hits so far) / (kept position)
        precision = np.cumsum(hits, axis=1) / kept_pos.clip(min=1)
        ap_all.append((precision * hits).sum(axis=1) / hits.sum(axis=1))
    if not ap_all:
        raise ValueError('evaluate_rank: no query identity appears in the gallery (after '
                         'removing same-pid same-camera gallery samples); nothing to rank')
    ap_all = np.concatenate(ap_all)
    cmc = (cmc_sum.astype(np.float32) / np.float32(len(ap_all))).astype(np.float32)
    return cmc, float(np.mean(ap_all))


def open_set_macro_f1(y_true: Sequence, y_pred: Sequence) -> float:
    """Macro-F1 with ``-1`` (unknown / negative) as a class of its own.

    The average runs over the union of the labels found in ``y_true`` and
    ``y_pred`` (a label only predicted counts with F1 = 0); this is
    ``sklearn.metrics.f1_score(average='macro', zero_division=0)``.

    Args:
        y_true: (N,) true labels, -1 for unknowns / negatives.
        y_pred: (N,) predicted labels, -1 for "unknown".

    Returns:
        macro-F1 in [0, 1] (0.0 when N == 0).
    """
    y_true, y_pred = np.asarray(y_true).reshape(-1), np.asarray(y_pred).reshape(-1)
    if len(y_true) != len(y_pred):
        raise ValueError(f'y_true has {len(y_true)} labels, y_pred {len(y_pred)}')
    if not len(y_true):
        return 0.0
    return float(f1_score(y_true, y_pred, average='macro', zero_division=0))


def gallery_centroids(embeddings: np.ndarray, labels: Sequence,
                      normalize_inputs: bool = True) -> Tuple[np.ndarray, np.ndarray]:
    """One L2-normalised mean embedding per label.

    Args:
        embeddings: (N, D) embeddings.
        labels: (N,) label of each embedding.
        normalize_inputs: L2-normalise every embedding before averaging (so
            each sample weighs the same in the cosine space).

    Returns:
        centroid_labels: (C,) sorted unique labels.
        centroids: (C, D) float32, unit-norm mean embedding of each label.
    """
    emb = np.asarray(embeddings, dtype=np.float64)
    labels = np.asarray(labels).reshape(-1)
    if emb.ndim != 2 or len(emb) != len(labels):
        raise ValueError(f'embeddings must be (N, D) with N = len(labels) = {len(labels)}, '
                         f'got {emb.shape}')
    if normalize_inputs:
        emb = _l2_normalize(emb)
    uniq, inv = np.unique(labels, return_inverse=True)
    order = np.argsort(inv, kind='stable')
    counts = np.bincount(inv, minlength=len(uniq))
    if not len(uniq):
        return uniq, np.zeros((0, emb.shape[1]), np.float32)
    starts = np.concatenate([[0], np.cumsum(counts)[:-1]])
    sums = np.add.reduceat(emb[order], starts, axis=0)  # (C, D)
    return uniq, _l2_normalize(sums / counts[:, None]).astype(np.float32)


def match_gallery(queries: np.ndarray, centroids: np.ndarray, centroid_labels: Sequence,
                  threshold: Optional[float] = None,
                  chunk: int = 65536) -> Tuple[np.ndarray, np.ndarray]:
    """Nearest centroid by cosine similarity, ``-1`` below a threshold.

    Queries and centroids are L2-normalised; similarities are one matrix
    product per block of ``chunk`` queries (memory bounded by chunk x C).

    Args:
        queries: (Q, D) query embeddings.
        centroids: (C, D) centroid embeddings.
        centroid_labels: (C,) label of each centroid.
        threshold: predictions whose best similarity is ``< threshold`` become
            -1; None keeps the nearest label for every query.
        chunk: queries per matrix product.

    Returns:
        pred_labels: (Q,) nearest centroid label (or -1); all -1 when C == 0.
        best_sim: (Q,) float32 best cosine similarity (-inf when C == 0).
    """
    q = np.asarray(queries, dtype=np.float32)
    c = _l2_normalize(np.asarray(centroids, dtype=np.float32))
    labels = np.asarray(centroid_labels).reshape(-1)
    if q.ndim != 2 or c.ndim != 2 or (len(c) and q.shape[1] != c.shape[1]):
        raise ValueError(f'queries (Q, D) and centroids (C, D) expected, got {q.shape} '
                         f'and {c.shape}')
    if len(labels) != len(c):
        raise ValueError(f'{len(c)} centroids but {len(labels)} centroid labels')
    num_q = len(q)
    out_dtype = labels.dtype if labels.dtype.kind in 'iu' else np.int64
    if not len(c):
        return np.full(num_q, UNKNOWN, out_dtype), np.full(num_q, -np.inf, np.float32)
    best_idx = np.empty(num_q, np.int64)
    best_sim = np.empty(num_q, np.float32)
    for start in range(0, num_q, max(1, int(chunk))):
        block = _l2_normalize(q[start:start + chunk]) @ c.T  # (B, C)
        idx = block.argmax(axis=1)
        best_idx[start:start + chunk] = idx
        best_sim[start:start + chunk] = block[np.arange(len(block)), idx]
    pred = labels[best_idx]
    if threshold is not None:
        pred = np.where(best_sim >= threshold, pred, UNKNOWN)
    return pred, best_sim


def threshold_candidates(best_sim: np.ndarray, num_candidates: int = 201) -> np.ndarray:
    """Sorted candidate thresholds for :func:`tune_threshold`.

    The unique values of ``best_sim`` when there are at most ``num_candidates``
    of them, else ``num_candidates`` quantiles; plus one value below the minimum
    (accept all) and one above the maximum (reject all).
    """
    s = np.asarray(best_sim, dtype=np.float64).reshape(-1)
    s = s[np.isfinite(s)]
    if not len(s):
        return np.array([0.0])
    uniq = np.unique(s)
    if len(uniq) > num_candidates:
        uniq = np.unique(np.quantile(s, np.linspace(0.0, 1.0, int(num_candidates))))
    return np.concatenate([[uniq[0] - 1e-6], uniq, [uniq[-1] + 1e-6]])


def tune_threshold(best_sim: np.ndarray, pred_labels: Sequence, true_labels: Sequence,
                   num_candidates: int = 201) -> Tuple[float, float]:
    """Open-set threshold maximising macro-F1 on labelled validation queries.

    At threshold ``t`` a query keeps ``pred_labels`` when ``best_sim >= t`` and
    becomes -1 otherwise; the score is :func:`open_set_macro_f1` against
    ``true_labels``. Candidates are :func:`threshold_candidates` (unique
    values or quantiles of ``best_sim``, one below the minimum, one above the
    maximum). Among the candidates reaching the best macro-F1 the **smallest**
    threshold is returned (the most permissive one).

    Args:
        best_sim: (Q,) best similarity of each query (from :func:`match_gallery`).
        pred_labels: (Q,) nearest label of each query (no threshold applied).
        true_labels: (Q,) true labels, -1 for unknowns / negatives.
        num_candidates: at most this many quantile candidates (+2).

    Returns:
        threshold: the chosen threshold (float).
        macro_f1: macro-F1 at that threshold.
    """
    sim = np.asarray(best_sim, dtype=np.float64).reshape(-1)
    pred = np.asarray(pred_labels).reshape(-1)
    true = np.asarray(true_labels).reshape(-1)
    if not (len(sim) == len(pred) == len(true)):
        raise ValueError(f'best_sim ({len(sim)}), pred_labels ({len(pred)}) and true_labels '
                         f'({len(true)}) must have the same length')
    # encode once as ints: -1 stays -1, so f1_score sees the same classes
    uniq, inv = np.unique(np.concatenate([pred, true]), return_inverse=True)
    codes = inv.astype(np.int64)
    unknown = np.flatnonzero(uniq == UNKNOWN) if uniq.dtype.kind in 'iuf' else []
    unknown_code = int(unknown[0]) if len(unknown) else len(uniq)
    pred_c, true_c = codes[:len(pred)], codes[len(pred):]
    best_t, best_f1 = None, -1.0
    for t in threshold_candidates(sim, num_candidates):
        f1 = open_set_macro_f1(true_c, np.where(sim >= t, pred_c, unknown_code))
        if f1 > best_f1:  # strict: ties keep the smaller threshold
            best_t, best_f1 = float(t), f1
    return best_t, float(best_f1)


def ensemble_fold_scores(fold_sims: List[np.ndarray], fold_labels: List[Sequence],
                         thresholds: Sequence[float]) -> Tuple[np.ndarray, np.ndarray]:
    """Fold ensemble of gallery similarities, each relative to its fold's threshold.

    Rule: fold k turns its (Q, C_k) similarities into margins ``sim - t_k``
    (positive = accepted by that fold). Margins are placed in a (Q, U) matrix
    over the union of all folds' labels and, for every label, **averaged over
    the folds whose gallery holds that label** (a label known to one fold
    only gets that fold's margin). Each query takes the label with the largest
    averaged margin, and -1 when that margin is < 0 (no label accepted on
    average).

    Args:
        fold_sims: K arrays (Q, C_k) of cosine similarities to fold k's centroids.
        fold_labels: K arrays (C_k,) of the labels of those centroids (unique
            within a fold).
        thresholds: K tuned thresholds.

    Returns:
        pred_labels: (Q,) ensembled labels, -1 for unknown.
        margin: (Q,) float32 best averaged margin.
    """
    if not (len(fold_sims) == len(fold_labels) == len(thresholds)) or not len(fold_sims):
        raise ValueError(f'need the same number (>0) of fold_sims ({len(fold_sims)}), '
                         f'fold_labels ({len(fold_labels)}) and thresholds ({len(thresholds)})')
    fold_labels = [np.asarray(lab).reshape(-1) for lab in fold_labels]
    sims = [np.asarray(s, dtype=np.float64) for s in fold_sims]
    num_q = sims[0].shape[0]
    union = np.unique(np.concatenate(fold_labels))
    total = np.zeros((num_q, len(union)))
    count = np.zeros(len(union))
    for s, lab, t in zip(sims, fold_labels, thresholds):
        if s.shape != (num_q, len(lab)):
            raise ValueError(f'fold similarities {s.shape} do not match ({num_q}, {len(lab)})')
        if len(np.unique(lab)) != len(lab):
            raise ValueError('labels must be unique within a fold')
        cols = np.searchsorted(union, lab)
        total[:, cols] += s - float(t)
        count[cols] += 1
    out_dtype = union.dtype if union.dtype.kind in 'iu' else np.int64
    if not len(union):
        return np.full(num_q, UNKNOWN, out_dtype), np.full(num_q, -np.inf, np.float32)
    mean = total / count[None, :]
    idx = mean.argmax(axis=1)
    margin = mean[np.arange(num_q), idx]
    pred = np.where(margin >= 0, union[idx], UNKNOWN)
    return pred, margin.astype(np.float32)
