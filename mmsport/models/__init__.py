from .backbones import *  # noqa: F401,F403
from .layers import *  # noqa: F401,F403
from .losses import *  # noqa: F401,F403
from .postprocess import *  # noqa: F401,F403
from .spotters import *  # noqa: F401,F403
from .task_modules import *  # noqa: F401,F403
from .trackers import *  # noqa: F401,F403
from .reid import *  # noqa: F401,F403
from .fusion import *  # noqa: F401,F403
from .pretrained import PACKAGED_WEIGHTS, load_packaged_weights  # noqa: F401  (mmsport:// scheme)
