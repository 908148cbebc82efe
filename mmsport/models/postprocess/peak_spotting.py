"""Per-frame class scores -> spotted actions (BAS-2023 winner's post-processing)."""
from typing import List, Tuple

import numpy as np
from scipy.ndimage import gaussian_filter1d
from scipy.signal import find_peaks


def peak_spotting(scores: np.ndarray, sigma: float = 3.0, height: float = 0.2,
                  distance: int = 15) -> List[Tuple[int, int, float]]:
    """Gaussian-smooth each class's score curve, then keep its peaks.

    Args:
        scores: (T, C) per-frame class scores in [0, 1] (NaN = no score, read as 0).
        sigma: Gaussian std in frames (0 disables smoothing).
        height: minimum smoothed score of a peak.
        distance: minimum frames between two peaks of a class.

    Returns:
        list of ``(frame, class_index, confidence)`` sorted by frame, with the
        confidence read from the smoothed curve.
    """
    s = np.nan_to_num(np.asarray(scores, dtype=np.float64), nan=0.0)
    if s.ndim != 2:
        raise ValueError(f'scores must be (T, C), got shape {s.shape}')
    if sigma > 0 and len(s):
        s = gaussian_filter1d(s, sigma, axis=0, mode='constant')
    out = []
    for c in range(s.shape[1]):
        frames, props = find_peaks(s[:, c], height=height, distance=max(1, int(distance)))
        out.extend((int(f), c, float(h)) for f, h in zip(frames, props['peak_heights']))
    out.sort()
    return out
