"""Image loading steps that refuse a truncated file instead of decoding it grey.

OpenCV (behind mmcv's ``imfrombytes``) decodes a JPEG cut short without an
error: the missing rows come out grey and the sample trains or scores as if it
were whole. These subclasses of the upstream loaders check each file's bytes
with :func:`mmsport.fileio.media.bytes_problem` (the JPEG end marker, the PNG
``IEND`` chunk; a full Pillow decode only when the marker is missing) and raise
:class:`~mmsport.fileio.media.MediaError` naming the file. Everything else is
the upstream step's.
"""
from typing import Optional

from mmaction.datasets.transforms import RawFrameDecode
from mmcv.transforms import LoadImageFromFile
from mmengine.fileio import FileClient

from mmsport.fileio.media import MediaError, bytes_problem, image_problem
from mmsport.registry import TRANSFORMS


class _CheckedFileClient:
    """A ``FileClient`` whose ``get`` checks the bytes of every image it returns."""

    def __init__(self, client: FileClient):
        self.client = client

    def get(self, filepath):
        data = self.client.get(filepath)
        problem = bytes_problem(data)
        if problem:
            raise MediaError(f'{filepath}: {problem}')
        return data

    def __getattr__(self, name):
        if name == 'client':
            raise AttributeError(name)
        return getattr(self.client, name)


@TRANSFORMS.register_module()
class CheckedRawFrameDecode(RawFrameDecode):
    """mmaction2's ``RawFrameDecode`` that raises on a truncated or corrupt frame.

    Same arguments and outputs as ``RawFrameDecode``; a frame whose file is
    truncated raises :class:`MediaError` ``<frame path>: truncated JPEG ...``.
    """

    def transform(self, results: dict) -> dict:
        if not isinstance(self.file_client, _CheckedFileClient):
            self.file_client = _CheckedFileClient(
                self.file_client or FileClient(self.io_backend, **self.kwargs))
        return super().transform(results)


@TRANSFORMS.register_module()
class CheckedLoadImageFromFile(LoadImageFromFile):
    """mmcv's ``LoadImageFromFile`` that raises on a truncated or corrupt local image.

    The file's head and tail are read first (a full decode only when the end
    marker is missing); with ``ignore_empty=True`` a bad file gives None, as
    upstream does for a missing one. Paths of other storage backends are left
    to the upstream step.
    """

    def transform(self, results: dict) -> Optional[dict]:
        import os
        path = results['img_path']
        if isinstance(path, str) and os.path.isfile(path):
            problem = image_problem(path)
            if problem:
                if self.ignore_empty:
                    return None
                raise MediaError(f'{path}: {problem}')
        return super().transform(results)
