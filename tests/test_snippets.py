"""`snippets/` against independent computations.

Every formula is checked against a second computation written differently (explicit
loops, `math` instead of numpy, brute force, finite differences), so a wrong formula
cannot pass by agreeing with itself.
"""

import itertools
import math

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from snippets import plots  # noqa: E402
from snippets.attention import (  # noqa: E402
    additive_scores,
    causal_mask,
    cosine_scores,
    dot_scores,
    entropy,
    gated_scores,
    general_scores,
    init_multi_head,
    merge_heads,
    multi_head_attention,
    naive_softmax,
    padding_mask,
    scaled_dot_product_attention,
    scaled_dot_scores,
    sinusoidal_encoding,
    softmax,
    sparsemax,
    split_heads,
)
from snippets.training import TinyAttention, mse, previous_token_task, train  # noqa: E402


@pytest.fixture
def rng():
    return np.random.default_rng(1234)


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


@pytest.mark.parametrize("temperature", [0.5, 1.0, 10.0])
def test_softmax_matches_the_definition_computed_by_hand(temperature):
    scores = [2.0, 1.0, 0.0]
    exps = [math.exp(z / temperature) for z in scores]
    expected = [e / sum(exps) for e in exps]
    assert softmax(scores, temperature=temperature) == pytest.approx(expected)


def test_softmax_is_stable_for_huge_scores_and_masks_minus_infinity():
    weights = softmax(np.array([1000.0, 999.0, -np.inf]))
    assert np.all(np.isfinite(weights)) and weights[2] == 0.0
    assert weights[:2] == pytest.approx([1 / (1 + math.exp(-1)), math.exp(-1) / (1 + math.exp(-1))])


def test_softmax_rows_sum_to_one_along_the_axis():
    weights = softmax(np.arange(12.0).reshape(3, 4), axis=1)
    assert weights.sum(axis=1) == pytest.approx(np.ones(3))


def test_temperature_must_be_positive():
    with pytest.raises(ValueError, match="temperature must be positive"):
        softmax([1.0], temperature=0)


# --- softmax and friends ---------------------------------------------------------------


def test_softmax_is_shift_invariant(rng):
    scores = rng.normal(size=(3, 5))
    np.testing.assert_allclose(softmax(scores + 17.0), softmax(scores))


def test_softmax_along_axis_zero_is_softmax_of_the_transpose(rng):
    scores = rng.normal(size=(4, 3))
    np.testing.assert_allclose(softmax(scores, axis=0), softmax(scores.T).T)


def test_naive_softmax_matches_the_definition_for_moderate_scores():
    scores = [0.5, -1.0, 2.0]
    exps = [math.exp(z) for z in scores]
    assert naive_softmax(scores) == pytest.approx([e / sum(exps) for e in exps])


def test_naive_softmax_overflows_to_nan_silently_where_softmax_does_not():
    scores = np.array([1000.0, 999.0, 0.0])
    assert np.isnan(naive_softmax(scores)).any()  # and no RuntimeWarning (warnings are errors)
    assert np.isfinite(softmax(scores)).all()


def _brute_force_sparsemax(z):
    """Try every support S: tau = (sum of z over S - 1) / |S| must keep exactly S positive."""
    n = len(z)
    for size in range(1, n + 1):
        for support in itertools.combinations(range(n), size):
            tau = (sum(z[i] for i in support) - 1.0) / size
            inside = all(z[i] > tau for i in support)
            outside = all(z[j] <= tau for j in range(n) if j not in support)
            if inside and outside:
                return [max(z[i] - tau, 0.0) for i in range(n)]
    raise AssertionError("no support found")


def test_sparsemax_matches_a_brute_force_search_over_supports(rng):
    for _ in range(20):
        z = rng.normal(scale=2.0, size=6)
        assert sparsemax(z) == pytest.approx(_brute_force_sparsemax(list(z)))


def test_sparsemax_lies_on_the_simplex_with_exact_zeros():
    weights = sparsemax(np.array([[3.0, 1.0, 0.2, -1.0], [0.1, 0.0, 0.05, 0.02]]))
    assert np.all(weights >= 0.0)
    np.testing.assert_allclose(weights.sum(axis=-1), [1.0, 1.0])
    assert np.array_equal(weights[0], [1.0, 0.0, 0.0, 0.0])  # exact, not just small
    assert np.all(weights[1] > 0)  # close scores: every position keeps some weight


