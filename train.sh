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
ALL_TASKS=(tennis ball_action reid recognition)

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

task_recognition() {
  # The seed's train.sh: model1 (TSM, heavy aug), model2 (TSM, oversampled), model3 (detector).
  local root=data/recognition
  echo "==> [recognition] synthetic videos (skipped where they exist): $root"
  "$PY" tools/data/recognition/make_synthetic.py --out "$root" --train 160 --test 60
  echo "==> [recognition] rawframes (finished videos are skipped)"
  "$PY" tools/data/extract_frames.py "$root/videos/train" "$root/rawframes/train" --num-workers 2
  "$PY" tools/data/extract_frames.py "$root/videos/test" "$root/rawframes/test" --num-workers 2
  echo "==> [recognition] fold lists + COCO json"
  "$PY" tools/data/recognition/preprocess.py --data-root "$root"
  train_cfg configs/recognition/tsm_r18_heavyaug_8xb8-1x1x8-60e_actionrec-synthetic-64x64.py \
    work_dirs/recognition/model1
  train_cfg configs/recognition/tsm_r18_heavyaug-oversample_8xb8-1x1x8-60e_actionrec-synthetic-64x64.py \
    work_dirs/recognition/model2
  train_cfg configs/detection/faster-rcnn_r18_fpn_2e_actionrec-synthetic-320x240.py \
    work_dirs/recognition/detector
  echo "==> [recognition] done; leaderboard CSV: bash inference.sh 1 recognition"
}

TASKS=("${@:-${ALL_TASKS[@]}}")
for t in "${TASKS[@]}"; do
  if ! declare -F "task_$t" >/dev/null; then
    echo "train.sh: unknown task '$t' (known: ${ALL_TASKS[*]})" >&2; exit 2
  fi
  "task_$t"
done
