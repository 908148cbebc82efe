"""Tiny synthetic basketball re-identification data (atmaCup22 layout) for tests."""


def make_tiny_reid_data(root: str, identities: int = 8, unseen: int = 2, sessions: int = 2,
                        frames: int = 4, seed: int = 0) -> str:
    """Write a tiny synthetic set under ``root`` and prepare it; returns ``root``.

    Runs the generator (:mod:`mmsport.testing.synthetic.reid`: 3 train quarters, 1 test
    quarter, 320x192 frames) then the preparation
    (:mod:`mmsport.datasets.preparation.reid_prepare`: crop cache, ``train_crops.csv``,
    ``train_negatives.csv``).
    """
    # imported here: mmsport.datasets (torch) stays out of ``import mmsport.testing``
    from mmsport.datasets.preparation import reid_prepare
    from mmsport.testing.synthetic import reid as reid_synthetic
    reid_synthetic.generate(root, identities=identities, unseen=unseen, sessions=sessions,
                            frames=frames, seed=seed)
    rc = reid_prepare.prepare(root, seed=seed)
    if rc != 0:
        raise RuntimeError(f'prepare_data.py failed on {root} (exit code {rc})')
    return root