def test_sparsemax_is_the_closest_point_of_the_simplex(rng):
    z = rng.normal(size=5)
    projection = sparsemax(z)
    others = rng.dirichlet(np.full(5, 0.5), size=2000)  # random points of the simplex
    assert np.all(np.linalg.norm(others - z, axis=1) >= np.linalg.norm(projection - z) - 1e-12)


def test_sparsemax_works_along_any_axis(rng):
    scores = rng.normal(size=(5, 3))
    np.testing.assert_allclose(sparsemax(scores, axis=0), sparsemax(scores.T).T)


def test_entropy_of_uniform_is_log_n_and_of_one_hot_is_zero():
    assert entropy(np.full(8, 1 / 8)) == pytest.approx(math.log(8))
    assert entropy(np.array([0.0, 1.0, 0.0])) == 0.0


def test_entropy_matches_the_sum_written_with_math_log(rng):
    weights = rng.dirichlet(np.ones(4), size=3)
    expected = [-sum(p * math.log(p) for p in row) for row in weights]
    assert entropy(weights) == pytest.approx(expected)


# --- score functions: each against an explicit loop over (query, key) pairs ----------


def _pairwise(score, Q, K):
    return np.array([[score(q, k) for k in K] for q in Q])


@pytest.fixture
def queries_and_keys(rng):
    return rng.normal(size=(3, 4)), rng.normal(size=(5, 4))


def test_dot_scores_are_dot_products_of_each_pair(queries_and_keys):
    Q, K = queries_and_keys
    expected = _pairwise(lambda q, k: sum(a * b for a, b in zip(q, k)), Q, K)
    np.testing.assert_allclose(dot_scores(Q, K), expected)


def test_scaled_dot_scores_divide_each_dot_product_by_sqrt_d_k(queries_and_keys):
    Q, K = queries_and_keys
    expected = _pairwise(lambda q, k: sum(a * b for a, b in zip(q, k)) / math.sqrt(4), Q, K)
    np.testing.assert_allclose(scaled_dot_scores(Q, K), expected)


def test_general_scores_are_a_bilinear_form_per_pair(rng):
    Q, K, W = rng.normal(size=(3, 4)), rng.normal(size=(5, 2)), rng.normal(size=(4, 2))
    expected = _pairwise(
        lambda q, k: sum(q[a] * W[a, b] * k[b] for a in range(4) for b in range(2)), Q, K
    )
    np.testing.assert_allclose(general_scores(Q, K, W), expected)


def test_additive_scores_run_a_small_network_on_each_pair(rng):
    Q, K = rng.normal(size=(3, 4)), rng.normal(size=(5, 2))
    W_q, W_k, v = rng.normal(size=(4, 6)), rng.normal(size=(2, 6)), rng.normal(size=6)

    def score(q, k):
        return sum(v[h] * math.tanh(q @ W_q[:, h] + k @ W_k[:, h]) for h in range(6))

    np.testing.assert_allclose(additive_scores(Q, K, W_q, W_k, v), _pairwise(score, Q, K))


def test_gated_scores_multiply_tanh_features_by_a_sigmoid_gate(rng):
    Q, K = rng.normal(size=(3, 4)), rng.normal(size=(5, 2))
    W_q, U_q = rng.normal(size=(4, 6)), rng.normal(size=(4, 6))
    W_k, U_k = rng.normal(size=(2, 6)), rng.normal(size=(2, 6))
    v = rng.normal(size=6)

    def score(q, k):
        total = 0.0
        for h in range(6):
            feature = math.tanh(q @ W_q[:, h] + k @ W_k[:, h])
            gate = 1.0 / (1.0 + math.exp(-(q @ U_q[:, h] + k @ U_k[:, h])))
            total += v[h] * feature * gate
        return total

    np.testing.assert_allclose(gated_scores(Q, K, W_q, W_k, U_q, U_k, v), _pairwise(score, Q, K))


def test_cosine_scores_are_cosines_of_each_pair(queries_and_keys):
    Q, K = queries_and_keys
    expected = _pairwise(
        lambda q, k: sum(q * k) / (math.sqrt(sum(q * q)) * math.sqrt(sum(k * k))), Q, K
    )
    np.testing.assert_allclose(cosine_scores(Q, K), expected)
    np.testing.assert_allclose(cosine_scores(Q, 3.0 * K), expected)  # lengths do not matter


# --- masks and scaled dot-product attention ------------------------------------------


def test_masks_match_their_definitions():
    assert causal_mask(4).tolist() == [[j <= i for j in range(4)] for i in range(4)]
    assert padding_mask(2, 5).tolist() == [True, True, False, False, False]


