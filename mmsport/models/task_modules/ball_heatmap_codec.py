"""Ball heatmap codec: (code, x, y) at full resolution <-> heatmaps at model size."""
from typing import Sequence, Tuple, Union

import numpy as np
import torch

from mmsport.registry import TASK_UTILS


@TASK_UTILS.register_module()
class BallHeatmapCodec:
    """Encode ball labels to Gaussian heatmaps and decode heatmap peaks.

    Coordinates use pixel centres: a full-resolution pixel ``x`` maps to
    ``(x + 0.5) * w / W - 0.5`` on a heatmap of width ``w`` (and back).

    Args:
        sigma: Gaussian std of the target blob, in heatmap pixels.
        vis_thr: a decoded peak below this value means "no ball" (code 0).
        target_codes: label codes that get a blob. Default (1, 2): visible and
            hard-to-see balls. An occluded ball (3) has no visible evidence, so
            by default it gets an empty target; trajectory post-processing
            fills it in.

    The sub-pixel position is a parabola fitted through the log-heat of the
    arg-max and its two neighbours on each axis: exact for a Gaussian blob.
    """

    def __init__(self, sigma: float = 1.5, vis_thr: float = 0.5,
                 target_codes: Sequence[int] = (1, 2)):
        self.sigma = float(sigma)
        self.vis_thr = float(vis_thr)
        if not 0.0 <= self.vis_thr <= 1.0:  # nan fails too
            raise ValueError(f'BallHeatmapCodec: vis_thr must be a probability in [0, 1], '
                             f'got {vis_thr}')
        if not self.sigma > 0:
            raise ValueError(f'BallHeatmapCodec: sigma must be positive, got {sigma}')
        self.target_codes = tuple(int(c) for c in target_codes)

    def encode(self, balls: np.ndarray, full_size: Tuple[int, int],
               heatmap_size: Tuple[int, int]) -> np.ndarray:
        """Labels -> target heatmaps.

        Args:
            balls: (N, 3) rows ``(code, x, y)`` in full-resolution pixels.
            full_size: (W, H) of the labelled frames.
            heatmap_size: (w, h) of the heatmap.

        Returns:
            np.ndarray: (N, h, w) float32 in [0, 1]; peak 1 at the ball centre.
        """
        balls = np.asarray(balls, dtype=np.float64).reshape(-1, 3)
        (fw, fh), (w, h) = full_size, heatmap_size
        cx = (balls[:, 1] + 0.5) * w / fw - 0.5  # (N,)
        cy = (balls[:, 2] + 0.5) * h / fh - 0.5
        xs = np.arange(w, dtype=np.float64)[None, None, :]
        ys = np.arange(h, dtype=np.float64)[None, :, None]
        d2 = (xs - cx[:, None, None]) ** 2 + (ys - cy[:, None, None]) ** 2  # (N, h, w)
        heat = np.exp(-d2 / (2 * self.sigma ** 2))
        on = np.isin(balls[:, 0].astype(int), self.target_codes)
        heat[~on] = 0.0
        return heat.astype(np.float32)

    def decode(self, heatmaps: Union[np.ndarray, torch.Tensor],
               full_size: Tuple[int, int],
               from_logits: bool = False) -> Tuple[np.ndarray, np.ndarray]:
        """Heatmaps (probabilities) -> ``(code, x, y)`` at full resolution.

        Only the arg-max and its four neighbours are read after the arg-max
        itself, so decoding costs one pass over the map.

        Args:
            heatmaps: (N, h, w) values in [0, 1], or logits with ``from_logits``.
            full_size: (W, H) to scale positions to.
            from_logits: ``heatmaps`` are logits: the sigmoid is applied to the
                five values read (the arg-max of the logits is the arg-max of
                the probabilities), not to the whole map. Where the sigmoid
                saturates to 1.0 in float32 (logits above ~16.6) the logits
                still order the pixels; a probability map ties there and its
                arg-max is the first tied pixel.

        Returns:
            tuple: ``balls`` (N, 3) float64 rows ``(code, x, y)`` with code 1
            where the peak >= ``vis_thr`` else 0 (x = y = -1), and ``scores``
            (N,) the peak values.
        """
        heat = torch.as_tensor(heatmaps).detach().float()
        if heat.ndim == 2:
            heat = heat[None]
        n, h, w = heat.shape
        _, idx = heat.reshape(n, -1).max(dim=1)  # (N,)
        py, px = idx // w, idx % w
        rows = torch.arange(n, device=heat.device)
        xl, xr = (px - 1).clamp(min=0), (px + 1).clamp(max=w - 1)
        yu, yd = (py - 1).clamp(min=0), (py + 1).clamp(max=h - 1)
        five = torch.stack([heat[rows, py, px], heat[rows, py, xl], heat[rows, py, xr],
                            heat[rows, yu, px], heat[rows, yd, px]])  # (5, N)
        if from_logits:
            five = five.sigmoid()
        peak = five[0]
        c, lx, rx, uy, dy_ = five.clamp(min=1e-6).log()

        def offset(c, lo, hi):  # parabola vertex from log values at -1, 0, +1
            d = lo - 2 * c + hi
            off = 0.5 * (lo - hi) / torch.where(d < 0, d, torch.full_like(d, -1e-6))
            return off.clamp(-0.5, 0.5)

        dx = torch.where((px > 0) & (px < w - 1), offset(c, lx, rx), torch.zeros_like(c))
        dy = torch.where((py > 0) & (py < h - 1), offset(c, uy, dy_), torch.zeros_like(c))
        cx, cy = px.double() + dx.double(), py.double() + dy.double()
        fw, fh = full_size
        x = (cx + 0.5) * fw / w - 0.5
        y = (cy + 0.5) * fh / h - 0.5
        visible = peak >= self.vis_thr
        balls = torch.stack([visible.double(), x, y], dim=1)
        balls[~visible, 1:] = -1.0
        return balls.cpu().numpy(), peak.cpu().numpy()
