"""The GRPO config: presets, validation and YAML files."""

from __future__ import annotations

from pathlib import Path

import pytest

from rlvr.trainers.config import PRESETS, GRPOConfig


def test_presets_fill_in_the_algorithm_and_fields_override_them():
    dapo = GRPOConfig(model="m", env="math/arithmetic-v0", preset="dapo")
    assert (dapo.eps_low, dapo.eps_high, dapo.aggregation) == (0.2, 0.28, "token")
    assert dapo.filter_zero_variance and dapo.mask_truncated
    dr = GRPOConfig(model="m", env="math/arithmetic-v0", preset="dr-grpo", beta=0.05)
    assert (dr.advantage_scale, dr.aggregation, dr.beta) == ("none", "constant", 0.05)
    r1 = GRPOConfig(model="m", env="math/arithmetic-v0", preset="r1-zero")
    assert "<think>" in r1.system_prompt and r1.format_weight == 0.1
    assert set(PRESETS) == {"grpo", "dr-grpo", "dapo", "r1-zero"}


@pytest.mark.parametrize(
    ("fields", "match"),
    [
        ({}, "exactly one of env and suite"),
        ({"env": "a/b-v0", "suite": "math"}, "exactly one of env and suite"),
        ({"suite": "math", "env_kwargs": {"difficulty": 2}}, "env_kwargs apply to env"),
        ({"env": "a/b-v0", "eps_low": 0.3, "eps_high": 0.2}, "eps_high"),
        ({"env": "a/b-v0", "group_size": 1}, "group_size"),
        ({"env": "a/b-v0", "preset": "ppo"}, "preset"),
        ({"env": "a/b-v0", "learnin_rate": 1e-5}, "learnin_rate"),
    ],
)
def test_bad_configs_name_the_problem(fields, match):
    with pytest.raises(ValueError, match=match):
        GRPOConfig(model="m", **fields)


def test_yaml_files_load_and_errors_name_the_file(tmp_path):
    good = tmp_path / "run.yaml"
    good.write_text(
        "preset: dapo\nmodel: smollm2\nenv: math/arithmetic-v0\n"
        "env_kwargs: {difficulty: 2}\nsteps: 40\nlora: {r: 8}\n"
    )
    config = GRPOConfig.from_yaml(good)
    assert config.steps == 40 and config.lora.r == 8 and config.eps_high == 0.28
    bad = tmp_path / "bad.yaml"
    bad.write_text("model: m\nenv: math/arithmetic-v0\nsteps: -3\n")
    with pytest.raises(ValueError, match=r"(?s)bad\.yaml.*steps"):
        GRPOConfig.from_yaml(bad)
    broken = tmp_path / "broken.yaml"
    broken.write_text("model: [unclosed\n")
    with pytest.raises(ValueError, match=r"broken\.yaml is not valid YAML"):
        GRPOConfig.from_yaml(broken)
    with pytest.raises(ValueError, match="cannot read"):
        GRPOConfig.from_yaml(tmp_path / "missing.yaml")


def test_every_field_is_documented():
    undocumented = [n for n, f in GRPOConfig.model_fields.items() if not f.description]
    assert undocumented == []


@pytest.mark.parametrize("path", sorted((Path(__file__).parents[2] / "configs").glob("*.yaml")))
def test_shipped_configs_are_valid_and_their_suites_resolve(path: Path) -> None:
    from rlvr.trainers.data import held_out_suite, training_suite

    config = GRPOConfig.from_yaml(path)
    training = training_suite(config)
    held_out = held_out_suite(config, training)
    assert training.envs and held_out.envs
    assert {e.id for e in training.envs} & {e.id for e in held_out.envs}


def test_the_package_exports_the_public_api_lazily(run_python) -> None:
    out = run_python(
        "import sys, rlvr.trainers as t\n"
        "print('torch' in sys.modules, t.GRPOConfig.__name__, 'torch' in sys.modules)\n"
        "print(t.GRPOTrainer.__name__)\n"
    )
    assert out.split() == ["False", "GRPOConfig", "False", "GRPOTrainer"]


def test_rlvr_train_command_line(tmp_path: Path, capsys) -> None:
    from rlvr.cli.main import main

    assert main(["train", "--fields"]) == 0
    assert "group_size" in capsys.readouterr().out
    assert main(["train"]) == 2
    assert "give a config file" in capsys.readouterr().err
    bad = tmp_path / "bad.yaml"
    bad.write_text("model: tiny\nenv: math/arithmetic-v0\nstepz: 3\n")
    assert main(["train", str(bad)]) == 2
    err = capsys.readouterr().err
    assert "bad.yaml" in err and "stepz" in err
    assert main(["train", str(tmp_path / "missing.yaml")]) == 2
    assert "cannot read" in capsys.readouterr().err
    good = tmp_path / "good.yaml"
    good.write_text("model: tiny\nenv: math/arithmetic-v0\n")
    assert main(["train", str(good), "--set", "group_size=1"]) == 2
    assert "group_size" in capsys.readouterr().err


def test_learning_rate_schedules() -> None:
    from rlvr.trainers.schedule import learning_rate_factor

    def factors(schedule: str) -> list[float]:
        return [
            round(learning_rate_factor(d, warmup=2, total=6, schedule=schedule), 4)
            for d in range(7)
        ]

    assert factors("constant") == [0.5, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0]
    assert factors("linear") == [0.5, 1.0, 1.0, 0.75, 0.5, 0.25, 0.0]
    assert factors("cosine") == [0.5, 1.0, 1.0, 0.8536, 0.5, 0.1464, 0.0]
