"""Facts about media files shared by every reader (one definition each), and checks.

OpenCV decodes a truncated JPEG without an error (the missing rows come out grey),
so images are checked before they are used: a JPEG must end with its EOI marker
(``FF D9``) and a PNG with its ``IEND`` chunk; an image that does not (say one
with trailing bytes after the marker) is fully decoded by Pillow with truncated
images refused before it is called bad. Video frame counts are checked against
the container's count with :func:`frame_count_problem`. Stdlib only at import
(OpenCV and Pillow are imported when used).
"""
import os
from typing import Optional, Tuple, Type

import numpy as np

#: Video containers the readers recognise (lower case; test with
#: ``name.lower().endswith(VIDEO_EXTS)`` or ``ext.lower() in VIDEO_EXTS``).
VIDEO_EXTS = ('.mp4', '.mkv', '.avi', '.mov', '.webm', '.m4v', '.mpg', '.mpeg', '.flv',
              '.wmv', '.3gp', '.ts', '.mts')

_JPEG_SOI, _JPEG_EOI = b'\xff\xd8', b'\xff\xd9'
_PNG_SIG, _PNG_IEND = b'\x89PNG\r\n\x1a\n', b'IEND\xaeB`\x82'
_TAIL = 64

#: A decoded video may fall short of the container's frame count by this share
#: (plus one frame) before it counts as truncated: some containers only estimate
#: the count from the duration.
FRAME_COUNT_TOLERANCE = 0.02


class MediaError(ValueError):
    """A truncated, corrupt or short media file; the message names the file."""


def _pil_problem(data: bytes) -> Optional[str]:
    """Decode fully with Pillow (truncated images refused): None or the reason."""
    import io

    from PIL import Image, ImageFile
    old = ImageFile.LOAD_TRUNCATED_IMAGES
    ImageFile.LOAD_TRUNCATED_IMAGES = False
    try:
        with Image.open(io.BytesIO(data)) as im:
            im.load()
    except Exception as e:  # noqa: BLE001  any decoder complaint
        return f'{type(e).__name__}: {e}'
    finally:
        ImageFile.LOAD_TRUNCATED_IMAGES = old
    return None


def bytes_problem(data: bytes, tail: Optional[bytes] = None) -> Optional[str]:
    """Why an encoded JPEG / PNG is unusable (empty, truncated, corrupt), or None.

    Args:
        data: the file's bytes (or its head when ``tail`` is given).
        tail: the file's last bytes, when ``data`` is only the head.
    """
    if not data:
        return 'empty file'
    end = (data if tail is None else tail).rstrip(b'\x00')
    if data.startswith(_JPEG_SOI):
        if end.endswith(_JPEG_EOI):
            return None
        kind = 'JPEG'
    elif data.startswith(_PNG_SIG):
        if end.endswith(_PNG_IEND):
            return None
        kind = 'PNG'
    else:
        return None  # other formats: left to the decoder
    if tail is not None:
        return f'truncated {kind} (no end marker)'
    reason = _pil_problem(data)  # trailing bytes after the marker are allowed
    return None if reason is None else f'truncated or corrupt {kind} ({reason})'


def read_image_size(path: str, error: Type[Exception] = MediaError) -> Tuple[int, int]:
    """(width, height) of an image from its header, without decoding it.

    Raises:
        error: (a :class:`MediaError` unless the caller's format names its own) naming
            the file, when it is not a readable image.
    """
    from PIL import Image, UnidentifiedImageError
    try:
        with Image.open(path) as im:
            return im.size
    except (OSError, UnidentifiedImageError) as e:
        raise error(f'{path}: not a readable image ({e})') from e


def image_problem(path: str) -> Optional[str]:
    """Why the image file ``path`` is unusable, or None (reads its head and tail only,
    unless the end marker is missing)."""
    try:
        size = os.path.getsize(path)
        with open(path, 'rb') as f:
            head = f.read(8)
            if size > _TAIL:
                f.seek(size - _TAIL)
            tail = f.read(_TAIL)
    except OSError as e:
        return f'cannot be read ({e.strerror or e})'
    problem = bytes_problem(head, tail)
    if problem is None or not problem.startswith('truncated'):
        return problem
    with open(path, 'rb') as f:
        return bytes_problem(f.read())


def read_image(path: str, flags: Optional[int] = None,
               error: Type[Exception] = MediaError) -> np.ndarray:
    """Decode an image with OpenCV after checking it is complete (BGR, like ``imread``).

    Args:
        path: the image file.
        flags: ``cv2.IMREAD_*`` flags (default ``IMREAD_COLOR``; the reduced-size
            flags work too).
        error: exception class raised (the caller's, e.g. ``BallDataError``).

    Raises:
        error: missing, empty, truncated or undecodable file (the message names it).
    """
    import cv2
    try:
        data = np.fromfile(path, np.uint8)
    except (OSError, ValueError) as e:
        raise error(f'{path}: cannot be read ({e})') from e
    problem = bytes_problem(data[:8].tobytes(), data[-_TAIL:].tobytes())
    if problem and problem.startswith('truncated'):
        problem = bytes_problem(data.tobytes())
    if problem:
        raise error(f'{path}: {problem}')
    img = cv2.imdecode(data, cv2.IMREAD_COLOR if flags is None else flags)
    if img is None:
        kind = os.path.splitext(path)[1].lstrip('.').lower() or 'image'
        raise error(f'{path}: corrupt or unreadable {kind} (cannot be decoded)')
    return img


def frame_count_problem(decoded: int, declared: int,
                        tolerance: float = FRAME_COUNT_TOLERANCE) -> Optional[str]:
    """Why ``decoded`` frames fall short of a container's ``declared`` count, or None.

    ``declared <= 0`` (unknown) passes; a video may decode more frames than declared.
    """
    if decoded <= 0:
        return 'no frame could be decoded'
    if declared > 0 and decoded < (1 - tolerance) * declared - 1:
        return (f'truncated: decoded {decoded} of the {declared} frames its container '
                'declares')
    return None
