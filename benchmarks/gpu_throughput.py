"""GPU throughput of generation and of a GRPO training step, against their hardware bounds.

A randomly initialised Qwen2ForCausalLM of Qwen2.5-0.5B's shape, in bf16 on the GPU (nothing is
downloaded):

  generation  ``--batch`` prompts of 128 tokens, 256 new tokens each (no token ends a row), with
              rlvr's static-cache sampler compiled, as one CUDA graph per decode step
              (``graphs="step"``) and as one per block of 8 steps (``graphs="block"``; with
              ``--autotune`` also with tuned matrix products), eager, and with
              ``model.generate`` (eager) for comparison. Bound: batch * bandwidth / bytes read
              per decode step, the bytes being the parameters plus the mean KV cache over the
              run; goal >= 50% of it. Each compiled sampler's greedy tokens are compared with
              the first's (a broken recording would not agree). ``--profile`` prints the
              kernels of the fastest one.
  training    forward + backward of token_logprobs + grpo_loss on 16 x 512 tokens, then an AdamW
              step. Bound: the peak FLOP rate over 6 * params + 12 * layers * hidden * seq FLOPs
              per token (MFU).

Compilation (the first sampler call: dynamo, inductor, CUDA-graph recording) is timed apart and
excluded from the throughput. Without a CUDA GPU it prints a line and exits 0; ``--dry-run``
runs a tiny model on the CPU to check the script end to end (compiled by inductor for the CPU;
the block sampler reports that it needs CUDA).

    python benchmarks/gpu_throughput.py [--batch 64] [--bandwidth-tbps 3.0] [--peak-tflops 800]
        [--top-p 1.0] [--gradient-checkpointing] [--autotune] [--profile] [--json OUT]
    python benchmarks/gpu_throughput.py --dry-run
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path
from typing import Any

QWEN25_05B = {
    "hidden_size": 896,
    "num_hidden_layers": 24,
    "num_attention_heads": 14,
    "num_key_value_heads": 2,
    "intermediate_size": 4864,
    "vocab_size": 151936,
    "tie_word_embeddings": True,
    "rope_theta": 1e6,
    "max_position_embeddings": 32768,
    "rms_norm_eps": 1e-6,
}
TINY = {**QWEN25_05B, "hidden_size": 64, "num_hidden_layers": 2, "num_attention_heads": 4}
TINY.update(intermediate_size=128, vocab_size=512, max_position_embeddings=1024)


def build_model(shape: dict[str, Any], device: Any, dtype: Any) -> Any:
    import torch
    import transformers

    config = transformers.Qwen2Config(**shape)
    torch.manual_seed(0)
    with torch.device(device):
        model = transformers.Qwen2ForCausalLM(config)
    model.generation_config.eos_token_id = None  # nothing ends a row early
    return model.to(dtype).eval()


def timed(fn: Any, sync: Any) -> float:
    sync()
    start = time.perf_counter()
    fn()
    sync()
    return time.perf_counter() - start


def compiled_variants(args: argparse.Namespace) -> dict[str, dict[str, Any]]:
    """The compiled samplers to measure: name -> sample_tokens options."""
    from rlvr.policies.decoding import CHECK_EVERY

    variants = {
        "compiled, graph per step": {"compile": True, "graphs": "step"},
        f"compiled, graph per {CHECK_EVERY} steps": {"compile": True, "graphs": "block"},
    }
    if args.autotune:
        variants[f"autotuned, graph per {CHECK_EVERY} steps"] = {
            "compile": True,
            "graphs": "block",
            "autotune": True,
        }
    return variants


def generation(model: Any, args: argparse.Namespace, device: Any, sync: Any) -> dict[str, Any]:
    import torch

    from rlvr.policies.decoding import CACHE_STEP, sample_tokens

    generator = torch.Generator(device=device).manual_seed(0)
    vocab = model.config.vocab_size
    prompts = torch.randint(1, vocab, (args.batch, args.prompt), generator=generator, device=device)
    prompts = prompts.tolist()

    def sample(options: dict[str, Any], new: int = args.new, temperature: float = 1.0) -> Any:
        return sample_tokens(
            model,
            prompts,
            max_new_tokens=new,
            temperature=temperature,
            top_p=args.top_p,
            eos_ids=set(),
            pad_id=0,
            generator=generator,
            **options,
        )

    def sampler(options: dict[str, Any]) -> Any:
        def run() -> None:
            rows = sample(options)
            assert all(len(row) == args.new for row in rows)

        return run

    def generate() -> None:
        with torch.inference_mode():
            model.generate(
                input_ids=torch.tensor(prompts, device=device),
                attention_mask=torch.ones(args.batch, args.prompt, device=device),
                do_sample=True,
                temperature=1.0,
                top_p=args.top_p,
                top_k=0,
                max_new_tokens=args.new,
                eos_token_id=None,
                pad_token_id=0,
            )

    seconds: dict[str, float] = {}
    result: dict[str, Any] = {"compile_errors": {}, "compile_seconds": {}, "greedy_agreement": {}}
    compiled = compiled_variants(args) if device.type == "cuda" or args.dry_run else {}
    if device.type == "cuda":
        torch._logging.set_logs(recompiles=True, perf_hints=True)  # says why graphs are skipped
    reference: list[list[int]] | None = None
    for name, options in compiled.items():
        try:  # the first call compiles and records the CUDA graphs
            first = timed(sampler(options), sync)
            timed(sampler(options), sync)
            seconds[name] = min(timed(sampler(options), sync) for _ in range(args.repeats))
            result["compile_seconds"][name] = first - seconds[name]
            greedy = sample(options, new=min(args.new, 64), temperature=0.0)
            reference = reference or greedy
            same = sum(row == expected for row, expected in zip(greedy, reference, strict=True))
            result["greedy_agreement"][name] = same / len(greedy)
        except Exception as error:  # still measure the rest
            result["compile_errors"][name] = f"{type(error).__name__}: {error}"[:2000]
            print(f"{name} failed: {result['compile_errors'][name]}")
    if compiled:
        counters = torch._dynamo.utils.counters
        result["dynamo_unique_graphs"] = counters["stats"].get("unique_graphs", 0)
        result["cudagraph_skips"] = counters["inductor"].get("cudagraph_skips", 0)
    eager = sampler({})
    timed(eager, sync)
    seconds["static cache, eager"] = min(timed(eager, sync) for _ in range(args.repeats))
    warm_up = torch.tensor(prompts, device=device)[:, :8]
    timed(lambda: model.generate(input_ids=warm_up, max_new_tokens=4, pad_token_id=0), sync)
    seconds["model.generate, eager"] = timed(generate, sync)
    if args.profile and seconds:
        fastest = min((name for name in compiled if name in seconds), key=seconds.get, default=None)
        options = compiled.get(fastest, {}) if fastest else {}
        result["profile"] = {"variant": fastest or "eager", "table": profile(sampler(options))}

    config = model.config
    head_dim = getattr(config, "head_dim", None) or config.hidden_size // config.num_attention_heads
    element = next(model.parameters()).element_size()
    kv_per_token = 2 * config.num_hidden_layers * config.num_key_value_heads * head_dim * element
    parameter_bytes = sum(p.numel() * p.element_size() for p in model.parameters())
    mean_kv = args.batch * (args.prompt + (args.new - 1) / 2) * kv_per_token
    bound = args.batch * args.bandwidth_tbps * 1e12 / (parameter_bytes + mean_kv)
    rows = 1 << (args.batch - 1).bit_length()  # the sampler's batch bucket
    cache_length = -(-(args.prompt + args.new) // CACHE_STEP) * CACHE_STEP
    static_bytes = parameter_bytes + rows * cache_length * kv_per_token
    tokens = args.batch * args.new
    result.update(
        batch=args.batch,
        prompt_tokens=args.prompt,
        new_tokens=args.new,
        top_p=args.top_p,
        parameter_bytes=parameter_bytes,
        mean_kv_cache_bytes=mean_kv,
        bytes_per_decode_step=parameter_bytes + mean_kv,
        bound_tokens_per_s=bound,
        static_cache_bytes_per_step=static_bytes,
        static_cache_bound_tokens_per_s=args.batch * args.bandwidth_tbps * 1e12 / static_bytes,
        runs={
            name: {
                "seconds": value,
                "tokens_per_s": tokens / value,
                "share_of_bound": tokens / value / bound,
            }
            for name, value in seconds.items()
        },
    )
    return result


def profile(run: Any) -> str:
    """The kernels of one ``run`` by GPU time (the table of torch.profiler), after a first run
    under the profiler (which may recompile: dynamo guards on the profiler's state)."""
    import torch
    from torch.profiler import ProfilerActivity

    activities = [ProfilerActivity.CPU]
    if torch.cuda.is_available():
        activities.append(ProfilerActivity.CUDA)
    schedule = torch.profiler.schedule(wait=0, warmup=1, active=1, repeat=1)
    with torch.profiler.profile(activities=activities, schedule=schedule) as profiler:
        for _ in range(2):
            run()
            profiler.step()
    sort = "cuda_time_total" if torch.cuda.is_available() else "cpu_time_total"
    return profiler.key_averages().table(sort_by=sort, row_limit=25, max_name_column_width=60)


def training(model: Any, args: argparse.Namespace, device: Any, sync: Any) -> dict[str, Any]:
    import torch

    from rlvr.trainers.logprobs import token_logprobs
    from rlvr.trainers.loss import grpo_loss

    batch, seq = args.train_batch, args.train_seq
    generator = torch.Generator(device=device).manual_seed(1)
    vocab = model.config.vocab_size
    ids = torch.randint(1, vocab, (batch, seq), generator=generator, device=device)
    attention = torch.ones_like(ids)
    mask = torch.ones(batch, seq - 1, device=device)
    advantages = torch.randn(batch, generator=generator, device=device)
    model.train()
    if args.gradient_checkpointing:
        model.gradient_checkpointing_enable(gradient_checkpointing_kwargs={"use_reentrant": False})
    model.config.use_cache = False
    optimizer = torch.optim.AdamW(model.parameters(), lr=1e-6, fused=device.type == "cuda")

    def step() -> None:
        logprobs, _ = token_logprobs(model, ids, attention)
        loss, _ = grpo_loss(logprobs, logprobs.detach(), advantages, mask)
        loss.backward()
        optimizer.step()
        optimizer.zero_grad(set_to_none=True)

    for _ in range(2):
        step()
    seconds = timed(lambda: [step() for _ in range(args.train_steps)], sync) / args.train_steps
    config = model.config
    parameters = sum(p.numel() for p in model.parameters())
    flops_per_token = 6 * parameters + 12 * config.num_hidden_layers * config.hidden_size * seq
    tokens_per_s = batch * seq / seconds
    return {
        "batch": batch,
        "seq": seq,
        "gradient_checkpointing": args.gradient_checkpointing,
        "parameters": parameters,
        "flops_per_token": flops_per_token,
        "step_seconds": seconds,
        "tokens_per_s": tokens_per_s,
        "mfu": tokens_per_s * flops_per_token / (args.peak_tflops * 1e12),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--batch", type=int, default=64)
    parser.add_argument("--prompt", type=int, default=128)
    parser.add_argument("--new", type=int, default=256)
    parser.add_argument("--top-p", type=float, default=1.0)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--train-batch", type=int, default=16)
    parser.add_argument("--train-seq", type=int, default=512)
    parser.add_argument("--train-steps", type=int, default=5)
    parser.add_argument("--gradient-checkpointing", action="store_true")
    parser.add_argument(
        "--autotune", action="store_true", help="also a block sampler with tuned GEMMs (slow)"
    )
    parser.add_argument(
        "--profile", action="store_true", help="print the kernels of the fastest sampler"
    )
    parser.add_argument("--bandwidth-tbps", type=float, default=3.0)
    parser.add_argument("--peak-tflops", type=float, default=800.0)
    parser.add_argument("--json", type=Path, default=None, metavar="OUT")
    parser.add_argument("--dry-run", action="store_true", help="tiny model on the CPU")
    args = parser.parse_args()
    try:
        import torch
    except ImportError:
        print("no CUDA GPU here: nothing to measure (torch is not installed)")
        return
    if args.dry_run:
        device, dtype, shape, name = torch.device("cpu"), torch.float32, TINY, "CPU (dry run)"
        args.batch, args.prompt, args.new, args.repeats = 4, 16, 16, 1
        args.train_batch, args.train_seq, args.train_steps = 2, 32, 1
        sync = lambda: None  # noqa: E731
    elif not torch.cuda.is_available():
        print("no CUDA GPU here: nothing to measure (use --dry-run for a CPU check of the script)")
        return
    else:
        device, dtype, shape = torch.device("cuda"), torch.bfloat16, QWEN25_05B
        name, sync = torch.cuda.get_device_name(), torch.cuda.synchronize
    model = build_model(shape, device, dtype)
    gen = generation(model, args, device, sync)
    train = training(model, args, device, sync)
    memory = torch.cuda.max_memory_allocated() / 2**30 if device.type == "cuda" else 0.0
    print(f"{name}; {gen['parameter_bytes'] / 1e6:.1f} MB of parameters ({dtype})")
    print(
        f"generation: batch {gen['batch']}, {gen['prompt_tokens']} + {gen['new_tokens']} tokens,"
        f" top_p {gen['top_p']}; bound {gen['bound_tokens_per_s']:.0f} tokens/s"
        f" ({args.bandwidth_tbps} TB/s over {gen['bytes_per_decode_step'] / 1e6:.1f} MB/step)"
    )
    for run, row in gen["runs"].items():
        share = row["share_of_bound"]
        print(f"  {run:34} {row['tokens_per_s']:10.0f} tokens/s  {share:6.1%} of bound")
    slowest = gen["runs"]["model.generate, eager"]["seconds"]
    for run, row in gen["runs"].items():
        if run != "model.generate, eager":
            print(f"  ratio {run} / model.generate: {slowest / row['seconds']:.1f}x")
    for run, value in gen["compile_seconds"].items():
        agreement = gen["greedy_agreement"][run]
        print(
            f"  {run}: compile {value:.1f} s (excluded), greedy rows as the first: {agreement:.0%}"
        )
    if "profile" in gen:
        print(f"profile of {gen['profile']['variant']}:\n{gen['profile']['table']}")
    print(
        f"  the static cache reads all its slots: {gen['static_cache_bytes_per_step'] / 1e6:.1f}"
        f" MB/step, bound {gen['static_cache_bound_tokens_per_s']:.0f} tokens/s"
    )
    print(
        f"training: {train['batch']} x {train['seq']} tokens, forward+backward+AdamW, gradient"
        f" checkpointing {'on' if train['gradient_checkpointing'] else 'off'}:"
        f" {train['tokens_per_s']:.0f} tokens/s, {train['step_seconds'] * 1e3:.0f} ms/step,"
        f" MFU {train['mfu']:.1%} of {args.peak_tflops:.0f} TFLOP/s"
    )
    if memory:
        print(f"peak GPU memory {memory:.1f} GiB")
    if args.json is not None:
        result = {"device": name, "generation": gen, "training": train, "peak_memory_gib": memory}
        result["options"] = {k: str(v) if isinstance(v, Path) else v for k, v in vars(args).items()}
        args.json.write_text(json.dumps(result, indent=2) + "\n")


if __name__ == "__main__":
    main()
