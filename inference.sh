#!/usr/bin/env bash
# Run the trained models over the test data with N processes and write the
# prediction files (and score them where labels exist).
#   bash inference.sh 4            # every task
#   bash inference.sh 4 ball_tracking   # one task
#   WORK_DIRS=work_dirs/seed1 bash inference.sh 1 reid   # the models train.sh put there
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$ROOT"
N="${1:?usage: bash inference.sh N [TASK]}"
shift
PY="${PYTHON:-$ROOT/.venv/bin/python}"
[ -x "$PY" ] || { echo "inference.sh: $PY not found; run 'bash install.sh' first" >&2; exit 1; }
WORK="${WORK_DIRS:-work_dirs}"
ALL_TASKS=(ball_tracking ball_action reid recognition transformer_spotting)

last_ckpt() {  # last_ckpt WORK_DIR
  [ -f "$1/last_checkpoint" ] || { echo "inference.sh: no checkpoint in $1; run 'bash train.sh' first" >&2; exit 1; }
  cat "$1/last_checkpoint"
}

task_ball_tracking() {
  local cfg=configs/ball_tracking/ballunet_s3_adam-800it_tennis-synthetic-320x180.py
  local ckpt out="$WORK/ball_tracking/predictions"
  ckpt="$(last_ckpt "$WORK/ball_tracking")"
  echo "==> [ball_tracking] inference with $N process(es): data/tennis/test -> $out"
  "$PY" tools/inference.py "$cfg" "$ckpt" data/tennis/test --out-dir "$out" --nproc "$N"
  echo "==> [ball_tracking] evaluate"
  "$PY" tools/ball_tracking/evaluate.py data/tennis/test "$out" --tol 8
}

task_ball_action() {
  # Streams every half of the held-out synthetic game, writes raw scores, then the
  # submission (results_spotting.json per game + zip) and scores it (mAP@1).
  # N processes score the game-halves (two halves here: at most 2 are busy).
  local cfg=configs/ball_action/slowfusion_effv2b0_adamw-6e_soccer-synthetic-160x96.py
  local game="spain_laliga/2021-2022/2021-08-11 - Eastgate 0 - 2 Riverside"
  local ckpt out="$WORK/ball_action"
  ckpt="$(last_ckpt "$WORK/ball_action")"
  echo "==> [ball_action] inference (flip TTA): data/soccer/$game -> $out/raw_scores"
  "$PY" tools/ball_action/inference.py "$cfg" "$ckpt" data/soccer --games "$game" \
      --out-dir "$out/raw_scores" --flip-tta --nproc "$N"
  echo "==> [ball_action] submission: $out/submission (+ results_spotting.zip, timelines)"
  "$PY" tools/ball_action/submission.py "$out/raw_scores" --out-dir "$out/submission" \
      --config "$cfg" --plot-dir "$out/timelines"
  echo "==> [ball_action] evaluate (mAP@1)"
  "$PY" tools/evaluate_spotting.py "data/soccer/$game" "$out/submission/$game" --metric at1
}

task_reid() {
  # N processes embed/tune/predict N folds at a time; the folds are then ensembled.
  last_ckpt "$WORK/reid/fold0" >/dev/null
  echo "==> [reid] open-set inference over the folds (N=$N), ensemble -> $WORK/reid/submission.csv"
  "$PY" tools/reid/inference_cv.py "$WORK/reid" --data-root data/reid --nproc "$N"
}

test_dump() {  # test_dump CONFIG WORK_DIR DUMP: N processes through tools/dist_test.sh
  local ckpt
  ckpt="$(last_ckpt "$2")"
  if [ "$N" -gt 1 ]; then
    PYTHON="$PY" bash tools/dist_test.sh "$1" "$ckpt" "$N" --dump "$3" --work-dir "$2/test"
  else
    "$PY" tools/test.py "$1" "$ckpt" --dump "$3" --work-dir "$2/test"
  fi
}

