"""`snippets/` against independent computations."""

import math

import numpy as np
import pytest

from snippets.attention import softmax


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
