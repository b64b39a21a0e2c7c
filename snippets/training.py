"""A tiny trainable self-attention layer, with its gradients written out by hand.

Small enough to read in one sitting: one head, no output projection, plain gradient
descent. The course trains it on `previous_token_task` and watches the attention
pattern move onto the sub-diagonal.
"""

from __future__ import annotations

import numpy as np

from snippets.attention import scaled_dot_product_attention


def _sum_over_batch(X: np.ndarray, dY: np.ndarray) -> np.ndarray:
    """Gradient of Y = X @ W with respect to W, summed over every row of every batch.

    X is (batch, n, d_in) and dY is (batch, n, d_out); the result is (d_in, d_out).
    """
    return X.reshape(-1, X.shape[-1]).T @ dY.reshape(-1, dY.shape[-1])


class TinyAttention:
    """Single-head self-attention softmax(X W_q (X W_k)ᵀ / sqrt(d_k)) X W_v.

    W_q and W_k are (d_in, d_k), W_v is (d_in, d_v). `forward` keeps the intermediate
    arrays that `backward` needs, and the last attention weights in `self.weights`.
    """

    def __init__(self, d_in: int, d_k: int, d_v: int, rng: np.random.Generator):
        scale = 1.0 / np.sqrt(d_in)  # keeps projected vectors about as large as the inputs
        self.W_q = rng.normal(0.0, scale, (d_in, d_k))
        self.W_k = rng.normal(0.0, scale, (d_in, d_k))
        self.W_v = rng.normal(0.0, scale, (d_in, d_v))
        self.weights = None

    def parameters(self) -> dict:
        """The trainable arrays by name (the same objects, not copies)."""
        return {"W_q": self.W_q, "W_k": self.W_k, "W_v": self.W_v}

    def forward(self, X, mask=None) -> np.ndarray:
        """X (batch, n, d_in) -> output (batch, n, d_v); weights (batch, n, n) are kept."""
        self.X = np.asarray(X, dtype=float)
        self.Q, self.K, self.V = self.X @ self.W_q, self.X @ self.W_k, self.X @ self.W_v
        output, self.weights = scaled_dot_product_attention(self.Q, self.K, self.V, mask)
        return output

    def backward(self, d_out) -> dict:
        """Gradients of the loss with respect to W_q, W_k, W_v, given dLoss/d(output).

        Walks the forward pass backwards: output = A V, A = softmax(S), S = Q Kᵀ/sqrt(d_k).
        For the softmax of each row, dS = A ⊙ (dA − Σ_j dA_j A_j): the Jacobian-vector
        product, never forming the n × n Jacobian. Masked entries have A = 0, so they
        get no gradient.
        """
        A, X = self.weights, self.X
        d_V = np.swapaxes(A, -1, -2) @ d_out
        d_A = d_out @ np.swapaxes(self.V, -1, -2)
        d_S = A * (d_A - np.sum(d_A * A, axis=-1, keepdims=True))
        d_S = d_S / np.sqrt(self.Q.shape[-1])
        d_Q = d_S @ self.K
        d_K = np.swapaxes(d_S, -1, -2) @ self.Q
        return {
            "W_q": _sum_over_batch(X, d_Q),
            "W_k": _sum_over_batch(X, d_K),
            "W_v": _sum_over_batch(X, d_V),
        }

    def step(self, grads: dict, lr: float) -> None:
        """One step of plain gradient descent, updating the parameters in place."""
        for name, parameter in self.parameters().items():
            parameter -= lr * grads[name]


def mse(prediction, target) -> tuple[float, np.ndarray]:
    """Mean squared error and its gradient with respect to `prediction`."""
    difference = np.asarray(prediction, dtype=float) - np.asarray(target, dtype=float)
    return float(np.mean(difference**2)), 2.0 * difference / difference.size


def previous_token_task(
    rng: np.random.Generator, n_sequences: int = 64, length: int = 6, d_content: int = 4
) -> tuple[np.ndarray, np.ndarray]:
    """A toy task that attention solves by looking one position back.

    Returns X of shape (n_sequences, length, d_content + length): random content vectors
    followed by a one-hot code of the position (without it, attention could not tell
    "the previous token" from any other). The target Y, shape (n_sequences, length,
    d_content), is at position i the content at position i - 1, and at position 0 its
    own content (there is nothing before it).
    """
    content = rng.normal(size=(n_sequences, length, d_content))
    positions = np.broadcast_to(np.eye(length), (n_sequences, length, length))
    X = np.concatenate([content, positions], axis=-1)
    Y = np.concatenate([content[:, :1], content[:, :-1]], axis=1)
    return X, Y


def train(layer: TinyAttention, X, Y, steps: int = 300, lr: float = 2.0, mask=None) -> list:
    """Full-batch gradient descent on the mean squared error; returns the loss per step.

    The default learning rate is large because `mse` averages over every number in the
    batch, which makes each gradient small; on the default task it trains reliably,
    while lr = 5 already diverges for some seeds.
    """
    losses = []
    for _ in range(steps):
        loss, d_prediction = mse(layer.forward(X, mask), Y)
        layer.step(layer.backward(d_prediction), lr)
        losses.append(loss)
    return losses
