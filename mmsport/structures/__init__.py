"""Small shared geometric types and helpers (numpy only)."""
from .boxes import box_iou_xywh, clip_box, clip_boxes

__all__ = ['box_iou_xywh', 'clip_box', 'clip_boxes']
