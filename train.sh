#!/usr/bin/env bash
# The main job: for each task (or the one named), make its data if missing, train its
# default config and evaluate it.
#   bash train.sh            # every task
#   bash train.sh tennis     # one task
#   GPUS=4 bash train.sh     # N processes through tools/dist_train.sh
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$ROOT"
PY="${PYTHON:-$ROOT/.venv/bin/python}"
[ -x "$PY" ] || { echo "train.sh: $PY not found; run 'bash install.sh' first" >&2; exit 1; }
GPUS="${GPUS:-1}"
ALL_TASKS=(tennis ball_action reid)

train_cfg() {  # train_cfg CONFIG WORK_DIR
  if [ "$GPUS" -gt 1 ]; then
    PYTHON="$PY" bash tools/dist_train.sh "$1" "$GPUS" --work-dir "$2"
  else
    "$PY" tools/train.py "$1" --work-dir "$2"
  fi
}

task_tennis() {
  local cfg=configs/tennis/ballunet_s3_adam-800it_tennis-synthetic-320x180.py
  echo "==> [tennis] synthetic data (skipped where it exists): data/tennis"
  "$PY" tools/data/tennis/make_synthetic.py --out data/tennis
  echo "==> [tennis] train $cfg (evaluates SiBaTrAcc on the test games at the end)"
  train_cfg "$cfg" work_dirs/tennis
  echo "==> [tennis] done; checkpoint: $(cat work_dirs/tennis/last_checkpoint)"
  echo "    leaderboard files: bash inference.sh 1 tennis"
}

task_ball_action() {
  local cfg=configs/ball_action/slowfusion_effv2b0_adamw-6e_soccer-synthetic-160x96.py
  echo "==> [ball_action] synthetic SoccerNet data (skipped where it exists): data/soccer"
  "$PY" tools/data/soccer/make_synthetic.py --out data/soccer
  echo "==> [ball_action] train $cfg (evaluates mAP@1 on the held-out game at the end)"
  train_cfg "$cfg" work_dirs/ball_action
  echo "==> [ball_action] done; checkpoint: $(cat work_dirs/ball_action/last_checkpoint)"
}

task_reid() {
  local cfg=configs/reid/arcface-triplet_r18_adamw-12e_basketball-synthetic-128x64.py
  echo "==> [reid] synthetic atmaCup22-style data (skipped where it exists): data/reid"
  "$PY" tools/data/reid/make_synthetic.py --out data/reid
  echo "==> [reid] crop cache + hard negatives (cached crops are reused)"
  "$PY" tools/data/reid/prepare_data.py --data-root data/reid
  echo "==> [reid] 5-fold open-set CV: $cfg (fold metadata: work_dirs/reid/fold_metadata)"
  "$PY" tools/reid/train_cv.py "$cfg" --work-dir work_dirs/reid --gpus "$GPUS"
  echo "==> [reid] done; submission: bash inference.sh 1 reid"
}

TASKS=("${@:-${ALL_TASKS[@]}}")
for t in "${TASKS[@]}"; do
  if ! declare -F "task_$t" >/dev/null; then
    echo "train.sh: unknown task '$t' (known: ${ALL_TASKS[*]})" >&2; exit 2
  fi
  "task_$t"
done
