"""Strip a training checkpoint to its weights for release.

See :mod:`mmsport.cli.publish_model`.
"""
import sys

from mmsport.cli.publish_model import main

if __name__ == '__main__':
    sys.exit(main())
