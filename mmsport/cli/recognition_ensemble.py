"""Ensemble video-classifier results (+ optional detector fusion) into a submission CSV.

    python tools/recognition/ensemble.py --results model1.pkl model2.pkl --weights 0.5 0.5 \\
        --test-list test_list_rawframes.txt --classes classes.txt \\
        --sample-submission sample_submission.csv --out final.csv \\
        [--det-results det.pkl --categories ball person --fusion-config CONFIG_OR_JSON \\
         [--det-ann test_detect.json] [--det-score-thr 0.0]] \\
        [--scores-out ensemble_scores.npz] [--label-format name|index]

The weighted mean of the models' probabilities (checked against the test list by video
id), optionally adjusted by detector evidence, written in the layout of
``--sample-submission``. The work is done by :func:`mmsport.apis.postprocess.ensemble.run`
(its module docstring describes the inputs, the checks and the outputs).

Returns 0, or 1 with ``ERROR: ...`` on stderr when an input is inconsistent.
"""
import argparse
import sys


def parse_args(argv=None):
    """Command-line arguments."""
    p = argparse.ArgumentParser(description='classifier ensemble (+ detector fusion) -> CSV')
    p.add_argument('--results', nargs='+', required=True, help='mmaction --dump pickles')
    p.add_argument('--weights', nargs='+', type=float, help='one per result (default equal)')
    p.add_argument('--test-list', required=True, help='rawframe list: frame_dir frames label')
    p.add_argument('--classes', required=True, help='class names, one a line, index order')
    p.add_argument('--sample-submission', required=True, help='CSV giving rows and columns')
    p.add_argument('--out', required=True, help='submission CSV to write')
    p.add_argument('--det-results', help='mmdet --out pickle over the test rawframes')
    p.add_argument('--categories', nargs='+', help='detector class names, label order')
    p.add_argument('--det-ann', help='COCO json mapping img_id -> file_name (if no img_path)')
    p.add_argument('--det-score-thr', type=float, default=0.0,
                   help='ignore detections below this score')
    p.add_argument('--fusion-config', help='python config / json file / inline JSON')
    p.add_argument('--scores-out', help='npz of the final scores (submission order)')
    p.add_argument('--label-format', choices=('name', 'index'), default='name')
    p.add_argument('--label-column', default='label', help='name of the label column')
    p.add_argument('--trust-order', action='store_true',
                   help='accept result pickles without video ids (frame_dir/filename), '
                   'checked by length and gt_label only; by default they are an error, as '
                   'their rows cannot be aligned to the test list by id')
    p.add_argument('--labels', help='ground truth CSV (video,label by class name): prints top-1 '
                   'and mean class accuracy of each model, the ensemble and the fused scores; '
                   'the last stdout line is JSON')
    return p.parse_args(argv)


def run_options(args) -> dict:
    """The keyword arguments of :func:`mmsport.apis.postprocess.ensemble.run`."""
    return dict(results=args.results, weights=args.weights, test_list=args.test_list,
                classes=args.classes, sample_submission=args.sample_submission,
                out=args.out, det_results=args.det_results, categories=args.categories,
                det_ann=args.det_ann, det_score_thr=args.det_score_thr,
                fusion_config=args.fusion_config, scores_out=args.scores_out,
                label_format=args.label_format, label_column=args.label_column,
                trust_order=args.trust_order, labels=args.labels)


def main(argv=None) -> int:
    """CLI entry: 0 on success, 1 (``ERROR: ...`` on stderr) on an inconsistent input."""
    args = parse_args(argv)
    from mmsport.apis.postprocess.ensemble import EnsembleError, run
    try:
        out = run(**run_options(args))
    except (EnsembleError, FileNotFoundError) as e:
        print(f'ERROR: {e}', file=sys.stderr)
        return 1
    if 'accuracy' in out:
        import json
        print(json.dumps(out['accuracy']))
    return 0


if __name__ == '__main__':
    sys.exit(main())