def test_attention_equals_a_loop_over_queries(rng):
    Q, K, V = rng.normal(size=(3, 4)), rng.normal(size=(5, 4)), rng.normal(size=(5, 2))
    output, weights = scaled_dot_product_attention(Q, K, V)
    for i, q in enumerate(Q):
        scores = [q @ k / math.sqrt(4) for k in K]
        exps = [math.exp(s) for s in scores]
        w = [e / sum(exps) for e in exps]
        np.testing.assert_allclose(weights[i], w)
        np.testing.assert_allclose(output[i], sum(w[j] * V[j] for j in range(5)))


def test_attention_with_leading_batch_axes_equals_a_loop_over_the_batch(rng):
    Q, K, V = (
        rng.normal(size=(2, 3, 4, 5)),
        rng.normal(size=(2, 3, 6, 5)),
        rng.normal(size=(2, 3, 6, 2)),
    )
    output, weights = scaled_dot_product_attention(Q, K, V)
    assert output.shape == (2, 3, 4, 2) and weights.shape == (2, 3, 4, 6)
    for b, h in itertools.product(range(2), range(3)):
        expected_output, expected_weights = scaled_dot_product_attention(Q[b, h], K[b, h], V[b, h])
        np.testing.assert_allclose(output[b, h], expected_output)
        np.testing.assert_allclose(weights[b, h], expected_weights)


def test_causal_mask_gives_future_keys_exactly_zero_weight(rng):
    X = rng.normal(size=(5, 4))
    output, weights = scaled_dot_product_attention(X, X, X, mask=causal_mask(5))
    assert np.all(weights[np.triu_indices(5, k=1)] == 0.0)
    np.testing.assert_allclose(weights.sum(axis=-1), np.ones(5))
    for i in range(5):  # masking = attention over the visible prefix only
        expected, _ = scaled_dot_product_attention(X[i : i + 1], X[: i + 1], X[: i + 1])
        np.testing.assert_allclose(output[i], expected[0])


def test_padding_mask_ignores_the_padded_keys(rng):
    Q, K, V = rng.normal(size=(3, 4)), rng.normal(size=(6, 4)), rng.normal(size=(6, 2))
    output, weights = scaled_dot_product_attention(Q, K, V, mask=padding_mask(4, 6))
    expected, _ = scaled_dot_product_attention(Q, K[:4], V[:4])
    np.testing.assert_allclose(output, expected)
    assert np.all(weights[:, 4:] == 0.0)


def test_a_query_with_every_key_masked_raises(rng):
    X = rng.normal(size=(3, 4))
    mask = np.ones((3, 3), dtype=bool)
    mask[1] = False
    with pytest.raises(ValueError, match="hides every key"):
        scaled_dot_product_attention(X, X, X, mask=mask)


# --- multi-head attention --------------------------------------------------------------


def test_split_heads_gives_each_head_its_slice_and_merge_heads_undoes_it(rng):
    X = rng.normal(size=(5, 12))
    H = split_heads(X, 3)
    assert H.shape == (3, 5, 4)
    for h in range(3):
        np.testing.assert_array_equal(H[h], X[:, 4 * h : 4 * h + 4])
    np.testing.assert_array_equal(merge_heads(H), X)


def test_split_heads_rejects_a_width_not_divisible_by_heads(rng):
    with pytest.raises(ValueError, match="not divisible"):
        split_heads(rng.normal(size=(5, 10)), 3)


def test_init_multi_head_gives_four_square_projections_of_scale_one_over_sqrt_d(rng):
    params = init_multi_head(64, 4, rng)
    assert sorted(params) == ["W_k", "W_o", "W_q", "W_v"]
    for W in params.values():
        assert W.shape == (64, 64)
        assert W.std() == pytest.approx(1 / 8, rel=0.05)


def test_one_head_with_identity_projections_is_plain_attention(rng):
    X_q, X_kv = rng.normal(size=(3, 4)), rng.normal(size=(5, 4))
    identity = {name: np.eye(4) for name in ("W_q", "W_k", "W_v", "W_o")}
    output, weights = multi_head_attention(X_q, X_kv, identity, heads=1)
    expected_output, expected_weights = scaled_dot_product_attention(X_q, X_kv, X_kv)
    np.testing.assert_allclose(output, expected_output)
    np.testing.assert_allclose(weights[0], expected_weights)


