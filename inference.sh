#!/usr/bin/env bash
# Run the trained models over the test data with N processes and write the
# prediction files (and score them where labels exist).
#   bash inference.sh 4            # every task
#   bash inference.sh 4 tennis     # one task
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$ROOT"
N="${1:?usage: bash inference.sh N [TASK]}"
shift
PY="${PYTHON:-$ROOT/.venv/bin/python}"
[ -x "$PY" ] || { echo "inference.sh: $PY not found; run 'bash install.sh' first" >&2; exit 1; }
ALL_TASKS=(tennis ball_action reid)

last_ckpt() {  # last_ckpt WORK_DIR
  [ -f "$1/last_checkpoint" ] || { echo "inference.sh: no checkpoint in $1; run 'bash train.sh' first" >&2; exit 1; }
  cat "$1/last_checkpoint"
}

task_tennis() {
  local cfg=configs/tennis/ballunet_s3_adam-800it_tennis-synthetic-320x180.py
  local ckpt out=work_dirs/tennis/predictions
  ckpt="$(last_ckpt work_dirs/tennis)"
  echo "==> [tennis] inference with $N process(es): data/tennis/test -> $out"
  "$PY" tools/inference.py "$cfg" "$ckpt" data/tennis/test --out-dir "$out" --nproc "$N"
  echo "==> [tennis] evaluate"
  "$PY" tools/evaluate_tracking.py data/tennis/test "$out"
}

task_ball_action() {
  # Streams every half of the held-out synthetic game, writes raw scores, then the
  # submission (results_spotting.json per game + zip) and scores it (mAP@1).
  # One process: N does not apply to this task yet.
  local cfg=configs/ball_action/slowfusion_effv2b0_adamw-6e_soccer-synthetic-160x96.py
  local game="spain_laliga/2021-2022/2021-08-11 - Eastgate 0 - 2 Riverside"
  local ckpt out=work_dirs/ball_action
  ckpt="$(last_ckpt work_dirs/ball_action)"
  echo "==> [ball_action] inference (flip TTA): data/soccer/$game -> $out/raw_scores"
  "$PY" tools/inference_spotting.py "$cfg" "$ckpt" data/soccer --games "$game" \
      --out-dir "$out/raw_scores" --flip-tta
  echo "==> [ball_action] submission: $out/submission (+ results_spotting.zip, timelines)"
  "$PY" tools/postprocess/spotting_submission.py "$out/raw_scores" --out-dir "$out/submission" \
      --config "$cfg" --plot-dir "$out/timelines"
  echo "==> [ball_action] evaluate (mAP@1)"
  "$PY" tools/evaluate_spotting.py "data/soccer/$game" "$out/submission/$game" --metric at1
}

task_reid() {
  # N processes embed/tune/predict N folds at a time; the folds are then ensembled.
  last_ckpt work_dirs/reid/fold0 >/dev/null
  echo "==> [reid] open-set inference over the folds (N=$N), ensemble -> work_dirs/reid/submission.csv"
  "$PY" tools/reid/inference_cv.py work_dirs/reid --data-root data/reid --nproc "$N"
}

TASKS=("${@:-${ALL_TASKS[@]}}")
for t in "${TASKS[@]}"; do
  if ! declare -F "task_$t" >/dev/null; then
    echo "inference.sh: unknown task '$t' (known: ${ALL_TASKS[*]})" >&2; exit 2
  fi
  "task_$t"
done
