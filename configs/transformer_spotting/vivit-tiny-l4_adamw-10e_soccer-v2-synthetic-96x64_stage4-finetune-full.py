# Stage 4 on the synthetic set: full fine-tuning from stage 3, the same 8 epochs as the
# scratch variant. --cfg-options load_from=<stage 3 checkpoint>
_base_ = ['./vivit-tiny-l4_adamw-10e_soccer-v2-synthetic-96x64.py']
