"""The MiniLM expert at inference time: the BERT encoder, marker pooling and heads in plain torch.

Training fine-tunes ``transformers``' ``BertModel`` (:mod:`vigil.train.transformer`). Coding
only needs its forward pass, written here over the same weights, and the ``tokenizers`` library
for the model's own ``tokenizer.json``. A worker that codes events then never imports
``transformers`` (about 3 s of start-up per process). ``tests/coder/test_coder.py`` checks that the two forward
passes agree on real sentences.

With ``int8``, every linear layer of the encoder multiplies in int8 (:class:`Int8Linear`): weights
scaled per output row, activations per input row (per token). A token's products then never
depend on the other tokens of the batch, or on its padding, unlike PyTorch's dynamic
quantization, which scales a whole input tensor at once.

The int32 sums come from ``torch._int_mm`` where the CPU multiplies int8 natively (VNNI, AMX),
and from float32 products over slices of at most 1,024 columns elsewhere: every partial sum is an
integer below 2**24 (1,024 x 127 x 127), which float32 holds exactly, so both ways give the same
bits. On an AVX2-only CPU ``torch._int_mm`` is 5-40 times slower than the float way
(:func:`native_int8` times both once per process, and the faster one is used).
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import torch
import torch.nn.functional as F

__all__ = ["Encoder", "Int8Linear", "load_tokenizer", "read_config"]


_EXACT_SLICE = 1024  # 1024 * 127 * 127 < 2**24: float32 sums of int8 products stay exact


def float_int_mm(a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
    """``torch._int_mm(a, b).float()`` from integer-valued float32 matrices, bit for bit.

    Each slice of at most 1,024 columns sums exactly in float32; the slices add up in float64
    (exact), and the one rounding to float32 at the end is the one ``.float()`` makes of an int32.
    """
    k = a.shape[1]
    if k <= _EXACT_SLICE:
        return a @ b
    total = torch.zeros(a.shape[0], b.shape[1], dtype=torch.float64)
    for start in range(0, k, _EXACT_SLICE):
        total += a[:, start : start + _EXACT_SLICE] @ b[start : start + _EXACT_SLICE]
    return total.float()


_native_int8: bool | None = None  # torch._int_mm (True) or float_int_mm (False), timed once per process


def native_int8() -> bool:
    """Whether ``torch._int_mm`` is faster here than :func:`float_int_mm` (the two give the same bits)."""
    global _native_int8
    if _native_int8 is None:
        import time

        gen = torch.Generator().manual_seed(0)
        a = torch.randint(-127, 128, (128, 384), dtype=torch.int8, generator=gen)
        b = torch.randint(-127, 128, (384, 1536), dtype=torch.int8, generator=gen)
        af, bf = a.float(), b.float()
        times = []
        runs: list[Any] = [lambda: torch._int_mm(a, b), lambda: float_int_mm(af, bf)]
        for run in runs:
            run()
            start = time.perf_counter()
            for _ in range(3):
                run()
            times.append(time.perf_counter() - start)
        _native_int8 = times[0] < times[1]
    return _native_int8


class Int8Linear(torch.nn.Module):
    """``y = x W^T + b`` in int8: per-row weight scales, per-token activation scales, int32 sums."""

    def __init__(self, weight: torch.Tensor, bias: torch.Tensor) -> None:
        super().__init__()
        w = weight.detach().float()
        scale = w.abs().amax(dim=1).clamp(min=1e-8) / 127.0
        self.weight_q = torch.round(w / scale[:, None]).to(torch.int8).t().contiguous()
        self.weight_scale = scale
        self.bias = bias.detach().float()
        self._weight_f: torch.Tensor | None = None  # weight_q as float32, for CPUs without int8 products

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        shape = x.shape
        rows = x.reshape(-1, shape[-1])
        scale = rows.abs().amax(dim=1, keepdim=True).clamp_(min=1e-8).div_(127.0)
        xq = (rows / scale).round_()  # integers in [-127, 127]
        if native_int8():
            y = torch._int_mm(xq.to(torch.int8), self.weight_q).float()
        else:
            if self._weight_f is None:
                self._weight_f = self.weight_q.float()
            y = float_int_mm(xq, self._weight_f)
        y = y.mul_(scale * self.weight_scale).add_(self.bias)
        return y.view(*shape[:-1], y.shape[-1])


def _linear(state: Mapping[str, torch.Tensor], name: str, int8: bool) -> torch.nn.Module:
    return _dense(state[f"{name}.weight"].float(), state[f"{name}.bias"].float(), int8)


def _dense(weight: torch.Tensor, bias: torch.Tensor, int8: bool) -> torch.nn.Module:
    if int8:
        return Int8Linear(weight, bias)
    layer = torch.nn.Linear(weight.shape[1], weight.shape[0])
    with torch.no_grad():
        layer.weight.copy_(weight)
        layer.bias.copy_(bias)
    return layer


def _norm(state: Mapping[str, torch.Tensor], name: str, eps: float) -> torch.nn.LayerNorm:
    weight = state[f"{name}.weight"].float()
    norm = torch.nn.LayerNorm(weight.shape[0], eps=eps)
    with torch.no_grad():
        norm.weight.copy_(weight)
        norm.bias.copy_(state[f"{name}.bias"].float())
    return norm


class _Layer(torch.nn.Module):
    def __init__(self, state: Mapping[str, torch.Tensor], prefix: str, heads: int, eps: float, int8: bool) -> None:
        super().__init__()
        self.heads = heads
        # Query, key and value in one product (one quantization of the input for the three).
        names = [f"{prefix}.attention.self.{n}" for n in ("query", "key", "value")]
        self.qkv = _dense(
            torch.cat([state[f"{n}.weight"].float() for n in names]),
            torch.cat([state[f"{n}.bias"].float() for n in names]),
            int8,
        )
        self.attention_out = _linear(state, f"{prefix}.attention.output.dense", int8)
        self.attention_norm = _norm(state, f"{prefix}.attention.output.LayerNorm", eps)
        self.intermediate = _linear(state, f"{prefix}.intermediate.dense", int8)
        self.out = _linear(state, f"{prefix}.output.dense", int8)
        self.out_norm = _norm(state, f"{prefix}.output.LayerNorm", eps)

    def forward(self, x: torch.Tensor, groups: Sequence[tuple[int, int, int]]) -> torch.Tensor:
        """One layer over packed rows: ``x`` is (tokens, hidden), ``groups`` the packing (see :class:`Encoder`)."""
        q, k, v = self.qkv(x).chunk(3, dim=-1)
        attended = []
        for start, count, length in groups:
            end = start + count * length
            qg, kg, vg = (t[start:end].view(count, length, self.heads, -1).transpose(1, 2) for t in (q, k, v))
            h = F.scaled_dot_product_attention(qg, kg, vg)
            attended.append(h.transpose(1, 2).reshape(end - start, -1))
        h = attended[0] if len(attended) == 1 else torch.cat(attended)
        x = self.attention_norm(self.attention_out(h) + x)
        return self.out_norm(self.out(F.gelu(self.intermediate(x))) + x)  # type: ignore[no-any-return]


class Encoder(torch.nn.Module):
    """BERT encoder + mean / [S] / [T] pooling + root and quad heads, as ``transformer._MarkerModel``.

    Args:
        state: tensors named as ``_MarkerModel``'s parameters (``encoder.embeddings...``,
            ``encoder.encoder.layer.N...``, ``root.*``, ``quad.*``).
        config: the base model's ``config.json``.
        source_id, target_id: token ids of the ``[S]`` and ``[T]`` markers.
        int8: int8 linear layers in the encoder (:class:`Int8Linear`); the heads stay in float.
    """

    def __init__(
        self,
        state: Mapping[str, torch.Tensor],
        config: Mapping[str, Any],
        source_id: int,
        target_id: int,
        int8: bool,
    ) -> None:
        super().__init__()
        if (
            config.get("hidden_act", "gelu") != "gelu"
            or config.get("position_embedding_type", "absolute") != "absolute"
        ):
            raise ValueError("the MiniLM encoder expects a BERT model with GELU and absolute positions")
        eps = float(config["layer_norm_eps"])
        self.source_id, self.target_id = source_id, target_id
        self.word = state["encoder.embeddings.word_embeddings.weight"].float()
        self.position = state["encoder.embeddings.position_embeddings.weight"].float()
        self.token_type = state["encoder.embeddings.token_type_embeddings.weight"].float()[0]
        self.embedding_norm = _norm(state, "encoder.embeddings.LayerNorm", eps)
        heads = int(config["num_attention_heads"])
        self.layers = torch.nn.ModuleList(
            _Layer(state, f"encoder.encoder.layer.{i}", heads, eps, int8)
            for i in range(int(config["num_hidden_layers"]))
        )
        self.root = _linear(state, "root", False)
        self.quad = _linear(state, "quad", False)

    def _encode(
        self, rows: Sequence[Sequence[int]]
    ) -> tuple[torch.Tensor, torch.Tensor, list[tuple[int, int, int]], list[int]]:
        """Every token's final state of token-id rows packed end to end, shortest first, without padding.

        Returns the states, the token ids, the (first token, rows, row length) of each run of one
        length, and the input index of each packed row. The linear layers, norms and activations work
        on every token of every row at once, and attention runs within each row, over the rows of
        one length together.
        """
        order = sorted(range(len(rows)), key=lambda i: len(rows[i]))
        groups: list[tuple[int, int, int]] = []
        start = 0
        for length, run in itertools.groupby(len(rows[i]) for i in order):
            count = sum(1 for _ in run)
            groups.append((start, count, length))
            start += count * length
        ids = torch.tensor([t for i in order for t in rows[i]], dtype=torch.long)
        positions = torch.cat([torch.arange(length).repeat(count) for _, count, length in groups])
        x = self.embedding_norm(self.word[ids] + self.position[positions] + self.token_type)
        for layer in self.layers:
            x = layer(x, groups)
        return x, ids, groups, order

    def forward(self, rows: Sequence[Sequence[int]]) -> tuple[torch.Tensor, torch.Tensor]:
        """Root and quad logits of token-id rows of any lengths, in input order, in one pass (:meth:`_encode`)."""
        x, ids, groups, order = self._encode(rows)
        pooled = []
        for first, count, length in groups:
            h = x[first : first + count * length].view(count, length, -1)
            group_ids = ids[first : first + count * length].view(count, length)
            mean = h.mean(dim=1)
            source = _at(h, group_ids == self.source_id, mean)
            pooled.append(torch.cat([mean, source, _at(h, group_ids == self.target_id, mean)], dim=-1))
        z = torch.empty(len(rows), pooled[0].shape[-1])
        z[torch.tensor(order)] = torch.cat(pooled)
        return self.root(z), self.quad(z)


def _at(h: torch.Tensor, marker: torch.Tensor, mean: torch.Tensor) -> torch.Tensor:
    """Mean of each row's states at its ``marker`` positions; the row's mean where it has none (actor unknown)."""
    pos = marker.to(h.dtype)
    n = pos.sum(1, keepdim=True)
    vec = torch.einsum("bl,blh->bh", pos, h) / n.clamp(min=1.0)
    return torch.where(n > 0, vec, mean)


def load_tokenizer(folder: Path, markers: Sequence[str], max_length: int) -> Any:
    """The base model's ``tokenizer.json`` with the marker tokens added after its vocabulary (no padding)."""
    from tokenizers import AddedToken, Tokenizer

    tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
    tokenizer.add_special_tokens([AddedToken(m, special=True, normalized=False) for m in markers])
    tokenizer.enable_truncation(max_length=max_length)
    tokenizer.no_padding()
    return tokenizer


def read_config(folder: Path) -> dict[str, Any]:
    """The base model's ``config.json``."""
    config: dict[str, Any] = json.loads((folder / "config.json").read_text(encoding="utf-8"))
    return config
