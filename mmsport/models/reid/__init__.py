from .arcface_triplet_reid import ArcFaceTripletReID
from .tracklets import (aggregate_tracklets, box_iou_xywh, build_tracklets,
                        tracklet_labels_to_rows)

__all__ = ['ArcFaceTripletReID', 'build_tracklets', 'aggregate_tracklets',
           'tracklet_labels_to_rows', 'box_iou_xywh']