def test_each_head_attends_with_its_own_slice_of_the_projections(rng):
    d_model, heads, d_head = 8, 2, 4
    X_q, X_kv = rng.normal(size=(3, d_model)), rng.normal(size=(5, d_model))
    params = init_multi_head(d_model, heads, rng)
    mask = np.array([True, True, True, False, True])
    output, weights = multi_head_attention(X_q, X_kv, params, heads, mask=mask)
    assert output.shape == (3, d_model) and weights.shape == (heads, 3, 5)
    head_outputs = []
    for h in range(heads):
        columns = slice(h * d_head, (h + 1) * d_head)
        Q = X_q @ params["W_q"][:, columns]
        K = X_kv @ params["W_k"][:, columns]
        V = X_kv @ params["W_v"][:, columns]
        head_output, head_weights = scaled_dot_product_attention(Q, K, V, mask=mask)
        np.testing.assert_allclose(weights[h], head_weights)
        head_outputs.append(head_output)
    np.testing.assert_allclose(output, np.concatenate(head_outputs, axis=1) @ params["W_o"])


# --- positions -------------------------------------------------------------------------


@pytest.mark.parametrize("d_model", [6, 7])
def test_sinusoidal_encoding_matches_the_formula_element_by_element(d_model):
    encoding = sinusoidal_encoding(10, d_model, base=100.0)
    for pos in range(10):
        for column in range(d_model):
            i = column // 2
            angle = pos / 100.0 ** (2 * i / d_model)
            expected = math.sin(angle) if column % 2 == 0 else math.cos(angle)
            assert encoding[pos, column] == pytest.approx(expected, abs=1e-12)


# --- training --------------------------------------------------------------------------


def test_mse_and_its_gradient_match_the_definition_and_finite_differences(rng):
    prediction, target = rng.normal(size=(2, 3)), rng.normal(size=(2, 3))
    loss, gradient = mse(prediction, target)
    assert loss == pytest.approx(
        sum((p - t) ** 2 for p, t in zip(prediction.flat, target.flat)) / 6
    )
    eps = 1e-6
    for index in np.ndindex(prediction.shape):
        bumped = prediction.copy()
        bumped[index] += eps
        assert gradient[index] == pytest.approx((mse(bumped, target)[0] - loss) / eps, rel=1e-4)


def _finite_difference(layer, X, Y, mask, W, eps=1e-6):
    numeric = np.zeros_like(W)
    for index in np.ndindex(W.shape):
        original = W[index]
        W[index] = original + eps
        plus = mse(layer.forward(X, mask), Y)[0]
        W[index] = original - eps
        minus = mse(layer.forward(X, mask), Y)[0]
        W[index] = original
        numeric[index] = (plus - minus) / (2 * eps)
    return numeric


@pytest.mark.parametrize("masked", [False, True], ids=["no mask", "causal mask"])
def test_tiny_attention_gradients_match_central_finite_differences(rng, masked):
    X, Y = rng.normal(size=(2, 4, 5)), rng.normal(size=(2, 4, 3))
    mask = causal_mask(4) if masked else None
    layer = TinyAttention(d_in=5, d_k=3, d_v=3, rng=rng)
    _, d_prediction = mse(layer.forward(X, mask), Y)
    grads = layer.backward(d_prediction)
    assert sorted(grads) == ["W_k", "W_q", "W_v"]
    for name, W in layer.parameters().items():
        numeric = _finite_difference(layer, X, Y, mask, W)
        np.testing.assert_allclose(grads[name], numeric, rtol=1e-5, atol=1e-9)


def test_tiny_attention_forward_is_scaled_dot_product_attention_of_the_projections(rng):
    X = rng.normal(size=(2, 4, 5))
    layer = TinyAttention(d_in=5, d_k=3, d_v=2, rng=rng)
    output = layer.forward(X)
    assert output.shape == (2, 4, 2) and layer.weights.shape == (2, 4, 4)
    for b in range(2):
        scores = (X[b] @ layer.W_q) @ (X[b] @ layer.W_k).T / math.sqrt(3)
        weights = np.exp(scores) / np.exp(scores).sum(axis=1, keepdims=True)
        np.testing.assert_allclose(output[b], weights @ X[b] @ layer.W_v)


def test_step_moves_every_parameter_against_its_gradient(rng):
    layer = TinyAttention(d_in=3, d_k=2, d_v=2, rng=rng)
    before = {name: W.copy() for name, W in layer.parameters().items()}
    grads = {name: rng.normal(size=W.shape) for name, W in before.items()}
    layer.step(grads, lr=0.1)
    for name, W in layer.parameters().items():
        np.testing.assert_allclose(W, before[name] - 0.1 * grads[name])


