"""The MiniLM expert at inference time: the BERT encoder, marker pooling and heads in plain torch.

Training fine-tunes ``transformers``' ``BertModel`` (:mod:`vigil.extract.transformer`). Coding
only needs its forward pass, written here over the same weights, and the ``tokenizers`` library
for the model's own ``tokenizer.json``. A worker that codes events then never imports
``transformers`` (about 3 s of start-up per process). ``tests/extract/test_coder.py`` checks that the two forward
passes agree on real sentences.

With ``int8``, every linear layer of the encoder multiplies in int8 (:class:`Int8Linear`): weights
scaled per output row, activations per input row (per token). A token's products then never
depend on the other tokens of the batch, or on its padding, unlike PyTorch's dynamic
quantization, which scales a whole input tensor at once.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import torch
import torch.nn.functional as F

__all__ = ["Encoder", "Int8Linear", "load_tokenizer", "read_config"]


class Int8Linear(torch.nn.Module):
    """``y = x W^T + b`` in int8: per-row weight scales, per-token activation scales, int32 sums."""

    def __init__(self, weight: torch.Tensor, bias: torch.Tensor) -> None:
        super().__init__()
        w = weight.detach().float()
        scale = w.abs().amax(dim=1).clamp(min=1e-8) / 127.0
        self.weight_q = torch.round(w / scale[:, None]).to(torch.int8).t().contiguous()
        self.weight_scale = scale
        self.bias = bias.detach().float()

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        shape = x.shape
        rows = x.reshape(-1, shape[-1])
        scale = rows.abs().amax(dim=1, keepdim=True).clamp(min=1e-8) / 127.0
        xq = torch.round(rows / scale).to(torch.int8)
        y = torch._int_mm(xq, self.weight_q).float() * (scale * self.weight_scale) + self.bias
        return y.view(*shape[:-1], y.shape[-1])


def _linear(state: Mapping[str, torch.Tensor], name: str, int8: bool) -> torch.nn.Module:
    weight, bias = state[f"{name}.weight"].float(), state[f"{name}.bias"].float()
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
        self.query = _linear(state, f"{prefix}.attention.self.query", int8)
        self.key = _linear(state, f"{prefix}.attention.self.key", int8)
        self.value = _linear(state, f"{prefix}.attention.self.value", int8)
        self.attention_out = _linear(state, f"{prefix}.attention.output.dense", int8)
        self.attention_norm = _norm(state, f"{prefix}.attention.output.LayerNorm", eps)
        self.intermediate = _linear(state, f"{prefix}.intermediate.dense", int8)
        self.out = _linear(state, f"{prefix}.output.dense", int8)
        self.out_norm = _norm(state, f"{prefix}.output.LayerNorm", eps)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        b, n, _ = x.shape

        def split(t: torch.Tensor) -> torch.Tensor:
            return t.view(b, n, self.heads, -1).transpose(1, 2)

        h = F.scaled_dot_product_attention(split(self.query(x)), split(self.key(x)), split(self.value(x)))
        x = self.attention_norm(self.attention_out(h.transpose(1, 2).reshape(b, n, -1)) + x)
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

    def forward(self, ids: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """Root and quad logits of a batch of token-id rows of one length (no padding)."""
        n = ids.shape[1]
        x = self.embedding_norm(self.word[ids] + self.position[:n] + self.token_type)
        for layer in self.layers:
            x = layer(x)
        mean = x.mean(dim=1)

        def at(token: int) -> torch.Tensor:
            pos = (ids == token).to(x.dtype)
            count = pos.sum(1, keepdim=True)
            vec = torch.einsum("bl,blh->bh", pos, x) / count.clamp(min=1.0)
            return torch.where(count > 0, vec, mean)  # actor unknown: fall back to the sentence

        z = torch.cat([mean, at(self.source_id), at(self.target_id)], dim=-1)
        return self.root(z), self.quad(z)


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
