"""``python -m sknn``: the quick start, with its command line."""

import re
import subprocess
import sys

import pytest

from sknn import SigmoidMLPClassifier, SigmoidMLPRegressor
from sknn.quickstart import main, models, parse_args


def _run(*args):
    return subprocess.run(
        [sys.executable, "-m", *args], capture_output=True, text=True, timeout=120
    )


@pytest.mark.parametrize("module", ["sknn", "sknn.quickstart"])
def test_help(module):
    result = _run(module, "--help")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("usage: python -m sknn")
    for option in ["--dataset {digits,breast_cancer,diabetes}", "--max-iter N"]:
        assert option in result.stdout


def test_bad_options_exit_with_usage():
    result = _run("sknn", "--dataset", "iris")
    assert result.returncode == 2
    assert "invalid choice: 'iris'" in result.stderr
    with pytest.raises(SystemExit):
        parse_args(["--max-iter", "0"])


def test_python_m_sknn_runs_the_quick_start():
    result = _run("sknn", "--dataset", "breast_cancer", "--max-iter", "3")
    assert result.returncode == 0, result.stderr
    assert "breast_cancer: 426 training and 143 held-out" in result.stdout
    assert "sknn.SigmoidMLPClassifier" in result.stdout
    # The warnings come after the table, not in its middle: none on stdout.
    assert "Warning" not in result.stdout
    assert "sknn.SigmoidMLPClassifier: ConvergenceWarning: " in result.stderr


@pytest.mark.parametrize(
    "dataset, score, sknn_name",
    [
        ("digits", "accuracy", "sknn.SigmoidMLPClassifier"),
        ("breast_cancer", "accuracy", "sknn.SigmoidMLPClassifier"),
        ("diabetes", "R²", "sknn.SigmoidMLPRegressor"),
    ],
)
def test_each_dataset(capsys, dataset, score, sknn_name):
    main(["--dataset", dataset, "--max-iter", "2"])
    output = capsys.readouterr()
    lines = output.out.splitlines()
    assert lines[0].startswith(f"{dataset}: ")
    header = lines[2].split()
    assert header[1] == score
    rows = {line.split()[0]: line.split() for line in lines[3:]}
    assert set(rows) == {sknn_name, "sklearn"}
    # Both models ran the 2 epochs they were allowed, and scored a number.
    assert [row[-1] for row in rows.values()] == ["2", "2"]
    for row in rows.values():
        assert re.fullmatch(r"-?\d+\.\d{4}", row[-3])
    # Both stopped at max_iter while improving: both say so, alike, after the table.
    warned = output.err.splitlines()
    assert warned[:2] == ["", "warnings:"]
    assert [line.split(":")[0].strip() for line in warned[2:]] == [
        sknn_name, f"sklearn {'MLPClassifier' if score == 'accuracy' else 'MLPRegressor'}(logistic, sgd)"
    ]
    assert all(": ConvergenceWarning: " in line for line in warned[2:])


def test_both_models_share_the_hyperparameters():
    (_, ours), (_, theirs) = models("regression", max_iter=7, random_state=3)
    ours, theirs = ours[-1], theirs.regressor[-1]  # sknn scales y itself (target_std)
    assert isinstance(ours, SigmoidMLPRegressor)
    assert (theirs.activation, theirs.solver) == ("logistic", "sgd")
    for name in ["hidden_layer_sizes", "momentum", "batch_size", "learning_rate"]:
        assert getattr(theirs, name) == getattr(ours, name)
    assert ours.learning_rate_init == "auto"  # scikit-learn keeps its own η
    assert ours.max_iter == theirs.max_iter == 7 and theirs.random_state == 3
    (_, classifier), _ = models("classification")
    assert isinstance(classifier[-1], SigmoidMLPClassifier)
    assert classifier[-1].max_iter == SigmoidMLPClassifier().max_iter
