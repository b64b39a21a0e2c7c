"""Numerical building blocks of attention, in plain numpy.

The notes' executable blocks import from here, so no note copies code from another.
Vectors are rows, as in the Transformer paper: a projection is `x @ W`, and a matrix of
queries `Q` has one query per row. Functions accept extra leading (batch, head) axes
wherever matrix multiplication broadcasts.
"""

from __future__ import annotations

import numpy as np

# ---------------------------------------------------------------------------
# Turning scores into weights
# ---------------------------------------------------------------------------


def softmax(scores, axis: int = -1, temperature: float = 1.0) -> np.ndarray:
    """Softmax along `axis`, computed stably.

    Subtracting the maximum first changes nothing mathematically (softmax is shift
    invariant) but keeps `exp` from overflowing; `-inf` scores (masked positions)
    get exactly zero weight.
    """
    if temperature <= 0:
        raise ValueError(f"temperature must be positive, not {temperature}")
    z = np.asarray(scores, dtype=float) / temperature
    z = z - np.max(z, axis=axis, keepdims=True)
    weights = np.exp(z)
    return weights / np.sum(weights, axis=axis, keepdims=True)


def naive_softmax(scores, axis: int = -1) -> np.ndarray:
    """Softmax straight from the textbook formula, *without* subtracting the maximum.

    Only here to show why `softmax` subtracts the maximum: for scores above ~709,
    `exp` overflows to inf and inf / inf gives nan. numpy's overflow warnings are
    silenced so that the nan itself is what the reader sees.
    """
    with np.errstate(over="ignore", invalid="ignore"):
        exps = np.exp(np.asarray(scores, dtype=float))
        return exps / np.sum(exps, axis=axis, keepdims=True)


def sparsemax(scores, axis: int = -1) -> np.ndarray:
    """Sparsemax (Martins & Astudillo, 2016): the closest point of the simplex to `scores`.

    Like softmax it returns non-negative weights that sum to one, but low scores get
    *exactly* zero weight: out = max(z - tau, 0), with the threshold tau chosen so that
    the result sums to one. With the scores sorted in decreasing order, the support is
    the largest k for which 1 + k z_(k) > z_(1) + ... + z_(k).
    """
    z = np.moveaxis(np.asarray(scores, dtype=float), axis, -1)
    z_sorted = -np.sort(-z, axis=-1)
    cumulative = np.cumsum(z_sorted, axis=-1)
    k = np.arange(1, z.shape[-1] + 1)
    support_size = np.sum(1 + k * z_sorted > cumulative, axis=-1, keepdims=True)
    tau = (np.take_along_axis(cumulative, support_size - 1, axis=-1) - 1) / support_size
    return np.moveaxis(np.maximum(z - tau, 0.0), -1, axis)


def entropy(weights, axis: int = -1) -> np.ndarray:
    """Shannon entropy, in nats, of each distribution along `axis`.

    A measure of how spread out attention is: 0 for a one-hot distribution, log n for
    the uniform one over n positions. Zero weights contribute nothing (0 log 0 = 0).
    """
    w = np.asarray(weights, dtype=float)
    safe = np.where(w > 0, w, 1.0)  # log(1) = 0, so zero weights add nothing
    return -np.sum(w * np.log(safe), axis=axis)


# ---------------------------------------------------------------------------
# Score functions: how well does query i match key j?
# Q is (n_q, d_q), K is (n_k, d_k); each returns scores of shape (n_q, n_k).
# ---------------------------------------------------------------------------


def _transpose(M: np.ndarray) -> np.ndarray:
    """Swap the last two axes (the matrix transpose, batch axes untouched)."""
    return np.swapaxes(M, -1, -2)


def dot_scores(Q, K) -> np.ndarray:
    """Dot-product scores Q Kᵀ: entry (i, j) is q_i · k_j. Needs d_q = d_k."""
    return np.asarray(Q) @ _transpose(np.asarray(K))


