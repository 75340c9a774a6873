"""Chunked per-token log-probs equal the naive full-logits computation."""

from __future__ import annotations

import pytest

torch = pytest.importorskip("torch")
transformers = pytest.importorskip("transformers")

from rlvr.trainers.logprobs import token_logprobs  # noqa: E402


@pytest.mark.parametrize("chunk_size", [1, 3, 7, 1024])
def test_chunked_log_probs_match_the_full_logits(chunk_size, random_llama):
    model = random_llama().eval()
    input_ids = torch.randint(0, 50, (3, 9), generator=torch.Generator().manual_seed(1))
    attention_mask = torch.ones_like(input_ids)
    attention_mask[2, :3] = 0  # left padding
    with torch.no_grad():
        full = model(input_ids=input_ids, attention_mask=attention_mask).logits[:, :-1].float()
        log_probs = torch.log_softmax(full, -1)
        expected = log_probs.gather(2, input_ids[:, 1:].unsqueeze(2)).squeeze(2)
        entropy = -(log_probs.exp() * log_probs).sum(-1)
        got, got_entropy = token_logprobs(
            model, input_ids, attention_mask, chunk_size=chunk_size, with_entropy=True
        )
    assert got.shape == (3, 8)
    torch.testing.assert_close(got, expected, atol=1e-5, rtol=1e-5)
    torch.testing.assert_close(got_entropy, entropy, atol=1e-5, rtol=1e-5)


def test_gradients_flow_and_chunk_size_is_checked(random_llama):
    model = random_llama().eval().train()
    input_ids = torch.randint(0, 50, (2, 6))
    logprobs, entropy = token_logprobs(model, input_ids, torch.ones_like(input_ids), chunk_size=4)
    assert entropy is None
    logprobs.sum().backward()
    assert model.get_output_embeddings().weight.grad.abs().sum() > 0
    with pytest.raises(ValueError, match="chunk_size"):
        token_logprobs(model, input_ids, torch.ones_like(input_ids), chunk_size=0)


@pytest.mark.parametrize("start", [0, 1, 5, 7])
def test_start_skips_leading_positions_only(start, random_llama):
    model = random_llama().eval()
    input_ids = torch.randint(0, 50, (2, 9), generator=torch.Generator().manual_seed(2))
    mask = torch.ones_like(input_ids)
    with torch.no_grad():
        full, full_entropy = token_logprobs(model, input_ids, mask, with_entropy=True)
        tail, tail_entropy = token_logprobs(model, input_ids, mask, with_entropy=True, start=start)
    assert tail.shape == (2, 8 - start)
    assert torch.allclose(tail, full[:, start:], atol=1e-6)
    assert torch.allclose(tail_entropy, full_entropy[:, start:], atol=1e-6)


@pytest.mark.parametrize("start", [-1, 8])
def test_start_out_of_range_is_an_error(start, random_llama):
    ids = torch.zeros((1, 9), dtype=torch.long)
    with pytest.raises(ValueError, match="start"):
        token_logprobs(random_llama().eval(), ids, torch.ones_like(ids), start=start)
