"""Evaluation commands: claimscope's figures on real annotated data, next to a simple baseline
run in the same command (``claimscope eval ...``). Results are recorded in docs/evaluation.md."""
