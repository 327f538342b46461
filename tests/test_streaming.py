"""PartialFitStream: a loop of partial_fit calls as one task for the callbacks."""

import re

import numpy as np
import pytest
from numpy.testing import assert_allclose
from sklearn.datasets import load_iris
from sklearn.preprocessing import MinMaxScaler

import sknn._callbacks
import sknn.streaming
from sknn import SigmoidMLPClassifier
from sknn.streaming import PartialFitStream

needs_callbacks = pytest.mark.skipif(
    not sknn._callbacks.CALLBACKS_SUPPORTED, reason="sklearn.callback needs scikit-learn >= 1.9"
)


class Recorder:
    """A FitCallback that writes down each hook, with the path of task names to it."""

    def __init__(self):
        self.events = []

    def setup(self, estimator, context):
        self.events.append(("setup", context.task_name))

    def teardown(self, estimator, context):
        self.events.append(("teardown", context.task_name))

    def on_fit_task_begin(self, estimator, context, *, X=None, y=None):
        self.events.append(("begin", self._path(context)))

    def on_fit_task_end(self, estimator, context, *, X=None, y=None):
        self.events.append(("end", self._path(context)))
        return False

    @staticmethod
    def _path(context):
        names = []
        while context is not None:
            names.append(context.task_name)
            context = context.parent
        return "/".join(reversed(names))


@pytest.fixture(scope="module")
def chunks():
    X, y = load_iris(return_X_y=True)
    X = MinMaxScaler().fit_transform(X)
    order = np.random.RandomState(0).permutation(len(X))
    return [(X[rows], y[rows]) for rows in np.array_split(order, 5)]


def _model():
    return SigmoidMLPClassifier(hidden_layer_sizes=(5,), random_state=0)


def _stream(model, chunks, passes=1, **params):
    with PartialFitStream(model, **params) as stream:
        for _ in range(passes):
            for X, y in chunks:
                stream.partial_fit(X, y, classes=[0, 1, 2])
    return stream


def test_the_stream_trains_as_the_plain_loop(chunks):
    reference = _model()
    for _ in range(2):
        for X, y in chunks:
            reference.partial_fit(X, y, classes=[0, 1, 2])
    model = _model()
    stream = _stream(model, chunks, passes=2, n_chunks=10)
    assert stream.n_chunks_seen_ == 10 and model.t_ == reference.t_ == 300
    assert_allclose(model.coefs_[0], reference.coefs_[0])
    assert model.loss_curve_ == reference.loss_curve_


@needs_callbacks
@pytest.mark.parametrize("n_chunks", [5, None])
def test_the_stream_is_one_task_with_a_subtask_per_chunk(chunks, n_chunks):
    callback = Recorder()
    model = _model()
    with PartialFitStream(model, n_chunks=n_chunks).set_callbacks(callback) as stream:
        for X, y in chunks:
            stream.partial_fit(X, y, classes=[0, 1, 2])
        assert stream._task.max_subtasks == n_chunks
    assert callback.events == (
        [("setup", "stream"), ("begin", "stream")]
        + [("begin", "stream/partial_fit"), ("end", "stream/partial_fit")] * 5
        + [("end", "stream"), ("teardown", "stream")]
    )
    assert not hasattr(stream, "_callback_fit_ctx")


@needs_callbacks
def test_the_estimator_s_tasks_hang_under_the_chunks(chunks):
    # A callback set on the estimator itself sees its fit merged into the chunk task.
    callback = Recorder()
    model = _model().set_callbacks(callback)
    _stream(model, chunks[:2])
    ends = [path for hook, path in callback.events if hook == "end"]
    # The chunk's task and the estimator's fit are one node, named by the estimator.
    assert ends == ["stream/fit/epoch", "stream/fit"] * 2
    assert model._skl_callbacks == [callback]  # nothing left behind


@needs_callbacks
def test_progress_bar_over_the_whole_stream(chunks, capsys):
    pytest.importorskip("rich")
    from sklearn.callback import ProgressBar

    for n_chunks in [10, None]:
        stream = PartialFitStream(_model(), n_chunks=n_chunks)
        stream.set_callbacks(ProgressBar(max_propagation_depth=0))
        with stream:
            for _ in range(2):
                for X, y in chunks:
                    stream.partial_fit(X, y, classes=[0, 1, 2])
        out = capsys.readouterr().out
        bars = [line for line in out.splitlines() if "━" in line]
        assert len(bars) == 1 and re.search(r"PartialFitStream - stream .*100%", bars[0])
    # With the default depth, each chunk's fit also gets its own bar, under the stream's.
    stream = PartialFitStream(_model(), n_chunks=5).set_callbacks(ProgressBar())
    with stream:
        for X, y in chunks:
            stream.partial_fit(X, y, classes=[0, 1, 2])
    bars = [line for line in capsys.readouterr().out.splitlines() if "━" in line]
    assert "PartialFitStream - stream" in bars[0]
    assert sum("SigmoidMLPClassifier - fit" in bar for bar in bars[1:]) == 5


@needs_callbacks
def test_a_failing_chunk_still_tears_the_callbacks_down(chunks):
    callback = Recorder()
    stream = PartialFitStream(_model()).set_callbacks(callback)
    with pytest.raises(ValueError, match="classes must be passed"):
        with stream:
            stream.partial_fit(*chunks[0])  # no classes on the first call
    assert callback.events[-1] == ("teardown", "stream")
    assert ("end", "stream") not in callback.events


def test_misuse_is_refused(chunks):
    X, y = chunks[0]
    with pytest.raises(RuntimeError, match="as a context manager"):
        PartialFitStream(_model()).partial_fit(X, y, classes=[0, 1, 2])
    with pytest.raises(ValueError, match="n_chunks=2 and has had them all"):
        _stream(_model(), chunks[:3], n_chunks=2)
    with pytest.raises(ValueError, match="n_chunks must be a positive int"):
        _stream(_model(), chunks, n_chunks=0)
    with pytest.raises(TypeError, match="needs an estimator with partial_fit"):
        with PartialFitStream(object()):
            pass


def test_without_callbacks_support_the_stream_still_trains(chunks, monkeypatch):
    # scikit-learn < 1.9: the chunks are forwarded, nothing reports.
    monkeypatch.setattr(sknn.streaming, "CALLBACKS_SUPPORTED", False)
    reference = _model()
    for X, y in chunks:
        reference.partial_fit(X, y, classes=[0, 1, 2])
    model = _model()
    assert _stream(model, chunks).n_chunks_seen_ == 5
    assert_allclose(model.coefs_[0], reference.coefs_[0])
