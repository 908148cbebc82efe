"""Ball tracker: frame stack -> heatmap -> (code, x, y) of the ball in the last frame."""
from typing import Dict, List, Optional

import torch
from mmengine.model import BaseModel
from mmengine.structures import BaseDataElement

from mmsport.registry import MODELS, TASK_UTILS
from .flip_tta import inference_net


@MODELS.register_module()
class BallHeatmapTracker(BaseModel):
    """Predicts the ball heatmap of the newest frame of a stack of S frames.

    Args:
        backbone: a network mapping (B, 3*S, H, W) -> (B, H, W) logits,
            e.g. :class:`BallUNet`.
        loss: heatmap loss config (``SoftIoUHeatmapLoss`` or
            ``WeightedBCEHeatmapLoss``).
        codec: :class:`BallHeatmapCodec` config.
        data_preprocessor: defaults to :class:`BallStackPreprocessor`.
        test_cfg: ``dict(keep_heatmap=False, flip=False)``. ``keep_heatmap``
            attaches the predicted probability map to each output sample (for
            visualisation); ``flip`` averages the logits of the stack and of its
            mirror image at test time (:class:`FlipAverageNet`; twice the cost).

    Data samples carry metainfo ``full_size`` (W, H) of the source frames and,
    for training, ``gt_heatmap`` (H, W).
    """

    def __init__(self, backbone: dict, codec: dict,
                 loss: dict = dict(type='SoftIoUHeatmapLoss'),
                 data_preprocessor: Optional[dict] = None,
                 test_cfg: Optional[dict] = None, init_cfg=None):
        if data_preprocessor is None:
            data_preprocessor = dict(type='BallStackPreprocessor')
        super().__init__(data_preprocessor=data_preprocessor, init_cfg=init_cfg)
        self.backbone = MODELS.build(backbone)
        self.loss_module = MODELS.build(loss)
        self.codec = TASK_UTILS.build(codec)
        self.test_cfg = dict(test_cfg or {})

    def forward(self, inputs: torch.Tensor,
                data_samples: Optional[List[BaseDataElement]] = None,
                mode: str = 'tensor'):
        """inputs: (B, 3*S, H, W) float. Modes: 'loss', 'predict', 'tensor'."""
        net = self.backbone if mode == 'loss' else inference_net(self.backbone, self.test_cfg)
        logits = net(inputs)  # (B, H, W)
        if mode == 'tensor':
            return logits
        if mode == 'loss':
            return self.loss(logits, data_samples)
        if mode == 'predict':
            return self.predict(logits, data_samples)
        raise RuntimeError(f'Invalid mode "{mode}"; use loss, predict or tensor')

    def loss(self, logits: torch.Tensor, data_samples: List[BaseDataElement]) -> Dict:
        target = torch.stack([s.gt_heatmap for s in data_samples]).to(logits)
        return dict(loss_heatmap=self.loss_module(logits, target))

    def predict(self, logits: torch.Tensor,
                data_samples: List[BaseDataElement]) -> List[BaseDataElement]:
        """Fill ``pred_ball`` (3,) = (code, x, y) at full resolution and ``pred_score``."""
        logits = logits.float()
        sizes = [tuple(s.metainfo['full_size']) for s in data_samples]
        keep = self.test_cfg.get('keep_heatmap', False)
        if len(set(sizes)) == 1:
            balls, scores = self.codec.decode(logits, sizes[0], from_logits=True)
        else:  # mixed source sizes in one batch: decode one by one
            decoded = [self.codec.decode(lg[None], sz, from_logits=True)
                       for lg, sz in zip(logits, sizes)]
            balls = torch.cat([torch.as_tensor(b) for b, _ in decoded]).numpy()
            scores = torch.cat([torch.as_tensor(s) for _, s in decoded]).numpy()
        for i, sample in enumerate(data_samples):
            sample.pred_ball = balls[i]
            sample.pred_score = float(scores[i])
            if keep:
                sample.pred_heatmap = logits[i].sigmoid().cpu()
        return data_samples