def scaled_dot_scores(Q, K) -> np.ndarray:
    """Q Kᵀ / sqrt(d_k), the Transformer's scores.

    For random vectors with unit-variance entries, q · k has variance d_k; dividing by
    sqrt(d_k) brings it back to 1, so the softmax does not saturate in high dimension.
    """
    K = np.asarray(K)
    return dot_scores(Q, K) / np.sqrt(K.shape[-1])


def general_scores(Q, K, W) -> np.ndarray:
    """Luong's "general" (multiplicative) scores q W kᵀ, with W of shape (d_q, d_k).

    A learned bilinear form: it compares queries and keys of different sizes, and can
    decide which directions of q should match which directions of k.
    """
    return np.asarray(Q) @ np.asarray(W) @ _transpose(np.asarray(K))


def _pairwise_sum(Q_part, K_part) -> np.ndarray:
    """(n_q, h) and (n_k, h) -> (n_q, n_k, h) with entry (i, j) = Q_part[i] + K_part[j]."""
    return Q_part[..., :, None, :] + K_part[..., None, :, :]


def additive_scores(Q, K, W_q, W_k, v) -> np.ndarray:
    """Bahdanau's additive scores vᵀ tanh(q W_q + k W_k).

    W_q is (d_q, h), W_k is (d_k, h), v is (h,). A one-hidden-layer network scores each
    (query, key) pair, so the match need not be a bilinear form.
    """
    hidden = np.tanh(_pairwise_sum(np.asarray(Q) @ W_q, np.asarray(K) @ W_k))
    return hidden @ np.asarray(v)


def gated_scores(Q, K, W_q, W_k, U_q, U_k, v) -> np.ndarray:
    """Gated additive scores vᵀ [tanh(q W_q + k W_k) ⊙ sigmoid(q U_q + k U_k)].

    The gating of Ilse et al. (2018), applied to query-key pairs: the sigmoid decides,
    feature by feature, how much of the tanh feature gets through. W_* and U_* are
    (d, h), v is (h,).
    """
    Q, K = np.asarray(Q), np.asarray(K)
    features = np.tanh(_pairwise_sum(Q @ W_q, K @ W_k))
    gate = 1.0 / (1.0 + np.exp(-_pairwise_sum(Q @ U_q, K @ U_k)))
    return (features * gate) @ np.asarray(v)


def cosine_scores(Q, K) -> np.ndarray:
    """Cosine similarity of every query with every key, in [-1, 1].

    The dot product of the vectors scaled to unit length: only directions count, not
    lengths. (A zero vector gets similarity 0 with everything.)
    """
    Q, K = np.asarray(Q, dtype=float), np.asarray(K, dtype=float)
    tiny = np.finfo(float).tiny
    Q_unit = Q / np.maximum(np.linalg.norm(Q, axis=-1, keepdims=True), tiny)
    K_unit = K / np.maximum(np.linalg.norm(K, axis=-1, keepdims=True), tiny)
    return dot_scores(Q_unit, K_unit)


# ---------------------------------------------------------------------------
# Masks: boolean, True = this query may attend to this key
# ---------------------------------------------------------------------------


def causal_mask(n: int) -> np.ndarray:
    """(n, n) lower-triangular mask: position i may look at positions 0..i, not ahead."""
    return np.tril(np.ones((n, n), dtype=bool))


def padding_mask(length: int, n_k: int) -> np.ndarray:
    """(n_k,) mask that keeps the first `length` keys and hides the padding after them."""
    return np.arange(n_k) < length


# ---------------------------------------------------------------------------
# Attention
# ---------------------------------------------------------------------------


