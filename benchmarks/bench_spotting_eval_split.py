"""Whole-split spotting evaluation end to end: tools/evaluate_spotting.py vs SoccerNet's evaluator.

    python benchmarks/bench_spotting_eval_split.py [LABELS_ROOT] [--metrics tight loose]
        [--seed 0] [--games 100] [--fp-per-gt 2.0] [--keep DIR]

LABELS_ROOT holds ``<league>/<season>/<game>/Labels-v2.json`` (a SoccerNet-v2 split, e.g.
the validation split: 100 games, ~21k events, 17 classes). Without it (or if it does not
exist) ``--games`` games of generated labels with SoccerNet-v2-like class frequencies are
written to a temp dir. Predictions are generated deterministically (``--seed``) into a temp
dir in the ``results_spotting.json`` layout: per event a noisy copy (kept with probability
``--recall``, position jittered by N(0, 2 s), confidence ~ Beta(4, 2)) plus, per half and
class, Poisson(``--fp-per-gt`` x the class's events in that half + 2) false alarms anywhere
in the half (confidence ~ Beta(1.5, 5)).

For each metric both evaluators run as whole subprocesses (interpreter start-up, imports,
reading the JSON files, the metric), framerate 2, same files:

* reference: ``SoccerNet.Evaluation.ActionSpotting.evaluate`` (PyPI SoccerNet 0.2.0);
* ours: ``tools/evaluate_spotting.py LABELS PREDS --label-file Labels-v2.json
  --framerate 2 --metric M``.

Prints both wall times, their ratio and the largest difference over all six result keys.
"""
import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

import numpy as np

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
LABEL_FILE = 'Labels-v2.json'
FRAMERATE = 2
KEYS = ('a_mAP', 'a_mAP_per_class', 'a_mAP_visible', 'a_mAP_per_class_visible',
        'a_mAP_unshown', 'a_mAP_per_class_unshown')
# SoccerNet-v2 class order and rough events per game (order of magnitude of a real split)
V2_RATES = {'Penalty': 0.4, 'Kick-off': 5.4, 'Goal': 3.7, 'Substitution': 5.6, 'Offside': 4.2,
            'Shots on target': 11.8, 'Shots off target': 9.8, 'Clearance': 15.2,
            'Ball out of play': 62.5, 'Throw-in': 37.2, 'Foul': 21.8,
            'Indirect free-kick': 19.1, 'Direct free-kick': 4.4, 'Corner': 9.5,
            'Yellow card': 3.8, 'Red card': 0.13, 'Yellow->red card': 0.08}
HALF_MS = 47 * 60 * 1000

REFERENCE = '''
import json, sys
from SoccerNet.Evaluation.ActionSpotting import evaluate
from SoccerNet.Evaluation.utils import EVENT_DICTIONARY_V2
labels, preds, metric = sys.argv[1:4]
res = evaluate(labels, preds, prediction_file='results_spotting.json', version=2,
               framerate=2, metric=metric, label_files='Labels-v2.json', dataset=None,
               EVENT_DICTIONARY=EVENT_DICTIONARY_V2)
print(json.dumps({k: (v.tolist() if hasattr(v, 'tolist') else v) for k, v in res.items()}))
'''


def game_time(half, ms):
    """``"<half> - mm:ss"`` of a position in ms."""
    s = int(ms) // 1000
    return f'{half} - {s // 60:02d}:{s % 60:02d}'


def write_json(path, obj):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, 'w') as f:
        json.dump(obj, f)


def generate_labels(root, n_games, rng):
    """``n_games`` games of Labels-v2.json with Poisson(V2_RATES) events, 20% not shown."""
    for g in range(n_games):
        anns = []
        for label, rate in V2_RATES.items():
            for _ in range(int(rng.poisson(rate))):
                half, ms = int(rng.integers(1, 3)), int(rng.integers(0, HALF_MS))
                vis = 'not shown' if rng.random() < 0.2 else 'visible'
                anns.append(dict(gameTime=game_time(half, ms), label=label, position=str(ms),
                                 team='home', visibility=vis))
        anns.sort(key=lambda a: (a['gameTime'][0], int(a['position'])))
        write_json(os.path.join(root, 'league', 'season', f'game_{g:03d}', LABEL_FILE),
                   dict(UrlLocal=f'league/season/game_{g:03d}', annotations=anns))


def list_games(root):
    """Sorted game folders (relative) that hold LABEL_FILE."""
    return sorted(os.path.relpath(d, root) for d, _, files in os.walk(root)
                  if LABEL_FILE in files)


