"""mmsport version and the upstream version ranges it was tested with."""

__version__ = '0.1.0'

# Tested ranges (inclusive lower, exclusive upper). Checked with a warning only.
UPSTREAM_RANGES = {
    'mmengine': ('0.10.0', '0.11.0'),
    'mmcv': ('2.0.0', '2.2.0'),
    'mmdet': ('3.0.0', '3.4.0'),
    'mmaction2': ('1.0.0', '1.3.0'),
    'mmpretrain': ('1.0.0', '1.3.0'),
}
