import numpy as np

from mmsport.datasets.transforms import LetterboxClip
from mmsport.datasets.transforms.letterbox_clip import letterbox_geometry


def test_portrait_crop_is_padded_not_stretched():
    imgs = [np.full((100, 50, 3), 200, np.uint8) for _ in range(3)]   # 1:2 portrait
    out = LetterboxClip(size=64)(dict(imgs=imgs))
    assert out['img_shape'] == (64, 64) and len(out['imgs']) == 3
    img = out['imgs'][0]
    assert img.shape == (64, 64, 3)
    cols = np.where(img[32, :, 0] > 0)[0]
    assert (cols.min(), cols.max()) == (16, 47)                      # 32 wide, centred
    assert (img[:, :16] == 0).all() and (img[:, 48:] == 0).all()


def test_geometry_and_a_non_square_box():
    assert letterbox_geometry((720, 1280), (224, 224)) == (0.175, (224, 126), (0, 49))
    out = LetterboxClip(size=(80, 40), pad_value=114)(dict(imgs=[np.zeros((40, 40, 3),
                                                                        np.uint8)]))
    img = out['imgs'][0]
    assert img.shape == (40, 80, 3) and img[0, 0, 0] == 114 and img[20, 40, 0] == 0