def make_predictions(annotations, rng, recall, fp_per_gt):
    """Noisy copies of the events plus false alarms, as ``results_spotting.json`` rows."""
    rows = []

    def add(half, ms, label, conf):
        ms = int(min(max(ms, 0), HALF_MS))
        rows.append(dict(gameTime=game_time(half, ms), label=label, position=str(ms),
                         half=str(half), confidence=round(float(conf), 4)))

    per_half_class = {}
    for a in annotations:
        half = int(a['gameTime'][0])
        per_half_class[(half, a['label'])] = per_half_class.get((half, a['label']), 0) + 1
        if rng.random() < recall:
            add(half, int(a['position']) + rng.normal(0, 2000), a['label'], rng.beta(4, 2))
    for half in (1, 2):
        for label in V2_RATES:
            n = rng.poisson(fp_per_gt * per_half_class.get((half, label), 0) + 2)
            for ms, conf in zip(rng.integers(0, HALF_MS, n), rng.beta(1.5, 5, n)):
                add(half, ms, label, conf)
    return rows


def write_predictions(labels_root, pred_root, rng, recall, fp_per_gt):
    """One results_spotting.json per game; returns (games, events, predictions)."""
    n_ev = n_pred = 0
    games = list_games(labels_root)
    for game in games:
        with open(os.path.join(labels_root, game, LABEL_FILE)) as f:
            anns = [a for a in json.load(f)['annotations'] if a['label'] in V2_RATES]
        rows = make_predictions(anns, rng, recall, fp_per_gt)
        n_ev, n_pred = n_ev + len(anns), n_pred + len(rows)
        write_json(os.path.join(pred_root, game, 'results_spotting.json'),
                   dict(UrlLocal=game, predictions=rows))
    return len(games), n_ev, n_pred


def run_timed(cmd):
    """Run ``cmd``; (wall seconds, the JSON of its last stdout line)."""
    t0 = time.perf_counter()
    r = subprocess.run(cmd, capture_output=True, text=True, cwd=REPO)
    dt = time.perf_counter() - t0
    if r.returncode != 0:
        raise RuntimeError(f'{cmd[:3]} failed:\n{r.stdout[-2000:]}\n{r.stderr[-2000:]}')
    return dt, json.loads(r.stdout.strip().splitlines()[-1])


def max_difference(a, b):
    return max(float(np.max(np.abs(np.asarray(a[k], float) - np.asarray(b[k], float))))
               for k in KEYS)


def main():
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('labels_root', nargs='?', help='split with Labels-v2.json files '
                   '(default: generated)')
    p.add_argument('--metrics', nargs='+', default=['tight', 'loose'])
    p.add_argument('--games', type=int, default=100, help='generated games (no labels root)')
    p.add_argument('--recall', type=float, default=0.8)
    p.add_argument('--fp-per-gt', type=float, default=2.0)
    p.add_argument('--seed', type=int, default=0)
    p.add_argument('--keep', help='write the generated files here instead of a temp dir')
    a = p.parse_args()
    rng = np.random.default_rng(a.seed)
    tmp = a.keep or tempfile.mkdtemp(prefix='bench_spotting_eval_')
    try:
        labels = a.labels_root
        if not labels or not os.path.isdir(labels):
            if labels:
                print(f'{labels}: not found, generating labels')
            labels = os.path.join(tmp, 'labels')
            generate_labels(labels, a.games, rng)
            source = f'generated ({a.games} games)'
        else:
            source = labels
        preds = os.path.join(tmp, 'preds')
        n_games, n_ev, n_pred = write_predictions(labels, preds, rng, a.recall, a.fp_per_gt)
        print(f'labels: {source}: {n_games} games, {n_ev} events; {n_pred} generated '
              f'predictions (seed {a.seed}); framerate {FRAMERATE}; {os.cpu_count()} cores')
        for metric in a.metrics:
            t_ref, ref = run_timed([sys.executable, '-c', REFERENCE, labels, preds, metric])
            t_ours, ours = run_timed([sys.executable, os.path.join('tools', 'evaluate_spotting.py'),
                                      labels, preds, '--label-file', LABEL_FILE, '--framerate',
                                      str(FRAMERATE), '--metric', metric])
            print(f'== {metric}: a_mAP {ref["a_mAP"]:.6f} (reference) {ours["a_mAP"]:.6f} (ours),'
                  f' max |difference| {max_difference(ref, ours):.2e}')
            print(f'SoccerNet reference (whole process) : {t_ref:8.2f} s')
            print(f'tools/evaluate_spotting.py          : {t_ours:8.2f} s')
            print(f'speed-up                            : {t_ref / t_ours:8.1f}x  (goal >= 10x)')
    finally:
        if not a.keep:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == '__main__':
    main()