task_recognition() {
  # The seed's inference.sh: both classifiers and the detector over the test set, then the
  # weighted ensemble, detector fusion and the submission CSV ($WORK/recognition/results/final.csv).
  local root=data/recognition res="$WORK/recognition/results"
  mkdir -p "$res"
  echo "==> [recognition] model1 / model2 / detector on the test set ($N process(es))"
  test_dump configs/recognition/tsm_r18_heavyaug_8xb8-1x1x8-60e_actionrec-synthetic-64x64.py \
    "$WORK/recognition/model1" "$res/model1.pkl"
  test_dump configs/recognition/tsm_r18_heavyaug-oversample_8xb8-1x1x8-60e_actionrec-synthetic-64x64.py \
    "$WORK/recognition/model2" "$res/model2.pkl"
  test_dump configs/detection/faster-rcnn_r18_fpn_2e_actionrec-synthetic-320x240.py \
    "$WORK/recognition/detector" "$res/det_results.pkl"
  echo "==> [recognition] ensemble + detector fusion -> $res/final.csv"
  local labels=()
  [ -f "$root/test_labels.csv" ] && labels=(--labels "$root/test_labels.csv")
  "$PY" tools/recognition/ensemble.py --results "$res/model1.pkl" "$res/model2.pkl" \
    --weights 0.5 0.5 --test-list "$root/lists/test_list_rawframes.txt" \
    --classes "$root/classes.txt" --sample-submission "$root/sample_submission.csv" \
    --det-results "$res/det_results.pkl" --det-ann "$root/lists/test_detect.json" \
    --categories ball person --fusion-config configs/recognition/fusion_ball-evidence_actionrec-synthetic.py \
    --scores-out "$res/final_scores.npz" --out "$res/final.csv" "${labels[@]}"
}

task_transformer_spotting() {
  # Every variant train.sh trained, over the 2 test games: raw per-timestep scores, soft-NMS
  # spots (results_spotting.json per game + zip) and tight / loose average-mAP, each in
  # submission/<variant>/. N processes score the games (2 here). The default config, fine-tuned
  # from scratch, is the one the README's headline numbers are for; the SSL and SSL +
  # distillation variants are there to compare (with the synthetic set's random-weight teacher,
  # distillation lowers the score: docs/tasks/transformer_spotting.md).
  local c=configs/transformer_spotting/vivit-tiny-l4_adamw-10e_soccer-v2-synthetic-96x64
  local -A cfgs=([scratch]="$c.py" [ssl_finetune]="$c.py"
                 [ssl_distill_finetune]="${c}_stage4-finetune-full.py")
  local variant ckpt out games=() scored=0
  mapfile -t games < <("$PY" -c "from mmengine.config import Config
print('\n'.join(Config.fromfile('$c.py').test_games))")
  for variant in scratch ssl_finetune ssl_distill_finetune; do
    if [ ! -f "$WORK/transformer_spotting/$variant/last_checkpoint" ]; then
      echo "==> [transformer_spotting] $variant: not trained, skipped"
      continue
    fi
    ckpt="$(last_ckpt "$WORK/transformer_spotting/$variant")"
    out="$WORK/transformer_spotting/submission/$variant"
    echo "==> [transformer_spotting] $variant: inference on ${#games[@]} test game(s) -> $out"
    "$PY" tools/transformer_spotting/inference.py "${cfgs[$variant]}" "$ckpt" data/soccer_v2 \
      --games "${games[@]}" --out-dir "$out" --zip "$out/results_spotting.zip" --nproc "$N"
    scored=$((scored + 1))
  done
  if [ "$scored" -eq 0 ]; then
    echo "inference.sh: no trained variant in $WORK/transformer_spotting; run 'bash train.sh transformer_spotting' first" >&2
    exit 1
  fi
}

TASKS=("${@:-${ALL_TASKS[@]}}")
for t in "${TASKS[@]}"; do
  if [ "$t" = tennis ]; then  # the task's former name (tennis is now only a dataset's name)
    echo "inference.sh: 'tennis' is now 'ball_tracking'; running ball_tracking" >&2
    t=ball_tracking
  fi
  if ! declare -F "task_$t" >/dev/null; then
    echo "inference.sh: unknown task '$t' (known: ${ALL_TASKS[*]})" >&2; exit 2
  fi
  "task_$t"
done