def scaled_dot_product_attention(Q, K, V, mask=None) -> tuple[np.ndarray, np.ndarray]:
    """softmax(Q Kᵀ / sqrt(d_k)) V, returning `(output, weights)`.

    Q is (..., n_q, d_k), K is (..., n_k, d_k), V is (..., n_k, d_v); the output is
    (..., n_q, d_v) and the weights (..., n_q, n_k). `mask` (True = may attend) must
    broadcast to the weights; masked scores become -inf, so they get exactly zero weight.
    """
    scores = scaled_dot_scores(Q, K)
    if mask is not None:
        mask = np.broadcast_to(np.asarray(mask, dtype=bool), scores.shape)
        if not np.all(np.any(mask, axis=-1)):
            raise ValueError(
                "mask hides every key from some query: its softmax would be 0/0; "
                "let every query attend to at least one key"
            )
        scores = np.where(mask, scores, -np.inf)
    weights = softmax(scores, axis=-1)
    return weights @ np.asarray(V), weights


def split_heads(X, heads: int) -> np.ndarray:
    """(n, d_model) -> (heads, n, d_model // heads): head h gets columns h*d_head onwards.

    Multi-head attention does not use separate projections per head: it cuts one big
    projection into `heads` slices of equal width.
    """
    X = np.asarray(X)
    n, d_model = X.shape[-2:]
    if d_model % heads != 0:
        raise ValueError(f"d_model = {d_model} is not divisible by heads = {heads}")
    slices = X.reshape(*X.shape[:-2], n, heads, d_model // heads)
    return np.swapaxes(slices, -2, -3)


def merge_heads(H) -> np.ndarray:
    """(heads, n, d_head) -> (n, heads * d_head): the inverse of `split_heads`."""
    H = np.asarray(H)
    heads, n, d_head = H.shape[-3:]
    return np.swapaxes(H, -2, -3).reshape(*H.shape[:-3], n, heads * d_head)


def init_multi_head(d_model: int, heads: int, rng: np.random.Generator) -> dict:
    """Random projections W_q, W_k, W_v, W_o, each (d_model, d_model).

    Entries have standard deviation 1/sqrt(d_model), so a projection keeps the size of
    its input vectors roughly unchanged.
    """
    if d_model % heads != 0:
        raise ValueError(f"d_model = {d_model} is not divisible by heads = {heads}")
    scale = 1.0 / np.sqrt(d_model)
    return {
        name: rng.normal(0.0, scale, (d_model, d_model)) for name in ("W_q", "W_k", "W_v", "W_o")
    }


def multi_head_attention(X_q, X_kv, params: dict, heads: int, mask=None):
    """Multi-head attention; returns `(output (n_q, d_model), weights (heads, n_q, n_k))`.

    Queries come from X_q, keys and values from X_kv (the same array for self-attention).
    Each head attends in its own d_model // heads dimensional slice of the projections;
    the heads' outputs are concatenated and mixed by W_o.
    """
    Q = split_heads(np.asarray(X_q) @ params["W_q"], heads)
    K = split_heads(np.asarray(X_kv) @ params["W_k"], heads)
    V = split_heads(np.asarray(X_kv) @ params["W_v"], heads)
    per_head, weights = scaled_dot_product_attention(Q, K, V, mask)
    return merge_heads(per_head) @ params["W_o"], weights


# ---------------------------------------------------------------------------
# Positions
# ---------------------------------------------------------------------------


def sinusoidal_encoding(n_positions: int, d_model: int, base: float = 10000.0) -> np.ndarray:
    """The Transformer's positional encoding, (n_positions, d_model).

    PE[pos, 2i] = sin(pos / base^(2i/d_model)) and PE[pos, 2i+1] = cos(same angle):
    each pair of columns is a clock turning at its own speed, from one radian per
    position (i = 0) down to very slow, so every position gets a distinct pattern.
    """
    positions = np.arange(n_positions)[:, None]
    columns = np.arange(d_model)
    even = columns - columns % 2  # 2i for both columns of pair i
    angles = positions / base ** (even / d_model)
    return np.where(columns % 2 == 0, np.sin(angles), np.cos(angles))