def test_previous_token_task_targets_the_previous_content(rng):
    X, Y = previous_token_task(rng, n_sequences=3, length=5, d_content=2)
    assert X.shape == (3, 5, 7) and Y.shape == (3, 5, 2)
    for s in range(3):
        for i in range(5):
            assert X[s, i, 2:].tolist() == [float(p == i) for p in range(5)]
            np.testing.assert_array_equal(Y[s, i], X[s, max(i - 1, 0), :2])


@pytest.mark.parametrize("masked", [False, True], ids=["no mask", "causal mask"])
def test_training_learns_to_attend_to_the_previous_position(rng, masked):
    X, Y = previous_token_task(rng)
    mask = causal_mask(X.shape[1]) if masked else None
    layer = TinyAttention(X.shape[-1], 4, Y.shape[-1], rng)
    losses = train(layer, X, Y, mask=mask)
    assert len(losses) == 300
    assert losses[-1] < losses[0] / 100
    mean_weights = layer.weights.mean(axis=0)
    previous = [mean_weights[0, 0]] + [mean_weights[i, i - 1] for i in range(1, X.shape[1])]
    assert min(previous) > 0.8


# --- plots -----------------------------------------------------------------------------


def test_use_style_is_idempotent_and_sets_a_white_background():
    plots.use_style()
    once = dict(matplotlib.rcParams)
    plots.use_style()
    assert dict(matplotlib.rcParams) == once
    assert matplotlib.rcParams["figure.facecolor"] == "white"
    assert matplotlib.rcParams["axes.spines.top"] is False


def test_new_figure_returns_the_requested_grid_of_axes():
    fig, ax = plots.new_figure()
    assert len(fig.axes) == 1 and ax is fig.axes[0]
    fig, axes = plots.new_figure(ncols=3, nrows=2)
    assert axes.shape == (2, 3)


def test_heatmap_labels_tokens_and_annotates_every_cell():
    weights = softmax(np.arange(12.0).reshape(3, 4))
    ax = plots.heatmap(weights, rows=["a", "b", "c"], columns=["w", "x", "y", "z"], title="t")
    assert len(ax.images) == 1 and len(ax.texts) == 12
    assert [t.get_text() for t in ax.get_yticklabels()] == ["a", "b", "c"]
    assert [t.get_text() for t in ax.get_xticklabels()] == ["w", "x", "y", "z"]
    assert ax.texts[0].get_text() == f"{weights[0, 0]:.2f}"
    assert ax.get_title() == "t"


def test_heatmap_text_contrasts_with_the_cell():
    ax = plots.heatmap(np.array([[0.0, 1.0]]))
    light_cell, dark_cell = ax.texts
    assert matplotlib.colors.to_hex(light_cell.get_color()) == plots.TEXT
    assert matplotlib.colors.to_hex(dark_cell.get_color()) == plots.LIGHT_TEXT


def test_heatmap_leaves_masked_cells_blank_and_hatched(rng):
    X = rng.normal(size=(4, 3))
    scores = np.where(causal_mask(4), scaled_dot_scores(X, X), -np.inf)
    ax = plots.heatmap(scores, vmin=None, colorbar=True)
    assert len(ax.texts) == 10  # the 4 * 5 / 2 visible cells
    assert len([p for p in ax.patches if p.get_hatch()]) == 6
    assert len(ax.figure.axes) == 2  # the heatmap and its colour bar


def test_heatmaps_draws_one_panel_per_matrix_on_a_shared_scale(rng):
    matrices = softmax(rng.normal(size=(3, 4, 4)))
    fig = plots.heatmaps(matrices, ["h0", "h1", "h2"], ncols=2, annotate=False)
    images = [image for ax in fig.axes for image in ax.images]
    assert len(images) == 3
    assert {image.get_clim() for image in images} == {(0.0, matrices.max())}
    assert [ax.get_title() for ax in fig.axes if ax.get_visible()] == ["h0", "h1", "h2"]


def test_bar_weights_draws_and_labels_one_bar_per_position():
    ax = plots.bar_weights([0.1, 0.6, 0.3], ["a", "b", "c"], title="q")
    assert len(ax.patches) == 3 and len(ax.texts) == 3
    assert [t.get_text() for t in ax.get_xticklabels()] == ["a", "b", "c"]
