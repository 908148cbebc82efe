"""Ensemble video-classifier results (+ optional detector fusion) into a submission CSV.

    python tools/recognition/ensemble.py --results model1.pkl model2.pkl --weights 0.5 0.5 \\
        --test-list test_list_rawframes.txt --classes classes.txt \\
        --sample-submission sample_submission.csv --out final.csv \\
        [--det-results det.pkl --categories ball person --fusion-config CONFIG_OR_JSON \\
         [--det-ann test_detect.json] [--det-score-thr 0.0]] \\
        [--scores-out ensemble_scores.npz] [--label-format name|index]

See :mod:`mmsport.cli.recognition_ensemble` (the work:
:mod:`mmsport.apis.postprocess.ensemble`).
"""
import sys

from mmsport.cli.recognition_ensemble import main

if __name__ == '__main__':
    sys.exit(main())
